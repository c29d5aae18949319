//! `/docs`: Swagger UI rendering the OpenAPI document. Its assets are compiled into the binary
//! (utoipa-swagger-ui's `vendored` feature) and its validator badge is off, so the page loads
//! nothing from the internet; its own content security policy lets it load those assets and
//! nothing else.

use std::sync::Arc;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use utoipa_swagger_ui::Config;

use crate::http::security_headers::DOCS_CONTENT_SECURITY_POLICY;
use crate::problem::{ApiError, ErrorCode};

/// The Swagger UI configuration, shared by every request.
#[derive(Clone)]
pub struct DocsConfig(pub Arc<Config<'static>>);

impl std::fmt::Debug for DocsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DocsConfig")
    }
}

impl DocsConfig {
    /// Swagger UI pointed at the served document.
    pub fn new() -> Self {
        // "none" turns off the badge that would send the document to an online validator.
        Self(Arc::new(
            Config::from("/api/v1/openapi.json").validator_url("none"),
        ))
    }
}

impl Default for DocsConfig {
    fn default() -> Self {
        Self::new()
    }
}

/// `GET /docs`: the page's assets are relative, so it lives at `/docs/`.
pub async fn docs_redirect() -> HttpResponse {
    HttpResponse::MovedPermanently()
        .insert_header((header::LOCATION, "/docs/"))
        .finish()
}

/// `GET /docs/{tail}`: the page and its assets.
pub async fn docs_asset(
    request: HttpRequest,
    config: web::Data<DocsConfig>,
) -> Result<HttpResponse, ApiError> {
    let tail = request.match_info().get("tail").unwrap_or_default();
    match utoipa_swagger_ui::serve(tail, Arc::clone(&config.0)) {
        Ok(Some(file)) => Ok(HttpResponse::Ok()
            .content_type(file.content_type)
            .insert_header((
                header::CONTENT_SECURITY_POLICY,
                DOCS_CONTENT_SECURITY_POLICY,
            ))
            .body(file.bytes.into_owned())),
        Ok(None) => Err(ApiError::new(
            ErrorCode::NotFound,
            "no documentation file at this path",
        )),
        Err(error) => Err(ApiError::new(
            ErrorCode::InternalError,
            "the documentation page could not be rendered",
        )
        .with_cause(error.to_string())),
    }
}
