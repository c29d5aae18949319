//! A full disk must surface as `InsufficientStorage` from both stores, leaving nothing behind.
//!
//! Needs a directory on a filesystem of a few MiB, named by `LIGHTBOX_SMALL_FS`: scripts/test
//! mounts a tmpfs there when run as root (and leaves the full-disk tests out, saying so, when it
//! cannot), or by hand: `mount -t tmpfs -o size=4m tmpfs /tmp/small && LIGHTBOX_SMALL_FS=/tmp/small
//! cargo test -p lightbox-adapters-local`. Without it the test fails rather than skipping, as the
//! AWS tests do without their emulator: a silent skip would report success for what was never
//! checked. The full-disk tests take turns on the filesystem (.config/nextest.toml), each in a
//! directory of its own.

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

/// A directory of its own on the small filesystem, removed on drop: a failed test too gives its
/// space back, so the next full-disk test does not start on a full disk.
struct SmallDirectory(PathBuf);

impl SmallDirectory {
    fn create() -> Self {
        let root = std::env::var("LIGHTBOX_SMALL_FS").unwrap_or_else(|_| {
            panic!(
                "LIGHTBOX_SMALL_FS must name a directory on a filesystem of a few MiB: run the \
                 tests through scripts/test (which mounts a tmpfs when run as root), or mount one \
                 and set it (see this file's header)"
            )
        });
        let directory = PathBuf::from(root).join(format!("adapters-{}", ImageId::generate()));
        std::fs::create_dir_all(&directory).unwrap();
        Self(directory)
    }
}

impl Drop for SmallDirectory {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// One test, so that the two stores do not fill the small filesystem for each other at once.
#[tokio::test]
async fn a_full_disk_is_insufficient_storage() {
    blobs_on_a_full_disk().await;
    metadata_on_a_full_disk().await;
}

async fn blobs_on_a_full_disk() {
    let directory = SmallDirectory::create();
    let store = FsBlobStore::open(&directory.0.join("blobs")).unwrap();
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
}

async fn metadata_on_a_full_disk() {
    let directory = SmallDirectory::create();
    let repository = SqliteImageRepository::open(&directory.0.join("lightbox.db"))
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
    // Closed before the directory goes, so the space is given back at once.
    drop(repository);
}
