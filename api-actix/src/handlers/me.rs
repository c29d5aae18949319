//! `GET /api/v1/me`: who the caller is, what they store, and the limits they upload under.

use actix_web::{HttpResponse, web};
use lightbox_domain::image_format::ImageFormat;
use serde::Serialize;
use utoipa::ToSchema;

use crate::extract::Caller;
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

/// The caller's account.
#[derive(Debug, Serialize, ToSchema)]
pub struct Account {
    /// The caller's id.
    pub user_id: String,
    /// What they store.
    pub usage: AccountUsage,
    /// Their quota; null members mean no limit.
    pub quota: AccountQuota,
    /// Upload limits.
    pub limits: AccountLimits,
}

/// What a user stores.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountUsage {
    /// Number of images.
    pub images: u64,
    /// Sum of their sizes.
    pub bytes: u64,
}

/// A user's quota (null = none).
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountQuota {
    /// Most images.
    pub max_images: Option<u64>,
    /// Most bytes.
    pub max_bytes: Option<u64>,
}

/// The limits every upload is held to.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountLimits {
    /// Largest accepted file, inclusive.
    pub max_upload_bytes: u64,
    /// Largest width or height, in pixels.
    pub max_side: u32,
    /// Largest width × height.
    pub max_pixels: u64,
    /// The image types accepted.
    #[schema(example = json!(["image/jpeg", "image/png", "image/gif", "image/webp"]))]
    pub accepted_types: Vec<&'static str>,
}

/// The caller's usage, quota and limits.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "account",
    responses(
        (status = 200, description = "The caller's account", body = Account),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "`backend_unavailable`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("user_id" = []))
)]
pub async fn me(caller: Caller, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let usage = state.service.usage(caller.id()).await?;
    let limits = state.limits;
    Ok(HttpResponse::Ok().json(Account {
        user_id: caller.id().to_string(),
        usage: AccountUsage {
            images: usage.images,
            bytes: usage.bytes,
        },
        quota: AccountQuota {
            max_images: state.quota.max_images(),
            max_bytes: state.quota.max_bytes(),
        },
        limits: AccountLimits {
            max_upload_bytes: limits.max_upload_bytes(),
            max_side: limits.max_side(),
            max_pixels: limits.max_pixels(),
            accepted_types: ImageFormat::ALL.iter().map(|f| f.mime_type()).collect(),
        },
    }))
}
