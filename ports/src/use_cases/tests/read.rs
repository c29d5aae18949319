//! Reading: visibility, ranges, vanished bytes and storage failures.

use bytes::Bytes;
use futures::StreamExt;
use lightbox_domain::range::{ByteRange, RangeRequest};
use lightbox_domain::visibility::Visibility;

use super::support::*;
use crate::blob_store::{BlobContent, BlobError, MockBlobStore};
use crate::image_repository::{MockImageRepository, RepoError};
use crate::use_cases::ReadError;
use crate::use_cases::errors::StorageError;

fn repository_with(image: Option<lightbox_domain::image::ImageRecord>) -> MockImageRepository {
    let mut repository = MockImageRepository::new();
    repository
        .expect_get()
        .returning(move |_| Ok(image.clone()));
    repository
}

#[tokio::test]
async fn owners_see_their_private_images_and_others_do_not() {
    let image = record(&alice(), Visibility::Private);
    let service = service(MockBlobStore::new(), repository_with(Some(image.clone())));
    assert_eq!(service.image_for(&alice(), &image.id).await.unwrap(), image);
    assert!(matches!(
        service.image_for(&bob(), &image.id).await,
        Err(ReadError::NotFound)
    ));
}

#[tokio::test]
async fn anyone_sees_a_public_image() {
    let image = record(&alice(), Visibility::Public);
    let service = service(MockBlobStore::new(), repository_with(Some(image.clone())));
    assert_eq!(service.image_for(&bob(), &image.id).await.unwrap(), image);
}

#[tokio::test]
async fn a_missing_image_is_not_found_and_a_failure_is_storage() {
    let image = record(&alice(), Visibility::Public);
    let missing = service(MockBlobStore::new(), repository_with(None));
    assert!(matches!(
        missing.image_for(&alice(), &image.id).await,
        Err(ReadError::NotFound)
    ));

    let mut failing = MockImageRepository::new();
    failing
        .expect_get()
        .returning(|_| Err(RepoError::unavailable(std::io::Error::other("down"))));
    let service = service(MockBlobStore::new(), failing);
    assert!(matches!(
        service.image_for(&alice(), &image.id).await,
        Err(ReadError::Storage(StorageError::Unavailable(_)))
    ));
}

#[tokio::test]
async fn a_range_is_resolved_against_the_recorded_size() {
    let image = record(&alice(), Visibility::Private); // 100 bytes
    let mut blobs = MockBlobStore::new();
    blobs
        .expect_get()
        .withf(|_, range| *range == Some(ByteRange { start: 90, end: 99 }))
        .times(1)
        .returning(|_, _| {
            Ok(BlobContent {
                stream: futures::stream::iter([Ok(Bytes::from_static(&[0; 10]))]).boxed(),
                length: 10,
            })
        });
    let service = service(blobs, MockImageRepository::new());
    let opened = service
        .open_bytes(&image, Some(RangeRequest::Suffix { length: 10 }))
        .await
        .unwrap();
    assert_eq!(opened.range, Some(ByteRange { start: 90, end: 99 }));
    assert_eq!(opened.content.length, 10);
}

#[tokio::test]
async fn an_unsatisfiable_range_is_refused_without_reading() {
    let image = record(&alice(), Visibility::Private);
    let service = service(MockBlobStore::new(), MockImageRepository::new());
    let error = service
        .open_bytes(&image, Some(RangeRequest::From { first: 100 }))
        .await
        .unwrap_err();
    assert!(matches!(
        error,
        ReadError::RangeNotSatisfiable { size: 100 }
    ));
}

#[tokio::test]
async fn vanished_bytes_are_not_found_and_store_failures_are_storage() {
    let image = record(&alice(), Visibility::Private);
    let mut blobs = MockBlobStore::new();
    blobs
        .expect_get()
        .times(1)
        .returning(|_, _| Err(BlobError::NotFound));
    blobs
        .expect_get()
        .times(1)
        .returning(|_, _| Err(BlobError::unavailable(std::io::Error::other("gone"))));
    let service = service(blobs, MockImageRepository::new());
    assert!(matches!(
        service.open_bytes(&image, None).await,
        Err(ReadError::NotFound)
    ));
    assert!(matches!(
        service.open_bytes(&image, None).await,
        Err(ReadError::Storage(_))
    ));
}

/// Bytes of another length than the record (or its range) calls for are not served as the
/// image: the store is reported failing instead.
#[tokio::test]
async fn bytes_of_another_length_than_recorded_are_a_storage_failure() {
    let image = record(&alice(), Visibility::Private); // 100 bytes
    let mut blobs = MockBlobStore::new();
    for length in [99_u64, 101, 9] {
        blobs.expect_get().times(1).returning(move |_, _| {
            Ok(BlobContent {
                stream: futures::stream::empty().boxed(),
                length,
            })
        });
    }
    let service = service(blobs, MockImageRepository::new());
    for range in [None, None, Some(RangeRequest::Suffix { length: 10 })] {
        assert!(
            matches!(
                service.open_bytes(&image, range).await,
                Err(ReadError::Storage(StorageError::Unavailable(_)))
            ),
            "{range:?}"
        );
    }
}
