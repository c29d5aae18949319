//! Idempotency claims: the item a claimed create writes in its transaction, and what an
//! existing claim makes of a create that collided with it.
//!
//! A claim lives at `IDEM#<owner>#<key>` and holds the request's fingerprint, the record as
//! created (a JSON snapshot, so a replay answers like the first request even after edits or a
//! delete), and its creation time. The create's condition `attribute_not_exists(PK) OR
//! created_at < :not_before` lets a new claim replace an expired one in the same write. DynamoDB's
//! TTL deletes expired claims eventually; correctness never depends on it.

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::{AttributeValue, Put};
use chrono::TimeDelta;
use lightbox_domain::image::ImageRecord;
use lightbox_ports::{CreateOutcome, IdempotencyClaim, RepoError};

use super::DynamoImageRepository;
use super::errors::from_sdk;
use super::item::{CREATED_AT, Item, n, number, s};
use super::schema::{CLAIM_SK, PK, SK, TTL, claim_pk};
use lightbox_ports::stored_image::{Corrupt, StoredImage};

const FINGERPRINT: &str = "fingerprint";
const SNAPSHOT: &str = "snapshot";

/// How long after a claim's window has passed DynamoDB's TTL may delete it: a margin, so that a
/// clock a little behind never sees a live claim vanish.
const TTL_GRACE: TimeDelta = TimeDelta::days(1);

/// The conditional put of `claim` for the just-created `image`.
pub(super) fn claim_put(
    table: &str,
    claim: &IdempotencyClaim,
    image: &ImageRecord,
) -> Result<Put, RepoError> {
    let snapshot =
        serde_json::to_string(&StoredImage::from_record(image)).map_err(RepoError::unavailable)?;
    // The claim dates from its image's creation, on the same clock that computes `not_before`;
    // the window the caller uses is how far `not_before` lies behind that.
    let window = (image.created_at - claim.not_before).max(TimeDelta::zero());
    let expires = image.created_at + window + TTL_GRACE;
    Put::builder()
        .table_name(table)
        .item(PK, s(claim_pk(&claim.owner, claim.key.as_str())))
        .item(SK, s(CLAIM_SK))
        .item(
            FINGERPRINT,
            AttributeValue::B(Blob::new(claim.fingerprint.to_vec())),
        )
        .item(SNAPSHOT, s(snapshot))
        .item(CREATED_AT, n(image.created_at.timestamp_micros()))
        .item(TTL, n(expires.timestamp()))
        .condition_expression("attribute_not_exists(#pk) OR #created_at < :not_before")
        .expression_attribute_names("#pk", PK)
        .expression_attribute_names("#created_at", CREATED_AT)
        .expression_attribute_values(":not_before", n(claim.not_before.timestamp_micros()))
        .build()
        .map_err(RepoError::unavailable)
}

impl DynamoImageRepository {
    /// What the live claim on the same owner and key makes of a create that collided with it:
    /// `Replayed` with the first record for the same request, `KeyReused` for another one.
    /// `None` when there is no live claim any more (it expired or was removed meanwhile), so the
    /// create may be tried again.
    pub(super) async fn outcome_of_live_claim(
        &self,
        claim: &IdempotencyClaim,
    ) -> Result<Option<CreateOutcome>, RepoError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(PK, s(claim_pk(&claim.owner, claim.key.as_str())))
            .key(SK, s(CLAIM_SK))
            .consistent_read(true)
            .send()
            .await
            .map_err(|error| from_sdk("GetItem", error))?;
        let Some(item) = output.item else {
            return Ok(None);
        };
        let corrupt = |problem: String| {
            RepoError::unavailable(Corrupt {
                what: format!("the idempotency claim of key '{}'", claim.key),
                problem,
            })
        };
        let created_at: i64 = number(&item, CREATED_AT).map_err(RepoError::unavailable)?;
        if created_at < claim.not_before.timestamp_micros() {
            return Ok(None);
        }
        if fingerprint_of(&item).map_err(corrupt)? != claim.fingerprint.as_slice() {
            return Ok(Some(CreateOutcome::KeyReused));
        }
        let snapshot = match item.get(SNAPSHOT) {
            Some(AttributeValue::S(text)) => text,
            _ => return Err(corrupt("the snapshot is missing".to_owned())),
        };
        let stored: StoredImage =
            serde_json::from_str(snapshot).map_err(|error| corrupt(error.to_string()))?;
        let record = stored
            .into_record()
            .map_err(|error| corrupt(error.to_string()))?;
        Ok(Some(CreateOutcome::Replayed(record)))
    }
}

fn fingerprint_of(item: &Item) -> Result<&[u8], String> {
    match item.get(FINGERPRINT) {
        Some(AttributeValue::B(blob)) => Ok(blob.as_ref()),
        _ => Err("the fingerprint is missing".to_owned()),
    }
}
