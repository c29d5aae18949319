//! [`MeteredImageRepository`]: every repository call timed and its failures counted, and the
//! images this node created and deleted.

use std::collections::HashSet;
use std::sync::Arc;

use async_trait::async_trait;
use lightbox_domain::blurhash::Blurhash;
use lightbox_domain::ids::{ImageId, OwnerId};
use lightbox_domain::image::{ImageRecord, Version};
use lightbox_domain::listing::ListQuery;
use lightbox_domain::quota::Quota;
use lightbox_ports::{
    CreateOutcome, IdempotencyClaim, ImageRepository, ImportOutcome, RepoError, SweepPage,
    SweepPosition, Usage,
};

use super::backend::{BackendMetrics, CallMeter, repository_failure};

/// Wraps a repository so that each call's time and failure land in [`BackendMetrics`], and each
/// record created (not replayed) or deleted counts in `lightbox_images_created_total` /
/// `lightbox_images_deleted_total`. Like [`super::MeteredBlobStore`], it sits over the storage
/// deadlines.
pub struct MeteredImageRepository {
    inner: Arc<dyn ImageRepository>,
    meter: CallMeter,
}

impl std::fmt::Debug for MeteredImageRepository {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MeteredImageRepository")
            .field("meter", &self.meter)
            .finish_non_exhaustive()
    }
}

impl MeteredImageRepository {
    /// Meters `inner`, labelling its calls `backend` (`sqlite`, `dynamodb`).
    pub fn new(
        inner: Arc<dyn ImageRepository>,
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
        call: impl Future<Output = Result<T, RepoError>>,
    ) -> Result<T, RepoError> {
        self.meter.timed(operation, call, repository_failure).await
    }
}

#[async_trait]
impl ImageRepository for MeteredImageRepository {
    async fn create(
        &self,
        image: &ImageRecord,
        claim: Option<IdempotencyClaim>,
        quota: Quota,
    ) -> Result<CreateOutcome, RepoError> {
        let outcome = self
            .timed("create", self.inner.create(image, claim, quota))
            .await;
        if matches!(outcome, Ok(CreateOutcome::Created)) {
            self.meter.metrics().images_created.inc();
        }
        outcome
    }

    /// Timed like every call; not counted as a created image, which counts uploads.
    async fn import(&self, image: &ImageRecord) -> Result<ImportOutcome, RepoError> {
        self.timed("import", self.inner.import(image)).await
    }

    async fn get(&self, id: &ImageId) -> Result<Option<ImageRecord>, RepoError> {
        self.timed("get", self.inner.get(id)).await
    }

    async fn list(&self, query: &ListQuery) -> Result<Vec<ImageRecord>, RepoError> {
        self.timed("list", self.inner.list(query)).await
    }

    async fn existing_ids(&self, ids: &[ImageId]) -> Result<HashSet<ImageId>, RepoError> {
        self.timed("existing_ids", self.inner.existing_ids(ids))
            .await
    }

    async fn sweep(&self, from: Option<SweepPosition>, limit: u32) -> Result<SweepPage, RepoError> {
        self.timed("sweep", self.inner.sweep(from, limit)).await
    }

    async fn update(&self, image: &ImageRecord, expected: Version) -> Result<(), RepoError> {
        self.timed("update", self.inner.update(image, expected))
            .await
    }

    async fn set_blurhash(&self, id: &ImageId, blurhash: &Blurhash) -> Result<(), RepoError> {
        self.timed("set_blurhash", self.inner.set_blurhash(id, blurhash))
            .await
    }

    async fn delete(&self, id: &ImageId) -> Result<(), RepoError> {
        let outcome = self.timed("delete", self.inner.delete(id)).await;
        if outcome.is_ok() {
            self.meter.metrics().images_deleted.inc();
        }
        outcome
    }

    async fn usage(&self, owner: &OwnerId) -> Result<Usage, RepoError> {
        self.timed("usage", self.inner.usage(owner)).await
    }

    async fn check_ready(&self) -> Result<(), RepoError> {
        self.timed("check_ready", self.inner.check_ready()).await
    }
}
