//! Thumbnails: served from the store when made, rendered once and stored when not, and the
//! image's access rule and failures on the way.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use lightbox_domain::image_format::ImageFormat;
use lightbox_domain::thumbnail::ThumbnailPreset;
use lightbox_domain::visibility::Visibility;
use sha2::{Digest, Sha256};

use super::support::*;
use crate::blob_store::{BlobError, MockBlobStore};
use crate::image_processor::{MockImageProcessor, ProcessError, Thumbnail};
use crate::image_repository::MockImageRepository;
use crate::use_cases::{ServiceSettings, ThumbnailError};

type Objects = Arc<Mutex<HashMap<String, Vec<u8>>>>;

/// A blob store over a map of keys to bytes.
fn map_store(objects: Objects) -> MockBlobStore {
    let mut blobs = MockBlobStore::new();
    let read = objects.clone();
    blobs.expect_get().returning(move |key, _| {
        let found = read.lock().unwrap().get(key.as_str()).cloned();
        found.map(content_of).ok_or(BlobError::NotFound)
    });
    blobs.expect_put().returning(move |key, stream| {
        let bytes = drain(stream).map_err(BlobError::Body)?;
        objects
            .lock()
            .unwrap()
            .insert(key.as_str().to_owned(), bytes);
        Ok(())
    });
    blobs
}

fn repository_with(image: &lightbox_domain::image::ImageRecord) -> MockImageRepository {
    let mut repository = MockImageRepository::new();
    let image = image.clone();
    repository
        .expect_get()
        .returning(move |_| Ok(Some(image.clone())));
    repository
}

fn rendering_processor(times: usize) -> MockImageProcessor {
    let mut processor = MockImageProcessor::new();
    processor
        .expect_thumbnail()
        .times(times)
        .returning(|_, info, preset| {
            assert_eq!(
                info.format,
                ImageFormat::Gif,
                "the stored bytes were inspected"
            );
            assert_eq!(preset, ThumbnailPreset::DEFAULT);
            Ok(Thumbnail {
                format: ImageFormat::Jpeg,
                bytes: Bytes::from_static(b"\xff\xd8rendered"),
                width: 3,
                height: 2,
            })
        });
    processor
}

fn original_key(image: &lightbox_domain::image::ImageRecord) -> String {
    crate::blob_store::BlobKey::original(&image.id)
        .as_str()
        .to_owned()
}

fn thumbnail_key(image: &lightbox_domain::image::ImageRecord) -> String {
    crate::blob_store::BlobKey::derived(&image.id, "thumbnail-256")
        .as_str()
        .to_owned()
}

#[tokio::test]
async fn a_missing_thumbnail_is_rendered_once_stored_and_then_served_from_the_store() {
    let image = record(&alice(), Visibility::Private);
    let objects: Objects = Arc::default();
    objects
        .lock()
        .unwrap()
        .insert(original_key(&image), gif(3, 2));
    let service = service_with_processor(
        map_store(objects.clone()),
        repository_with(&image),
        rendering_processor(1),
        ServiceSettings::with_key(key()),
    );

    let viewer = alice();
    let requests = (0..4).map(|_| service.thumbnail(&viewer, &image.id, ThumbnailPreset::DEFAULT));
    let served = futures::future::join_all(requests).await;

    for thumbnail in served {
        let thumbnail = thumbnail.unwrap();
        assert_eq!(thumbnail.bytes.as_ref(), b"\xff\xd8rendered");
        assert_eq!(thumbnail.format, ImageFormat::Jpeg);
        let digest: [u8; 32] = Sha256::digest(b"\xff\xd8rendered").into();
        assert_eq!(thumbnail.sha256.as_bytes(), &digest);
    }
    assert_eq!(
        objects.lock().unwrap().get(&thumbnail_key(&image)).unwrap(),
        b"\xff\xd8rendered",
        "stored as a derived file next to the original"
    );
}

#[tokio::test]
async fn a_stored_thumbnail_is_served_without_rendering() {
    let image = record(&alice(), Visibility::Public);
    let objects: Objects = Arc::default();
    objects
        .lock()
        .unwrap()
        .insert(thumbnail_key(&image), b"\x89PNG stored".to_vec());
    let service = service_with_processor(
        map_store(objects),
        repository_with(&image),
        rendering_processor(0),
        ServiceSettings::with_key(key()),
    );

    let thumbnail = service
        .thumbnail(&bob(), &image.id, ThumbnailPreset::DEFAULT)
        .await
        .unwrap();

    assert_eq!(thumbnail.format, ImageFormat::Png);
    assert_eq!(thumbnail.bytes.as_ref(), b"\x89PNG stored");
}

#[tokio::test]
async fn another_users_private_image_has_no_thumbnail() {
    let image = record(&alice(), Visibility::Private);
    let service = service_with_processor(
        map_store(Arc::default()),
        repository_with(&image),
        rendering_processor(0),
        ServiceSettings::with_key(key()),
    );

    let refused = service
        .thumbnail(&bob(), &image.id, ThumbnailPreset::DEFAULT)
        .await;

    assert!(matches!(refused, Err(ThumbnailError::NotFound)));
}

#[tokio::test]
async fn processor_failures_are_undecodable_or_unavailable() {
    for (failure, unavailable) in [
        (
            ProcessError::Undecodable("bad huffman table".to_owned()),
            false,
        ),
        (
            ProcessError::internal(std::io::Error::other("pool gone")),
            true,
        ),
    ] {
        let image = record(&alice(), Visibility::Private);
        let objects: Objects = Arc::default();
        objects
            .lock()
            .unwrap()
            .insert(original_key(&image), gif(3, 2));
        let mut processor = MockImageProcessor::new();
        let failure = Mutex::new(Some(failure));
        processor
            .expect_thumbnail()
            .returning(move |_, _, _| Err(failure.lock().unwrap().take().unwrap()));
        let service = service_with_processor(
            map_store(objects.clone()),
            repository_with(&image),
            processor,
            ServiceSettings::with_key(key()),
        );

        let error = service
            .thumbnail(&alice(), &image.id, ThumbnailPreset::DEFAULT)
            .await
            .unwrap_err();

        match (error, unavailable) {
            (ThumbnailError::Undecodable(why), false) => assert!(why.contains("huffman")),
            (ThumbnailError::Storage(crate::use_cases::StorageError::Unavailable(f)), true) => {
                assert_eq!(f.backend, "image processor");
            }
            (other, _) => panic!("unexpected {other:?}"),
        }
        assert!(
            !objects.lock().unwrap().contains_key(&thumbnail_key(&image)),
            "nothing is stored for a failed render"
        );
    }
}
