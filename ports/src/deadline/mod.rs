//! Deadlines on storage calls: decorators that turn a backend call which does not answer in time
//! into the port's `Unavailable` error (503 `backend_unavailable` with `Retry-After`), so a stuck
//! filesystem or database cannot hold a request forever.
//!
//! They wrap any adapter. On the local backend they are the only bound; on AWS they are an outer
//! bound over the SDK's own timeouts. Each is told the name its adapter gives itself in failures
//! ("S3 bucket", "blob store"...), so a 503's detail and `/ready` name the same backend whichever
//! of the two bounds fires first.
//!
//! What a timed-out call did is unknown: the backend may still finish it after the caller gave up
//! (a dropped SQLite future whose `COMMIT` already reached the connection's worker thread still
//! commits). Callers must therefore treat a deadline's `Unavailable` as "maybe done" wherever that
//! matters; the upload use case does so by keeping the staged bytes when `create` fails that way
//! (see `use_cases::upload`).

mod blob_store;
mod reading;
mod repository;
#[cfg(test)]
mod tests;

use std::future::Future;
use std::time::Duration;

pub use blob_store::DeadlineBlobStore;
pub use repository::DeadlineImageRepository;

use crate::failure::{BackendFailure, Cause};

/// The failure of a call that ran out of time: `backend` is named as the adapter names itself
/// (a 503's detail and `/ready` show it), the cause is for logs.
fn expired(backend: &'static str, operation: &str, limit: Duration) -> BackendFailure {
    let cause = Cause(format!(
        "the {backend} did not answer {operation} within {} s",
        limit.as_secs_f64()
    ));
    BackendFailure::new(backend, cause)
}

/// Runs `call` for at most `limit`; `None` when it ran out of time (the call is then dropped).
async fn within<T>(limit: Duration, call: impl Future<Output = T>) -> Option<T> {
    tokio::time::timeout(limit, call).await.ok()
}
