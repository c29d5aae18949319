//! Images stored without a blurhash get one in the background when they are read, without the
//! read waiting for it, and without a version change.

use std::sync::{Arc, Mutex};

use lightbox_domain::blurhash::Blurhash;
use lightbox_domain::visibility::Visibility;
use tokio::sync::mpsc;

use super::support::*;
use crate::blob_store::{BlobError, BlobKey, MockBlobStore};
use crate::image_repository::MockImageRepository;
use crate::use_cases::ServiceSettings;

#[tokio::test]
async fn reading_an_image_without_a_blurhash_fills_it_in_the_background() {
    let mut image = record(&alice(), Visibility::Private);
    image.blurhash = None;
    let original = gif(3, 2);
    let mut blobs = MockBlobStore::new();
    let original_key = BlobKey::original(&image.id);
    blobs.expect_get().returning(move |asked, _| {
        assert_eq!(asked, &original_key);
        Ok(content_of(original.clone()))
    });
    let (filled, mut filled_rx) = mpsc::unbounded_channel();
    let mut repository = MockImageRepository::new();
    let stored = Arc::new(Mutex::new(image.clone()));
    let read = stored.clone();
    repository
        .expect_get()
        .returning(move |_| Ok(Some(read.lock().unwrap().clone())));
    repository
        .expect_set_blurhash()
        .times(1)
        .returning(move |id, blurhash| {
            filled.send((*id, blurhash.clone())).unwrap();
            Ok(())
        });
    let service = service_with(blobs, repository, ServiceSettings::with_key(key()));

    let answered = service.image_for(&alice(), &image.id).await.unwrap();

    assert_eq!(
        answered.blurhash, None,
        "the read does not wait for the decode"
    );
    let (id, blurhash) = tokio::time::timeout(std::time::Duration::from_secs(5), filled_rx.recv())
        .await
        .expect("the background task records the blurhash")
        .unwrap();
    assert_eq!(id, image.id);
    assert_eq!(blurhash, Blurhash::parse(BLURHASH).unwrap());
}

#[tokio::test]
async fn images_with_a_blurhash_start_no_work() {
    let image = record(&alice(), Visibility::Private);
    let mut blobs = MockBlobStore::new();
    blobs
        .expect_get()
        .never()
        .returning(|_, _| Err(BlobError::NotFound));
    let mut repository = MockImageRepository::new();
    let found = image.clone();
    repository
        .expect_get()
        .times(1)
        .returning(move |_| Ok(Some(found.clone())));
    repository.expect_set_blurhash().never();
    let service = service_with(blobs, repository, ServiceSettings::with_key(key()));

    service.image_for(&alice(), &image.id).await.unwrap();
    tokio::task::yield_now().await;
}
