//! Updating: ownership, If-Match, no-ops, lost races and storage failures.

use lightbox_domain::image::{ImageRecord, MetadataPatch, Version};
use lightbox_domain::text::Title;
use lightbox_domain::visibility::Visibility;

use super::support::*;
use crate::blob_store::MockBlobStore;
use crate::image_repository::{MockImageRepository, RepoError};
use crate::use_cases::update::UNGUARDED_ATTEMPTS;
use crate::use_cases::{UpdateError, UpdateRequest};

fn retitle(image: &ImageRecord, if_match: Option<Vec<Version>>) -> UpdateRequest {
    UpdateRequest {
        owner: alice(),
        id: image.id,
        patch: MetadataPatch {
            title: Some(Title::parse("New title").unwrap()),
            ..MetadataPatch::default()
        },
        if_match,
    }
}

fn stored(image: &ImageRecord) -> MockImageRepository {
    let mut repository = MockImageRepository::new();
    let copy = image.clone();
    repository
        .expect_get()
        .returning(move |_| Ok(Some(copy.clone())));
    repository
}

#[tokio::test]
async fn a_change_is_written_conditionally_on_the_version_read() {
    let image = record(&alice(), Visibility::Private);
    let mut repository = stored(&image);
    repository
        .expect_update()
        .withf(|updated, expected| {
            *expected == Version::FIRST
                && updated.version == Version::new(2)
                && updated.metadata.title.as_ref().map(Title::as_str) == Some("New title")
        })
        .times(1)
        .returning(|_, _| Ok(()));
    let service = service(MockBlobStore::new(), repository);
    let updated = service
        .update(retitle(&image, Some(vec![Version::FIRST])))
        .await
        .unwrap();
    assert_eq!(updated.version, Version::new(2));
}

#[tokio::test]
async fn only_the_owner_may_update_even_a_public_image() {
    let image = record(&alice(), Visibility::Public);
    let service = service(MockBlobStore::new(), stored(&image));
    let mut request = retitle(&image, None);
    request.owner = bob();
    assert!(matches!(
        service.update(request).await,
        Err(UpdateError::NotFound)
    ));
}

#[tokio::test]
async fn a_missing_image_is_not_found() {
    let image = record(&alice(), Visibility::Private);
    let mut repository = MockImageRepository::new();
    repository.expect_get().returning(|_| Ok(None));
    let service = service(MockBlobStore::new(), repository);
    assert!(matches!(
        service.update(retitle(&image, None)).await,
        Err(UpdateError::NotFound)
    ));
}

#[tokio::test]
async fn a_stale_if_match_fails_before_writing() {
    let image = record(&alice(), Visibility::Private);
    let service = service(MockBlobStore::new(), stored(&image));
    let request = retitle(&image, Some(vec![Version::new(7)]));
    assert!(matches!(
        service.update(request).await,
        Err(UpdateError::PreconditionFailed)
    ));
    let never = retitle(&image, Some(Vec::new()));
    assert!(matches!(
        service.update(never).await,
        Err(UpdateError::PreconditionFailed)
    ));
}

#[tokio::test]
async fn a_no_op_returns_the_image_unchanged_without_writing() {
    let image = record(&alice(), Visibility::Private);
    let service = service(MockBlobStore::new(), stored(&image));
    let request = UpdateRequest {
        patch: MetadataPatch {
            visibility: Some(Visibility::Private),
            ..MetadataPatch::default()
        },
        ..retitle(&image, None)
    };
    assert_eq!(service.update(request).await.unwrap(), image);
}

#[tokio::test]
async fn a_lost_race_with_if_match_is_a_failed_precondition() {
    let image = record(&alice(), Visibility::Private);
    let mut repository = stored(&image);
    repository
        .expect_update()
        .times(1)
        .returning(|_, _| Err(RepoError::VersionConflict));
    let service = service(MockBlobStore::new(), repository);
    let request = retitle(&image, Some(vec![Version::FIRST]));
    assert!(matches!(
        service.update(request).await,
        Err(UpdateError::PreconditionFailed)
    ));
}

#[tokio::test]
async fn a_lost_race_without_if_match_is_retried() {
    let image = record(&alice(), Visibility::Private);
    let mut repository = stored(&image);
    let mut attempts = 0;
    repository.expect_update().times(2).returning(move |_, _| {
        attempts += 1;
        if attempts == 1 {
            Err(RepoError::VersionConflict)
        } else {
            Ok(())
        }
    });
    let service = service(MockBlobStore::new(), repository);
    assert!(service.update(retitle(&image, None)).await.is_ok());
}

#[tokio::test]
async fn endless_races_end_in_a_storage_error() {
    let image = record(&alice(), Visibility::Private);
    let mut repository = stored(&image);
    repository
        .expect_update()
        .times(UNGUARDED_ATTEMPTS)
        .returning(|_, _| Err(RepoError::VersionConflict));
    let service = service(MockBlobStore::new(), repository);
    assert!(matches!(
        service.update(retitle(&image, None)).await,
        Err(UpdateError::Storage(_))
    ));
}

#[tokio::test]
async fn deleted_meanwhile_is_not_found_and_failures_are_storage() {
    let image = record(&alice(), Visibility::Private);
    let mut repository = stored(&image);
    repository
        .expect_update()
        .times(1)
        .returning(|_, _| Err(RepoError::NotFound));
    repository
        .expect_update()
        .times(1)
        .returning(|_, _| Err(RepoError::unavailable(std::io::Error::other("down"))));
    let service = service(MockBlobStore::new(), repository);
    assert!(matches!(
        service.update(retitle(&image, None)).await,
        Err(UpdateError::NotFound)
    ));
    assert!(matches!(
        service.update(retitle(&image, None)).await,
        Err(UpdateError::Storage(_))
    ));
}
