//! A full disk must surface as `InsufficientStorage` from both stores, leaving nothing behind.
//!
//! Needs a directory on a filesystem of a few MiB, named by `LIGHTBOX_SMALL_FS`, e.g. as root:
//! `mount -t tmpfs -o size=2m tmpfs /tmp/small && LIGHTBOX_SMALL_FS=/tmp/small cargo test -p
//! lightbox-adapters-local -- --ignored`. Ignored otherwise, since CI cannot mount one.

use std::io;
use std::path::PathBuf;

use bytes::Bytes;
use futures::{StreamExt, stream};
use lightbox_adapters_local::{FsBlobStore, SqliteImageRepository};
use lightbox_domain::ids::{ImageId, OwnerId};
use lightbox_domain::image::{EditableMetadata, ImageRecord, Sha256Digest, StoredContent};
use lightbox_domain::image_format::ImageFormat;
use lightbox_domain::quota::Quota;
use lightbox_domain::text::Description;
use lightbox_ports::{BlobError, BlobKey, BlobStore, ImageRepository, RepoError};

fn small_filesystem() -> PathBuf {
    let root = PathBuf::from(std::env::var("LIGHTBOX_SMALL_FS").expect("set LIGHTBOX_SMALL_FS"));
    let directory = root.join(format!("run-{}", ImageId::generate()));
    std::fs::create_dir_all(&directory).unwrap();
    directory
}

/// One test, so that the two stores do not fill the small filesystem for each other at once.
#[tokio::test]
#[ignore = "needs LIGHTBOX_SMALL_FS: a directory on a filesystem of a few MiB"]
async fn a_full_disk_is_insufficient_storage() {
    blobs_on_a_full_disk().await;
    metadata_on_a_full_disk().await;
}

async fn blobs_on_a_full_disk() {
    let directory = small_filesystem();
    let store = FsBlobStore::open(&directory.join("blobs")).unwrap();
    let id = ImageId::generate();
    let chunks = (0..1024).map(|_| Ok::<_, io::Error>(Bytes::from(vec![7; 64 * 1024])));
    let outcome = store
        .put(&BlobKey::original(&id), stream::iter(chunks).boxed())
        .await;
    assert!(
        matches!(outcome, Err(BlobError::InsufficientStorage)),
        "{outcome:?}"
    );
    assert!(matches!(
        store.get(&BlobKey::original(&id), None).await,
        Err(BlobError::NotFound)
    ));
    // The space is given back: another (small) upload fits.
    let small = stream::iter([Ok(Bytes::from_static(b"fits"))]).boxed();
    store
        .put(&BlobKey::original(&ImageId::generate()), small)
        .await
        .unwrap();
    std::fs::remove_dir_all(directory).unwrap();
}

async fn metadata_on_a_full_disk() {
    let directory = small_filesystem();
    let repository = SqliteImageRepository::open(&directory.join("lightbox.db"))
        .await
        .unwrap();
    let owner = OwnerId::parse("full-disk").unwrap();
    let description = Description::parse(&"東".repeat(Description::MAX_CHARS)).unwrap();
    let mut created = 0;
    let error = loop {
        let record = ImageRecord::new(
            ImageId::generate(),
            owner.clone(),
            EditableMetadata {
                description: description.clone(),
                ..EditableMetadata::default()
            },
            StoredContent {
                format: ImageFormat::Png,
                size_bytes: 1,
                width: 1,
                height: 1,
                sha256: Sha256Digest::from_bytes([0; 32]),
            },
            None,
            chrono::Utc::now(),
        );
        match repository.create(&record, None, Quota::NONE).await {
            Ok(_) => created += 1,
            Err(error) => break error,
        }
        assert!(created < 100_000, "the filesystem never filled up");
    };
    assert!(matches!(error, RepoError::InsufficientStorage), "{error:?}");
    let usage = repository.usage(&owner).await.unwrap();
    assert_eq!(usage.images, created, "a failed create left a record");
    drop(repository);
    std::fs::remove_dir_all(directory).unwrap();
}
