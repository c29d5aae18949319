//! [`FaultyImageRepository`]: a real repository whose calls can be made to fail.

use std::collections::HashSet;
use std::sync::Arc;

use async_trait::async_trait;
use lightbox_domain::blurhash::Blurhash;
use lightbox_domain::ids::{ImageId, OwnerId};
use lightbox_domain::image::{ImageRecord, Version};
use lightbox_domain::listing::ListQuery;
use lightbox_domain::quota::Quota;

use crate::image_repository::{
    CreateOutcome, IdempotencyClaim, ImageRepository, ImportOutcome, RepoError, SweepPage,
    SweepPosition, Usage,
};
use crate::testing::faults::plan::{FaultPlan, InjectedFault, Operation, strike};

/// Wraps a repository; every call is logged in the plan, and the planned one fails.
pub struct FaultyImageRepository {
    inner: Arc<dyn ImageRepository>,
    plan: Arc<FaultPlan>,
}

impl std::fmt::Debug for FaultyImageRepository {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FaultyImageRepository")
            .field("plan", &self.plan)
            .finish_non_exhaustive()
    }
}

impl FaultyImageRepository {
    /// Decorates `inner` under `plan`.
    pub fn new(inner: Arc<dyn ImageRepository>, plan: Arc<FaultPlan>) -> Self {
        Self { inner, plan }
    }

    async fn check(&self, operation: Operation) -> Result<(), RepoError> {
        if strike(operation, self.plan.enter(operation)).await {
            return Err(RepoError::unavailable(InjectedFault(operation)));
        }
        Ok(())
    }
}

#[async_trait]
impl ImageRepository for FaultyImageRepository {
    async fn create(
        &self,
        image: &ImageRecord,
        claim: Option<IdempotencyClaim>,
        quota: Quota,
    ) -> Result<CreateOutcome, RepoError> {
        self.check(Operation::RepoCreate).await?;
        self.inner.create(image, claim, quota).await
    }

    async fn import(&self, image: &ImageRecord) -> Result<ImportOutcome, RepoError> {
        self.check(Operation::RepoImport).await?;
        self.inner.import(image).await
    }

    async fn get(&self, id: &ImageId) -> Result<Option<ImageRecord>, RepoError> {
        self.check(Operation::RepoGet).await?;
        self.inner.get(id).await
    }

    async fn existing_ids(&self, ids: &[ImageId]) -> Result<HashSet<ImageId>, RepoError> {
        self.check(Operation::RepoExistingIds).await?;
        self.inner.existing_ids(ids).await
    }

    async fn sweep(&self, from: Option<SweepPosition>, limit: u32) -> Result<SweepPage, RepoError> {
        self.check(Operation::RepoSweep).await?;
        self.inner.sweep(from, limit).await
    }

    async fn list(&self, query: &ListQuery) -> Result<Vec<ImageRecord>, RepoError> {
        self.check(Operation::RepoList).await?;
        self.inner.list(query).await
    }

    async fn update(&self, image: &ImageRecord, expected: Version) -> Result<(), RepoError> {
        self.check(Operation::RepoUpdate).await?;
        self.inner.update(image, expected).await
    }

    async fn set_blurhash(&self, id: &ImageId, blurhash: &Blurhash) -> Result<(), RepoError> {
        self.check(Operation::RepoSetBlurhash).await?;
        self.inner.set_blurhash(id, blurhash).await
    }

    async fn delete(&self, id: &ImageId) -> Result<(), RepoError> {
        self.check(Operation::RepoDelete).await?;
        self.inner.delete(id).await
    }

    async fn usage(&self, owner: &OwnerId) -> Result<Usage, RepoError> {
        self.check(Operation::RepoUsage).await?;
        self.inner.usage(owner).await
    }

    async fn check_ready(&self) -> Result<(), RepoError> {
        self.check(Operation::RepoCheckReady).await?;
        self.inner.check_ready().await
    }
}
