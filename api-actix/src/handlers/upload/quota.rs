//! The early quota check of an upload: before the body is read, is there room for any image
//! at all? It spares a client at its quota the sending of a whole file. The binding check is
//! the repository's, in the same atomic write as the upload (see `commit_upload`); this one is
//! a courtesy and is skipped for a request with an `Idempotency-Key`, whose retry must get the
//! first answer even at the quota.

use lightbox_domain::ids::OwnerId;

use crate::problem::{ApiError, quota_exceeded};
use crate::state::AppState;

/// Refuses an upload when `owner` has no room left for even a one-byte image.
///
/// # Errors
/// `403 quota_exceeded`; storage errors while reading usage.
pub async fn precheck(state: &AppState, owner: &OwnerId) -> Result<(), ApiError> {
    if state.quota.is_unlimited() {
        return Ok(());
    }
    let usage = state.service.usage(owner).await?;
    state
        .quota
        .admits(usage.images, usage.bytes, 1)
        .map_err(|breach| quota_exceeded(breach, usage))
}
