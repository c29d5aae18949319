//! A handler that panics is answered `500 internal_error` instead of a dropped connection.
//!
//! actix runs each connection as its own task, so a panic in a handler kills that task only: the
//! server lives on, but the client sees its connection close with no answer at all, and nothing
//! is logged beyond the panic message. This middleware catches the panic, logs it, and answers
//! with the contract's problem, naming no cause.
//!
//! The answer travels as an `Err` through the outer middlewares (the request does not survive
//! the panic, so no `ServiceResponse` can be built here), and actix renders it; the request id
//! and security headers that those middlewares add to ordinary answers are missing from it.

use std::panic::AssertUnwindSafe;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use futures::FutureExt;

use crate::problem::{ApiError, ErrorCode};

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
    // Unwind safety: the request's state dies with the panic, and the shared state a handler
    // reaches (the service, its ports) is built to stay consistent when a caller disappears
    // mid-operation, as it does when a client disconnects.
    match AssertUnwindSafe(next.call(request)).catch_unwind().await {
        Ok(result) => result.map(ServiceResponse::map_into_boxed_body),
        Err(panic) => {
            let message = panic_message(panic.as_ref());
            tracing::error!(%method, %path, panic = %message, "a request handler panicked");
            Err(ApiError::new(
                ErrorCode::InternalError,
                "the server failed while handling this request",
            )
            .into())
        }
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
