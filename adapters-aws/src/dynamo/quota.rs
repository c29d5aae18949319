//! Quotas on DynamoDB: the usage counter's `ADD` in each create's transaction carries the quota
//! as its condition, so the check and the write are one atomic step however many API nodes
//! create at once. A cancelled condition is then read back to tell which limit it was.

use aws_sdk_dynamodb::types::Update;
use lightbox_domain::ids::OwnerId;
use lightbox_domain::quota::Quota;
use lightbox_ports::{CreateOutcome, RepoError};

use super::DynamoImageRepository;
use super::item::{n, s};
use super::read::{USAGE_BYTES, USAGE_IMAGES};
use super::schema::{PK, SK, USAGE_SK, usage_pk};

/// The usage change of a create of `size` bytes: one more image, `size` more bytes, on the
/// condition that the owner's usage still leaves room for it under `quota`. `None` when the
/// image alone is larger than the byte quota, which no condition can let through.
pub(super) fn usage_increment(
    table: &str,
    owner: &OwnerId,
    size: u64,
    quota: Quota,
) -> Result<Option<Update>, RepoError> {
    let mut builder = Update::builder()
        .table_name(table)
        .key(PK, s(usage_pk(owner)))
        .key(SK, s(USAGE_SK))
        .update_expression("ADD #images :images, #bytes :bytes")
        .expression_attribute_names("#images", USAGE_IMAGES)
        .expression_attribute_names("#bytes", USAGE_BYTES)
        .expression_attribute_values(":images", n(1))
        .expression_attribute_values(":bytes", n(size));
    let mut conditions = Vec::new();
    if let Some(max) = quota.max_images() {
        // A missing counter is an owner with no images yet.
        conditions.push("(attribute_not_exists(#images) OR #images < :max_images)");
        builder = builder.expression_attribute_values(":max_images", n(max));
    }
    if let Some(max) = quota.max_bytes() {
        let Some(room) = max.checked_sub(size) else {
            return Ok(None);
        };
        conditions.push("(attribute_not_exists(#bytes) OR #bytes <= :room)");
        builder = builder.expression_attribute_values(":room", n(room));
    }
    if !conditions.is_empty() {
        builder = builder.condition_expression(conditions.join(" AND "));
    }
    builder.build().map(Some).map_err(RepoError::unavailable)
}

impl DynamoImageRepository {
    /// The answer to a create whose quota condition failed: `QuotaExceeded` with the usage read
    /// now, or `None` when the usage has dropped since (a delete in between) and a new attempt
    /// may pass.
    pub(super) async fn quota_outcome(
        &self,
        owner: &OwnerId,
        size: u64,
        quota: Quota,
    ) -> Result<Option<CreateOutcome>, RepoError> {
        let usage = self.usage_of(owner).await?;
        Ok(quota
            .admits(usage.images, usage.bytes, size)
            .err()
            .map(|breach| CreateOutcome::QuotaExceeded { breach, usage }))
    }
}
