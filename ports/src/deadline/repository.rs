//! [`DeadlineImageRepository`]: every repository call bounded in time.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use lightbox_domain::blurhash::Blurhash;
use lightbox_domain::ids::{ImageId, OwnerId};
use lightbox_domain::image::{ImageRecord, Version};
use lightbox_domain::listing::ListQuery;
use lightbox_domain::quota::Quota;

use crate::deadline::{expired, within};
use crate::image_repository::{
    CreateOutcome, IdempotencyClaim, ImageRepository, ImportOutcome, RepoError, SweepPage,
    SweepPosition, Usage,
};

/// Wraps a repository so that a call answering later than `limit` fails with
/// [`RepoError::Unavailable`]. Every call is bounded whole, writes included: a write that timed
/// out may still commit, which the use cases allow for (see the module docs).
pub struct DeadlineImageRepository {
    inner: Arc<dyn ImageRepository>,
    limit: Duration,
    backend: &'static str,
}

impl std::fmt::Debug for DeadlineImageRepository {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeadlineImageRepository")
            .field("limit", &self.limit)
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

impl DeadlineImageRepository {
    /// Bounds every call of `inner` by `limit`; a call cut short fails naming `backend`, the
    /// name `inner` gives itself in its own failures (e.g. [`crate::METADATA_DATABASE`]).
    pub fn new(inner: Arc<dyn ImageRepository>, limit: Duration, backend: &'static str) -> Self {
        Self {
            inner,
            limit,
            backend,
        }
    }

    /// Runs one call under the deadline; `operation` names it in the logged cause.
    async fn bounded<T>(
        &self,
        operation: &str,
        call: impl Future<Output = Result<T, RepoError>>,
    ) -> Result<T, RepoError> {
        within(self.limit, call).await.unwrap_or_else(|| {
            Err(RepoError::Unavailable(expired(
                self.backend,
                operation,
                self.limit,
            )))
        })
    }
}

#[async_trait]
impl ImageRepository for DeadlineImageRepository {
    async fn create(
        &self,
        image: &ImageRecord,
        claim: Option<IdempotencyClaim>,
        quota: Quota,
    ) -> Result<CreateOutcome, RepoError> {
        self.bounded("create", self.inner.create(image, claim, quota))
            .await
    }

    async fn import(&self, image: &ImageRecord) -> Result<ImportOutcome, RepoError> {
        self.bounded("import", self.inner.import(image)).await
    }

    async fn get(&self, id: &ImageId) -> Result<Option<ImageRecord>, RepoError> {
        self.bounded("get", self.inner.get(id)).await
    }

    async fn list(&self, query: &ListQuery) -> Result<Vec<ImageRecord>, RepoError> {
        self.bounded("list", self.inner.list(query)).await
    }

    async fn existing_ids(&self, ids: &[ImageId]) -> Result<HashSet<ImageId>, RepoError> {
        self.bounded("existing_ids", self.inner.existing_ids(ids))
            .await
    }

    async fn sweep(&self, from: Option<SweepPosition>, limit: u32) -> Result<SweepPage, RepoError> {
        self.bounded("sweep", self.inner.sweep(from, limit)).await
    }

    async fn update(&self, image: &ImageRecord, expected: Version) -> Result<(), RepoError> {
        self.bounded("update", self.inner.update(image, expected))
            .await
    }

    async fn set_blurhash(&self, id: &ImageId, blurhash: &Blurhash) -> Result<(), RepoError> {
        self.bounded("set_blurhash", self.inner.set_blurhash(id, blurhash))
            .await
    }

    async fn delete(&self, id: &ImageId) -> Result<(), RepoError> {
        self.bounded("delete", self.inner.delete(id)).await
    }

    async fn usage(&self, owner: &OwnerId) -> Result<Usage, RepoError> {
        self.bounded("usage", self.inner.usage(owner)).await
    }

    async fn check_ready(&self) -> Result<(), RepoError> {
        self.bounded("check_ready", self.inner.check_ready()).await
    }
}
