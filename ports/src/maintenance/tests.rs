//! The passes over mocked ports: what gc removes and keeps, and what scrub reports.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, TimeDelta, Utc};
use futures::StreamExt;
use lightbox_domain::ids::ImageId;
use lightbox_domain::image::{ImageRecord, Sha256Digest};
use lightbox_domain::visibility::Visibility;
use sha2::{Digest, Sha256};

use super::{GcOptions, Maintenance};
use crate::blob_store::{BlobError, BlobKey, ListedObject, MockBlobStore, ObjectListing};
use crate::image_repository::{MockImageRepository, RepoError, SweepPage, SweepPosition};
use crate::use_cases::tests::support::{FixedClock, alice, content_of, now, record};

fn maintenance(blobs: MockBlobStore, repository: MockImageRepository) -> Maintenance {
    Maintenance::new(
        Arc::new(blobs),
        Arc::new(repository),
        Arc::new(FixedClock(now())),
    )
}

fn object(key: String, size: u64, last_modified: DateTime<Utc>) -> ListedObject {
    ListedObject {
        key,
        size,
        last_modified,
    }
}

/// What a store holding `objects` lists for a prefix.
fn listing(
    objects: Vec<ListedObject>,
) -> impl FnMut(&str) -> Result<ObjectListing, BlobError> + Send + 'static {
    move |prefix| {
        let under: Vec<Result<ListedObject, BlobError>> = objects
            .iter()
            .filter(|object| object.key.starts_with(prefix))
            .cloned()
            .map(Ok)
            .collect();
        Ok(futures::stream::iter(under).boxed())
    }
}

/// A blob store listed once per fan-out prefix, holding `objects`.
fn store_listing(objects: Vec<ListedObject>) -> MockBlobStore {
    let mut blobs = MockBlobStore::new();
    blobs.expect_list().times(256).returning(listing(objects));
    blobs
}

fn options(dry_run: bool) -> GcOptions {
    GcOptions {
        grace: TimeDelta::hours(1),
        dry_run,
    }
}

/// Images of every kind gc meets: recorded (old), an old orphan with a leftover staging file,
/// an orphan within the grace period, and a stray key.
struct Scene {
    recorded: ImageId,
    old_orphan: ImageId,
    recent_orphan: ImageId,
    objects: Vec<ListedObject>,
}

fn scene() -> Scene {
    let recorded = ImageId::generate();
    let old_orphan = ImageId::generate();
    let recent_orphan = ImageId::generate();
    let old = now() - TimeDelta::hours(3);
    let fresh = now() - TimeDelta::minutes(10);
    let objects = vec![
        object(BlobKey::original(&recorded).as_str().to_owned(), 10, old),
        object(BlobKey::original(&old_orphan).as_str().to_owned(), 100, old),
        object(
            format!("{}thumbnail#2", BlobKey::image_prefix(&old_orphan)),
            7,
            old,
        ),
        object(
            BlobKey::original(&recent_orphan).as_str().to_owned(),
            5,
            old,
        ),
        // A thumbnail written recently keeps its whole image within the grace period.
        object(
            BlobKey::derived(&recent_orphan, "thumbnail-256.jpg")
                .as_str()
                .to_owned(),
            3,
            fresh,
        ),
        object("images/00/stray".to_owned(), 1, old),
    ];
    Scene {
        recorded,
        old_orphan,
        recent_orphan,
        objects,
    }
}

fn repository_knowing(known: ImageId) -> MockImageRepository {
    let mut repository = MockImageRepository::new();
    repository.expect_existing_ids().returning(move |ids| {
        assert!(ids.len() <= crate::image_repository::EXISTING_IDS_BATCH);
        Ok(ids.iter().copied().filter(|id| *id == known).collect())
    });
    repository
}

#[tokio::test]
async fn gc_removes_only_orphans_past_the_grace_period() {
    let scene = scene();
    let mut blobs = store_listing(scene.objects.clone());
    let expected_prefix = BlobKey::image_prefix(&scene.old_orphan);
    blobs
        .expect_delete_prefix()
        .withf(move |prefix| prefix == expected_prefix)
        .times(1)
        .returning(|_| Ok(()));
    let steps = Mutex::new(Vec::new());
    let report = maintenance(blobs, repository_knowing(scene.recorded))
        .collect_garbage(options(false), &|done, total, _| {
            steps.lock().unwrap().push((done, total));
        })
        .await
        .unwrap();
    assert_eq!(report.images_seen, 3);
    assert_eq!(report.with_metadata, 1);
    assert_eq!(report.too_recent, 1, "{} is recent", scene.recent_orphan);
    assert_eq!(report.orphans, 1);
    assert_eq!(report.orphan_objects, 2);
    assert_eq!(report.orphan_bytes, 107);
    assert_eq!(report.removed, 1);
    assert_eq!(report.failed, 0);
    assert_eq!(report.unrecognized_objects, 1);
    let steps = steps.into_inner().unwrap();
    assert_eq!(steps.len(), 256);
    assert_eq!(steps.last(), Some(&(256, 256)));
}

#[tokio::test]
async fn a_dry_run_counts_the_orphans_and_removes_nothing() {
    let scene = scene();
    let mut blobs = store_listing(scene.objects.clone());
    blobs.expect_delete_prefix().never();
    let report = maintenance(blobs, repository_knowing(scene.recorded))
        .collect_garbage(options(true), &|_, _, _| {})
        .await
        .unwrap();
    assert_eq!((report.orphans, report.removed), (1, 0));
}

