//! Conformance checks of the reads garbage collection and scrubbing rely on:
//! [`ImageRepository::existing_ids`] and [`ImageRepository::sweep`].

use std::collections::{HashMap, HashSet};

use chrono::Duration;
use lightbox_domain::ids::ImageId;
use lightbox_domain::image::ImageRecord;
use lightbox_domain::quota::Quota;

use super::fixtures::{base_time, full_record, sparse_record, unique_owner};
use crate::image_repository::{ImageRepository, RepoError, SweepPosition};

/// Every check of `existing_ids` and `sweep`.
pub async fn sweeps(repository: &dyn ImageRepository) {
    existing_ids_finds_exactly_the_stored_ones(repository).await;
    sweep_visits_every_record_once(repository).await;
    sweep_refuses_a_foreign_position(repository).await;
}

/// Of ids stored, never stored and deleted, `existing_ids` returns exactly the stored ones;
/// given nothing, it returns nothing.
pub async fn existing_ids_finds_exactly_the_stored_ones(repository: &dyn ImageRepository) {
    let owner = unique_owner("existing-ids");
    let mut stored = HashSet::new();
    for i in 0..4 {
        let record = sparse_record(&owner, base_time() + Duration::seconds(i));
        repository.create(&record, None, Quota::NONE).await.unwrap();
        stored.insert(record.id);
    }
    let deleted = sparse_record(&owner, base_time());
    repository
        .create(&deleted, None, Quota::NONE)
        .await
        .unwrap();
    repository.delete(&deleted.id).await.unwrap();

    let mut asked: Vec<ImageId> = stored.iter().copied().collect();
    asked.push(deleted.id);
    asked.extend((0..5).map(|_| ImageId::generate()));
    // Mixed, not grouped, so that an adapter cannot get by on the order.
    asked.rotate_left(2);
    assert_eq!(repository.existing_ids(&asked).await.unwrap(), stored);
    assert_eq!(
        repository.existing_ids(&[]).await.unwrap(),
        HashSet::new(),
        "no ids, no answer"
    );
    let strangers: Vec<ImageId> = (0..3).map(|_| ImageId::generate()).collect();
    assert_eq!(
        repository.existing_ids(&strangers).await.unwrap(),
        HashSet::new()
    );
}

/// Walking a sweep from the start in small pages until it ends visits every record exactly
/// once, as `get` returns it (tags included). Other checks' records may be in the store too:
/// they must also come once only.
pub async fn sweep_visits_every_record_once(repository: &dyn ImageRepository) {
    let owner = unique_owner("sweep");
    let mut created: HashMap<ImageId, ImageRecord> = HashMap::new();
    for i in 0..7 {
        let record = if i % 3 == 0 {
            // Some with tags, which adapters keep apart from the record.
            let mut record = full_record(&owner);
            record.id = ImageId::generate();
            record
        } else {
            sparse_record(&owner, base_time() + Duration::seconds(i))
        };
        repository.create(&record, None, Quota::NONE).await.unwrap();
        created.insert(record.id, record);
    }

    let mut seen: HashSet<ImageId> = HashSet::new();
    let mut position: Option<SweepPosition> = None;
    let mut pages = 0;
    loop {
        let page = repository.sweep(position.take(), 3).await.unwrap();
        pages += 1;
        assert!(
            page.records.len() <= 3,
            "a page of {} records for a limit of 3",
            page.records.len()
        );
        for record in page.records {
            assert!(seen.insert(record.id), "{} came twice", record.id);
            if let Some(expected) = created.get(&record.id) {
                assert_eq!(
                    &record, expected,
                    "the sweep's record differs from the stored"
                );
                assert_eq!(
                    repository.get(&record.id).await.unwrap().as_ref(),
                    Some(&record),
                    "the sweep's record differs from what get returns"
                );
            }
        }
        match page.next {
            Some(next) => position = Some(next),
            None => break,
        }
        assert!(pages < 100_000, "the sweep does not end");
    }
    let missed: Vec<&ImageId> = created.keys().filter(|id| !seen.contains(id)).collect();
    assert!(missed.is_empty(), "the sweep missed {missed:?}");
    assert!(pages >= 3, "7 records in pages of 3 took {pages} pages");
}

/// A position the repository did not make is refused as `Unavailable`.
pub async fn sweep_refuses_a_foreign_position(repository: &dyn ImageRepository) {
    let foreign = SweepPosition("not a position of any repository".to_owned());
    match repository.sweep(Some(foreign), 3).await {
        Err(RepoError::Unavailable(_)) => {}
        other => panic!("a foreign sweep position must give Unavailable, got {other:?}"),
    }
}
