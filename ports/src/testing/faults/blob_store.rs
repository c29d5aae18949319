//! [`FaultyBlobStore`]: a real blob store whose calls can be made to fail.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use lightbox_domain::range::ByteRange;

use crate::blob_store::{BlobContent, BlobError, BlobKey, BlobStore, ObjectListing, UploadStream};
use crate::testing::faults::plan::{FaultPlan, InjectedFault, Operation, strike};

/// Wraps a blob store; every call is logged in the plan, and the planned one fails.
pub struct FaultyBlobStore {
    inner: Arc<dyn BlobStore>,
    plan: Arc<FaultPlan>,
}

impl std::fmt::Debug for FaultyBlobStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FaultyBlobStore")
            .field("plan", &self.plan)
            .finish_non_exhaustive()
    }
}

impl FaultyBlobStore {
    /// Decorates `inner` under `plan`.
    pub fn new(inner: Arc<dyn BlobStore>, plan: Arc<FaultPlan>) -> Self {
        Self { inner, plan }
    }

    async fn check(&self, operation: Operation) -> Result<(), BlobError> {
        if strike(operation, self.plan.enter(operation)).await {
            return Err(BlobError::unavailable(InjectedFault(operation)));
        }
        Ok(())
    }
}

#[async_trait]
impl BlobStore for FaultyBlobStore {
    async fn put(&self, key: &BlobKey, body: UploadStream) -> Result<(), BlobError> {
        self.check(Operation::BlobPut).await?;
        self.inner.put(key, body).await
    }

    async fn get(&self, key: &BlobKey, range: Option<ByteRange>) -> Result<BlobContent, BlobError> {
        self.check(Operation::BlobGet).await?;
        self.inner.get(key, range).await
    }

    async fn delete_prefix(&self, prefix: &str) -> Result<(), BlobError> {
        self.check(Operation::BlobDeletePrefix).await?;
        self.inner.delete_prefix(prefix).await
    }

    async fn list(&self, prefix: &str) -> Result<ObjectListing, BlobError> {
        self.check(Operation::BlobList).await?;
        self.inner.list(prefix).await
    }

    async fn presigned_get(
        &self,
        key: &BlobKey,
        expires_in: Duration,
    ) -> Result<Option<String>, BlobError> {
        self.check(Operation::BlobPresignedGet).await?;
        self.inner.presigned_get(key, expires_in).await
    }

    async fn check_ready(&self) -> Result<(), BlobError> {
        self.check(Operation::BlobCheckReady).await?;
        self.inner.check_ready().await
    }
}
