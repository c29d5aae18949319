//! Per-user quotas on upload: checked before the body is read (is there room for anything?) and
//! again once the file's size is known (is there room for this one?).
//!
//! The check reads usage and then writes, so two concurrent uploads can both pass at the edge;
//! a quota is a guard against runaway use, not an exact ledger, and this keeps it one read.

use lightbox_domain::ids::OwnerId;

use crate::problem::{ApiError, ErrorCode, human_size};
use crate::state::AppState;

/// Refuses an upload of `adding_bytes` that would take `owner` over a quota.
///
/// # Errors
/// `403 quota_exceeded`; storage errors while reading usage.
pub async fn check(state: &AppState, owner: &OwnerId, adding_bytes: u64) -> Result<(), ApiError> {
    let quota = state.quota;
    if quota.max_images.is_none() && quota.max_bytes.is_none() {
        return Ok(());
    }
    let usage = state.service.usage(owner).await?;
    if let Some(max) = quota.max_images
        && usage.images.saturating_add(1) > max
    {
        return Err(ApiError::new(
            ErrorCode::QuotaExceeded,
            format!(
                "you store {} image{}; the quota is {max}",
                usage.images,
                if usage.images == 1 { "" } else { "s" }
            ),
        ));
    }
    if let Some(max) = quota.max_bytes
        && usage.bytes.saturating_add(adding_bytes) > max
    {
        return Err(ApiError::new(
            ErrorCode::QuotaExceeded,
            format!(
                "you store {}; this upload would pass the quota of {}",
                human_size(usage.bytes),
                human_size(max)
            ),
        ));
    }
    Ok(())
}
