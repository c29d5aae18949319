//! The image repository in SQLite, through sqlx: schema in `migrations/`, one submodule per
//! concern (connecting, reading, writing, idempotency claims, listing SQL, whole-store sweeps).

mod census;
mod claims;
mod connect;
mod errors;
mod list_sql;
#[cfg(test)]
mod query_plan_tests;
mod read;
mod reserve;
mod stored;
mod sweep;
mod write;

use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;

use async_trait::async_trait;
use lightbox_domain::blurhash::Blurhash;
use lightbox_domain::ids::{ImageId, OwnerId};
use lightbox_domain::image::{ImageRecord, Version};
use lightbox_domain::listing::ListQuery;
use lightbox_domain::quota::Quota;
use lightbox_ports::failure::Cause;
use lightbox_ports::{
    CreateOutcome, IdempotencyClaim, ImageRepository, ImportOutcome, RepoError, SweepPage,
    SweepPosition, Usage,
};
use sqlx::SqlitePool;

use errors::from_sqlx;

/// How long `/ready` waits for the database before calling it unavailable.
const READY_TIMEOUT: Duration = Duration::from_secs(2);

/// Image metadata in a SQLite database.
#[derive(Debug, Clone)]
pub struct SqliteImageRepository {
    pool: SqlitePool,
    reserve: reserve::Reserve,
}

impl SqliteImageRepository {
    /// Opens the database file at `path`, creating it and bringing its schema up to date.
    ///
    /// # Errors
    /// [`RepoError::Unavailable`] when the file cannot be opened or migrated;
    /// [`RepoError::InsufficientStorage`] when the disk is full.
    pub async fn open(path: &Path) -> Result<Self, RepoError> {
        let repository = Self {
            pool: connect::open_file(path).await?,
            reserve: reserve::Reserve::beside(path),
        };
        repository.reserve.refill().await;
        Ok(repository)
    }

    /// A fresh database in memory, lost with the repository. Operations are serialized on its
    /// single connection, so it is for tests and throwaway instances.
    ///
    /// # Errors
    /// [`RepoError::Unavailable`] when SQLite cannot start.
    pub async fn in_memory() -> Result<Self, RepoError> {
        Ok(Self {
            pool: connect::open_in_memory().await?,
            reserve: reserve::Reserve::none(),
        })
    }

    /// Stores `images` as they are (ids, versions and timestamps unchanged), with their tags, in
    /// one transaction: all of them or, on any error, none. It skips idempotency claims and
    /// quotas, and one commit covers the whole batch, which makes it the way to fill a store
    /// with many records quickly (the benchmarks' million images).
    ///
    /// # Errors
    /// [`RepoError::AlreadyExists`] when an id is taken (nothing is stored);
    /// [`RepoError::InsufficientStorage`]; [`RepoError::Unavailable`].
    pub async fn import_batch(&self, images: &[ImageRecord]) -> Result<(), RepoError> {
        write::import(&self.pool, images).await
    }

    /// Closes every connection, waiting for those in use; later calls fail as unavailable.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[async_trait]
impl ImageRepository for SqliteImageRepository {
    async fn create(
        &self,
        image: &ImageRecord,
        claim: Option<IdempotencyClaim>,
        quota: Quota,
    ) -> Result<CreateOutcome, RepoError> {
        write::create(&self.pool, image, claim.as_ref(), quota).await
    }

    async fn import(&self, image: &ImageRecord) -> Result<ImportOutcome, RepoError> {
        write::import_one(&self.pool, image).await
    }

    async fn get(&self, id: &ImageId) -> Result<Option<ImageRecord>, RepoError> {
        read::get(&self.pool, id).await
    }

    async fn existing_ids(&self, ids: &[ImageId]) -> Result<HashSet<ImageId>, RepoError> {
        sweep::existing_ids(&self.pool, ids).await
    }

    async fn sweep(&self, from: Option<SweepPosition>, limit: u32) -> Result<SweepPage, RepoError> {
        sweep::sweep(&self.pool, from, limit).await
    }

    async fn list(&self, query: &ListQuery) -> Result<Vec<ImageRecord>, RepoError> {
        read::list(&self.pool, query).await
    }

    async fn update(&self, image: &ImageRecord, expected: Version) -> Result<(), RepoError> {
        write::update(&self.pool, image, expected).await
    }

    async fn set_blurhash(&self, id: &ImageId, blurhash: &Blurhash) -> Result<(), RepoError> {
        write::set_blurhash(&self.pool, id, blurhash).await
    }

    async fn delete(&self, id: &ImageId) -> Result<(), RepoError> {
        write::delete(&self.pool, &self.reserve, id).await
    }

    async fn usage(&self, owner: &OwnerId) -> Result<Usage, RepoError> {
        read::usage(&self.pool, owner).await
    }

    async fn check_ready(&self) -> Result<(), RepoError> {
        let ping = sqlx::query("SELECT 1").execute(&self.pool);
        match tokio::time::timeout(READY_TIMEOUT, ping).await {
            Ok(answered) => answered.map(drop).map_err(from_sqlx),
            Err(_) => Err(RepoError::unavailable(Cause(format!(
                "the metadata database did not answer within {} s",
                READY_TIMEOUT.as_secs()
            )))),
        }
    }
}
