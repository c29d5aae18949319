//! Conformance checks of [`ImageRepository::import`], the write `lightbox migrate` commits each
//! image with: the record stored exactly as given, every index derived from it, and never an
//! overwrite.

use chrono::Duration;
use lightbox_domain::ids::ImageId;
use lightbox_domain::image::Version;
use lightbox_domain::listing::{ListFilter, ListQuery, PageLimit, SortOrder};
use lightbox_domain::quota::Quota;
use lightbox_domain::tags::TagFilter;
use lightbox_domain::text::Title;

use super::fixtures::{base_time, full_record, sparse_record, unique_owner};
use crate::image_repository::{ImageRepository, ImportOutcome, Usage};

/// Every check of `import`.
pub async fn imports(repository: &dyn ImageRepository) {
    import_stores_the_record_exactly_as_given(repository).await;
    import_never_overwrites(repository).await;
    imported_records_are_listed_and_counted(repository).await;
}

/// An imported record reads back field for field (version and timestamps kept, not a create's
/// first version), and importing it again is `AlreadyPresent`, changing nothing.
pub async fn import_stores_the_record_exactly_as_given(repository: &dyn ImageRepository) {
    let owner = unique_owner("import");
    let mut record = full_record(&owner);
    record.id = ImageId::generate();
    record.version = Version::new(7);

    assert_eq!(
        repository.import(&record).await.unwrap(),
        ImportOutcome::Inserted
    );
    assert_eq!(
        repository.get(&record.id).await.unwrap(),
        Some(record.clone())
    );

    assert_eq!(
        repository.import(&record).await.unwrap(),
        ImportOutcome::AlreadyPresent,
        "a rerun meets the identical record"
    );
    assert_eq!(repository.get(&record.id).await.unwrap(), Some(record));
}

/// A different record under a taken id (another version, or one made by `create`) is a
/// conflict naming the stored record, which stays as it was.
pub async fn import_never_overwrites(repository: &dyn ImageRepository) {
    let owner = unique_owner("import-conflict");
    let stored = sparse_record(&owner, base_time());
    repository.create(&stored, None, Quota::NONE).await.unwrap();

    let mut other = stored.clone();
    other.version = stored.version.next();
    other.updated_at = stored.updated_at + Duration::seconds(1);
    other.metadata.title = Title::parse("Not the stored one").unwrap();
    assert_eq!(
        repository.import(&other).await.unwrap(),
        ImportOutcome::Conflict(Box::new(stored.clone()))
    );
    assert_eq!(
        repository.get(&stored.id).await.unwrap(),
        Some(stored.clone())
    );
    assert_eq!(
        repository.import(&stored).await.unwrap(),
        ImportOutcome::AlreadyPresent,
        "the record a create stored is the same as its import"
    );
    assert_eq!(
        repository.usage(&owner).await.unwrap(),
        Usage {
            images: 1,
            bytes: stored.content.size_bytes
        },
        "neither the conflict nor the rerun counted twice"
    );
}

/// Imported records are listed by their tags and counted in their owner's usage, as created
/// ones are, and no quota stops an import.
pub async fn imported_records_are_listed_and_counted(repository: &dyn ImageRepository) {
    let owner = unique_owner("import-index");
    let mut tagged = full_record(&owner);
    tagged.id = ImageId::generate();
    let plain = sparse_record(&owner, base_time() + Duration::seconds(1));
    for record in [&tagged, &plain] {
        assert_eq!(
            repository.import(record).await.unwrap(),
            ImportOutcome::Inserted
        );
    }

    assert_eq!(
        repository.usage(&owner).await.unwrap(),
        Usage {
            images: 2,
            bytes: tagged.content.size_bytes + plain.content.size_bytes
        }
    );
    let first_tag = tagged.metadata.tags.iter().next().unwrap().as_str();
    let mut filter = ListFilter::for_owner(owner.clone());
    filter.tags = TagFilter::parse([first_tag]).unwrap();
    let by_tag = ListQuery {
        filter,
        order: SortOrder::Newest,
        limit: PageLimit::new(10).unwrap(),
        after: None,
    };
    assert_eq!(
        repository.list(&by_tag).await.unwrap(),
        vec![tagged.clone()]
    );
    let all = ListQuery {
        filter: ListFilter::for_owner(owner.clone()),
        order: SortOrder::Oldest,
        limit: PageLimit::new(10).unwrap(),
        after: None,
    };
    assert_eq!(repository.list(&all).await.unwrap(), vec![tagged, plain]);
}
