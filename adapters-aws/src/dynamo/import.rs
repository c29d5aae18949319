//! Importing a record as given (`lightbox migrate`): one `TransactWriteItems` like a create's —
//! the image item conditional on its id being free, its tag items, its owner's usage counter —
//! but with no quota condition on the counter and no idempotency claim.

use aws_sdk_dynamodb::types::TransactWriteItem;
use lightbox_domain::image::ImageRecord;
use lightbox_domain::quota::Quota;
use lightbox_ports::failure::Cause;
use lightbox_ports::{ImportOutcome, RepoError};

use super::DynamoImageRepository;
use super::errors::Reason;
use super::quota::usage_increment;
use super::write::{ATTEMPTS, back_off, gave_up};

impl DynamoImageRepository {
    pub(super) async fn import_image(
        &self,
        image: &ImageRecord,
    ) -> Result<ImportOutcome, RepoError> {
        let size = image.content.size_bytes;
        // Without a quota the increment is unconditional, so it always exists.
        let usage_update = usage_increment(&self.table, &image.owner, size, Quota::NONE)?
            .ok_or_else(|| RepoError::unavailable(Cause("no usage update".to_owned())))?;
        let mut items = self.new_record_items(image)?;
        items.push(TransactWriteItem::builder().update(usage_update).build());
        for attempt in 0..ATTEMPTS {
            let Some(reasons) = self.transact(items.clone()).await? else {
                return Ok(ImportOutcome::Inserted);
            };
            // The id is taken — possibly by this very import, when an attempt committed but its
            // answer was lost and the SDK sent it again: the stored record tells which.
            if reasons.first() == Some(&Reason::ConditionFailed) {
                return Ok(match self.get_image(&image.id).await? {
                    Some(existing) if existing == *image => ImportOutcome::AlreadyPresent,
                    Some(existing) => ImportOutcome::Conflict(Box::new(existing)),
                    // Deleted since the collision: the next attempt may insert it.
                    None => {
                        back_off(attempt).await;
                        continue;
                    }
                });
            }
            back_off(attempt).await;
        }
        Err(gave_up(&format!("importing image {}", image.id)))
    }
}
