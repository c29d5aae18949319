//! `DELETE /api/v1/images/{id}`: the owner removes an image, its bytes and derived files.

use actix_web::{HttpResponse, web};

use crate::extract::{Caller, PathImageId};
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

/// Deletes an image the caller owns.
#[utoipa::path(
    delete,
    path = "/api/v1/images/{id}",
    tag = "images",
    params(("id" = String, Path, description = "Image id (UUID)")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "`invalid_id`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no such image, not the caller's, or already deleted",
            body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "`backend_unavailable`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("user_id" = []))
)]
pub async fn delete_image(
    caller: Caller,
    id: PathImageId,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state.service.delete(caller.id(), &id.0).await?;
    Ok(HttpResponse::NoContent().finish())
}
