//! Unit tests of the record cache: what it answers from memory, and every way a cached record is
//! dropped (a write of it through the cache, however the write ends; its age; a write that
//! overlapped the read that found it).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::num::NonZeroUsize;
use std::sync::Arc;
use std::time::Duration;

use lightbox_domain::blurhash::Blurhash;
use lightbox_domain::image::ImageRecord;
use lightbox_domain::visibility::Visibility;
use mockall::predicate::eq;

use super::RecordCache;
use crate::image_repository::{ImageRepository, ImportOutcome, MockImageRepository, RepoError};
use crate::testing::faults::{Fault, FaultKind, FaultPlan, FaultyImageRepository, Operation};
use crate::use_cases::tests::support::{BLURHASH, alice, record};

const TTL: Duration = Duration::from_secs(1);

fn cache_over(inner: MockImageRepository) -> RecordCache {
    RecordCache::new(Arc::new(inner), NonZeroUsize::new(16).unwrap(), TTL)
}

/// A repository that answers `image` to exactly `reads` reads of it: more or fewer fail the test.
fn serving(image: &ImageRecord, reads: usize) -> MockImageRepository {
    let mut inner = MockImageRepository::new();
    let stored = image.clone();
    inner
        .expect_get()
        .with(eq(image.id))
        .times(reads)
        .returning(move |_| Ok(Some(stored.clone())));
    inner
}

#[tokio::test(start_paused = true)]
async fn a_record_read_again_within_its_age_comes_from_memory() {
    let image = record(&alice(), Visibility::Private);
    let cache = cache_over(serving(&image, 1));
    for _ in 0..3 {
        assert_eq!(cache.get(&image.id).await.unwrap(), Some(image.clone()));
        tokio::time::advance(TTL / 4).await;
    }
}

