//! Signed links: making them, and every way checking one can fail.

use std::time::Duration;

use chrono::TimeDelta;
use lightbox_domain::ids::ImageId;
use lightbox_domain::visibility::Visibility;

use super::support::*;
use crate::blob_store::{BlobError, MockBlobStore};
use crate::failure::BackendFailure;
use crate::image_repository::{MockImageRepository, RepoError};
use crate::use_cases::{ContentError, LinkTarget, NotReady};

fn unsigning_store() -> MockBlobStore {
    let mut blobs = MockBlobStore::new();
    blobs.expect_presigned_get().returning(|_, _| Ok(None));
    blobs
}

#[tokio::test]
async fn a_store_that_signs_its_own_urls_is_used() {
    let image = record(&alice(), Visibility::Private);
    let mut blobs = MockBlobStore::new();
    blobs
        .expect_presigned_get()
        .withf(|_, ttl| *ttl == Duration::from_secs(3600))
        .returning(|_, _| Ok(Some("https://bucket.example/x?sig".to_owned())));
    let link = service(blobs, MockImageRepository::new())
        .content_link(&image)
        .await;
    assert_eq!(
        link.target,
        LinkTarget::Absolute("https://bucket.example/x?sig".to_owned())
    );
    assert_eq!(link.expires_at, now() + TimeDelta::hours(1));
}

#[tokio::test]
async fn a_store_that_fails_to_presign_gets_the_service_link_instead_of_an_error() {
    let image = record(&alice(), Visibility::Private);
    let mut blobs = MockBlobStore::new();
    blobs
        .expect_presigned_get()
        .returning(|_, _| Err(BlobError::unavailable("signing is down")));
    let link = service(blobs, MockImageRepository::new())
        .content_link(&image)
        .await;
    assert!(
        matches!(link.target, LinkTarget::ServiceContent { id, .. } if id == image.id),
        "{link:?}"
    );
    assert_eq!(link.expires_at, now() + TimeDelta::hours(1));
}

#[tokio::test]
async fn a_service_link_verifies_until_it_expires() {
    let image = record(&alice(), Visibility::Private);
    let mut repository = MockImageRepository::new();
    let copy = image.clone();
    repository
        .expect_get()
        .returning(move |_| Ok(Some(copy.clone())));
    let service = service(unsigning_store(), repository);
    let link = service.content_link(&image).await;
    let LinkTarget::ServiceContent {
        id,
        expires,
        signature,
    } = link.target
    else {
        panic!("the filesystem cannot sign, so the service must");
    };
    assert_eq!(expires, now().timestamp() + 3600);
    let opened = service
        .open_signed(id, Some(expires), Some(signature.as_str()))
        .await
        .unwrap();
    assert_eq!(opened, image);
}

#[tokio::test]
async fn missing_forged_and_expired_signatures_are_refused_without_storage() {
    let service = service(unsigning_store(), MockImageRepository::new());
    let id = ImageId::generate();
    let open = |expires, signature| service.open_signed(id, expires, signature);
    assert!(matches!(
        open(None, Some("ab")).await,
        Err(ContentError::InvalidSignature)
    ));
    assert!(matches!(
        open(Some(1), None).await,
        Err(ContentError::InvalidSignature)
    ));
    let future = now().timestamp() + 60;
    assert!(matches!(
        open(Some(future), Some("00ff")).await,
        Err(ContentError::InvalidSignature)
    ));

    let past = now().timestamp() - 1;
    let grant = lightbox_domain::signing::SignedContent {
        id,
        variant: lightbox_domain::signing::ContentVariant::Original,
        expires: past,
    };
    let genuine = grant.sign(&key());
    assert!(matches!(
        open(Some(past), Some(genuine.as_str())).await,
        Err(ContentError::Expired)
    ));
}

#[tokio::test]
async fn a_valid_link_to_a_deleted_image_is_not_found() {
    let mut repository = MockImageRepository::new();
    repository.expect_get().returning(|_| Ok(None));
    repository
        .expect_get()
        .returning(|_| Err(RepoError::unavailable(std::io::Error::other("down"))));
    let service = service(unsigning_store(), repository);
    let image = record(&alice(), Visibility::Private);
    let LinkTarget::ServiceContent {
        id,
        expires,
        signature,
    } = service.content_link(&image).await.target
    else {
        panic!("expected a service link");
    };
    let result = service
        .open_signed(id, Some(expires), Some(signature.as_str()))
        .await;
    assert!(matches!(result, Err(ContentError::NotFound)));
}

#[tokio::test]
async fn readiness_names_the_failing_backend() {
    let mut repository = MockImageRepository::new();
    repository.expect_check_ready().returning(|| Ok(()));
    let mut blobs = MockBlobStore::new();
    blobs
        .expect_check_ready()
        .returning(|| Err(BlobError::unavailable(std::io::Error::other("read-only"))));
    let failure = service(blobs, repository).check_ready().await.unwrap_err();
    assert_eq!(failure.backend(), "blob store");

    let mut repository = MockImageRepository::new();
    repository
        .expect_check_ready()
        .returning(|| Err(RepoError::unavailable(std::io::Error::other("locked"))));
    let mut blobs = MockBlobStore::new();
    blobs.expect_check_ready().returning(|| Ok(()));
    let NotReady(BackendFailure { backend, .. }) =
        service(blobs, repository).check_ready().await.unwrap_err();
    assert_eq!(backend, "metadata database");
}
