//! `GET /api/v1/images/{id}/metadata`: an image's JSON, with its version as the ETag.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::extract::{Caller, PathImageId};
use crate::http::base_url::base_url;
use crate::http::image_json::{ImageResource, image_resource};
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

/// An image's metadata and a fresh signed link to its bytes.
#[utoipa::path(
    get,
    path = "/api/v1/images/{id}/metadata",
    tag = "images",
    params(("id" = String, Path, description = "Image id (UUID)")),
    responses(
        (status = 200, description = "The image", body = ImageResource,
            headers(("ETag" = String, description = "\"<version>\", for If-Match on PUT"))),
        (status = 400, description = "`invalid_id`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "`backend_unavailable`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("user_id" = []))
)]
pub async fn image_metadata(
    caller: Caller,
    id: PathImageId,
    request: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let image = state.service.image_for(caller.id(), &id.0).await?;
    let base = base_url(&request, state.public_url.as_deref());
    let resource = image_resource(&state.service, &image, &base).await;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, format!("\"{}\"", image.version.get())))
        .json(resource))
}
