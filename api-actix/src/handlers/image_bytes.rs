//! The bytes of an image: `GET|HEAD /api/v1/images/{id}` for callers who may see it, and
//! `GET|HEAD /api/v1/images/{id}/content` for holders of a signed link (no identity needed: the
//! signature is the credential).

use actix_web::{HttpRequest, HttpResponse, web};

use crate::extract::{Caller, PathImageId, QueryPairs};
use crate::http::bytes_response::serve_bytes;
use crate::http::content_disposition::Disposition;
use crate::problem::{ApiError, ErrorCode, Problem};
use crate::state::AppState;

/// An image's stored bytes.
#[utoipa::path(
    method(get, head),
    path = "/api/v1/images/{id}",
    tag = "images",
    params(
        ("id" = String, Path, description = "Image id (UUID)"),
        ("download" = Option<bool>, Query, description = "`true` for `Content-Disposition: attachment`"),
        ("Range" = Option<String>, Header, description = "One `bytes=` range; malformed or multiple ranges are ignored"),
        ("If-None-Match" = Option<String>, Header, description = "ETags (weak comparison) or `*`; a match → 304"),
    ),
    responses(
        (status = 200, description = "The bytes, typed as sniffed at upload",
            content(("image/jpeg"), ("image/png"), ("image/gif"), ("image/webp")),
            headers(
                ("ETag" = String, description = "\"<sha256>\""),
                ("Last-Modified" = String, description = "Upload time"),
                ("Cache-Control" = String, description = "`private, max-age=3600` or `public, max-age=86400`"),
                ("Content-Disposition" = String, description = "`inline` (or `attachment`) with the file name"),
                ("Accept-Ranges" = String, description = "`bytes`"),
            )),
        (status = 206, description = "The requested range, with `Content-Range`",
            content(("image/jpeg"), ("image/png"), ("image/gif"), ("image/webp"))),
        (status = 304, description = "`If-None-Match` matched"),
        (status = 400, description = "`invalid_id` or `invalid_field` (download)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no such image, or another user's private one", body = Problem, content_type = "application/problem+json"),
        (status = 416, description = "`range_not_satisfiable`, with `Content-Range: bytes */size`", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "`backend_unavailable`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("user_id" = []))
)]
pub async fn image_bytes(
    caller: Caller,
    id: PathImageId,
    request: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let disposition = disposition(&QueryPairs::of(&request))?;
    let image = state.service.image_for(caller.id(), &id.0).await?;
    serve_bytes(&state, &request, &image, disposition).await
}

/// An image's stored bytes through a signed, expiring link (what `url` points to).
#[utoipa::path(
    method(get, head),
    path = "/api/v1/images/{id}/content",
    tag = "images",
    params(
        ("id" = String, Path, description = "Image id (UUID)"),
        ("expires" = i64, Query, description = "Unix seconds after which the link stops working"),
        ("signature" = String, Query, description = "HMAC over id, expiry and variant"),
        ("download" = Option<bool>, Query, description = "`true` for `Content-Disposition: attachment`"),
    ),
    responses(
        (status = 200, description = "The bytes, with the same headers as `GET /api/v1/images/{id}`",
            content(("image/jpeg"), ("image/png"), ("image/gif"), ("image/webp"))),
        (status = 206, description = "The requested range"),
        (status = 304, description = "`If-None-Match` matched"),
        (status = 400, description = "`invalid_id`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`invalid_signature` (missing, malformed or wrong) or `url_expired`",
            body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: the image was deleted", body = Problem, content_type = "application/problem+json"),
        (status = 416, description = "`range_not_satisfiable`", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "`backend_unavailable`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn signed_content(
    id: PathImageId,
    request: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let query = QueryPairs::of(&request);
    // A non-numeric expiry cannot be one we signed: it is reported as a bad signature.
    let expires = query
        .first("expires")
        .and_then(|text| text.parse::<i64>().ok());
    let image = state
        .service
        .open_signed(id.0, expires, query.first("signature"))
        .await?;
    let disposition = disposition(&query)?;
    serve_bytes(&state, &request, &image, disposition).await
}

/// `?download=true` (or `1`, or a bare `download`) asks for an attachment.
fn disposition(query: &QueryPairs) -> Result<Disposition, ApiError> {
    match query.first("download") {
        None | Some("false" | "0") => Ok(Disposition::Inline),
        Some("true" | "1" | "") => Ok(Disposition::Attachment),
        Some(other) => Err(ApiError::new(
            ErrorCode::InvalidField,
            format!("download must be true or false, not '{other}'"),
        )),
    }
}
