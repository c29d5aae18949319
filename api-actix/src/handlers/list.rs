//! `GET /api/v1/images`: one page of the images the caller may see, filtered, with a cursor.

use actix_web::{HttpRequest, HttpResponse, web};
use futures::future::join_all;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::list_query::list_request;
use crate::extract::{Caller, QueryPairs};
use crate::http::base_url::base_url;
use crate::http::image_json::{ImageResource, image_resource};
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

/// One page of images.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ImagePage {
    /// The images, ordered by `(created_at, id)`.
    pub items: Vec<ImageResource>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// Lists images. Another owner's listing holds only their public images.
#[utoipa::path(
    get,
    path = "/api/v1/images",
    tag = "images",
    params(
        ("owner" = Option<String>, Query, description = "Whose images (default: the caller); another owner's → only public ones"),
        ("tag" = Option<Vec<String>>, Query, description = "Repeatable; every tag must be present; normalized like image tags", explode = true),
        ("tags" = Option<String>, Query, description = "Comma-separated tags, same as repeated `tag`"),
        ("title" = Option<String>, Query, description = "Case-insensitive title prefix"),
        ("content_type" = Option<String>, Query, description = "image/jpeg, image/png, image/gif or image/webp (anything else → 400 `invalid_field`)"),
        ("visibility" = Option<String>, Query, description = "private or public"),
        ("created_after" = Option<String>, Query, description = "Inclusive lower bound, RFC 3339"),
        ("created_before" = Option<String>, Query, description = "Exclusive upper bound, RFC 3339"),
        ("order" = Option<String>, Query, description = "newest (default) or oldest"),
        ("limit" = Option<u8>, Query, description = "1-100, default 10"),
        ("cursor" = Option<String>, Query, description = "`next_cursor` of the previous page; bound to the filters and order"),
    ),
    responses(
        (status = 200, description = "One page", body = ImagePage),
        (status = 400, description = "`invalid_field`, `invalid_tags`, `invalid_limit` or `invalid_cursor`",
            body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "`backend_unavailable`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("user_id" = []))
)]
pub async fn list_images(
    caller: Caller,
    request: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let listing = list_request(caller.id(), &QueryPairs::of(&request))?;
    let page = state.service.list(listing).await?;
    let base = base_url(&request, state.public_url.as_deref());
    let items = join_all(
        page.items
            .iter()
            .map(|image| image_resource(&state.service, image, &base)),
    )
    .await;
    Ok(HttpResponse::Ok().json(ImagePage {
        items,
        next_cursor: page.next_cursor,
    }))
}
