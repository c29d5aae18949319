//! `PUT|PATCH /api/v1/images/{id}`: the owner changes metadata, optionally guarded by `If-Match`.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use futures::StreamExt;
use lightbox_ports::use_cases::UpdateRequest;

use super::update_body::MetadataUpdate;
use crate::extract::{Caller, PathImageId};
use crate::http::base_url::base_url;
use crate::http::conditional::if_match_versions;
use crate::http::image_json::{ImageResource, image_resource};
use crate::problem::{ApiError, ErrorCode, Problem};
use crate::state::AppState;

/// Largest accepted update body: the longest valid update is well under 16 KiB.
const MAX_BODY_BYTES: usize = 64 * 1024;

/// Changes an image's metadata; absent members stay as they are.
#[utoipa::path(
    method(put, patch),
    path = "/api/v1/images/{id}",
    tag = "images",
    params(
        ("id" = String, Path, description = "Image id (UUID)"),
        ("If-Match" = Option<String>, Header, description = "\"<version>\" (list allowed, `*` = no guard); stale → 412"),
    ),
    request_body(content = MetadataUpdate, content_type = "application/json"),
    responses(
        (status = 200, description = "The image as it now is (a no-op keeps the version)", body = ImageResource,
            headers(("ETag" = String, description = "\"<version>\""))),
        (status = 400, description = "`invalid_id`, `invalid_body` (bad JSON, unknown member, wrong type or content type), `invalid_field` or `invalid_tags`",
            body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no such image or not the caller's", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`precondition_failed`: If-Match does not name the current version",
            body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "`backend_unavailable`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("user_id" = []))
)]
pub async fn update_image(
    caller: Caller,
    id: PathImageId,
    request: HttpRequest,
    body: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    require_json(&request)?;
    let bytes = read_body(body).await?;
    let patch = MetadataUpdate::from_json(&bytes)?.into_patch()?;
    let updated = state
        .service
        .update(UpdateRequest {
            owner: caller.0,
            id: id.0,
            patch,
            if_match: if_match_versions(request.headers()),
        })
        .await?;
    let base = base_url(&request, state.public_url.as_deref());
    let resource = image_resource(&state.service, &updated, &base).await;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, format!("\"{}\"", updated.version.get())))
        .json(resource))
}

/// `application/json`, or any `+json` type, with any parameters.
fn require_json(request: &HttpRequest) -> Result<(), ApiError> {
    let essence = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .map(|essence| essence.trim().to_ascii_lowercase());
    match essence.as_deref() {
        Some("application/json") => Ok(()),
        Some(other) if other.starts_with("application/") && other.ends_with("+json") => Ok(()),
        _ => Err(ApiError::new(
            ErrorCode::InvalidBody,
            "send the update as JSON with Content-Type: application/json",
        )),
    }
}

/// The whole body, up to the limit.
async fn read_body(mut body: web::Payload) -> Result<Vec<u8>, ApiError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|error| {
            ApiError::new(
                ErrorCode::InvalidBody,
                format!("the body could not be read: {error}"),
            )
        })?;
        if bytes.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(ApiError::new(
                ErrorCode::InvalidBody,
                format!("the body is larger than {} KiB", MAX_BODY_BYTES / 1024),
            )
            .closing_connection());
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}
