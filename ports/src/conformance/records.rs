//! Conformance checks of single records in the [`ImageRepository`] contract: create, get,
//! update, delete and usage.

use chrono::Duration;
use lightbox_domain::blurhash::Blurhash;
use lightbox_domain::ids::ImageId;
use lightbox_domain::image::{ImageRecord, Version};
use lightbox_domain::listing::{ListFilter, ListQuery, PageLimit, SortOrder};
use lightbox_domain::quota::Quota;
use lightbox_domain::tags::{TagFilter, Tags};
use lightbox_domain::text::Title;
use lightbox_domain::visibility::Visibility;

use super::fixtures::{base_time, full_record, sparse_record, unique_owner};
use crate::image_repository::{CreateOutcome, ImageRepository, RepoError, Usage};

/// `check_ready` answers `Ok` on a working repository.
pub async fn repository_is_ready(repository: &dyn ImageRepository) {
    repository.check_ready().await.unwrap();
}

/// A record comes back exactly as stored: every field, timestamps to the microsecond, Unicode
/// text, the most tags allowed (sorted), and absent optional fields as absent.
pub async fn create_and_get_round_trip_every_field(repository: &dyn ImageRepository) {
    let owner = unique_owner("round-trip");
    for record in [full_record(&owner), sparse_record(&owner, base_time())] {
        assert_eq!(
            repository.create(&record, None, Quota::NONE).await.unwrap(),
            CreateOutcome::Created
        );
        let stored = repository.get(&record.id).await.unwrap();
        assert_eq!(
            stored.as_ref(),
            Some(&record),
            "get returned another record"
        );
        let listed = repository
            .list(&everything_of(&record.owner))
            .await
            .unwrap();
        assert!(listed.contains(&record), "list returned another record");
    }
    assert_eq!(repository.get(&ImageId::generate()).await.unwrap(), None);
}

/// A second create with a taken id is refused and changes nothing.
pub async fn create_refuses_a_taken_id(repository: &dyn ImageRepository) {
    let owner = unique_owner("taken-id");
    let first = sparse_record(&owner, base_time());
    repository.create(&first, None, Quota::NONE).await.unwrap();
    let mut second = full_record(&owner);
    second.id = first.id;
    match repository.create(&second, None, Quota::NONE).await {
        Err(RepoError::AlreadyExists) => {}
        other => panic!("a taken id must give AlreadyExists, got {other:?}"),
    }
    assert_eq!(repository.get(&first.id).await.unwrap(), Some(first));
    assert_eq!(
        repository.usage(&owner).await.unwrap(),
        Usage {
            images: 1,
            bytes: 1_000
        },
        "the refused create left something behind"
    );
}

/// An update applies when the stored version is the expected one, rewriting the tags too; it
/// is refused with `VersionConflict` otherwise, and with `NotFound` for a missing record.
pub async fn update_is_conditional_on_the_version(repository: &dyn ImageRepository) {
    let owner = unique_owner("update");
    let original = full_record(&owner);
    repository
        .create(&original, None, Quota::NONE)
        .await
        .unwrap();

    let mut changed = original.clone();
    changed.metadata.title = Title::parse("Renamed").unwrap();
    changed.metadata.description = None;
    changed.metadata.tags = Tags::parse(["fresh", "tag00"]).unwrap();
    changed.metadata.visibility = Visibility::Private;
    changed.updated_at = original.updated_at + Duration::microseconds(1);
    changed.version = original.version.next();
    repository.update(&changed, original.version).await.unwrap();
    assert_eq!(
        repository.get(&original.id).await.unwrap().as_ref(),
        Some(&changed)
    );
    let by_tag = |tag: &str| {
        let mut query = everything_of(&owner);
        query.filter.tags = TagFilter::parse([tag]).unwrap();
        query
    };
    assert_eq!(
        repository.list(&by_tag("fresh")).await.unwrap(),
        [changed.clone()]
    );
    assert_eq!(repository.list(&by_tag("été_2026")).await.unwrap(), []);

    let mut stale = changed.clone();
    stale.version = Version::new(99);
    match repository.update(&stale, original.version).await {
        Err(RepoError::VersionConflict) => {}
        other => panic!("a stale expected version must give VersionConflict, got {other:?}"),
    }
    assert_eq!(repository.get(&original.id).await.unwrap(), Some(changed));

    let never_created = sparse_record(&owner, base_time());
    match repository.update(&never_created, Version::FIRST).await {
        Err(RepoError::NotFound) => {}
        other => panic!("updating a missing record must give NotFound, got {other:?}"),
    }
}

