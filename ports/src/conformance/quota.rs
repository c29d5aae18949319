//! Conformance checks of quotas in the [`ImageRepository`] contract: a create that would pass the
//! owner's quota stores nothing, the check holds under concurrency, and a replay is answered even
//! at the quota.

use chrono::{Duration, Utc};
use futures::future::join_all;
use lightbox_domain::quota::{Quota, QuotaBreach};

use super::fixtures::{base_time, claim, sparse_record, unique_owner};
use crate::image_repository::{CreateOutcome, ImageRepository, Usage};

/// Every quota check.
pub async fn quotas(repository: &dyn ImageRepository) {
    a_create_past_the_quota_stores_nothing(repository).await;
    concurrent_creates_never_pass_the_quota_together(repository).await;
    a_replay_is_answered_at_the_quota(repository).await;
}

/// Image and byte limits are inclusive; a refused create names the limit and the usage, and
/// stores nothing; other owners are unaffected.
pub async fn a_create_past_the_quota_stores_nothing(repository: &dyn ImageRepository) {
    let owner = unique_owner("quota");
    // Each sparse record is 1000 bytes.
    let quota = Quota::new(Some(2), Some(2_500)).unwrap();
    let first = sparse_record(&owner, base_time());
    let second = sparse_record(&owner, base_time() + Duration::seconds(1));
    let third = sparse_record(&owner, base_time() + Duration::seconds(2));
    for record in [&first, &second] {
        assert_eq!(
            repository.create(record, None, quota).await.unwrap(),
            CreateOutcome::Created
        );
    }

    let refused = repository.create(&third, None, quota).await.unwrap();

    assert_eq!(
        refused,
        CreateOutcome::QuotaExceeded {
            breach: QuotaBreach::Images { max: 2 },
            usage: Usage {
                images: 2,
                bytes: 2_000
            },
        }
    );
    assert_eq!(repository.get(&third.id).await.unwrap(), None);
    let bytes_only = Quota::new(None, Some(2_500)).unwrap();
    assert_eq!(
        repository.create(&third, None, bytes_only).await.unwrap(),
        CreateOutcome::QuotaExceeded {
            breach: QuotaBreach::Bytes { max: 2_500 },
            usage: Usage {
                images: 2,
                bytes: 2_000
            },
        }
    );
    let roomier = Quota::new(Some(3), Some(3_000)).unwrap();
    assert_eq!(
        repository.create(&third, None, roomier).await.unwrap(),
        CreateOutcome::Created,
        "exactly at both limits is allowed"
    );
    let stranger = sparse_record(&unique_owner("quota-other"), base_time());
    assert_eq!(
        repository.create(&stranger, None, quota).await.unwrap(),
        CreateOutcome::Created,
        "another owner's usage does not count"
    );
}

/// Racing creates can never take an owner past the quota together.
pub async fn concurrent_creates_never_pass_the_quota_together(repository: &dyn ImageRepository) {
    let owner = unique_owner("quota-race");
    let quota = Quota::new(Some(3), None).unwrap();
    let records: Vec<_> = (0..8)
        .map(|i| sparse_record(&owner, base_time() + Duration::milliseconds(i)))
        .collect();

    let outcomes = join_all(
        records
            .iter()
            .map(|record| repository.create(record, None, quota)),
    )
    .await;

    let created = outcomes
        .iter()
        .filter(|outcome| matches!(outcome, Ok(CreateOutcome::Created)))
        .count();
    assert_eq!(created, 3, "{outcomes:?}");
    assert_eq!(repository.usage(&owner).await.unwrap().images, 3);
}

/// The retry of a stored request is `Replayed` even when its owner is now at the quota: the
/// claim decides before the quota does.
pub async fn a_replay_is_answered_at_the_quota(repository: &dyn ImageRepository) {
    let owner = unique_owner("quota-replay");
    let quota = Quota::new(Some(1), None).unwrap();
    let created_at = Utc::now();
    let not_before = created_at - Duration::hours(1);
    let first = sparse_record(&owner, created_at);
    let key = claim(&owner, "quota-key", 3, not_before);
    assert_eq!(
        repository
            .create(&first, Some(key.clone()), quota)
            .await
            .unwrap(),
        CreateOutcome::Created
    );

    let retry = sparse_record(&owner, created_at);
    let outcome = repository.create(&retry, Some(key), quota).await.unwrap();

    assert_eq!(outcome, CreateOutcome::Replayed(first));
}
