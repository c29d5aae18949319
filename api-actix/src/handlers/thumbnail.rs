//! `GET|HEAD /api/v1/images/{id}/thumbnail?size=N`: a small JPEG (PNG with transparency) of an
//! image the caller may see, rendered on first request and served from the store afterwards.

use actix_web::{HttpRequest, HttpResponse, web};
use lightbox_domain::thumbnail::ThumbnailPreset;

use crate::extract::{Caller, PathImageId, QueryPairs};
use crate::http::bytes_response::serve_thumbnail;
use crate::problem::{ApiError, ErrorCode, Problem};
use crate::state::AppState;

/// A thumbnail whose longer side is the preset at or above `size`.
#[utoipa::path(
    method(get, head),
    path = "/api/v1/images/{id}/thumbnail",
    tag = "images",
    params(
        ("id" = String, Path, description = "Image id (UUID)"),
        ("size" = Option<u32>, Query, description = "1-1024 (default 256), rounded up to a preset: 64, 128, 256, 512 or 1024. Never upscaled: a smaller image keeps its size"),
        ("Range" = Option<String>, Header, description = "One `bytes=` range; malformed or multiple ranges are ignored"),
        ("If-None-Match" = Option<String>, Header, description = "ETags (weak comparison) or `*`; a match → 304"),
    ),
    responses(
        (status = 200, description = "The thumbnail: JPEG, or PNG when the image has transparency; an animation's first frame; orientation applied",
            content(("image/jpeg"), ("image/png")),
            headers(
                ("ETag" = String, description = "\"<sha256 of the thumbnail>\""),
                ("Last-Modified" = String, description = "Upload time of the image"),
                ("Cache-Control" = String, description = "`private, max-age=3600` or `public, max-age=86400`, as the image"),
                ("Accept-Ranges" = String, description = "`bytes`"),
            )),
        (status = 206, description = "The requested range, with `Content-Range`", content(("image/jpeg"), ("image/png"))),
        (status = 304, description = "`If-None-Match` matched"),
        (status = 400, description = "`invalid_id`, or `invalid_field` for a size outside 1-1024", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no such image, or another user's private one", body = Problem, content_type = "application/problem+json"),
        (status = 416, description = "`range_not_satisfiable`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_image`: the stored image does not decode", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "`backend_unavailable`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("user_id" = []))
)]
pub async fn thumbnail(
    caller: Caller,
    id: PathImageId,
    request: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let preset = preset(&QueryPairs::of(&request))?;
    let thumbnail = state.service.thumbnail(caller.id(), &id.0, preset).await?;
    serve_thumbnail(
        &request,
        thumbnail,
        preset,
        &state.metrics.bytes.served_thumbnail,
    )
}

/// `size`, parsed and rounded up to a preset; absent means the default preset.
fn preset(query: &QueryPairs) -> Result<ThumbnailPreset, ApiError> {
    let Some(text) = query.first("size") else {
        return Ok(ThumbnailPreset::DEFAULT);
    };
    let refuse = || {
        ApiError::new(
            ErrorCode::InvalidField,
            format!(
                "size must be a whole number from 1 to {}, not '{text}'",
                ThumbnailPreset::MAX_REQUEST
            ),
        )
    };
    let requested: u32 = text.trim().parse().map_err(|_| refuse())?;
    ThumbnailPreset::from_requested(requested).map_err(|_| refuse())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_round_up_to_presets_and_bad_ones_are_refused() {
        let cases = [
            ("", Some(256)),
            ("size=1", Some(64)),
            ("size=65", Some(128)),
            ("size=1024", Some(1024)),
            ("size=0", None),
            ("size=1025", None),
            ("size=-1", None),
            ("size=12.5", None),
            ("size=abc", None),
            ("size=", None),
        ];
        for (query, expected) in cases {
            let parsed = preset(&QueryPairs::parse(query)).ok();
            assert_eq!(
                parsed.map(ThumbnailPreset::longest_side),
                expected,
                "{query}"
            );
        }
    }
}