#[tokio::test]
async fn a_failed_removal_is_counted_and_the_run_goes_on() {
    let first = ImageId::generate();
    let second = ImageId::generate();
    let old = now() - TimeDelta::days(1);
    let mut blobs = store_listing(vec![
        object(BlobKey::original(&first).as_str().to_owned(), 1, old),
        object(BlobKey::original(&second).as_str().to_owned(), 1, old),
    ]);
    let failing = BlobKey::image_prefix(&first);
    blobs
        .expect_delete_prefix()
        .times(2)
        .returning(move |prefix| {
            if prefix == failing {
                Err(BlobError::unavailable(std::io::Error::other("refused")))
            } else {
                Ok(())
            }
        });
    let mut repository = MockImageRepository::new();
    repository
        .expect_existing_ids()
        .returning(|_| Ok(HashSet::new()));
    let report = maintenance(blobs, repository)
        .collect_garbage(options(false), &|_, _, _| {})
        .await
        .unwrap();
    assert_eq!((report.orphans, report.removed, report.failed), (2, 1, 1));
}

#[tokio::test]
async fn gc_stops_with_an_error_when_the_metadata_cannot_be_read() {
    let scene = scene();
    let mut blobs = MockBlobStore::new();
    blobs
        .expect_list()
        .returning(listing(scene.objects.clone()));
    // Nothing may be removed on a guess.
    blobs.expect_delete_prefix().never();
    let mut repository = MockImageRepository::new();
    repository
        .expect_existing_ids()
        .returning(|_| Err(RepoError::unavailable(std::io::Error::other("down"))));
    let outcome = maintenance(blobs, repository)
        .collect_garbage(options(false), &|_, _, _| {})
        .await;
    assert!(outcome.is_err());
}

fn digest(bytes: &[u8]) -> Sha256Digest {
    Sha256Digest::from_bytes(Sha256::digest(bytes).into())
}

fn record_of(bytes: &[u8]) -> ImageRecord {
    let mut record = record(&alice(), Visibility::Private);
    record.content.size_bytes = bytes.len() as u64;
    record.content.sha256 = digest(bytes);
    record
}

#[tokio::test]
async fn scrub_reports_missing_corrupt_and_unreadable_originals_over_every_page() {
    let intact = record_of(b"intact bytes");
    let corrupt = record_of(b"the bytes as uploaded");
    let missing = record_of(b"gone");
    let unreadable = record_of(b"behind a failing disk");
    let first_page = vec![intact.clone(), corrupt.clone()];
    let second_page = vec![missing.clone(), unreadable.clone()];
    let mut repository = MockImageRepository::new();
    repository
        .expect_sweep()
        .times(2)
        .returning(move |from, _| {
            Ok(match from {
                None => SweepPage {
                    records: first_page.clone(),
                    next: Some(SweepPosition("page 2".to_owned())),
                },
                Some(_) => SweepPage {
                    records: second_page.clone(),
                    next: None,
                },
            })
        });
    let mut blobs = MockBlobStore::new();
    let (intact_id, corrupt_id, missing_id) = (intact.id, corrupt.id, missing.id);
    blobs.expect_get().times(4).returning(move |key, range| {
        assert_eq!(range, None);
        if *key == BlobKey::original(&intact_id) {
            Ok(content_of(b"intact bytes".to_vec()))
        } else if *key == BlobKey::original(&corrupt_id) {
            Ok(content_of(b"the bytes as uploadeD".to_vec()))
        } else if *key == BlobKey::original(&missing_id) {
            Err(BlobError::NotFound)
        } else {
            Err(BlobError::unavailable(std::io::Error::other("io error")))
        }
    });
    let pages = Mutex::new(0);
    let report = maintenance(blobs, repository)
        .scrub(&|_| *pages.lock().unwrap() += 1)
        .await
        .unwrap();
    assert_eq!(*pages.lock().unwrap(), 2);
    assert_eq!(report.checked, 4);
    assert_eq!(report.missing, vec![(missing.id, missing.owner.clone())]);
    assert_eq!(report.corrupt.len(), 1);
    let found = &report.corrupt[0];
    assert_eq!(found.id, corrupt.id);
    assert_eq!(found.expected, (21, corrupt.content.sha256));
    assert_eq!(found.found, (21, digest(b"the bytes as uploadeD")));
    assert_eq!(report.unreadable.len(), 1);
    assert_eq!(report.unreadable[0].id, unreadable.id);
    assert_eq!(report.bytes_read, 12 + 21);
    assert!(!report.is_clean());
}

#[tokio::test]
async fn a_scrub_of_intact_originals_is_clean() {
    let records: Vec<ImageRecord> = (0..3).map(|n| record_of(&[n; 40])).collect();
    let contents: Vec<(BlobKey, Vec<u8>)> = records
        .iter()
        .zip(0_u8..)
        .map(|(record, n)| (BlobKey::original(&record.id), vec![n; 40]))
        .collect();
    let mut repository = MockImageRepository::new();
    repository.expect_sweep().times(1).returning(move |_, _| {
        Ok(SweepPage {
            records: records.clone(),
            next: None,
        })
    });
    let mut blobs = MockBlobStore::new();
    blobs.expect_get().times(3).returning(move |key, _| {
        let (_, bytes) = contents.iter().find(|(k, _)| k == key).unwrap();
        Ok(content_of(bytes.clone()))
    });
    let report = maintenance(blobs, repository).scrub(&|_| {}).await.unwrap();
    assert!(report.is_clean(), "{report:?}");
    assert_eq!((report.checked, report.bytes_read), (3, 120));
}

#[tokio::test]
async fn scrub_stops_with_an_error_when_the_metadata_cannot_be_read() {
    let mut repository = MockImageRepository::new();
    repository
        .expect_sweep()
        .returning(|_, _| Err(RepoError::unavailable(std::io::Error::other("down"))));
    let outcome = maintenance(MockBlobStore::new(), repository)
        .scrub(&|_| {})
        .await;
    assert!(outcome.is_err());
}
