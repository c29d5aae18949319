//! Serving an image's stored bytes: validators and caching headers, `304` for a matching
//! `If-None-Match`, one `Range` (`206`/`416`), and `HEAD` without opening the blob. The bytes
//! stream from the store with their exact length; nothing is buffered.

use std::convert::Infallible;
use std::time::SystemTime;

use actix_web::body::SizedStream;
use actix_web::http::header::{self, HeaderMap, HttpDate};
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder};
use bytes::Bytes;
use futures::{StreamExt, TryStreamExt, stream};
use lightbox_domain::image::ImageRecord;
use lightbox_domain::range::{ByteRange, RangeOutcome, RangeRequest};
use lightbox_domain::visibility::Visibility;
use lightbox_ports::ImageService;
use lightbox_ports::use_cases::ReadError;

use super::conditional::{if_none_match_matches, if_range_allows, not_modified_since};
use super::content_disposition::{Disposition, content_disposition};
use crate::problem::ApiError;

/// Served bytes are never run as a page: no scripts, no plugins, no same-origin access, even if a
/// browser is talked into rendering them as something other than an image.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; sandbox";

/// The validators and caching headers of an image's bytes.
struct Representation {
    etag_opaque: String,
    last_modified: String,
    modified: SystemTime,
    cache_control: &'static str,
}

impl Representation {
    fn of(image: &ImageRecord) -> Self {
        let modified = SystemTime::from(image.created_at);
        Self {
            etag_opaque: image.content.sha256.to_hex(),
            last_modified: HttpDate::from(modified).to_string(),
            modified,
            cache_control: match image.metadata.visibility {
                Visibility::Private => "private, max-age=3600",
                Visibility::Public => "public, max-age=86400",
            },
        }
    }

    fn etag(&self) -> String {
        format!("\"{}\"", self.etag_opaque)
    }

    fn validators(&self, builder: &mut HttpResponseBuilder) {
        builder
            .insert_header((header::ETAG, self.etag()))
            .insert_header((header::LAST_MODIFIED, self.last_modified.clone()))
            .insert_header((header::CACHE_CONTROL, self.cache_control));
    }
}

/// Answers a `GET` or `HEAD` for `image`'s bytes.
///
/// # Errors
/// `416` for a range outside the image; `404` when the bytes vanished meanwhile; storage errors.
pub async fn serve_bytes(
    service: &ImageService,
    request: &HttpRequest,
    image: &ImageRecord,
    disposition: Disposition,
) -> Result<HttpResponse, ApiError> {
    let representation = Representation::of(image);
    let headers = request.headers();
    // Conditions are checked before anything is opened, so a revalidation costs no read.
    if if_none_match_matches(headers, &representation.etag_opaque)
        || not_modified_since(headers, representation.modified)
    {
        let mut builder = HttpResponse::NotModified();
        representation.validators(&mut builder);
        return Ok(builder.finish());
    }
    let range = single_range(headers).filter(|_| {
        if_range_allows(
            headers,
            &representation.etag_opaque,
            &representation.last_modified,
        )
    });
    let name = image.original_filename.as_ref().map_or_else(
        || format!("{}.{}", image.id, image.content.format.extension()),
        |name| name.as_str().to_owned(),
    );
    let mut builder = HttpResponse::Ok();
    representation.validators(&mut builder);
    builder
        .content_type(image.content.format.mime_type())
        .insert_header((
            header::CONTENT_DISPOSITION,
            content_disposition(disposition, &name),
        ))
        .insert_header((header::ACCEPT_RANGES, "bytes"))
        .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY));
    let size = image.content.size_bytes;

    if request.method() == Method::HEAD {
        // The record knows everything a HEAD answers, so the blob is not opened at all.
        let served = match range.map(|request| request.resolve(size)) {
            None => None,
            Some(RangeOutcome::Partial(range)) => Some(range),
            Some(RangeOutcome::Unsatisfiable) => {
                return Err(ReadError::RangeNotSatisfiable { size }.into());
            }
        };
        set_range(&mut builder, served, size);
        let length = served.map_or(size, |range| range.len());
        let nothing = stream::empty::<Result<Bytes, Infallible>>();
        return Ok(builder.body(SizedStream::new(length, nothing)));
    }

    let opened = service.open_bytes(image, range).await?;
    set_range(&mut builder, opened.range, size);
    let id = image.id;
    let body = opened.content.stream.inspect_err(move |error| {
        // The status line is already sent; the client sees a truncated body and the log says why.
        tracing::error!(%id, error = %error, "reading stored bytes failed mid-response");
    });
    Ok(builder.body(SizedStream::new(opened.content.length, body.boxed())))
}

/// The one `Range` header, parsed; a repeated, malformed or multi-range header is ignored, which
/// means the whole body is served.
fn single_range(headers: &HeaderMap) -> Option<RangeRequest> {
    let mut values = headers.get_all(header::RANGE);
    let (Some(value), None) = (values.next(), values.next()) else {
        return None;
    };
    RangeRequest::parse(value.to_str().ok()?)
}

fn set_range(builder: &mut HttpResponseBuilder, range: Option<ByteRange>, size: u64) {
    if let Some(range) = range {
        builder.status(StatusCode::PARTIAL_CONTENT).insert_header((
            header::CONTENT_RANGE,
            format!("bytes {}-{}/{size}", range.start, range.end),
        ));
    }
}
