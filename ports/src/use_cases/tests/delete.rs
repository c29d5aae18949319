//! Deleting: ownership, order of removal, races and failures.

use lightbox_domain::visibility::Visibility;
use mockall::Sequence;

use super::support::*;
use crate::blob_store::{BlobError, BlobKey, MockBlobStore};
use crate::image_repository::{MockImageRepository, RepoError};
use crate::use_cases::DeleteError;

#[tokio::test]
async fn metadata_goes_first_then_every_stored_file() {
    let image = record(&alice(), Visibility::Private);
    let prefix = BlobKey::image_prefix(&image.id);
    let mut order = Sequence::new();
    let mut repository = MockImageRepository::new();
    let copy = image.clone();
    repository
        .expect_get()
        .returning(move |_| Ok(Some(copy.clone())));
    repository
        .expect_delete()
        .times(1)
        .in_sequence(&mut order)
        .returning(|_| Ok(()));
    let mut blobs = MockBlobStore::new();
    blobs
        .expect_delete_prefix()
        .withf(move |p| p == prefix)
        .times(1)
        .in_sequence(&mut order)
        .returning(|_| Ok(()));
    let service = service(blobs, repository);
    service.delete(&alice(), &image.id).await.unwrap();
}

#[tokio::test]
async fn only_the_owner_may_delete() {
    let image = record(&alice(), Visibility::Public);
    let mut repository = MockImageRepository::new();
    repository
        .expect_get()
        .returning(move |_| Ok(Some(image.clone())));
    let service = service(MockBlobStore::new(), repository);
    let id = lightbox_domain::ids::ImageId::generate();
    assert!(matches!(
        service.delete(&bob(), &id).await,
        Err(DeleteError::NotFound)
    ));
}

#[tokio::test]
async fn losing_a_delete_race_is_not_found() {
    let image = record(&alice(), Visibility::Private);
    let mut repository = MockImageRepository::new();
    let copy = image.clone();
    repository
        .expect_get()
        .returning(move |_| Ok(Some(copy.clone())));
    repository
        .expect_delete()
        .returning(|_| Err(RepoError::NotFound));
    let service = service(MockBlobStore::new(), repository);
    assert!(matches!(
        service.delete(&alice(), &image.id).await,
        Err(DeleteError::NotFound)
    ));
}

#[tokio::test]
async fn a_metadata_failure_leaves_the_bytes_alone() {
    let image = record(&alice(), Visibility::Private);
    let mut repository = MockImageRepository::new();
    let copy = image.clone();
    repository
        .expect_get()
        .returning(move |_| Ok(Some(copy.clone())));
    repository
        .expect_delete()
        .returning(|_| Err(RepoError::unavailable(std::io::Error::other("down"))));
    let mut blobs = MockBlobStore::new();
    blobs.expect_delete_prefix().never();
    let service = service(blobs, repository);
    assert!(matches!(
        service.delete(&alice(), &image.id).await,
        Err(DeleteError::Storage(_))
    ));
}

#[tokio::test]
async fn a_blob_failure_after_the_metadata_is_gone_still_deletes() {
    let image = record(&alice(), Visibility::Private);
    let mut repository = MockImageRepository::new();
    let copy = image.clone();
    repository
        .expect_get()
        .returning(move |_| Ok(Some(copy.clone())));
    repository.expect_delete().returning(|_| Ok(()));
    let mut blobs = MockBlobStore::new();
    blobs
        .expect_delete_prefix()
        .returning(|_| Err(BlobError::unavailable(std::io::Error::other("down"))));
    let service = service(blobs, repository);
    assert!(service.delete(&alice(), &image.id).await.is_ok());
}
