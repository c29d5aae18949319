//! The bulk import of records: stored exactly as given, with their tags, listable, and all or
//! nothing; and the copies of title and visibility on tag rows, kept true by updates.

use chrono::{Duration, TimeZone, Utc};
use lightbox_adapters_local::SqliteImageRepository;
use lightbox_domain::ids::{ImageId, OwnerId};
use lightbox_domain::image::{
    EditableMetadata, ImageRecord, MetadataPatch, Sha256Digest, StoredContent, Version,
};
use lightbox_domain::image_format::ImageFormat;
use lightbox_domain::listing::{ListFilter, ListQuery, PageLimit, SortOrder, TitlePrefix};
use lightbox_domain::tags::{TagFilter, Tags};
use lightbox_domain::text::Title;
use lightbox_domain::visibility::Visibility;
use lightbox_ports::{ImageRepository, RepoError};

fn record(owner: &OwnerId, title: &str, tags: &str, minutes: i64) -> ImageRecord {
    let created = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap() + Duration::minutes(minutes);
    let mut image = ImageRecord::new(
        ImageId::generate(),
        owner.clone(),
        EditableMetadata {
            title: Title::parse(title).unwrap(),
            tags: Tags::parse([tags]).unwrap(),
            ..EditableMetadata::default()
        },
        StoredContent {
            format: ImageFormat::Jpeg,
            size_bytes: 250_000,
            width: 1024,
            height: 768,
            sha256: Sha256Digest::from_bytes([7; 32]),
        },
        None,
        created,
    );
    // A record that was edited twice elsewhere: import must keep its version and times.
    image.version = Version::new(3);
    image.updated_at = created + Duration::seconds(90);
    image
}

async fn open() -> (tempfile::TempDir, SqliteImageRepository) {
    let directory = tempfile::tempdir().unwrap();
    let repository = SqliteImageRepository::open(&directory.path().join("lightbox.db"))
        .await
        .unwrap();
    (directory, repository)
}

#[tokio::test]
async fn imported_records_read_back_exactly_and_list_by_tag_and_title() {
    let (_directory, repository) = open().await;
    let owner = OwnerId::parse("import-owner").unwrap();
    let images = vec![
        record(&owner, "Sunset over the bay", "beach,sunset", 0),
        record(&owner, "Sunrise", "beach", 1),
        record(&owner, "Sunset again", "sunset", 2),
    ];
    repository.import_batch(&images).await.unwrap();

    for image in &images {
        assert_eq!(
            repository.get(&image.id).await.unwrap().as_ref(),
            Some(image)
        );
    }
    let query = ListQuery {
        filter: ListFilter {
            tags: TagFilter::parse(["sunset"]).unwrap(),
            title_prefix: TitlePrefix::parse("sunset").unwrap(),
            ..ListFilter::for_owner(owner)
        },
        order: SortOrder::Newest,
        limit: PageLimit::DEFAULT,
        after: None,
    };
    let listed: Vec<ImageId> = repository
        .list(&query)
        .await
        .unwrap()
        .into_iter()
        .map(|image| image.id)
        .collect();
    assert_eq!(listed, vec![images[2].id, images[0].id]);
}

#[tokio::test]
async fn a_taken_id_stores_nothing_of_the_batch() {
    let (_directory, repository) = open().await;
    let owner = OwnerId::parse("import-owner").unwrap();
    let first = record(&owner, "First", "a", 0);
    repository
        .import_batch(std::slice::from_ref(&first))
        .await
        .unwrap();

    let fresh = record(&owner, "Fresh", "b", 1);
    let error = repository
        .import_batch(&[fresh.clone(), first.clone()])
        .await
        .unwrap_err();
    assert!(matches!(error, RepoError::AlreadyExists), "{error:?}");
    assert_eq!(repository.get(&fresh.id).await.unwrap(), None);
    assert_eq!(repository.get(&first.id).await.unwrap(), Some(first));
}

/// Tag rows carry copies of the title key and the visibility for listings by tag: after an
/// update, the listing must see the new values, never the ones copied at creation.
#[tokio::test]
async fn a_listing_by_tag_sees_the_title_and_visibility_as_updated() {
    let (_directory, repository) = open().await;
    let owner = OwnerId::parse("import-owner").unwrap();
    let image = record(&owner, "Harbour at dawn", "sea", 0);
    repository
        .import_batch(std::slice::from_ref(&image))
        .await
        .unwrap();
    let listed = async |title: &str, visibility: Option<Visibility>| -> usize {
        let query = ListQuery {
            filter: ListFilter {
                tags: TagFilter::parse(["sea"]).unwrap(),
                title_prefix: TitlePrefix::parse(title).unwrap(),
                visibility,
                ..ListFilter::for_owner(owner.clone())
            },
            order: SortOrder::Newest,
            limit: PageLimit::DEFAULT,
            after: None,
        };
        repository.list(&query).await.unwrap().len()
    };
    assert_eq!(listed("harb", Some(Visibility::Private)).await, 1);

    let patch = MetadataPatch {
        title: Some(Title::parse("Sunset on the pier").unwrap()),
        visibility: Some(Visibility::Public),
        ..MetadataPatch::default()
    };
    let updated = image.apply(&patch, Utc::now()).unwrap();
    repository.update(&updated, image.version).await.unwrap();

    assert_eq!(listed("harb", None).await, 0);
    assert_eq!(listed("sunset", Some(Visibility::Private)).await, 0);
    assert_eq!(listed("sunset", Some(Visibility::Public)).await, 1);
}
