//! Unit tests of the deadline decorators: a call slower than the limit fails as `Unavailable`, a
//! fast one passes through unchanged, and an upload waiting on a slow client is not cut.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use futures::StreamExt;
use lightbox_domain::ids::ImageId;
use lightbox_domain::range::ByteRange;
use tokio::time::Instant;

use crate::blob_store::{
    BlobContent, BlobError, BlobKey, BlobStore, MockBlobStore, ObjectListing, UploadStream,
};
use crate::deadline::{DeadlineBlobStore, DeadlineImageRepository};
use crate::failure::BLOB_STORE;
use crate::image_repository::{ImageRepository, MockImageRepository, RepoError};
use crate::testing::faults::{
    Fault, FaultKind, FaultPlan, FaultyBlobStore, FaultyImageRepository, Operation,
};

/// Short enough to keep the tests quick, long enough for a loaded machine to answer a fast call.
const LIMIT: Duration = Duration::from_millis(200);
/// Far beyond `LIMIT`: a backend that hangs.
const STALL: Duration = Duration::from_secs(30);

/// A plan whose first call of `operation` stalls.
fn stalling(operation: Operation) -> Arc<FaultPlan> {
    let plan = Arc::new(FaultPlan::new());
    plan.arm(Some(Fault {
        operation,
        nth: 1,
        kind: FaultKind::Stall(STALL),
    }));
    plan
}

fn repository(plan: Arc<FaultPlan>) -> DeadlineImageRepository {
    let mut inner = MockImageRepository::new();
    inner.expect_get().returning(|_| Ok(None));
    inner
        .expect_check_ready()
        .returning(|| Err(RepoError::NotFound));
    let faulty = FaultyImageRepository::new(Arc::new(inner), plan);
    DeadlineImageRepository::new(Arc::new(faulty), LIMIT, "some database")
}

#[tokio::test]
async fn a_repository_call_slower_than_the_limit_is_unavailable_at_the_limit() {
    let repository = repository(stalling(Operation::RepoGet));
    let started = Instant::now();
    let outcome = repository.get(&ImageId::generate()).await;
    assert!(started.elapsed() < STALL / 10, "answered at the limit");
    let Err(RepoError::Unavailable(failure)) = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(
        failure.backend, "some database",
        "named as the adapter names itself"
    );
    let cause = failure.source.to_string();
    assert!(cause.contains("within"), "the cause says why: {cause}");
}

#[tokio::test]
async fn a_fast_repository_call_passes_through_unchanged() {
    let repository = repository(Arc::new(FaultPlan::new()));
    assert!(matches!(
        repository.get(&ImageId::generate()).await,
        Ok(None)
    ));
    // Errors too come through as the adapter gave them.
    assert!(matches!(
        repository.check_ready().await,
        Err(RepoError::NotFound)
    ));
}

#[tokio::test]
async fn a_blob_call_slower_than_the_limit_is_unavailable() {
    let mut inner = MockBlobStore::new();
    inner.expect_delete_prefix().returning(|_| Ok(()));
    inner.expect_check_ready().returning(|| Ok(()));
    let faulty = FaultyBlobStore::new(Arc::new(inner), stalling(Operation::BlobDeletePrefix));
    let blobs = DeadlineBlobStore::new(Arc::new(faulty), LIMIT, BLOB_STORE);
    let outcome = blobs.delete_prefix("images/00/x/").await;
    assert!(
        matches!(outcome, Err(BlobError::Unavailable(_))),
        "{outcome:?}"
    );
    assert!(blobs.check_ready().await.is_ok(), "a fast call passes");
}

/// A store whose `put` reads the whole body, then takes `finish` to answer.
struct ReadingStore {
    finish: Duration,
}

#[async_trait]
impl BlobStore for ReadingStore {
    async fn put(&self, _key: &BlobKey, mut body: UploadStream) -> Result<(), BlobError> {
        while let Some(chunk) = body.next().await {
            chunk.map_err(BlobError::Body)?;
        }
        tokio::time::sleep(self.finish).await;
        Ok(())
    }

    async fn get(&self, _: &BlobKey, _: Option<ByteRange>) -> Result<BlobContent, BlobError> {
        Err(BlobError::NotFound)
    }

    async fn delete_prefix(&self, _: &str) -> Result<(), BlobError> {
        Ok(())
    }

    async fn list(&self, _: &str) -> Result<ObjectListing, BlobError> {
        Ok(futures::stream::empty().boxed())
    }

    async fn presigned_get(&self, _: &BlobKey, _: Duration) -> Result<Option<String>, BlobError> {
        Ok(None)
    }

    async fn check_ready(&self) -> Result<(), BlobError> {
        Ok(())
    }
}

/// A body of `chunks` chunks, each arriving `pause` after the previous one: a slow client.
fn slow_body(chunks: usize, pause: Duration) -> UploadStream {
    futures::stream::iter(0..chunks)
        .then(move |_| async move {
            tokio::time::sleep(pause).await;
            Ok(Bytes::from_static(b"chunk"))
        })
        .boxed()
}

fn key() -> BlobKey {
    BlobKey::original(&ImageId::generate())
}

