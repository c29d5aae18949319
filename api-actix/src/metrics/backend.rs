//! Storage call metrics: how long each call to a backend takes and how often it fails, per
//! backend and operation, and the images this node created and deleted.
//!
//! What counts as an error is a failure of the backend: it was unreachable, too slow (a storage
//! deadline), refused the call, or is out of space. Answers that are part of the port's contract
//! (no such record, a version conflict, an id already taken) are outcomes, not errors, and so is
//! a client's upload body breaking off (the client's fault, not the store's).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use lightbox_ports::{BlobError, RepoError};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use tokio::time::Instant;

use crate::config::BackendKind;

/// Seconds: from a local disk's sub-millisecond reads to a slow remote call near the default
/// storage deadline (15 s).
const CALL_BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 15.0,
];

/// Which backend and which of its operations.
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
pub struct CallLabels {
    /// `filesystem`, `sqlite`, `s3` or `dynamodb`.
    pub backend: &'static str,
    /// The port method (`put`, `get`, `create`, `list`...).
    pub operation: &'static str,
}

/// A failed call: which backend, which operation, and what kind of failure.
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
pub struct ErrorLabels {
    /// As in [`CallLabels`].
    pub backend: &'static str,
    /// As in [`CallLabels`].
    pub operation: &'static str,
    /// `unavailable` (unreachable, refused, or past the storage deadline) or
    /// `insufficient_storage`.
    pub kind: &'static str,
}

/// The storage metrics of one application.
#[derive(Debug)]
pub struct BackendMetrics {
    calls: Family<CallLabels, Histogram, fn() -> Histogram>,
    errors: Family<ErrorLabels, Counter>,
    /// Images whose metadata this node created (idempotent replays excluded).
    pub images_created: Counter,
    /// Images whose metadata this node deleted.
    pub images_deleted: Counter,
}

fn call_histogram() -> Histogram {
    Histogram::new(CALL_BUCKETS)
}

impl BackendMetrics {
    /// Registers the storage families in `registry`.
    pub fn register(registry: &mut Registry) -> Self {
        let metrics = Self {
            calls: Family::new_with_constructor(call_histogram),
            errors: Family::default(),
            images_created: Counter::default(),
            images_deleted: Counter::default(),
        };
        registry.register(
            "lightbox_backend_call_duration_seconds",
            "Time of each storage call until it answered (for get and list: until the object \
             or listing was open), by backend and operation",
            metrics.calls.clone(),
        );
        registry.register(
            "lightbox_backend_errors",
            "Storage calls that failed, by backend, operation and kind of failure",
            metrics.errors.clone(),
        );
        registry.register(
            "lightbox_images_created",
            "Images created by this node (a per-node count: sum it over nodes)",
            metrics.images_created.clone(),
        );
        registry.register(
            "lightbox_images_deleted",
            "Images deleted by this node (a per-node count: sum it over nodes)",
            metrics.images_deleted.clone(),
        );
        metrics
    }

    /// Records one call that took `elapsed` and failed with `failure`, if it failed.
    pub fn record(&self, labels: CallLabels, elapsed: Duration, failure: Option<&'static str>) {
        self.calls
            .get_or_create(&labels)
            .observe(elapsed.as_secs_f64());
        if let Some(kind) = failure {
            self.errors
                .get_or_create(&ErrorLabels {
                    backend: labels.backend,
                    operation: labels.operation,
                    kind,
                })
                .inc();
        }
    }
}

/// One backend's calls as a decorator records them: the metrics they land in and the backend's
/// label.
#[derive(Clone)]
pub struct CallMeter {
    metrics: Arc<BackendMetrics>,
    backend: &'static str,
}

impl std::fmt::Debug for CallMeter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallMeter")
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

impl CallMeter {
    /// Records calls to `backend` (`filesystem`, `sqlite`, `s3`, `dynamodb`) in `metrics`.
    pub fn new(metrics: Arc<BackendMetrics>, backend: &'static str) -> Self {
        Self { metrics, backend }
    }

    /// The metrics the calls land in.
    pub fn metrics(&self) -> &BackendMetrics {
        &self.metrics
    }

    /// Runs `call`, then records its time as `operation`'s and, when it failed, the kind of
    /// failure `failure` sees in its error (`None`: an outcome of the port's contract, not a
    /// failure of the backend).
    pub async fn timed<T, E>(
        &self,
        operation: &'static str,
        call: impl Future<Output = Result<T, E>>,
        failure: fn(&E) -> Option<&'static str>,
    ) -> Result<T, E> {
        let started = Instant::now();
        let outcome = call.await;
        self.metrics.record(
            CallLabels {
                backend: self.backend,
                operation,
            },
            started.elapsed(),
            outcome.as_ref().err().and_then(failure),
        );
        outcome
    }
}

/// The `backend` labels of the blob store and the repository of a backend kind.
pub fn backend_label(kind: BackendKind) -> (&'static str, &'static str) {
    match kind {
        BackendKind::Local => ("filesystem", "sqlite"),
        BackendKind::Aws => ("s3", "dynamodb"),
    }
}

/// The kind of a blob store failure, or `None` for an outcome that is not the store's failure.
pub fn blob_failure(error: &BlobError) -> Option<&'static str> {
    match error {
        BlobError::NotFound | BlobError::Body(_) => None,
        BlobError::InsufficientStorage => Some("insufficient_storage"),
        BlobError::Unavailable(_) => Some("unavailable"),
    }
}

/// The kind of a repository failure, or `None` for an answer of the port's contract.
pub fn repository_failure(error: &RepoError) -> Option<&'static str> {
    match error {
        RepoError::NotFound | RepoError::VersionConflict | RepoError::AlreadyExists => None,
        RepoError::InsufficientStorage => Some("insufficient_storage"),
        RepoError::Unavailable(_) => Some("unavailable"),
    }
}

#[cfg(test)]
mod tests {
    use lightbox_ports::{BackendFailure, BlobError, RepoError};

    use super::*;

    fn failure() -> BackendFailure {
        BackendFailure::new("S3 bucket", "connection refused")
    }

    #[test]
    fn only_failures_of_the_backend_are_errors() {
        assert_eq!(blob_failure(&BlobError::NotFound), None);
        assert_eq!(
            blob_failure(&BlobError::Body(std::io::Error::other("client left"))),
            None,
            "the client's body, not the store"
        );
        assert_eq!(
            blob_failure(&BlobError::InsufficientStorage),
            Some("insufficient_storage")
        );
        assert_eq!(
            blob_failure(&BlobError::Unavailable(failure())),
            Some("unavailable")
        );
        for answer in [
            RepoError::NotFound,
            RepoError::VersionConflict,
            RepoError::AlreadyExists,
        ] {
            assert_eq!(repository_failure(&answer), None, "{answer}");
        }
        assert_eq!(
            repository_failure(&RepoError::InsufficientStorage),
            Some("insufficient_storage")
        );
        assert_eq!(
            repository_failure(&RepoError::Unavailable(failure())),
            Some("unavailable")
        );
    }
}
