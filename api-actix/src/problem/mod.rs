//! Every error answer of the API: one error type, [`ApiError`], rendered as RFC 9457
//! `application/problem+json` with the contract's stable `code`.
//!
//! Architecture invariant: handlers and extractors fail only with [`ApiError`]; use-case errors
//! become one in `from_use_cases` (the single mapping), and responses made by actix itself are
//! rewritten by `catch_all`. A 5xx carries its cause for the log, never in the body.

mod catch_all;
mod codes;
mod from_use_cases;
mod human_size;

#[cfg(test)]
mod tests;

use std::fmt;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

pub use catch_all::error_responses;
pub use codes::ErrorCode;
pub(crate) use from_use_cases::{quota_exceeded, too_large};
pub use human_size::human_size;

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Seconds a client should wait before retrying a 503 or 429.
const RETRY_AFTER_SECONDS: u32 = 5;

/// Any cause kept for the log.
type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

/// An RFC 9457 problem document, as every 4xx and 5xx body is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, ToSchema)]
#[schema(example = json!({
    "type": "about:blank",
    "title": "Payload Too Large",
    "status": 413,
    "detail": "the file is larger than the limit of 10 MiB",
    "code": "file_too_large"
}))]
pub struct Problem {
    /// Always `about:blank`: the `code` member identifies the problem.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// The status's reason phrase.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// A sentence for humans.
    pub detail: String,
    /// The stable machine-readable code (see the error table).
    pub code: String,
}

/// A refused or failed request, on its way to becoming a problem response.
#[derive(Debug)]
pub struct ApiError {
    code: ErrorCode,
    status: StatusCode,
    detail: String,
    headers: Vec<(HeaderName, HeaderValue)>,
    close_connection: bool,
    cause: Option<Cause>,
}

impl ApiError {
    /// An error with its code's status and a sentence for the client.
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Self {
        Self {
            code,
            status: code.status(),
            detail: detail.into(),
            headers: Vec::new(),
            close_connection: false,
            cause: None,
        }
    }

    /// Keeps the underlying cause for the log (only 5xx causes are logged).
    pub fn with_cause(mut self, cause: impl Into<Cause>) -> Self {
        self.cause = Some(cause.into());
        self
    }

    /// Adds a response header (`Allow`, `Content-Range`, ...).
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }

    /// Closes the connection after answering: used when the answer comes before the request
    /// body was read, so that the client's remaining bytes are not read for nothing.
    pub fn closing_connection(mut self) -> Self {
        self.close_connection = true;
        self
    }

    /// Overrides the status, for bare statuses made outside the handlers.
    fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The sentence for the client.
    pub fn detail(&self) -> &str {
        &self.detail
    }

    /// The problem document this error is sent as.
    pub fn problem(&self) -> Problem {
        Problem {
            problem_type: "about:blank".to_owned(),
            title: self.status.canonical_reason().unwrap_or("Error").to_owned(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            code: self.code.as_str().to_owned(),
        }
    }

    /// `404 not_found` with the contract's wording.
    pub fn not_found() -> Self {
        Self::new(
            ErrorCode::NotFound,
            "no image with this id exists, or you may not see it",
        )
    }

    /// `429 rate_limited`, with `Retry-After` in whole seconds (at least 1, rounded up, so that a
    /// client waiting that long finds a token back).
    pub fn rate_limited(wait: std::time::Duration) -> Self {
        let whole = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        let seconds = whole.max(1);
        let plural = if seconds == 1 { "" } else { "s" };
        Self::new(
            ErrorCode::RateLimited,
            format!("too many requests; try again in {seconds} second{plural}"),
        )
        .with_header(header::RETRY_AFTER, HeaderValue::from(seconds))
    }

    /// `405 method_not_allowed` listing the methods the resource answers.
    pub fn method_not_allowed(allowed: &[&str]) -> Self {
        let list = allowed.join(", ");
        let error = Self::new(
            ErrorCode::MethodNotAllowed,
            format!("this resource answers {list} only"),
        );
        match HeaderValue::from_str(&list) {
            Ok(value) => error.with_header(header::ALLOW, value),
            Err(_) => error,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.detail, self.code.as_str())
    }
}

impl std::error::Error for ApiError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.cause
            .as_deref()
            .map(|cause| cause as &(dyn std::error::Error + 'static))
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut builder = HttpResponse::build(self.status);
        builder.content_type(PROBLEM_JSON);
        for (name, value) in &self.headers {
            builder.insert_header((name.clone(), value.clone()));
        }
        let retryable = matches!(
            self.code,
            ErrorCode::BackendUnavailable | ErrorCode::RateLimited
        );
        if retryable
            && !self
                .headers
                .iter()
                .any(|(name, _)| name == header::RETRY_AFTER)
        {
            builder.insert_header((header::RETRY_AFTER, RETRY_AFTER_SECONDS));
        }
        if self.close_connection {
            builder.force_close();
        }
        // A problem document always serializes; the fallback keeps the status even if not.
        match serde_json::to_vec(&self.problem()) {
            Ok(body) => builder.body(body),
            Err(_) => builder.finish(),
        }
    }
}

/// Writes an error and its chain of causes on one line, for the log.
pub fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut next = error.source();
    while let Some(cause) = next {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        next = cause.source();
    }
    text
}
