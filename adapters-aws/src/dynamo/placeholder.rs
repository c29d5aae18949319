//! Filling in the blurhash of an image stored without one: one conditional UpdateItem that
//! touches that attribute only, so the version and the owner's edits are never disturbed.

use lightbox_domain::blurhash::Blurhash;
use lightbox_domain::ids::ImageId;
use lightbox_ports::RepoError;

use super::DynamoImageRepository;
use super::errors::from_sdk;
use super::item::{BLURHASH, image_key, s};
use super::schema::PK;

impl DynamoImageRepository {
    pub(super) async fn set_image_blurhash(
        &self,
        id: &ImageId,
        blurhash: &Blurhash,
    ) -> Result<(), RepoError> {
        let updated = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(image_key(id)))
            .update_expression("SET #blurhash = :blurhash")
            // Without the first condition an update of a deleted image would create a stub item.
            .condition_expression("attribute_exists(#pk) AND attribute_not_exists(#blurhash)")
            .expression_attribute_names("#pk", PK)
            .expression_attribute_names("#blurhash", BLURHASH)
            .expression_attribute_values(":blurhash", s(blurhash.as_str()))
            .send()
            .await;
        match updated {
            Ok(_) => Ok(()),
            // Gone, or filled by someone else: both leave nothing to do.
            Err(error)
                if error
                    .as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Ok(())
            }
            Err(error) => Err(from_sdk("UpdateItem", error)),
        }
    }
}
