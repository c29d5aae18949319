//! The request id: taken from a sane incoming `X-Request-Id` (so a gateway's id follows the
//! request through) or made fresh, kept for the request span, and echoed on every response.

use std::time::Instant;

use actix_web::HttpMessage;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;

/// The header that carries the id both ways.
pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// Longest incoming id accepted; longer ones are replaced, so logs stay readable.
const MAX_INCOMING_LEN: usize = 128;

/// The id of the request being served, and when it began.
#[derive(Debug, Clone)]
pub struct RequestIdentifier {
    /// The id.
    pub id: String,
    /// When the request reached the app.
    pub started: Instant,
}

/// Middleware (outermost): assigns the id, then sets it on the response.
///
/// # Errors
/// None of its own; inner errors pass through. (Handlers and extractors never get here with an
/// error: actix turns theirs into responses, which do carry the id.)
pub async fn request_id(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let id = incoming(&request).unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
    request.extensions_mut().insert(RequestIdentifier {
        id: id.clone(),
        started: Instant::now(),
    });
    // The request must not be cloned before routing: actix needs it uniquely owned to record
    // the matched path.
    let mut response = next.call(request).await?.map_into_boxed_body();
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    Ok(response)
}

/// An incoming id made only of characters that are safe in logs and headers.
fn incoming(request: &ServiceRequest) -> Option<String> {
    let text = request
        .headers()
        .get(REQUEST_ID_HEADER)?
        .to_str()
        .ok()?
        .trim();
    let sane = !text.is_empty()
        && text.len() <= MAX_INCOMING_LEN
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:@/+=".contains(&b));
    sane.then(|| text.to_owned())
}
