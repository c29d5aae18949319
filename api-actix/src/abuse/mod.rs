//! Abuse resistance at the edge of the app: request rates per caller or address, a bound on
//! the request head, and deadlines on slow bodies. Each is a middleware that runs before
//! routing and answers with an [`ApiError`](crate::problem::ApiError) problem.

mod body_deadline;
mod header_limit;
mod rate_key;
mod rate_limit;

use actix_web::http::header::{self, HeaderMap};

pub use body_deadline::{BodyDeadlines, deadline_passed, limit_body_time};
pub use header_limit::limit_request_head;
pub use rate_limit::{RateLimiter, UNLIMITED_PATHS, limit_rate};

/// Whether the request says a body follows its head, which an early answer leaves unread (the
/// connection must then close rather than read it as the next request).
fn announces_body(headers: &HeaderMap) -> bool {
    let length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|text| text.trim().parse::<u64>().ok());
    headers.contains_key(header::TRANSFER_ENCODING) || length.is_some_and(|length| length > 0)
}
