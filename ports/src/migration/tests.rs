//! The migration over mocked ports: what is copied, verified, skipped and refused.

use std::sync::{Arc, Mutex};

use futures::StreamExt;
use lightbox_domain::image::{ImageRecord, Sha256Digest};
use lightbox_domain::visibility::Visibility;
use sha2::{Digest, Sha256};

use super::{ImageMigrationError, Migration, MigrationOptions, MigrationReport, Store};
use crate::blob_store::BlobContent;
use crate::blob_store::{BlobKey, ListedObject, MockBlobStore};
use crate::image_repository::{ImportOutcome, MockImageRepository, SweepPage};
use crate::use_cases::tests::support::{alice, drain, now, record};

const ORIGINAL: &[u8] = b"the original's bytes";
const THUMBNAIL: &[u8] = b"a thumbnail";

/// A record whose size and digest are those of [`ORIGINAL`].
fn migrating_record() -> ImageRecord {
    let mut record = record(&alice(), Visibility::Public);
    record.content.size_bytes = ORIGINAL.len() as u64;
    record.content.sha256 = Sha256Digest::from_bytes(Sha256::digest(ORIGINAL).into());
    record
}

/// An object holding `bytes`, readable at once. (The shared `content_of` yields to tokio, which
/// never runs while a mocked put drains the body with `block_on`.)
fn ready_content(bytes: &'static [u8]) -> BlobContent {
    BlobContent {
        stream: futures::stream::once(async move { Ok(bytes::Bytes::from_static(bytes)) }).boxed(),
        length: bytes.len() as u64,
    }
}

/// A source holding `record` with `original` as its original's bytes, a thumbnail, and a
/// staging file an interrupted upload left.
fn source(record: &ImageRecord, original: &'static [u8]) -> Store {
    let mut repository = MockImageRepository::new();
    let page = SweepPage {
        records: vec![record.clone()],
        next: None,
    };
    // Once to count, once to copy.
    repository
        .expect_sweep()
        .times(2)
        .returning(move |_, _| Ok(page.clone()));
    let prefix = BlobKey::image_prefix(&record.id);
    let mut blobs = MockBlobStore::new();
    blobs.expect_list().returning(move |_| {
        let objects = [
            ("original", ORIGINAL.len()),
            ("thumbnail-256", THUMBNAIL.len()),
            ("original#3", 5),
        ]
        .into_iter()
        .map(|(name, size)| {
            Ok(ListedObject {
                key: format!("{prefix}{name}"),
                size: size as u64,
                last_modified: now(),
            })
        })
        .collect::<Vec<_>>();
        Ok(futures::stream::iter(objects).boxed())
    });
    blobs.expect_get().returning(move |key, _| {
        let bytes = if key.as_str().ends_with("original") {
            original
        } else {
            THUMBNAIL
        };
        Ok(ready_content(bytes))
    });
    Store {
        blobs: Arc::new(blobs),
        repository: Arc::new(repository),
    }
}

/// Every put a destination received: its key, and the bytes its body gave or its error.
type Puts = Arc<Mutex<Vec<(String, Result<Vec<u8>, String>)>>>;

/// A destination holding `existing` (or nothing) under the record's id; a store that is never
/// written to unless `writes` says how many puts to expect, each of which is recorded.
struct Destination {
    repository: MockImageRepository,
    blobs: MockBlobStore,
    stored: Puts,
}

fn destination(existing: Option<ImageRecord>) -> Destination {
    let mut repository = MockImageRepository::new();
    repository
        .expect_get()
        .returning(move |_| Ok(existing.clone()));
    Destination {
        repository,
        blobs: MockBlobStore::new(),
        stored: Arc::default(),
    }
}

