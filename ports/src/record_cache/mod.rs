//! [`RecordCache`]: records read by id, kept for a moment in this process.
//!
//! Serving an image reads its record first (the access check, the validators, the type). On the
//! local backend that read is a round trip to an SQLite connection's thread, and it cost half of
//! a download's throughput (docs/performance.md). Popular images are read many times a second,
//! so a record read once answers the reads of the next [`RecordCache::new`]'s `ttl` from memory.
//!
//! What a cached read may miss, and for how long:
//! - Writes made through this cache are never missed: each one forgets the record once it has
//!   answered, whatever the answer (an `Unavailable` write may have been stored), and a read that
//!   overlapped a write does not keep what it read, which may predate the write.
//! - A write made elsewhere (another process on the same store), or one whose caller stopped
//!   waiting before it answered, is seen once the cached copy is older than `ttl`.
//!
//! Only records that exist are kept: an id read as missing is read again next time, so a newly
//! stored image is visible at once.

use std::collections::HashSet;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use async_trait::async_trait;
use lightbox_domain::blurhash::Blurhash;
use lightbox_domain::ids::{ImageId, OwnerId};
use lightbox_domain::image::{ImageRecord, Version};
use lightbox_domain::listing::ListQuery;
use lightbox_domain::quota::Quota;
use lru::LruCache;
use tokio::time::Instant;

use crate::image_repository::{
    CreateOutcome, IdempotencyClaim, ImageRepository, ImportOutcome, RepoError, SweepPage,
    SweepPosition, Usage,
};

mod reads;
#[cfg(test)]
mod tests;

pub use reads::CacheReads;

/// A repository whose reads by id are answered from memory while the record read is younger
/// than a given age. Every other call goes straight through.
pub struct RecordCache {
    inner: Arc<dyn ImageRepository>,
    ttl: Duration,
    state: Mutex<State>,
    reads: Arc<CacheReads>,
}

struct State {
    records: LruCache<ImageId, Cached>,
    /// Counts the writes that forgot a record. A read keeps its result only if no write
    /// finished while it ran: the record it read may be from before that write.
    writes: u64,
}

struct Cached {
    record: ImageRecord,
    /// When the read that found it started: the record is at least as new as this.
    read_at: Instant,
}

impl std::fmt::Debug for RecordCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecordCache")
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

impl RecordCache {
    /// Keeps up to `capacity` records of `inner` (the least recently read go first), each for
    /// `ttl` after it was read.
    pub fn new(inner: Arc<dyn ImageRepository>, capacity: NonZeroUsize, ttl: Duration) -> Self {
        Self {
            inner,
            ttl,
            state: Mutex::new(State {
                records: LruCache::new(capacity),
                writes: 0,
            }),
            reads: Arc::default(),
        }
    }

    /// The counts of this cache's hits and misses, kept up to date as it answers.
    pub fn reads(&self) -> Arc<CacheReads> {
        Arc::clone(&self.reads)
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // The lock is only held for map operations that cannot panic half-way; a poisoned lock
        // still guards a consistent map.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Runs a write of `id`'s record, then forgets the record, also when the write failed or
    /// its caller stopped waiting: the store may have changed either way.
    async fn writing<T>(
        &self,
        id: &ImageId,
        write: impl Future<Output = Result<T, RepoError>>,
    ) -> Result<T, RepoError> {
        let _forget = ForgetOnDrop { cache: self, id };
        write.await
    }

    fn forget(&self, id: &ImageId) {
        let mut state = self.state();
        state.writes = state.writes.wrapping_add(1);
        state.records.pop(id);
    }
}

/// Forgets a record when the write of it ends, however it ends.
struct ForgetOnDrop<'a> {
    cache: &'a RecordCache,
    id: &'a ImageId,
}

impl Drop for ForgetOnDrop<'_> {
    fn drop(&mut self) {
        self.cache.forget(self.id);
    }
}

#[async_trait]
impl ImageRepository for RecordCache {
    async fn get(&self, id: &ImageId) -> Result<Option<ImageRecord>, RepoError> {
        let read_at = Instant::now();
        let writes_before = {
            let mut state = self.state();
            if let Some(cached) = state.records.get(id) {
                if read_at.duration_since(cached.read_at) < self.ttl {
                    self.reads.hit();
                    return Ok(Some(cached.record.clone()));
                }
                state.records.pop(id);
            }
            state.writes
        };
        self.reads.miss();
        let found = self.inner.get(id).await?;
        if let Some(record) = &found {
            let mut state = self.state();
            if state.writes == writes_before {
                state.records.put(
                    *id,
                    Cached {
                        record: record.clone(),
                        read_at,
                    },
                );
            }
        }
        Ok(found)
    }

    async fn create(
        &self,
        image: &ImageRecord,
        claim: Option<IdempotencyClaim>,
        quota: Quota,
    ) -> Result<CreateOutcome, RepoError> {
        // A new id has nothing cached: only existing records are kept.
        self.inner.create(image, claim, quota).await
    }

    async fn import(&self, image: &ImageRecord) -> Result<ImportOutcome, RepoError> {
        self.writing(&image.id, self.inner.import(image)).await
    }

    async fn existing_ids(&self, ids: &[ImageId]) -> Result<HashSet<ImageId>, RepoError> {
        self.inner.existing_ids(ids).await
    }

    async fn sweep(&self, from: Option<SweepPosition>, limit: u32) -> Result<SweepPage, RepoError> {
        self.inner.sweep(from, limit).await
    }

    async fn list(&self, query: &ListQuery) -> Result<Vec<ImageRecord>, RepoError> {
        self.inner.list(query).await
    }

    async fn update(&self, image: &ImageRecord, expected: Version) -> Result<(), RepoError> {
        self.writing(&image.id, self.inner.update(image, expected))
            .await
    }

    async fn set_blurhash(&self, id: &ImageId, blurhash: &Blurhash) -> Result<(), RepoError> {
        self.writing(id, self.inner.set_blurhash(id, blurhash))
            .await
    }

    async fn delete(&self, id: &ImageId) -> Result<(), RepoError> {
        self.writing(id, self.inner.delete(id)).await
    }

    async fn usage(&self, owner: &OwnerId) -> Result<Usage, RepoError> {
        self.inner.usage(owner).await
    }

    async fn check_ready(&self) -> Result<(), RepoError> {
        self.inner.check_ready().await
    }
}
