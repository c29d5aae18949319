//! Liveness and readiness: `/health` answers while the process serves, `/ready` only when every
//! backend answers too.

use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::problem::{ApiError, Problem};
use crate::state::AppState;

/// A status word.
#[derive(Debug, Serialize, ToSchema)]
pub struct Status {
    /// `ok` or `ready`.
    #[schema(example = "ok")]
    pub status: &'static str,
}

/// Liveness.
#[utoipa::path(
    get,
    path = "/health",
    tag = "operations",
    responses((status = 200, description = "The process serves", body = Status, example = json!({"status": "ok"})))
)]
pub async fn health() -> HttpResponse {
    HttpResponse::Ok().json(Status { status: "ok" })
}

/// Readiness: the metadata database and the blob store both answer.
#[utoipa::path(
    get,
    path = "/ready",
    tag = "operations",
    responses(
        (status = 200, description = "Every backend answers", body = Status, example = json!({"status": "ready"})),
        (status = 503, description = "`backend_unavailable`: the detail names the failing backend; with `Retry-After`",
            body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn ready(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    state.service.check_ready().await?;
    Ok(HttpResponse::Ok().json(Status { status: "ready" }))
}
