//! [`MeteredBlobStore`]: every blob store call timed and its failures counted.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use lightbox_domain::range::ByteRange;
use lightbox_ports::{BlobContent, BlobError, BlobKey, BlobStore, ObjectListing, UploadStream};

use super::backend::{BackendMetrics, CallMeter, blob_failure};

/// Wraps a blob store so that each call's time and failure land in [`BackendMetrics`]. It sits
/// over the storage deadlines, so a call they cut short counts as `unavailable` at about the
/// deadline's time. A call whose caller goes away before it answers is not recorded.
///
/// `put` streams the client's body, so its time includes the client's sending; `get` and `list`
/// are timed until their stream is open, not until it is read.
pub struct MeteredBlobStore {
    inner: Arc<dyn BlobStore>,
    meter: CallMeter,
}

impl std::fmt::Debug for MeteredBlobStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MeteredBlobStore")
            .field("meter", &self.meter)
            .finish_non_exhaustive()
    }
}

impl MeteredBlobStore {
    /// Meters `inner`, labelling its calls `backend` (`filesystem`, `s3`).
    pub fn new(
        inner: Arc<dyn BlobStore>,
        metrics: Arc<BackendMetrics>,
        backend: &'static str,
    ) -> Self {
        Self {
            inner,
            meter: CallMeter::new(metrics, backend),
        }
    }

    async fn timed<T>(
        &self,
        operation: &'static str,
        call: impl Future<Output = Result<T, BlobError>>,
    ) -> Result<T, BlobError> {
        self.meter.timed(operation, call, blob_failure).await
    }
}

#[async_trait]
impl BlobStore for MeteredBlobStore {
    async fn put(&self, key: &BlobKey, body: UploadStream) -> Result<(), BlobError> {
        self.timed("put", self.inner.put(key, body)).await
    }

    async fn get(&self, key: &BlobKey, range: Option<ByteRange>) -> Result<BlobContent, BlobError> {
        self.timed("get", self.inner.get(key, range)).await
    }

    async fn delete_prefix(&self, prefix: &str) -> Result<(), BlobError> {
        self.timed("delete_prefix", self.inner.delete_prefix(prefix))
            .await
    }

    async fn list(&self, prefix: &str) -> Result<ObjectListing, BlobError> {
        self.timed("list", self.inner.list(prefix)).await
    }

    async fn presigned_get(
        &self,
        key: &BlobKey,
        expires_in: Duration,
    ) -> Result<Option<String>, BlobError> {
        self.timed("presigned_get", self.inner.presigned_get(key, expires_in))
            .await
    }

    async fn check_ready(&self) -> Result<(), BlobError> {
        self.timed("check_ready", self.inner.check_ready()).await
    }
}