#[tokio::test(start_paused = true)]
async fn a_record_older_than_its_age_is_read_again() {
    let image = record(&alice(), Visibility::Private);
    let cache = cache_over(serving(&image, 2));
    cache.get(&image.id).await.unwrap();
    tokio::time::advance(TTL).await;
    cache.get(&image.id).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn hits_and_misses_are_counted_as_they_are_answered() {
    let image = record(&alice(), Visibility::Private);
    let cache = cache_over(serving(&image, 2));
    let reads = cache.reads();
    cache.get(&image.id).await.unwrap();
    cache.get(&image.id).await.unwrap();
    cache.get(&image.id).await.unwrap();
    assert_eq!((reads.hits(), reads.misses()), (2, 1));
    // An expired record read again is a miss too.
    tokio::time::advance(TTL).await;
    cache.get(&image.id).await.unwrap();
    assert_eq!((reads.hits(), reads.misses()), (2, 2));
}

#[tokio::test(start_paused = true)]
async fn a_missing_record_is_never_kept() {
    let image = record(&alice(), Visibility::Private);
    let mut inner = MockImageRepository::new();
    let mut reads = 0;
    let stored = image.clone();
    inner.expect_get().times(2).returning(move |_| {
        reads += 1;
        // Missing at first, then stored: the second read must see it.
        Ok((reads > 1).then(|| stored.clone()))
    });
    let cache = cache_over(inner);
    assert_eq!(cache.get(&image.id).await.unwrap(), None);
    assert_eq!(cache.get(&image.id).await.unwrap(), Some(image));
}

/// The writes that change an existing record.
#[derive(Debug, Clone, Copy)]
enum Write {
    Update,
    SetBlurhash,
    Delete,
    Import,
}

/// What a write answers: `ok`, or the `Unavailable` of a write that may have been stored.
fn answer<T>(fails: bool, ok: T) -> Result<T, RepoError> {
    if fails {
        Err(RepoError::unavailable(std::io::Error::other("timed out")))
    } else {
        Ok(ok)
    }
}

impl Write {
    /// Expects this write once on `inner`, answering as `fails` says.
    fn expect_on(self, inner: &mut MockImageRepository, fails: bool) {
        match self {
            Self::Update => {
                inner
                    .expect_update()
                    .times(1)
                    .returning(move |_, _| answer(fails, ()));
            }
            Self::SetBlurhash => {
                inner
                    .expect_set_blurhash()
                    .times(1)
                    .returning(move |_, _| answer(fails, ()));
            }
            Self::Delete => {
                inner
                    .expect_delete()
                    .times(1)
                    .returning(move |_| answer(fails, ()));
            }
            Self::Import => {
                inner
                    .expect_import()
                    .times(1)
                    .returning(move |_| answer(fails, ImportOutcome::AlreadyPresent));
            }
        }
    }

    /// Makes this write of `image` through `cache`; its outcome does not matter here.
    async fn run(self, cache: &RecordCache, image: &ImageRecord) {
        let _outcome = match self {
            Self::Update => cache.update(image, image.version).await,
            Self::SetBlurhash => {
                let blurhash = Blurhash::parse(BLURHASH).unwrap();
                cache.set_blurhash(&image.id, &blurhash).await
            }
            Self::Delete => cache.delete(&image.id).await,
            Self::Import => cache.import(image).await.map(drop),
        };
    }
}

/// Each write of a record through the cache, succeeding or failing, makes the next read of it
/// go to the repository.
#[tokio::test(start_paused = true)]
async fn every_write_of_a_record_forgets_it_whatever_its_outcome() {
    for write in [
        Write::Update,
        Write::SetBlurhash,
        Write::Delete,
        Write::Import,
    ] {
        for fails in [false, true] {
            let image = record(&alice(), Visibility::Private);
            let mut inner = serving(&image, 2);
            write.expect_on(&mut inner, fails);
            let cache = cache_over(inner);
            cache.get(&image.id).await.unwrap();
            write.run(&cache, &image).await;
            // The mock's `times(2)` checks that this read went to the repository.
            cache.get(&image.id).await.unwrap();
        }
    }
}

/// A write that finished while a read of the same record was under way may have changed what
/// that read found: the read's result is answered but not kept.
#[tokio::test(start_paused = true)]
async fn a_read_overlapping_a_write_is_not_kept() {
    let image = record(&alice(), Visibility::Private);
    let mut inner = serving(&image, 2);
    inner.expect_delete().times(1).returning(|_| Ok(()));
    // The first read stalls (virtual time) long enough for the delete to finish meanwhile.
    let plan = Arc::new(FaultPlan::new());
    plan.arm(Some(Fault {
        operation: Operation::RepoGet,
        nth: 1,
        kind: FaultKind::Stall(TTL / 10),
    }));
    let faulty = FaultyImageRepository::new(Arc::new(inner), plan);
    let cache = Arc::new(RecordCache::new(
        Arc::new(faulty),
        NonZeroUsize::new(16).unwrap(),
        TTL,
    ));
    let slow_read = tokio::spawn({
        let cache = Arc::clone(&cache);
        let id = image.id;
        async move { cache.get(&id).await }
    });
    tokio::task::yield_now().await;
    cache.delete(&image.id).await.unwrap();
    assert!(slow_read.await.unwrap().unwrap().is_some());
    // Had the slow read kept its record, this read would not reach the repository (`times(2)`).
    cache.get(&image.id).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn the_least_recently_read_record_makes_room() {
    let images: Vec<_> = (0..3)
        .map(|_| record(&alice(), Visibility::Public))
        .collect();
    let mut inner = MockImageRepository::new();
    let stored = images.clone();
    // Capacity 2: reading a, b, c evicts a; a is then read from the repository again (evicting
    // b), and c from memory.
    inner
        .expect_get()
        .times(4)
        .returning(move |id| Ok(stored.iter().find(|image| image.id == *id).cloned()));
    let cache = RecordCache::new(Arc::new(inner), NonZeroUsize::new(2).unwrap(), TTL);
    for image in &images {
        cache.get(&image.id).await.unwrap();
    }
    cache.get(&images[0].id).await.unwrap();
    cache.get(&images[2].id).await.unwrap();
}
