//! `POST /api/v1/images/upload` (and its alias `POST /api/v1/images`): a streamed multipart
//! upload, staged while it arrives, then validated and committed, or discarded on any error.

mod fields;
mod form;
mod quota;
mod staging;
#[cfg(test)]
mod tests;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use lightbox_domain::idempotency::IdempotencyKey;
use utoipa::ToSchema;

use self::form::{BodyLimits, ReceivedFile, ReceivedForm, receive_form};
use crate::extract::Caller;
use crate::http::base_url::base_url;
use crate::http::image_json::{ImageResource, VisibilityName, image_resource};
use crate::problem::{ApiError, ErrorCode, Problem, too_large};
use crate::state::AppState;

/// Room in a request body for the parts besides the file (boundaries, headers, text fields).
const FIELD_ALLOWANCE_BYTES: u64 = 1024 * 1024;

/// The upload form, for the OpenAPI document only: the handler reads the body as a stream.
#[derive(Debug, ToSchema)]
#[allow(
    dead_code,
    reason = "describes the form in the OpenAPI document; never built"
)]
pub struct UploadForm {
    /// The image (exactly one): JPEG, PNG, GIF or WebP, detected from the bytes.
    #[schema(value_type = String, format = Binary, content_media_type = "application/octet-stream")]
    file: Vec<u8>,
    /// ≤ 200 chars, trimmed.
    title: Option<String>,
    /// ≤ 2000 chars, trimmed.
    description: Option<String>,
    /// Comma-separated; the field may repeat.
    tags: Option<Vec<String>>,
    /// Default `private`.
    visibility: Option<VisibilityName>,
}

/// Uploads an image.
#[utoipa::path(
    post,
    path = "/api/v1/images/upload",
    tag = "images",
    params(
        ("Idempotency-Key" = Option<String>, Header,
            description = "1-255 visible ASCII chars; a retry with the same key returns the first result for 24 hours"),
    ),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Stored (or the first result of this Idempotency-Key)", body = ImageResource,
            headers(("Location" = String, description = "/api/v1/images/{id}"))),
        (status = 400, description = "`bad_request` (not multipart, malformed or truncated, a bad boundary, two files, more than 100 parts, a body too slow to arrive, a request head over 32 KiB, bad Idempotency-Key), `missing_file`, `empty_file`, `invalid_field` or `invalid_tags`",
            body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`quota_exceeded`", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "`file_too_large`; the server stops reading", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "`unsupported_media_type`: not JPEG, PNG, GIF or WebP", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_image` (undecodable, over the dimension or frame limits) or `idempotency_key_reused`",
            body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "`backend_unavailable`", body = Problem, content_type = "application/problem+json"),
        (status = 507, description = "`insufficient_storage`; nothing was stored", body = Problem, content_type = "application/problem+json"),
    ),
    security(("user_id" = []))
)]
pub async fn upload_image(
    caller: Caller,
    request: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let max_file_bytes = state.limits.max_upload_bytes();
    let limits = BodyLimits {
        max_file_bytes,
        max_body_bytes: max_file_bytes.saturating_add(FIELD_ALLOWANCE_BYTES),
    };
    // Everything refused before the body is read closes the connection, so the client's
    // remaining bytes are not read for nothing.
    let early = |error: ApiError| error.closing_connection();
    let idempotency_key = idempotency_key(&request).map_err(early)?;
    if declared_length(&request).is_some_and(|length| length > limits.max_body_bytes) {
        return Err(early(too_large(max_file_bytes)));
    }
    if idempotency_key.is_none() {
        quota::precheck(&state, caller.id()).await.map_err(early)?;
    }

    let mut received = ReceivedForm::default();
    let read = receive_form(
        &state.service,
        request.headers(),
        payload,
        limits,
        &mut received,
    )
    .await;
    let ReceivedForm { file, fields } = received;
    if let Err(error) = read {
        if let Some(file) = file {
            state.service.discard_upload(file.staged).await;
        }
        return Err(early(error));
    }
    let Some(ReceivedFile { staged, filename }) = file else {
        return Err(ApiError::new(
            ErrorCode::MissingFile,
            "the form has no file part",
        ));
    };
    let upload = match fields.into_request(caller.0.clone(), filename, idempotency_key) {
        Ok(upload) => upload,
        Err(error) => {
            state.service.discard_upload(staged).await;
            return Err(error);
        }
    };
    let outcome = state.service.commit_upload(staged, upload).await?;
    if !outcome.replayed {
        state
            .metrics
            .bytes
            .uploaded
            .inc_by(outcome.image.content.size_bytes);
    }
    let base = base_url(&request, state.public_url.as_deref());
    let resource = image_resource(&state.service, &outcome.image, &base).await;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/images/{}", outcome.image.id),
        ))
        .json(resource))
}

/// Uploads an image: the same operation as `POST /api/v1/images/upload`, kept for clients of the
/// original service.
#[utoipa::path(
    post,
    path = "/api/v1/images",
    tag = "images",
    params(
        ("Idempotency-Key" = Option<String>, Header, description = "As for /api/v1/images/upload"),
    ),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "As for `POST /api/v1/images/upload`", body = ImageResource),
        (status = "4XX", description = "As for `POST /api/v1/images/upload`", body = Problem, content_type = "application/problem+json"),
        (status = "5XX", description = "As for `POST /api/v1/images/upload`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("user_id" = []))
)]
pub async fn upload_image_alias(
    caller: Caller,
    request: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    upload_image(caller, request, payload, state).await
}

/// The `Idempotency-Key` header, if any.
fn idempotency_key(request: &HttpRequest) -> Result<Option<IdempotencyKey>, ApiError> {
    let Some(value) = request.headers().get("Idempotency-Key") else {
        return Ok(None);
    };
    value
        .to_str()
        .ok()
        .and_then(|text| IdempotencyKey::parse(text).ok())
        .map(Some)
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::BadRequest,
                "Idempotency-Key must be 1-255 visible ASCII characters",
            )
        })
}

/// The declared body length, which lets an obviously oversized upload be refused unread.
fn declared_length(request: &HttpRequest) -> Option<u64> {
    request
        .headers()
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}
