//! The caller's account: what they store.

use lightbox_domain::ids::OwnerId;

use crate::image_repository::Usage;
use crate::use_cases::ImageService;
use crate::use_cases::errors::StorageError;

impl ImageService {
    /// How many images and bytes `owner` stores.
    ///
    /// # Errors
    /// [`StorageError`].
    pub async fn usage(&self, owner: &OwnerId) -> Result<Usage, StorageError> {
        Ok(self.repository.usage(owner).await?)
    }
}
