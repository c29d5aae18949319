//! [`CacheReads`]: how a [`RecordCache`](super::RecordCache) answered the reads it was asked.

use std::sync::atomic::{AtomicU64, Ordering};

/// Counts of reads by id since the cache was made: answered from memory (hits) or passed on to
/// the store (misses, an expired record included). Shared with whoever reports them, so the
/// cache's effect on a workload can be read off a running server instead of guessed.
#[derive(Debug, Default)]
pub struct CacheReads {
    hits: AtomicU64,
    misses: AtomicU64,
}

impl CacheReads {
    /// Reads answered from memory.
    pub fn hits(&self) -> u64 {
        self.hits.load(Ordering::Relaxed)
    }

    /// Reads passed on to the store.
    pub fn misses(&self) -> u64 {
        self.misses.load(Ordering::Relaxed)
    }

    pub(super) fn hit(&self) {
        self.hits.fetch_add(1, Ordering::Relaxed);
    }

    pub(super) fn miss(&self) {
        self.misses.fetch_add(1, Ordering::Relaxed);
    }
}
