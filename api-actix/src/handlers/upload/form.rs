//! Reading an upload's `multipart/form-data` body part by part: the file is staged as it streams
//! by (whether it comes before or after the text parts), text parts are collected with a bound,
//! unknown parts are drained, and the whole body is held to a size limit.

use std::cell::Cell;
use std::rc::Rc;

use actix_multipart::{Field, Multipart, MultipartError};
use actix_web::error::PayloadError;
use actix_web::http::header::{self, HeaderMap};
use actix_web::mime;
use actix_web::web;
use futures::StreamExt;
use lightbox_domain::filename::OriginalFilename;
use lightbox_ports::ImageService;
use lightbox_ports::use_cases::{StagedUpload, UploadError};

use super::fields::TextFields;
use super::staging::stage_file;
use crate::abuse::deadline_passed;
use crate::problem::{ApiError, ErrorCode, too_large};

/// Largest text part: far above any valid field, low enough that collecting it costs nothing.
const MAX_TEXT_PART_BYTES: usize = 64 * 1024;

/// Most parts a form may have; a real upload has a handful.
const MAX_PARTS: usize = 100;

/// Longest multipart boundary (RFC 2046 §5.1.1).
const MAX_BOUNDARY_CHARS: usize = 70;

/// The staged file and its sanitized name.
#[derive(Debug)]
pub struct ReceivedFile {
    /// The stored, checked bytes.
    pub staged: StagedUpload,
    /// The client's file name, sanitized.
    pub filename: Option<OriginalFilename>,
}

/// What the body held, filled in as it is read. Kept by the caller so that, if reading fails
/// after the file was staged, the caller can discard it.
#[derive(Debug, Default)]
pub struct ReceivedForm {
    /// The file, once staged.
    pub file: Option<ReceivedFile>,
    /// The text parts.
    pub fields: TextFields,
}

/// The limits a body is read under.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimits {
    /// Largest file (the use case enforces it while staging; named here for the 413 detail).
    pub max_file_bytes: u64,
    /// Largest whole body: the file plus an allowance for parts and text.
    pub max_body_bytes: u64,
}

/// Reads the whole form into `received`.
///
/// # Errors
/// `400 bad_request` for a body that is not multipart, malformed or truncated, two `file`
/// parts, or too many parts; `400 invalid_field` for an oversized or non-UTF-8 text part; `413`
/// over the limits; the use case's errors while staging the file.
pub async fn receive_form(
    service: &ImageService,
    headers: &HeaderMap,
    payload: web::Payload,
    limits: BodyLimits,
    received: &mut ReceivedForm,
) -> Result<(), ApiError> {
    if !boundary_is_usable(headers) {
        return Err(bad_request(format!(
            "the multipart boundary must be 1 to {MAX_BOUNDARY_CHARS} characters"
        )));
    }
    let overflowed = Rc::new(Cell::new(false));
    let body = limited(payload, limits.max_body_bytes, Rc::clone(&overflowed));
    let mut multipart = Multipart::new(headers, body);
    let failed = |error: MultipartError| body_error(&error, overflowed.get(), limits);
    let mut parts = 0;
    while let Some(part) = multipart.next().await {
        let mut field = part.map_err(failed)?;
        parts += 1;
        if parts > MAX_PARTS {
            return Err(bad_request(format!(
                "the form has more than {MAX_PARTS} parts"
            )));
        }
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            if received.file.is_some() {
                return Err(bad_request(
                    "the form has more than one file part".to_owned(),
                ));
            }
            let filename = filename(&field);
            let staged = stage_file(service, field)
                .await
                .map_err(|error| match error {
                    UploadError::BadBody(_) if overflowed.get() => too_large(limits.max_file_bytes),
                    other => ApiError::from(other),
                })?;
            received.file = Some(ReceivedFile { staged, filename });
        } else if TextFields::wants(&name) {
            let value = read_text(&mut field, &name)
                .await
                .map_err(|error| match error {
                    TextError::Body(error) => failed(error),
                    TextError::Invalid(api) => api,
                })?;
            received.fields.accept(&name, value);
        } else {
            // Unknown parts are ignored, but read, so the parts after them can be.
            while let Some(chunk) = field.next().await {
                chunk.map_err(failed)?;
            }
        }
    }
    Ok(())
}

