//! Idempotency claims: finding a live one, recording a new one, purging expired ones.
//!
//! Every function runs inside the caller's write transaction (`BEGIN IMMEDIATE`), which is what
//! makes "look for a claim, then create" one atomic step between concurrent requests.

use lightbox_ports::{CreateOutcome, IdempotencyClaim, RepoError};
use sqlx::SqliteConnection;

use super::errors::from_sqlx;
use lightbox_ports::stored_image::{Corrupt, StoredImage};

/// Removes up to 100 claims older than `claim.not_before`: enough to keep up with any upload rate
/// that creates them, small enough that no request pays for a large backlog at once.
///
/// The batch is written into the statement rather than bound: SQLite re-prepares a statement
/// whenever a parameter used in its `LIMIT` is bound again (see `list_sql`).
pub(super) async fn purge_expired(
    connection: &mut SqliteConnection,
    claim: &IdempotencyClaim,
) -> Result<(), RepoError> {
    sqlx::query(
        "DELETE FROM idempotency_keys WHERE rowid IN \
         (SELECT rowid FROM idempotency_keys WHERE created_at < ? LIMIT 100)",
    )
    .bind(claim.not_before.timestamp_micros())
    .execute(connection)
    .await
    .map_err(from_sqlx)?;
    Ok(())
}

/// What the unexpired claim on the same owner and key, if any, makes of this create:
/// `Replayed` with the first record for the same request, `KeyReused` for another one.
pub(super) async fn outcome_of_live_claim(
    connection: &mut SqliteConnection,
    claim: &IdempotencyClaim,
) -> Result<Option<CreateOutcome>, RepoError> {
    let found: Option<(Vec<u8>, String)> = sqlx::query_as(
        "SELECT fingerprint, image_snapshot FROM idempotency_keys \
         WHERE owner_id = ? AND idempotency_key = ? AND created_at >= ?",
    )
    .bind(claim.owner.as_str())
    .bind(claim.key.as_str())
    .bind(claim.not_before.timestamp_micros())
    .fetch_optional(connection)
    .await
    .map_err(from_sqlx)?;
    let Some((fingerprint, snapshot)) = found else {
        return Ok(None);
    };
    if fingerprint.as_slice() != claim.fingerprint.as_slice() {
        return Ok(Some(CreateOutcome::KeyReused));
    }
    let corrupt = |problem: String| {
        RepoError::unavailable(Corrupt {
            what: format!("the idempotency snapshot of key '{}'", claim.key),
            problem,
        })
    };
    let stored: StoredImage =
        serde_json::from_str(&snapshot).map_err(|error| corrupt(error.to_string()))?;
    let record = stored
        .into_record()
        .map_err(|error| corrupt(error.to_string()))?;
    Ok(Some(CreateOutcome::Replayed(record)))
}

/// Records `claim` for the just-created `image`, replacing an expired claim on the same key.
pub(super) async fn record(
    connection: &mut SqliteConnection,
    claim: &IdempotencyClaim,
    image: &StoredImage,
) -> Result<(), RepoError> {
    let snapshot = serde_json::to_string(image).map_err(RepoError::unavailable)?;
    sqlx::query(
        "INSERT INTO idempotency_keys \
         (owner_id, idempotency_key, fingerprint, image_snapshot, created_at) VALUES (?, ?, ?, ?, ?) \
         ON CONFLICT (owner_id, idempotency_key) DO UPDATE SET \
         fingerprint = excluded.fingerprint, image_snapshot = excluded.image_snapshot, \
         created_at = excluded.created_at",
    )
    .bind(claim.owner.as_str())
    .bind(claim.key.as_str())
    .bind(claim.fingerprint.as_slice())
    .bind(snapshot)
    // The claim dates from its image's creation, on the same clock that computes `not_before`.
    .bind(image.created_at)
    .execute(connection)
    .await
    .map_err(from_sqlx)?;
    Ok(())
}