#[tokio::test]
async fn a_put_waiting_on_a_slow_client_is_not_cut() {
    let blobs = DeadlineBlobStore::new(
        Arc::new(ReadingStore {
            finish: Duration::ZERO,
        }),
        LIMIT,
        BLOB_STORE,
    );
    // Five pauses of 60% of the limit: three limits in all, never a limit without a chunk.
    let body = slow_body(5, LIMIT * 3 / 5);
    blobs.put(&key(), body).await.expect("stored");
}

#[tokio::test]
async fn a_put_whose_store_hangs_after_the_body_is_unavailable() {
    let blobs = DeadlineBlobStore::new(Arc::new(ReadingStore { finish: STALL }), LIMIT, BLOB_STORE);
    let started = Instant::now();
    let outcome = blobs.put(&key(), slow_body(2, LIMIT / 2)).await;
    assert!(
        matches!(outcome, Err(BlobError::Unavailable(_))),
        "{outcome:?}"
    );
    assert!(started.elapsed() < STALL / 10, "answered at the limit");
}

#[tokio::test]
async fn a_put_whose_store_hangs_before_reading_is_unavailable() {
    let reading = ReadingStore {
        finish: Duration::ZERO,
    };
    let faulty = FaultyBlobStore::new(Arc::new(reading), stalling(Operation::BlobPut));
    let blobs = DeadlineBlobStore::new(Arc::new(faulty), LIMIT, BLOB_STORE);
    let started = Instant::now();
    let outcome = blobs.put(&key(), slow_body(1, Duration::ZERO)).await;
    assert!(
        matches!(outcome, Err(BlobError::Unavailable(_))),
        "{outcome:?}"
    );
    assert!(started.elapsed() < STALL / 10, "answered at the limit");
}

/// A store whose objects are read as `chunks` chunks, after which the read stalls for `STALL`
/// when `stuck`, or ends.
struct StallingReadStore {
    chunks: usize,
    stuck: bool,
}

impl StallingReadStore {
    fn stream<T: Send + 'static>(
        &self,
        item: impl Fn() -> T + Send + 'static,
    ) -> futures::stream::BoxStream<'static, Result<T, BlobError>> {
        let read = futures::stream::iter(0..self.chunks).map(move |_| Ok(item()));
        let stall = futures::stream::once(tokio::time::sleep(STALL))
            .filter_map(|()| async { None })
            .take(usize::from(self.stuck));
        read.chain(stall).boxed()
    }
}

#[async_trait]
impl BlobStore for StallingReadStore {
    async fn put(&self, _key: &BlobKey, _body: UploadStream) -> Result<(), BlobError> {
        Ok(())
    }

    async fn get(&self, _: &BlobKey, _: Option<ByteRange>) -> Result<BlobContent, BlobError> {
        Ok(BlobContent {
            stream: self.stream(|| Bytes::from_static(b"chunk")),
            length: 5 * self.chunks as u64,
        })
    }

    async fn delete_prefix(&self, _: &str) -> Result<(), BlobError> {
        Ok(())
    }

    async fn list(&self, _: &str) -> Result<ObjectListing, BlobError> {
        Ok(self.stream(|| crate::blob_store::ListedObject {
            key: "images/00/x/original".to_owned(),
            size: 5,
            last_modified: chrono::Utc::now(),
        }))
    }

    async fn presigned_get(&self, _: &BlobKey, _: Duration) -> Result<Option<String>, BlobError> {
        Ok(None)
    }

    async fn check_ready(&self) -> Result<(), BlobError> {
        Ok(())
    }
}

fn bounded(store: StallingReadStore) -> DeadlineBlobStore {
    DeadlineBlobStore::new(Arc::new(store), LIMIT, BLOB_STORE)
}

#[tokio::test]
async fn a_read_that_stalls_after_opening_ends_unavailable_at_the_limit() {
    let blobs = bounded(StallingReadStore {
        chunks: 2,
        stuck: true,
    });
    let mut stream = blobs.get(&key(), None).await.expect("opened").stream;
    let started = Instant::now();
    for _ in 0..2 {
        assert_eq!(stream.next().await.unwrap().unwrap(), "chunk");
    }
    let outcome = stream.next().await.expect("an item, not the end");
    assert!(
        matches!(outcome, Err(BlobError::Unavailable(_))),
        "{outcome:?}"
    );
    assert!(started.elapsed() >= LIMIT, "not before the limit");
    assert!(started.elapsed() < STALL / 10, "answered at the limit");
    assert!(stream.next().await.is_none(), "the stream ends after it");
}

#[tokio::test]
async fn a_listing_that_stalls_ends_unavailable_at_the_limit() {
    let blobs = bounded(StallingReadStore {
        chunks: 1,
        stuck: true,
    });
    let listed: Vec<_> = blobs.list("images/").await.expect("listed").collect().await;
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert!(listed[0].is_ok());
    assert!(
        matches!(listed[1], Err(BlobError::Unavailable(_))),
        "{listed:?}"
    );
}

#[tokio::test]
async fn a_slow_reader_of_a_ready_store_is_not_cut() {
    let blobs = bounded(StallingReadStore {
        chunks: 3,
        stuck: false,
    });
    let mut stream = blobs.get(&key(), None).await.expect("opened").stream;
    let mut chunks = 0;
    while let Some(chunk) = stream.next().await {
        chunk.expect("every chunk is read");
        chunks += 1;
        // The reader, not the store, takes twice the limit between chunks.
        tokio::time::sleep(LIMIT * 2).await;
    }
    assert_eq!(chunks, 3);
}
