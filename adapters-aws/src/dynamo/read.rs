//! Single reads: one image, one owner's usage, and whether the table is there.

use aws_sdk_dynamodb::types::TableStatus;
use lightbox_domain::ids::{ImageId, OwnerId};
use lightbox_domain::image::ImageRecord;
use lightbox_ports::failure::Cause;
use lightbox_ports::{RepoError, Usage};

use super::DynamoImageRepository;
use super::errors::from_sdk;
use super::item::{Item, n, number, record_of, s};
use super::schema::{PK, SK, USAGE_SK, usage_pk};

/// The usage counter's attribute counting images.
pub(super) const USAGE_IMAGES: &str = "images";
/// The usage counter's attribute summing sizes.
pub(super) const USAGE_BYTES: &str = "bytes";

impl DynamoImageRepository {
    /// The image item of `id`, read consistently.
    pub(super) async fn image_item_of(&self, id: &ImageId) -> Result<Option<Item>, RepoError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(super::item::image_key(id)))
            .consistent_read(true)
            .send()
            .await
            .map_err(|error| from_sdk("GetItem", error))?;
        Ok(output.item)
    }

    pub(super) async fn get_image(&self, id: &ImageId) -> Result<Option<ImageRecord>, RepoError> {
        self.image_item_of(id)
            .await?
            .map(|item| record_of(&item))
            .transpose()
    }

    pub(super) async fn usage_of(&self, owner: &OwnerId) -> Result<Usage, RepoError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(PK, s(usage_pk(owner)))
            .key(SK, s(USAGE_SK))
            .consistent_read(true)
            .send()
            .await
            .map_err(|error| from_sdk("GetItem", error))?;
        let Some(item) = output.item else {
            return Ok(Usage::default());
        };
        Ok(Usage {
            images: number(&item, USAGE_IMAGES).map_err(RepoError::unavailable)?,
            bytes: number(&item, USAGE_BYTES).map_err(RepoError::unavailable)?,
        })
    }

    pub(super) async fn table_is_active(&self) -> Result<(), RepoError> {
        let output = self
            .client
            .describe_table()
            .table_name(&self.table)
            .send()
            .await
            .map_err(|error| from_sdk("DescribeTable", error))?;
        let status = output.table().and_then(|table| table.table_status());
        if status == Some(&TableStatus::Active) {
            Ok(())
        } else {
            Err(RepoError::unavailable(Cause(format!(
                "the table {} is {status:?}, not ACTIVE",
                self.table
            ))))
        }
    }
}

/// The update adding `images` images of `bytes` bytes (negative to remove) to an owner's usage.
pub(super) fn usage_change(
    table: &str,
    owner: &OwnerId,
    images: i64,
    bytes: i128,
) -> Result<aws_sdk_dynamodb::types::Update, RepoError> {
    aws_sdk_dynamodb::types::Update::builder()
        .table_name(table)
        .key(PK, s(usage_pk(owner)))
        .key(SK, s(USAGE_SK))
        .update_expression("ADD #images :images, #bytes :bytes")
        .expression_attribute_names("#images", USAGE_IMAGES)
        .expression_attribute_names("#bytes", USAGE_BYTES)
        .expression_attribute_values(":images", n(images))
        .expression_attribute_values(":bytes", n(bytes))
        .build()
        .map_err(RepoError::unavailable)
}
