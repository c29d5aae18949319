//! A handler that panics is answered `500 internal_error` instead of a dropped connection.
//!
//! actix runs each connection as its own task, so a panic in a handler kills that task only: the
//! server lives on, but the client sees its connection close with no answer at all, and nothing
//! is logged beyond the panic message. This middleware catches the panic, logs it, and answers
//! with the contract's problem, naming no cause.
//!
//! The answer travels as an `Err` through the outer middlewares (the request does not survive
//! the panic, so no `ServiceResponse` can be built here, and it cannot be cloned before routing),
//! and actix renders it at the end. Those middlewares pass an `Err` through untouched, so the
//! answer carries itself what they add to every other one: the request id, which an operator
//! needs to find the panic in the log, and the security headers.

use std::panic::AssertUnwindSafe;

use actix_web::HttpMessage;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use futures::FutureExt;

use crate::http::security_headers::SECURITY_HEADERS;
use crate::problem::{ApiError, ErrorCode};
use crate::telemetry::{REQUEST_ID_HEADER, RequestIdentifier};

/// Middleware answering a panicking request with `500 internal_error`.
///
/// # Errors
/// The inner service's errors, and [`ApiError`] `internal_error` when it panicked.
pub async fn answer_panics(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let method = request.method().clone();
    let path = request.path().to_owned();
    let request_id = request
        .extensions()
        .get::<RequestIdentifier>()
        .map(|identifier| identifier.id.clone());
    // Unwind safety: the request's state dies with the panic, and the shared state a handler
    // reaches (the service, its ports) is built to stay consistent when a caller disappears
    // mid-operation, as it does when a client disconnects.
    match AssertUnwindSafe(next.call(request)).catch_unwind().await {
        Ok(result) => result.map(ServiceResponse::map_into_boxed_body),
        Err(panic) => {
            let message = panic_message(panic.as_ref());
            tracing::error!(%method, %path, panic = %message, "a request handler panicked");
            let answer = ApiError::new(
                ErrorCode::InternalError,
                "the server failed while handling this request",
            );
            Err(with_edge_headers(answer, request_id.as_deref()).into())
        }
    }
}

/// `answer` with the headers the outer middlewares give every ordinary answer.
fn with_edge_headers(answer: ApiError, request_id: Option<&str>) -> ApiError {
    let answer = SECURITY_HEADERS
        .into_iter()
        .fold(answer, |answer, (name, value)| {
            answer.with_header(
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            )
        });
    match request_id.and_then(|id| HeaderValue::from_str(id).ok()) {
        Some(id) => answer.with_header(REQUEST_ID_HEADER, id),
        None => answer,
    }
}

/// The text a panic carries, when it is text.
fn panic_message(panic: &(dyn std::any::Any + Send)) -> &str {
    panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(not text)")
}
