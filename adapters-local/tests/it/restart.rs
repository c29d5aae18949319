//! Data written through the file backends is there after they are closed and opened again.

use bytes::Bytes;
use futures::{StreamExt, TryStreamExt, stream};
use lightbox_adapters_local::{FsBlobStore, SqliteImageRepository};
use lightbox_domain::idempotency::IdempotencyKey;
use lightbox_domain::ids::{ImageId, OwnerId};
use lightbox_domain::image::{EditableMetadata, ImageRecord, Sha256Digest, StoredContent};
use lightbox_domain::image_format::ImageFormat;
use lightbox_domain::quota::Quota;
use lightbox_domain::tags::Tags;
use lightbox_domain::text::Title;
use lightbox_ports::{BlobKey, BlobStore, CreateOutcome, IdempotencyClaim, ImageRepository};

fn record() -> ImageRecord {
    ImageRecord::new(
        ImageId::generate(),
        OwnerId::parse("restart-owner").unwrap(),
        EditableMetadata {
            title: Title::parse("Survives").unwrap(),
            tags: Tags::parse(["kept"]).unwrap(),
            ..EditableMetadata::default()
        },
        StoredContent {
            format: ImageFormat::Jpeg,
            size_bytes: 5,
            width: 1,
            height: 1,
            sha256: Sha256Digest::from_bytes([1; 32]),
        },
        None,
        chrono::Utc::now(),
    )
}

#[tokio::test]
async fn blobs_records_and_claims_survive_a_restart() {
    let directory = tempfile::tempdir().unwrap();
    let blobs_root = directory.path().join("blobs");
    let database = directory.path().join("lightbox.db");
    let image = record();
    let claim = IdempotencyClaim {
        owner: image.owner.clone(),
        key: IdempotencyKey::parse("restart-key").unwrap(),
        fingerprint: [3; 32],
        not_before: image.created_at - chrono::Duration::hours(1),
    };
    let key = BlobKey::original(&image.id);
    {
        let blobs = FsBlobStore::open(&blobs_root).unwrap();
        let repository = SqliteImageRepository::open(&database).await.unwrap();
        let body = stream::iter([Ok(Bytes::from_static(b"bytes"))]).boxed();
        blobs.put(&key, body).await.unwrap();
        repository
            .create(&image, Some(claim.clone()), Quota::NONE)
            .await
            .unwrap();
        repository.close().await;
    }

    let blobs = FsBlobStore::open(&blobs_root).unwrap();
    let repository = SqliteImageRepository::open(&database).await.unwrap();
    let content = blobs.get(&key, None).await.unwrap();
    let bytes: Vec<Bytes> = content.stream.try_collect().await.unwrap();
    assert_eq!(bytes.concat(), b"bytes");
    assert_eq!(
        repository.get(&image.id).await.unwrap(),
        Some(image.clone())
    );
    let mut retry = record();
    retry.owner = image.owner.clone();
    assert_eq!(
        repository
            .create(&retry, Some(claim), Quota::NONE)
            .await
            .unwrap(),
        CreateOutcome::Replayed(image)
    );
}
