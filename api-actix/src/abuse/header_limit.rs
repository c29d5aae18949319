//! A bound on the request head (request line and header fields): a request carrying more than
//! any client needs is refused with a problem before anything else looks at it.
//!
//! actix itself refuses heads over 128 KiB or with more than 96 fields, but below the app, with
//! a bare 431 and no problem body; this lower bound answers everything between with a proper
//! 400 `bad_request`.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::HeaderMap;
use actix_web::middleware::Next;

use super::announces_body;
use crate::problem::{ApiError, ErrorCode, human_size};

/// Largest request head: far above any real request (a long JWT is a few KiB), and small enough
/// that parsing what a handler reads from it costs nothing.
pub const MAX_REQUEST_HEAD_BYTES: usize = 32 * 1024;

/// Middleware: 400 `bad_request` for a head over [`MAX_REQUEST_HEAD_BYTES`].
///
/// # Errors
/// None of its own; inner errors pass through.
pub async fn limit_request_head<B: MessageBody + 'static>(
    request: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    let line = request.method().as_str().len() + request.uri().to_string().len();
    if line + header_bytes(request.headers()) <= MAX_REQUEST_HEAD_BYTES {
        return Ok(next.call(request).await?.map_into_left_body());
    }
    let mut error = ApiError::new(
        ErrorCode::BadRequest,
        format!(
            "the request line and headers are larger than {}",
            human_size(MAX_REQUEST_HEAD_BYTES as u64)
        ),
    );
    if announces_body(request.headers()) {
        error = error.closing_connection();
    }
    Ok(request.error_response(error).map_into_right_body())
}

/// The header fields' size as sent: `name: value\r\n` each.
fn header_bytes(headers: &HeaderMap) -> usize {
    headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum()
}