impl Destination {
    /// Accepts writes: puts drain their bodies as a store would, and are recorded.
    fn writable(mut self, import: Option<ImportOutcome>) -> Self {
        self.blobs.expect_delete_prefix().returning(|_| Ok(()));
        let stored = Arc::clone(&self.stored);
        self.blobs.expect_put().returning(move |key, body| {
            let drained = drain(body);
            let failed = drained.is_err();
            stored
                .lock()
                .unwrap()
                .push((key.to_string(), drained.map_err(|e| e.to_string())));
            if failed {
                Err(crate::blob_store::BlobError::Body(std::io::Error::other(
                    "body failed",
                )))
            } else {
                Ok(())
            }
        });
        match import {
            Some(outcome) => {
                self.repository
                    .expect_import()
                    .times(1)
                    .returning(move |_| Ok(outcome.clone()));
            }
            None => {
                self.repository.expect_import().never();
            }
        }
        self
    }

    fn store(self) -> (Store, Puts) {
        let store = Store {
            blobs: Arc::new(self.blobs),
            repository: Arc::new(self.repository),
        };
        (store, self.stored)
    }
}

async fn run(source: Store, destination: Store, dry_run: bool) -> MigrationReport {
    let options = MigrationOptions {
        dry_run,
        ..MigrationOptions::default()
    };
    Migration::new(source, destination)
        .run(options, &|_| {})
        .await
        .unwrap()
}

#[tokio::test]
async fn an_image_is_copied_with_its_derived_files_then_committed() {
    let record = migrating_record();
    let (destination, stored) = destination(None)
        .writable(Some(ImportOutcome::Inserted))
        .store();

    let report = run(source(&record, ORIGINAL), destination, false).await;

    assert_eq!((report.total, report.copied, report.skipped), (1, 1, 0));
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert_eq!(
        report.objects_copied, 2,
        "the staging file is not an object"
    );
    assert_eq!(
        report.bytes_copied,
        (ORIGINAL.len() + THUMBNAIL.len()) as u64
    );
    let stored = stored.lock().unwrap();
    let keys: Vec<&str> = stored.iter().map(|(key, _)| key.as_str()).collect();
    assert_eq!(
        keys,
        [
            BlobKey::original(&record.id).as_str(),
            BlobKey::derived(&record.id, "thumbnail-256").as_str()
        ],
        "the original first"
    );
    assert_eq!(stored[0].1.as_deref().unwrap(), ORIGINAL);
    assert_eq!(stored[1].1.as_deref().unwrap(), THUMBNAIL);
}

#[tokio::test]
async fn an_original_that_is_not_the_recorded_one_is_never_committed() {
    let record = migrating_record();
    let (destination, stored) = destination(None).writable(None).store();

    let report = run(source(&record, b"the originaL's bytes"), destination, false).await;

    assert_eq!(report.copied, 0);
    assert!(
        matches!(report.failed[0].reason, ImageMigrationError::Corrupt { .. }),
        "{:?}",
        report.failed
    );
    assert!(
        stored.lock().unwrap()[0].1.is_err(),
        "the body failed, so the store kept nothing"
    );
}

#[tokio::test]
async fn an_identical_record_is_skipped_without_reading_bytes() {
    let record = migrating_record();
    // No expectation on the destination's blobs: any call would panic.
    let (destination, _) = destination(Some(record.clone())).store();
    let mut source = source(&record, ORIGINAL);
    source.blobs = Arc::new(MockBlobStore::new());

    let report = run(source, destination, false).await;

    assert_eq!((report.copied, report.skipped), (0, 1));
    assert!(report.failed.is_empty());
}

#[tokio::test]
async fn a_different_record_under_the_id_is_a_conflict_left_alone() {
    let record = migrating_record();
    let mut other = record.clone();
    other.version = other.version.next();
    let (destination, _) = destination(Some(other)).store();

    let report = run(source(&record, ORIGINAL), destination, false).await;

    assert!(matches!(
        report.failed[0].reason,
        ImageMigrationError::Conflict { .. }
    ));
}

#[tokio::test]
async fn a_dry_run_reads_and_writes_nothing() {
    let record = migrating_record();
    let (destination, _) = destination(None).store();

    let report = run(source(&record, ORIGINAL), destination, true).await;

    assert_eq!((report.copied, report.objects_copied), (1, 2));
    assert!(report.failed.is_empty());
}
