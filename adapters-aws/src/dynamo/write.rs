//! Writes: create, update and delete, each one `TransactWriteItems` over the image item, its
//! tag items, its owner's usage counter and (for a claimed create) the idempotency claim.
//!
//! Conditions make the races come out right: a create needs the id to be free (and the claim
//! to be free or expired), an update and a delete need the version they read. A transaction
//! cancelled by a concurrent one on the same items (`TransactionConflict`, common on the usage
//! counter of a busy owner) is retried here, since the SDK does not retry cancellations.

use std::collections::BTreeSet;
use std::time::Duration;

use aws_sdk_dynamodb::types::{Delete, Put, TransactWriteItem};
use lightbox_domain::ids::ImageId;
use lightbox_domain::image::{ImageRecord, Version};
use lightbox_domain::quota::Quota;
use lightbox_domain::tags::Tag;
use lightbox_ports::failure::Cause;
use lightbox_ports::{CreateOutcome, IdempotencyClaim, RepoError};

use super::DynamoImageRepository;
use super::claims::claim_put;
use super::errors::{Reason, TransactionFailure, transaction_failure};
use super::item::{Item, VERSION, image_item, n, record_of, tag_item, tag_key};
use super::quota::usage_increment;
use super::read::usage_change;
use super::schema::PK;

/// Attempts of one write before giving up on repeated conflicts (or on a claim that keeps
/// expiring under it).
pub(super) const ATTEMPTS: u32 = 8;

/// A short, growing, jittered pause before retrying a conflicting transaction.
pub(super) async fn back_off(attempt: u32) {
    let base = 10u64 << attempt.min(6);
    // The last byte of a UUIDv7 is random: jitter without a random-number crate.
    let jitter = u64::from(uuid::Uuid::now_v7().as_bytes()[15]) % base.max(1);
    tokio::time::sleep(Duration::from_millis(base + jitter)).await;
}

pub(super) fn gave_up(what: &str) -> RepoError {
    RepoError::unavailable(Cause(format!(
        "{what}: still conflicting with concurrent writes after {ATTEMPTS} attempts"
    )))
}

impl DynamoImageRepository {
    pub(super) async fn create_image(
        &self,
        image: &ImageRecord,
        claim: Option<&IdempotencyClaim>,
        quota: Quota,
    ) -> Result<CreateOutcome, RepoError> {
        let size = image.content.size_bytes;
        let Some(usage_update) = usage_increment(&self.table, &image.owner, size, quota)? else {
            // Larger than the whole byte quota: no write can succeed, but a retry of a request
            // that was stored still gets its first answer.
            if let Some(claim) = claim
                && let Some(outcome) = self.outcome_of_live_claim(claim).await?
            {
                return Ok(outcome);
            }
            return self
                .quota_outcome(&image.owner, size, quota)
                .await?
                .ok_or_else(|| gave_up(&format!("creating image {}", image.id)));
        };
        let mut items = self.new_record_items(image)?;
        // The usage item's place in the transaction, to find its cancellation reason.
        let usage_index = items.len();
        items.push(TransactWriteItem::builder().update(usage_update).build());
        if let Some(claim) = claim {
            items.push(
                TransactWriteItem::builder()
                    .put(claim_put(&self.table, claim, image)?)
                    .build(),
            );
        }
        for attempt in 0..ATTEMPTS {
            let reasons = match self.transact(items.clone()).await? {
                None => return Ok(CreateOutcome::Created),
                Some(reasons) => reasons,
            };
            // The claim decides first, as on every backend: a retried request answers with its
            // first outcome even if its record collided too.
            // A condition can also fail on this very create's own earlier attempt: when an
            // attempt commits but its answer is lost (a timeout), the SDK sends it again. So a
            // taken id or a live claim holding exactly this record means it was created.
            match claim {
                Some(claim) if reasons.last() == Some(&Reason::ConditionFailed) => {
                    // `None`: the claim expired or vanished since; the next round may win.
                    match self.outcome_of_live_claim(claim).await? {
                        Some(CreateOutcome::Replayed(first)) if first == *image => {
                            return Ok(CreateOutcome::Created);
                        }
                        Some(outcome) => return Ok(outcome),
                        None => {}
                    }
                }
                _ if reasons.first() == Some(&Reason::ConditionFailed) => {
                    return if self.get_image(&image.id).await?.as_ref() == Some(image) {
                        Ok(CreateOutcome::Created)
                    } else {
                        Err(RepoError::AlreadyExists)
                    };
                }
                // `None`: a delete made room since; the next round may pass.
                _ if reasons.get(usage_index) == Some(&Reason::ConditionFailed) => {
                    if let Some(outcome) = self.quota_outcome(&image.owner, size, quota).await? {
                        return Ok(outcome);
                    }
                }
                _ => {}
            }
            back_off(attempt).await;
        }
        Err(gave_up(&format!("creating image {}", image.id)))
    }

