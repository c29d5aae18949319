//! What only the SQLite file can show: its journal mode as other processes see it, and that a row damaged outside the
//! repository is reported as the database being unavailable, never as a panic or a wrong value.

use lightbox_adapters_local::SqliteImageRepository;
use lightbox_domain::ids::{ImageId, OwnerId};
use lightbox_domain::image::{EditableMetadata, ImageRecord, Sha256Digest, StoredContent};
use lightbox_domain::image_format::ImageFormat;
use lightbox_domain::listing::{ListFilter, ListQuery, PageLimit, SortOrder};
use lightbox_domain::quota::Quota;
use lightbox_ports::{ImageRepository, RepoError};
use sqlx::Connection;
use sqlx::sqlite::SqliteConnection;

fn record(owner: &OwnerId) -> ImageRecord {
    ImageRecord::new(
        ImageId::generate(),
        owner.clone(),
        EditableMetadata::default(),
        StoredContent {
            format: ImageFormat::Gif,
            size_bytes: 1,
            width: 1,
            height: 1,
            sha256: Sha256Digest::from_bytes([2; 32]),
        },
        None,
        chrono::Utc::now(),
    )
}

async fn connect(path: &std::path::Path) -> SqliteConnection {
    SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap()
}

#[tokio::test]
async fn the_file_is_left_in_wal_mode() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("lightbox.db");
    let repository = SqliteImageRepository::open(&path).await.unwrap();
    repository.check_ready().await.unwrap();
    // WAL is a property of the file, visible from any connection.
    let mut outside = connect(&path).await;
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&mut outside)
        .await
        .unwrap();
    assert_eq!(mode, "wal");
}

#[tokio::test]
async fn a_corrupt_row_is_unavailable_not_a_panic() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("lightbox.db");
    let repository = SqliteImageRepository::open(&path).await.unwrap();
    let owner = OwnerId::parse("corruption-owner").unwrap();
    let image = record(&owner);
    repository.create(&image, None, Quota::NONE).await.unwrap();

    let mut outside = connect(&path).await;
    sqlx::query("UPDATE images SET content_type = 'image/bmp' WHERE id = ?")
        .bind(*image.id.as_uuid())
        .execute(&mut outside)
        .await
        .unwrap();

    let error = repository.get(&image.id).await.unwrap_err();
    assert!(matches!(error, RepoError::Unavailable(_)), "{error:?}");
    let cause = std::error::Error::source(&error)
        .map(ToString::to_string)
        .unwrap_or_default();
    assert!(cause.contains("content_type"), "{cause}");
    let query = ListQuery {
        filter: ListFilter::for_owner(owner),
        order: SortOrder::Newest,
        limit: PageLimit::DEFAULT,
        after: None,
    };
    assert!(matches!(
        repository.list(&query).await,
        Err(RepoError::Unavailable(_))
    ));
}

/// A read must not leave its snapshot open once it has answered: a connection still holding
/// one keeps every later checkpoint from resetting the write-ahead log, which then grows
/// without bound (and, on a full disk, leaves no room even for a delete that would free space).
#[tokio::test]
async fn reads_leave_no_snapshot_behind_so_a_checkpoint_can_empty_the_log() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("lightbox.db");
    let repository = SqliteImageRepository::open(&path).await.unwrap();
    let owner = OwnerId::parse("snapshot-owner").unwrap();
    let images: Vec<ImageRecord> = (0..3).map(|_| record(&owner)).collect();
    for image in &images {
        repository.create(image, None, Quota::NONE).await.unwrap();
    }
    // Every kind of read the service makes, some finding nothing.
    for image in &images {
        repository.get(&image.id).await.unwrap();
    }
    repository.get(&ImageId::generate()).await.unwrap();
    let query = ListQuery {
        filter: ListFilter::for_owner(owner.clone()),
        order: SortOrder::Newest,
        limit: PageLimit::new(1).unwrap(),
        after: None,
    };
    repository.list(&query).await.unwrap();
    repository.usage(&owner).await.unwrap();

    let mut outside = connect(&path).await;
    let (busy, _log, _checkpointed): (i64, i64, i64) =
        sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
            .fetch_one(&mut outside)
            .await
            .unwrap();
    assert_eq!(busy, 0, "a reader still holds a snapshot of the database");
}
