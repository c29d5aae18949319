//! The last word on every error response: logs the cause of each 5xx, and rewrites any error
//! that is not yet problem+json (made by actix or a library rather than by [`ApiError`]) into one,
//! so that no client ever sees a text/plain error body.

use actix_web::ResponseError;
use actix_web::body::EitherBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderMap};
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};

use super::{ApiError, ErrorCode, PROBLEM_JSON, error_chain};

/// Headers of a bare error response worth keeping when it is rewritten.
const KEPT_HEADERS: [header::HeaderName; 4] = [
    header::ALLOW,
    header::RETRY_AFTER,
    header::CONTENT_RANGE,
    header::WWW_AUTHENTICATE,
];

/// The middleware: wraps the whole app, inside the request span so that logs carry the
/// request id.
pub fn error_responses<B: 'static>() -> ErrorHandlers<B> {
    ErrorHandlers::new().default_handler(render)
}

fn render<B>(response: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let status = response.status();
    if status.is_server_error() {
        log_server_error(&response);
    }
    if is_problem(response.headers()) {
        return Ok(ErrorHandlerResponse::Response(
            response.map_into_left_body(),
        ));
    }
    let error =
        ApiError::new(ErrorCode::for_status(status), default_detail(status)).with_status(status);
    let (request, bare) = response.into_parts();
    let mut rewritten = error.error_response();
    for name in KEPT_HEADERS {
        if let Some(value) = bare.headers().get(&name) {
            rewritten.headers_mut().insert(name, value.clone());
        }
    }
    let rewritten = ServiceResponse::new(request, rewritten);
    Ok(ErrorHandlerResponse::Response(
        rewritten.map_body(|_, body| EitherBody::right(body)),
    ))
}

fn is_problem(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with(PROBLEM_JSON))
}

/// Logs a 5xx with its whole chain of causes: the one place server failures are written down,
/// since the client is told nothing about them.
fn log_server_error<B>(response: &ServiceResponse<B>) {
    let status = response.status().as_u16();
    match response.response().error() {
        Some(error) => match error.as_error::<ApiError>() {
            Some(api) => tracing::error!(
                status,
                code = api.code().as_str(),
                error.chain = %error_chain(api),
                "request failed"
            ),
            None => tracing::error!(status, error = %error, error.debug = ?error, "request failed"),
        },
        None => tracing::error!(status, "request failed without a recorded cause"),
    }
}

fn default_detail(status: StatusCode) -> String {
    match status {
        StatusCode::NOT_FOUND => "no resource lives at this path".to_owned(),
        StatusCode::PAYLOAD_TOO_LARGE => "the request body is too large".to_owned(),
        StatusCode::METHOD_NOT_ALLOWED => "this resource does not answer this method".to_owned(),
        status if status.is_server_error() => {
            "the server failed to answer this request; it has been logged".to_owned()
        }
        status => status
            .canonical_reason()
            .map_or_else(|| "the request was refused".to_owned(), str::to_lowercase),
    }
}