    pub(super) async fn update_image(
        &self,
        image: &ImageRecord,
        expected: Version,
    ) -> Result<(), RepoError> {
        for attempt in 0..ATTEMPTS {
            let Some(current) = self.image_item_of(&image.id).await? else {
                return Err(RepoError::NotFound);
            };
            let current = record_of(&current)?;
            if current.version != expected {
                return Err(RepoError::VersionConflict);
            }
            // Only the editable metadata, `updated_at` and `version` change; everything else
            // stays as stored.
            let updated = ImageRecord {
                metadata: image.metadata.clone(),
                updated_at: image.updated_at,
                version: image.version,
                ..current.clone()
            };
            let mut items = vec![put_item(
                Put::builder()
                    .table_name(&self.table)
                    .set_item(Some(image_item(&updated)))
                    .condition_expression("#version = :expected")
                    .expression_attribute_names("#version", VERSION)
                    .expression_attribute_values(":expected", n(expected.get())),
            )?];
            let old: BTreeSet<&Tag> = current.metadata.tags.iter().collect();
            let new: BTreeSet<&Tag> = updated.metadata.tags.iter().collect();
            for tag in old.difference(&new) {
                items.push(self.delete_item(tag_key(&image.id, tag))?);
            }
            for tag in new.difference(&old) {
                items.push(put_item(
                    Put::builder()
                        .table_name(&self.table)
                        .set_item(Some(tag_item(&updated, tag))),
                )?);
            }
            // A failed condition means the item changed (or vanished) since it was read: the
            // next round reads it again and tells which.
            if self.transact(items).await?.is_none() {
                return Ok(());
            }
            back_off(attempt).await;
        }
        Err(gave_up(&format!("updating image {}", image.id)))
    }

    pub(super) async fn delete_image(&self, id: &ImageId) -> Result<(), RepoError> {
        for attempt in 0..ATTEMPTS {
            let Some(current) = self.image_item_of(id).await? else {
                return Err(RepoError::NotFound);
            };
            let current = record_of(&current)?;
            // Conditional on the version read, so that the tag items deleted are exactly the
            // image's: an update in between fails this round and the next one reads its tags.
            let mut items = vec![
                TransactWriteItem::builder()
                    .delete(
                        Delete::builder()
                            .table_name(&self.table)
                            .set_key(Some(super::item::image_key(id)))
                            .condition_expression("#version = :read")
                            .expression_attribute_names("#version", VERSION)
                            .expression_attribute_values(":read", n(current.version.get()))
                            .build()
                            .map_err(RepoError::unavailable)?,
                    )
                    .build(),
            ];
            for tag in current.metadata.tags.iter() {
                items.push(self.delete_item(tag_key(id, tag))?);
            }
            let size = i128::from(current.content.size_bytes);
            items.push(
                TransactWriteItem::builder()
                    .update(usage_change(&self.table, &current.owner, -1, -size)?)
                    .build(),
            );
            if self.transact(items).await?.is_none() {
                return Ok(());
            }
            back_off(attempt).await;
        }
        Err(gave_up(&format!("deleting image {id}")))
    }

    /// Runs one transaction: `None` when it committed, the cancellation reasons otherwise.
    pub(super) async fn transact(
        &self,
        items: Vec<TransactWriteItem>,
    ) -> Result<Option<Vec<Reason>>, RepoError> {
        match self
            .client
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await
        {
            Ok(_) => Ok(None),
            Err(error) => match transaction_failure(error) {
                TransactionFailure::Cancelled(reasons) => Ok(Some(reasons)),
                TransactionFailure::Failed(error) => Err(error),
            },
        }
    }

    fn delete_item(&self, key: Item) -> Result<TransactWriteItem, RepoError> {
        let delete = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(key))
            .build()
            .map_err(RepoError::unavailable)?;
        Ok(TransactWriteItem::builder().delete(delete).build())
    }
}

impl DynamoImageRepository {
    /// The writes that store `image` as a new record, shared by create and import: its item,
    /// only if the id is free, and one item per tag.
    pub(super) fn new_record_items(
        &self,
        image: &ImageRecord,
    ) -> Result<Vec<TransactWriteItem>, RepoError> {
        let mut items = vec![put_item(
            Put::builder()
                .table_name(&self.table)
                .set_item(Some(image_item(image)))
                .condition_expression("attribute_not_exists(#pk)")
                .expression_attribute_names("#pk", PK),
        )?];
        for tag in image.metadata.tags.iter() {
            items.push(put_item(
                Put::builder()
                    .table_name(&self.table)
                    .set_item(Some(tag_item(image, tag))),
            )?);
        }
        Ok(items)
    }
}

pub(super) fn put_item(
    builder: aws_sdk_dynamodb::types::builders::PutBuilder,
) -> Result<TransactWriteItem, RepoError> {
    let put = builder.build().map_err(RepoError::unavailable)?;
    Ok(TransactWriteItem::builder().put(put).build())
}
