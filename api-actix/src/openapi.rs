//! The OpenAPI 3.1 document, generated from the handlers' annotations, and the route serving it.

use std::fmt::Write as _;

use actix_web::{HttpResponse, web};
use bytes::Bytes;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::openapi::{Content, Object, Ref, RefOr, Response, ResponseBuilder, Type};
use utoipa::{Modify, OpenApi};

use crate::abuse::UNLIMITED_PATHS;
use crate::extract::USER_ID_HEADER;
use crate::handlers::{delete, health, image_bytes, list, me, metadata, thumbnail, update, upload};
use crate::problem::{ErrorCode, PROBLEM_JSON, Problem};

/// The API's description, generated from the handlers.
#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "lightbox",
        description = "Image storage: upload, list, serve and manage images.\n\n\
            Every 4xx/5xx answer is `application/problem+json` (RFC 9457) with a stable `code`."
    ),
    paths(
        upload::upload_image,
        upload::upload_image_alias,
        list::list_images,
        image_bytes::image_bytes,
        image_bytes::signed_content,
        thumbnail::thumbnail,
        metadata::image_metadata,
        update::update_image,
        delete::delete_image,
        me::me,
        health::health,
        health::ready,
    ),
    components(schemas(Problem)),
    modifiers(&Conventions),
    tags(
        (name = "images", description = "Upload, list, read, change and delete images"),
        (name = "account", description = "The caller's usage and limits"),
        (name = "operations", description = "Liveness and readiness probes"),
    )
)]
pub struct ApiDoc;

/// Adds what the derive cannot say: the identity scheme, the table of error codes, and the 429
/// that any rate-limited route may answer (the limiter runs before every handler).
struct Conventions;

impl Modify for Conventions {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "user_id",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                USER_ID_HEADER,
                "The caller's id (1-128 chars of A-Z a-z 0-9 . _ @ : -), set by a trusted gateway",
            ))),
        );
        let mut table = String::from("\n\n| status | code |\n|---|---|\n");
        for code in ErrorCode::ALL {
            let _ = writeln!(
                table,
                "| {} | `{}` |",
                code.status().as_u16(),
                code.as_str()
            );
        }
        let description = openapi.info.description.get_or_insert_with(String::new);
        description.push_str(&table);
        let components = openapi.components.get_or_insert_with(Default::default);
        components
            .responses
            .insert(RATE_LIMITED.to_owned(), RefOr::T(rate_limited_response()));
        for (path, item) in &mut openapi.paths.paths {
            if UNLIMITED_PATHS.contains(&path.as_str()) {
                continue;
            }
            let operations = [
                &mut item.get,
                &mut item.head,
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ];
            for operation in operations.into_iter().flatten() {
                add_rate_limited(operation);
            }
        }
    }
}

/// The name under `components/responses` of the 429 every limited operation refers to.
const RATE_LIMITED: &str = "RateLimited";

/// `429 rate_limited` with its `Retry-After`.
fn rate_limited_response() -> Response {
    let retry_after = HeaderBuilder::new()
        .schema(Object::with_type(Type::Integer))
        .description(Some(
            "Whole seconds to wait before a request can succeed (at least 1)",
        ))
        .build();
    ResponseBuilder::new()
        .description(
            "`rate_limited`: the caller (or, without one, the client address) is over \
             `LIGHTBOX_RATE_LIMIT_RPS`",
        )
        .header("Retry-After", retry_after)
        .content(
            PROBLEM_JSON,
            Content::new(Some(Ref::from_schema_name("Problem"))),
        )
        .build()
}

/// Lists the 429 among one operation's answers.
fn add_rate_limited(operation: &mut Operation) {
    let reference = Ref::new(format!("#/components/responses/{RATE_LIMITED}"));
    operation
        .responses
        .responses
        .entry("429".to_owned())
        .or_insert(RefOr::Ref(reference));
}

/// The document, rendered once at start-up; cloning it shares the bytes.
#[derive(Debug, Clone)]
pub struct OpenApiJson(pub Bytes);

impl OpenApiJson {
    /// Renders the document (pretty-printed, as `docs/openapi.json` holds it).
    ///
    /// # Errors
    /// A serialization failure (a bug in the annotations).
    pub fn render() -> Result<Self, serde_json::Error> {
        Ok(Self(Bytes::from(pretty_document()?)))
    }
}

/// The document as pretty-printed JSON, ending in a newline: what `lightbox openapi` prints and
/// `docs/openapi.json` holds for tools that import a file (Postman, Insomnia, code generators).
///
/// # Errors
/// A serialization failure (a bug in the annotations).
pub fn pretty_document() -> Result<String, serde_json::Error> {
    let mut text = ApiDoc::openapi().to_pretty_json()?;
    text.push('\n');
    Ok(text)
}

/// `GET /api/v1/openapi.json`.
pub async fn openapi_json(document: web::Data<OpenApiJson>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(document.0.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed file is what clients import without running the server: it must be the
    /// document the server serves. Regenerate it with `cargo run -q -- openapi > docs/openapi.json`.
    #[test]
    fn the_committed_document_is_the_served_one() {
        let committed = include_str!("../../docs/openapi.json");
        let generated = pretty_document().unwrap();
        assert!(
            committed == generated,
            "docs/openapi.json is stale: run `cargo run -q -- openapi > docs/openapi.json`"
        );
    }
}