/// A delete removes the record and its tags; deleting again is `NotFound`.
pub async fn delete_is_conditional(repository: &dyn ImageRepository) {
    let owner = unique_owner("delete");
    let record = full_record(&owner);
    repository.create(&record, None, Quota::NONE).await.unwrap();
    repository.delete(&record.id).await.unwrap();
    assert_eq!(repository.get(&record.id).await.unwrap(), None);
    let mut tagged = everything_of(&owner);
    tagged.filter.tags = TagFilter::parse(["tag00"]).unwrap();
    assert_eq!(repository.list(&tagged).await.unwrap(), []);
    match repository.delete(&record.id).await {
        Err(RepoError::NotFound) => {}
        other => panic!("a second delete must give NotFound, got {other:?}"),
    }
    match repository.delete(&ImageId::generate()).await {
        Err(RepoError::NotFound) => {}
        other => panic!("deleting a missing record must give NotFound, got {other:?}"),
    }
}

/// Usage counts an owner's images and sums their sizes, and only theirs.
pub async fn usage_counts_images_and_bytes(repository: &dyn ImageRepository) {
    let owner = unique_owner("usage");
    assert_eq!(repository.usage(&owner).await.unwrap(), Usage::default());
    let big = full_record(&owner);
    let small = sparse_record(&owner, base_time());
    repository.create(&big, None, Quota::NONE).await.unwrap();
    repository.create(&small, None, Quota::NONE).await.unwrap();
    repository
        .create(
            &sparse_record(&unique_owner("usage-other"), base_time()),
            None,
            Quota::NONE,
        )
        .await
        .unwrap();
    let both = Usage {
        images: 2,
        bytes: big.content.size_bytes + small.content.size_bytes,
    };
    assert_eq!(repository.usage(&owner).await.unwrap(), both);
    repository.delete(&big.id).await.unwrap();
    assert_eq!(
        repository.usage(&owner).await.unwrap(),
        Usage {
            images: 1,
            bytes: small.content.size_bytes
        }
    );
}

/// The largest first page of everything `owner` has.
pub(super) fn everything_of(owner: &lightbox_domain::ids::OwnerId) -> ListQuery {
    ListQuery {
        filter: ListFilter::for_owner(owner.clone()),
        order: SortOrder::Newest,
        limit: PageLimit::new(u64::from(PageLimit::MAX)).unwrap(),
        after: None,
    }
}

/// `set_blurhash` fills in a missing placeholder without touching the version or `updated_at`,
/// leaves one that exists as it is, and is a no-op for an unknown id (it creates nothing).
pub async fn set_blurhash_fills_only_a_missing_placeholder(repository: &dyn ImageRepository) {
    let owner = unique_owner("blurhash");
    let record = sparse_record(&owner, base_time());
    assert!(record.blurhash.is_none(), "the fixture has no placeholder");
    repository.create(&record, None, Quota::NONE).await.unwrap();
    let first = Blurhash::parse("LEHV6nWB2yk8pyo0adR*.7kCMdnj").unwrap();
    let second = Blurhash::parse("L00000fQfQfQfQfQfQfQfQfQfQfQ").unwrap();

    repository.set_blurhash(&record.id, &first).await.unwrap();
    repository.set_blurhash(&record.id, &second).await.unwrap();

    let stored = repository.get(&record.id).await.unwrap().unwrap();
    assert_eq!(
        stored.blurhash.as_ref(),
        Some(&first),
        "the first one stays"
    );
    assert_eq!(stored.version, record.version, "the version is not bumped");
    assert_eq!(stored.updated_at, record.updated_at, "not an edit");
    assert_eq!(
        ImageRecord {
            blurhash: None,
            ..stored
        },
        record,
        "nothing else changed"
    );

    let unknown = ImageId::generate();
    repository.set_blurhash(&unknown, &first).await.unwrap();
    assert_eq!(
        repository.get(&unknown).await.unwrap(),
        None,
        "no stub record"
    );
}
