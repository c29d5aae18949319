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
