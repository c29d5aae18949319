//! Serving an image's stored bytes and its thumbnails: validators and caching headers, `304` for
//! a matching `If-None-Match`, one `Range` (`206`/`416`), and `HEAD`. Original bytes stream from
//! the store with their exact length (a `HEAD` does not even open the blob); a thumbnail is small
//! and already in memory, and is served from there. Both count the body bytes they send in the
//! `lightbox_served_bytes_total` metric.

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
use lightbox_domain::thumbnail::ThumbnailPreset;
use lightbox_domain::visibility::Visibility;
use lightbox_ports::use_cases::{ReadError, ThumbnailBytes};
use prometheus_client::metrics::counter::Counter;

use super::conditional::{if_none_match_matches, if_range_allows, not_modified_since};
use super::content_disposition::{Disposition, content_disposition};
use super::security_headers::IMAGE_CONTENT_SECURITY_POLICY;
use crate::problem::ApiError;
use crate::state::AppState;

/// The validators and caching headers of an image's bytes.
struct Representation {
    etag_opaque: String,
    last_modified: String,
    modified: SystemTime,
    cache_control: &'static str,
}

impl Representation {
    /// The validators of some bytes of `image` whose digest is `etag_opaque`: both the original
    /// and its thumbnails never change once made, so the upload time is their modification time.
    fn of(image: &ImageRecord, etag_opaque: String) -> Self {
        let modified = SystemTime::from(image.created_at);
        Self {
            etag_opaque,
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

    /// `304` when the request's conditions say the client's copy is current.
    fn not_modified(&self, headers: &HeaderMap) -> Option<HttpResponse> {
        if if_none_match_matches(headers, &self.etag_opaque)
            || not_modified_since(headers, self.modified)
        {
            let mut builder = HttpResponse::NotModified();
            self.validators(&mut builder);
            // A 304's headers replace the cached response's, so it repeats the bytes' policy
            // rather than letting the default one take its place.
            builder.insert_header((
                header::CONTENT_SECURITY_POLICY,
                IMAGE_CONTENT_SECURITY_POLICY,
            ));
            return Some(builder.finish());
        }
        None
    }

    /// The range asked for, when `If-Range` (if any) still names these bytes.
    fn range(&self, headers: &HeaderMap) -> Option<RangeRequest> {
        single_range(headers)
            .filter(|_| if_range_allows(headers, &self.etag_opaque, &self.last_modified))
    }

    /// A `200` with every header of the bytes but the length.
    fn ok(&self, mime: &str, disposition: Disposition, name: &str) -> HttpResponseBuilder {
        let mut builder = HttpResponse::Ok();
        self.validators(&mut builder);
        builder
            .content_type(mime)
            .insert_header((
                header::CONTENT_DISPOSITION,
                content_disposition(disposition, name),
            ))
            .insert_header((header::ACCEPT_RANGES, "bytes"))
            .insert_header((
                header::CONTENT_SECURITY_POLICY,
                IMAGE_CONTENT_SECURITY_POLICY,
            ));
        builder
    }
}

/// Answers a `GET` or `HEAD` for `image`'s bytes.
///
/// # Errors
/// `416` for a range outside the image; `404` when the bytes vanished meanwhile; storage errors.
pub async fn serve_bytes(
    state: &AppState,
    request: &HttpRequest,
    image: &ImageRecord,
    disposition: Disposition,
) -> Result<HttpResponse, ApiError> {
    let representation = Representation::of(image, image.content.sha256.to_hex());
    let headers = request.headers();
    // Conditions are checked before anything is opened, so a revalidation costs no read.
    if let Some(not_modified) = representation.not_modified(headers) {
        return Ok(not_modified);
    }
    let range = representation.range(headers);
    let name = image.original_filename.as_ref().map_or_else(
        || format!("{}.{}", image.id, image.content.format.extension()),
        |name| name.as_str().to_owned(),
    );
    let mut builder = representation.ok(image.content.format.mime_type(), disposition, &name);
    let size = image.content.size_bytes;

    if request.method() == Method::HEAD {
        // The record knows everything a HEAD answers, so the blob is not opened at all.
        let served = resolve(range, size)?;
        set_range(&mut builder, served, size);
        let length = served.map_or(size, |range| range.len());
        let nothing = stream::empty::<Result<Bytes, Infallible>>();
        return Ok(builder.body(SizedStream::new(length, nothing)));
    }

    let opened = state.service.open_bytes(image, range).await?;
    set_range(&mut builder, opened.range, size);
    let id = image.id;
    let served = state.metrics.bytes.served_original.clone();
    // Counted as each chunk is handed to the connection, so a download cut short counts only
    // what was sent.
    let body = opened
        .content
        .stream
        .inspect_ok(move |chunk| {
            served.inc_by(chunk.len() as u64);
        })
        .inspect_err(move |error| {
            // The status line is already sent; the client sees a truncated body and the log
            // says why.
            tracing::error!(%id, error = %error, "reading stored bytes failed mid-response");
        });
    Ok(builder.body(SizedStream::new(opened.content.length, body.boxed())))
}

/// Answers a `GET` or `HEAD` for a thumbnail (inline, named after the image and the preset).
///
/// # Errors
/// `416` for a range outside the thumbnail.
pub fn serve_thumbnail(
    request: &HttpRequest,
    thumbnail: ThumbnailBytes,
    preset: ThumbnailPreset,
    bytes_served: &Counter,
) -> Result<HttpResponse, ApiError> {
    let image = &thumbnail.image;
    let representation = Representation::of(image, thumbnail.sha256.to_hex());
    let headers = request.headers();
    if let Some(not_modified) = representation.not_modified(headers) {
        return Ok(not_modified);
    }
    let name = format!(
        "{}-{}.{}",
        image.id,
        preset.longest_side(),
        thumbnail.format.extension()
    );
    let mut builder = representation.ok(thumbnail.format.mime_type(), Disposition::Inline, &name);
    let size = thumbnail.bytes.len() as u64;
    let served = resolve(representation.range(headers), size)?;
    set_range(&mut builder, served, size);
    let body = match served {
        // A resolved range lies inside the bytes, whose length fits in memory.
        Some(range) => thumbnail.bytes.slice(
            usize::try_from(range.start).unwrap_or(0)..usize::try_from(range.end + 1).unwrap_or(0),
        ),
        None => thumbnail.bytes,
    };
    if request.method() == Method::HEAD {
        let nothing = stream::empty::<Result<Bytes, Infallible>>();
        return Ok(builder.body(SizedStream::new(body.len() as u64, nothing)));
    }
    // Small and whole in memory: counted when handed over rather than chunk by chunk.
    bytes_served.inc_by(body.len() as u64);
    Ok(builder.body(body))
}

/// The part of `size` bytes a range request asks for (`None`: all of them).
fn resolve(range: Option<RangeRequest>, size: u64) -> Result<Option<ByteRange>, ApiError> {
    match range.map(|request| request.resolve(size)) {
        None => Ok(None),
        Some(RangeOutcome::Partial(range)) => Ok(Some(range)),
        Some(RangeOutcome::Unsatisfiable) => Err(ReadError::RangeNotSatisfiable { size }.into()),
    }
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
