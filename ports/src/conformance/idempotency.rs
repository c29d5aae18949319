//! Conformance checks of idempotency claims in the [`ImageRepository`] contract.

use chrono::Duration;
use lightbox_domain::quota::Quota;
use lightbox_domain::text::Title;

use super::fixtures::{claim, full_record, now, sparse_record, unique_owner};
use super::records::everything_of;
use crate::image_repository::{CreateOutcome, ImageRepository, Usage};

/// Every idempotency check.
pub async fn idempotency_claims(repository: &dyn ImageRepository) {
    replay_returns_the_record_as_created(repository).await;
    expired_claim_is_replaced(repository).await;
    concurrent_creates_with_one_claim_store_one_image(repository).await;
}

/// A claimed create stores its record; a repeat with the same key and fingerprint stores
/// nothing and answers with the first record as it was created (even after it was edited); a
/// repeat with another fingerprint stores nothing and answers `KeyReused`; another owner's
/// claim on the same key is unrelated.
pub async fn replay_returns_the_record_as_created(repository: &dyn ImageRepository) {
    let owner = unique_owner("replay");
    let created_at = now();
    let not_before = created_at - Duration::hours(1);
    let mut first = full_record(&owner);
    first.created_at = created_at;
    first.updated_at = created_at;
    let key = "upload-1";
    let outcome = repository
        .create(&first, Some(claim(&owner, key, 1, not_before)), Quota::NONE)
        .await
        .unwrap();
    assert_eq!(outcome, CreateOutcome::Created);

    let mut edited = first.clone();
    edited.metadata.title = Title::parse("Edited after the upload").unwrap();
    edited.version = first.version.next();
    repository.update(&edited, first.version).await.unwrap();

    let retry = sparse_record(&owner, created_at);
    let outcome = repository
        .create(&retry, Some(claim(&owner, key, 1, not_before)), Quota::NONE)
        .await
        .unwrap();
    assert_eq!(outcome, CreateOutcome::Replayed(first.clone()));
    assert_eq!(
        repository.get(&retry.id).await.unwrap(),
        None,
        "a replay stored a record"
    );

    let outcome = repository
        .create(&retry, Some(claim(&owner, key, 2, not_before)), Quota::NONE)
        .await
        .unwrap();
    assert_eq!(outcome, CreateOutcome::KeyReused);
    assert_eq!(
        repository.get(&retry.id).await.unwrap(),
        None,
        "a reused key stored a record"
    );

    let stranger = unique_owner("replay-stranger");
    let theirs = sparse_record(&stranger, created_at);
    let outcome = repository
        .create(
            &theirs,
            Some(claim(&stranger, key, 2, not_before)),
            Quota::NONE,
        )
        .await
        .unwrap();
    assert_eq!(outcome, CreateOutcome::Created, "claims are per owner");
}

/// A claim made before the request's `not_before` no longer counts: the create goes ahead and
/// its claim replaces the old one.
pub async fn expired_claim_is_replaced(repository: &dyn ImageRepository) {
    let owner = unique_owner("expired");
    let current = now();
    let key = "upload-expiring";
    let old = sparse_record(&owner, current - Duration::hours(2));
    let outcome = repository
        .create(
            &old,
            Some(claim(&owner, key, 1, current - Duration::hours(3))),
            Quota::NONE,
        )
        .await
        .unwrap();
    assert_eq!(outcome, CreateOutcome::Created);

    // An hour's window now: the claim, two hours old, has expired.
    let not_before = current - Duration::hours(1);
    let new = sparse_record(&owner, current);
    let outcome = repository
        .create(&new, Some(claim(&owner, key, 2, not_before)), Quota::NONE)
        .await
        .unwrap();
    assert_eq!(
        outcome,
        CreateOutcome::Created,
        "an expired claim still counted"
    );

    let retry = sparse_record(&owner, current);
    let outcome = repository
        .create(&retry, Some(claim(&owner, key, 2, not_before)), Quota::NONE)
        .await
        .unwrap();
    assert_eq!(
        outcome,
        CreateOutcome::Replayed(new),
        "the new claim was not recorded"
    );
    let outcome = repository
        .create(&retry, Some(claim(&owner, key, 1, not_before)), Quota::NONE)
        .await
        .unwrap();
    assert_eq!(
        outcome,
        CreateOutcome::KeyReused,
        "the old claim was not replaced"
    );
}

/// Of concurrent creates carrying one claim, exactly one stores its record and every other one
/// is answered with that record.
pub async fn concurrent_creates_with_one_claim_store_one_image(repository: &dyn ImageRepository) {
    const RACERS: usize = 8;
    let owner = unique_owner("race");
    let created_at = now();
    let not_before = created_at - Duration::hours(1);
    let records: Vec<_> = (0..RACERS)
        .map(|_| sparse_record(&owner, created_at))
        .collect();
    let creates = records.iter().map(|record| {
        repository.create(
            record,
            Some(claim(&owner, "raced-key", 9, not_before)),
            Quota::NONE,
        )
    });
    let outcomes: Vec<CreateOutcome> = futures::future::join_all(creates)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();

    let winners: Vec<usize> = (0..RACERS)
        .filter(|&i| outcomes[i] == CreateOutcome::Created)
        .collect();
    assert_eq!(
        winners.len(),
        1,
        "expected exactly one Created, got {outcomes:?}"
    );
    let winner = &records[winners[0]];
    for (i, outcome) in outcomes.iter().enumerate() {
        if i != winners[0] {
            assert_eq!(outcome, &CreateOutcome::Replayed(winner.clone()));
        }
    }
    assert_eq!(
        repository.list(&everything_of(&owner)).await.unwrap(),
        std::slice::from_ref(winner)
    );
    assert_eq!(
        repository.usage(&owner).await.unwrap(),
        Usage {
            images: 1,
            bytes: winner.content.size_bytes
        }
    );
}