/// The body, failing once it grows past `limit` and noting that it did, so that the failure can
/// be answered as 413 rather than as a malformed body.
fn limited(
    payload: web::Payload,
    limit: u64,
    overflowed: Rc<Cell<bool>>,
) -> impl futures::Stream<Item = Result<bytes::Bytes, PayloadError>> + 'static {
    let mut seen: u64 = 0;
    payload.map(move |item| {
        let chunk = item?;
        seen = seen.saturating_add(chunk.len() as u64);
        if seen > limit {
            overflowed.set(true);
            return Err(PayloadError::Overflow);
        }
        Ok(chunk)
    })
}

/// Whether the declared boundary, if any, is one RFC 2046 allows. An empty one would make every
/// `--` in the body a delimiter; the multipart parser accepts it, so it is refused here. Other
/// problems with the `Content-Type` are left for the parser to report.
fn boundary_is_usable(headers: &HeaderMap) -> bool {
    let declared = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|text| text.parse::<mime::Mime>().ok());
    let boundary = declared.as_ref().and_then(|m| m.get_param(mime::BOUNDARY));
    boundary.is_none_or(|b| (1..=MAX_BOUNDARY_CHARS).contains(&b.as_str().chars().count()))
}

/// The client's file name: the RFC 8187 `filename*` when given, else `filename`; sanitized.
fn filename(field: &Field) -> Option<OriginalFilename> {
    let disposition = field.content_disposition()?;
    let extended = disposition
        .get_filename_ext()
        .map(|value| String::from_utf8_lossy(&value.value).into_owned());
    let raw = extended.or_else(|| disposition.get_filename().map(str::to_owned))?;
    OriginalFilename::sanitize(&raw)
}

enum TextError {
    Body(MultipartError),
    Invalid(ApiError),
}

async fn read_text(field: &mut Field, name: &str) -> Result<String, TextError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.next().await {
        let chunk = chunk.map_err(TextError::Body)?;
        if bytes.len() + chunk.len() > MAX_TEXT_PART_BYTES {
            return Err(TextError::Invalid(ApiError::new(
                ErrorCode::InvalidField,
                format!("{name} is longer than {} KiB", MAX_TEXT_PART_BYTES / 1024),
            )));
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).map_err(|_| {
        TextError::Invalid(ApiError::new(
            ErrorCode::InvalidField,
            format!("{name} is not valid UTF-8"),
        ))
    })
}

fn body_error(error: &MultipartError, overflowed: bool, limits: BodyLimits) -> ApiError {
    if overflowed {
        return too_large(limits.max_file_bytes);
    }
    match error {
        MultipartError::ContentTypeMissing
        | MultipartError::ContentTypeParse
        | MultipartError::ContentTypeIncompatible
        | MultipartError::BoundaryMissing => {
            bad_request("the body must be multipart/form-data with a boundary".to_owned())
        }
        other => bad_request(describe_body_error(other)),
    }
}

/// What went wrong with the body, in words: a passed deadline says so, since the client may
/// not know its connection was too slow; anything else is a malformed or truncated body.
pub(super) fn describe_body_error(error: &MultipartError) -> String {
    match error {
        MultipartError::Payload(payload) => deadline_passed(payload)
            .unwrap_or_else(|| format!("the multipart body is malformed or truncated: {payload}")),
        other => format!("the multipart body is malformed or truncated: {other}"),
    }
}

fn bad_request(detail: String) -> ApiError {
    ApiError::new(ErrorCode::BadRequest, detail)
}
