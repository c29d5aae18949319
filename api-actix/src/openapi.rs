//! The OpenAPI 3.1 document, generated from the handlers' annotations, and the route serving it.

use std::fmt::Write as _;

use actix_web::{HttpResponse, web};
use bytes::Bytes;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
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

/// The security scheme of header mode, which every handler needing a caller names.
const USER_ID_SCHEME: &str = "user_id";

/// The security scheme of jwt mode.
const BEARER_SCHEME: &str = "bearer";

/// Adds what the derive cannot say: the identity schemes, the table of error codes, and the 429
/// that any rate-limited route may answer (the limiter runs before every handler).
struct Conventions;

impl Modify for Conventions {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            USER_ID_SCHEME,
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                USER_ID_HEADER,
                "Header mode (LIGHTBOX_AUTH=header, the default): the caller's id (1-128 chars of \
                 A-Z a-z 0-9 . _ @ : -), set by a trusted gateway. Ignored in jwt mode.",
            ))),
        );
        components.add_security_scheme(
            BEARER_SCHEME,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "Jwt mode (LIGHTBOX_AUTH=jwt): a JWT signed with the server's HS256 secret \
                         or its RS256/ES256 key; `exp` required, `nbf`, `iss` and `aud` checked; \
                         the caller is `sub` (the X-User-ID rule). A 401 carries \
                         `WWW-Authenticate: Bearer` (with `error=\"invalid_token\"` when a \
                         token was sent).",
                    ))
                    .build(),
            ),
        );
        accept_bearer_wherever_a_user_id_is(openapi);
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

/// What a jwt-mode 401 says in `WWW-Authenticate` (RFC 6750 §3).
const BEARER_CHALLENGE: &str = "Jwt mode: `Bearer` when no bearer token was sent; \
     `Bearer error=\"invalid_token\", error_description=\"…\"` when the token was refused. \
     Absent in header mode.";

/// Every operation that needs a caller names the `user_id` scheme; which scheme a server wants
/// depends on its auth mode, so each such operation accepts either, and its 401 documents the
/// bearer challenge. Done here rather than in each annotation so that no route can list one
/// scheme and forget the other.
fn accept_bearer_wherever_a_user_id_is(openapi: &mut utoipa::openapi::OpenApi) {
    let user_id = SecurityRequirement::new(USER_ID_SCHEME, Vec::<String>::new());
    for item in openapi.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.head,
            &mut item.patch,
        ];
        for operation in operations.into_iter().flatten() {
            if let Some(security) = &mut operation.security
                && security.contains(&user_id)
            {
                security.push(SecurityRequirement::new(
                    BEARER_SCHEME,
                    Vec::<String>::new(),
                ));
                if let Some(RefOr::T(unauthenticated)) =
                    operation.responses.responses.get_mut("401")
                {
                    unauthenticated.headers.insert(
                        "WWW-Authenticate".to_owned(),
                        HeaderBuilder::new()
                            .description(Some(BEARER_CHALLENGE))
                            .build(),
                    );
                }
            }
        }
    }
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

    /// Whichever auth mode a server runs, its document shows how to call it: every operation
    /// that needs a caller accepts the `X-User-ID` scheme or the bearer one, and its 401
    /// describes the bearer challenge.
    #[test]
    fn every_operation_needing_a_caller_accepts_either_scheme() {
        let document: serde_json::Value =
            serde_json::from_str(&pretty_document().unwrap()).unwrap();
        let schemes = &document["components"]["securitySchemes"];
        assert_eq!(schemes[USER_ID_SCHEME]["type"], "apiKey");
        assert_eq!(schemes[USER_ID_SCHEME]["name"], USER_ID_HEADER);
        assert_eq!(schemes[BEARER_SCHEME]["type"], "http");
        assert_eq!(schemes[BEARER_SCHEME]["scheme"], "bearer");
        assert_eq!(schemes[BEARER_SCHEME]["bearerFormat"], "JWT");

        let mut protected = 0;
        for (path, item) in document["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                let Some(security) = operation["security"].as_array() else {
                    continue;
                };
                protected += 1;
                let names: Vec<&str> = security
                    .iter()
                    .flat_map(|requirement| requirement.as_object().unwrap().keys())
                    .map(String::as_str)
                    .collect();
                assert_eq!(names, [USER_ID_SCHEME, BEARER_SCHEME], "{method} {path}");
                let unauthenticated = &operation["responses"]["401"];
                if !unauthenticated.is_null() {
                    assert!(
                        unauthenticated["headers"]["WWW-Authenticate"].is_object(),
                        "{method} {path}: the 401 documents WWW-Authenticate"
                    );
                }
            }
        }
        assert!(protected >= 10, "only {protected} operations need a caller");
    }
}
