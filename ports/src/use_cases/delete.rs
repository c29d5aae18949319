//! Deleting: metadata first, then the bytes and every derived file.

use lightbox_domain::ids::{ImageId, OwnerId};

use crate::blob_store::BlobKey;
use crate::image_repository::RepoError;
use crate::use_cases::ImageService;
use crate::use_cases::errors::StorageError;

/// Why a delete was refused.
#[derive(Debug, thiserror::Error)]
pub enum DeleteError {
    /// No image the caller owns has this id (or it was just deleted).
    #[error("no such image")]
    NotFound,
    /// Storage failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl ImageService {
    /// Deletes an image the caller owns.
    ///
    /// Metadata goes first, so the image disappears at once and for good; bytes that then fail
    /// to go are unreachable orphans for garbage collection, never a visible half-deleted image.
    ///
    /// # Errors
    /// [`DeleteError::NotFound`]; [`DeleteError::Storage`] when the metadata could not be removed
    /// (the image is then untouched).
    pub async fn delete(&self, owner: &OwnerId, id: &ImageId) -> Result<(), DeleteError> {
        self.owned_image(owner, id)
            .await?
            .ok_or(DeleteError::NotFound)?;
        match self.repository.delete(id).await {
            Ok(()) => {}
            Err(RepoError::NotFound) => return Err(DeleteError::NotFound),
            Err(other) => return Err(StorageError::from(other).into()),
        }
        if let Err(error) = self.blobs.delete_prefix(&BlobKey::image_prefix(id)).await {
            tracing::warn!(%id, error = %error, "image deleted but its bytes stay until garbage collection");
        }
        Ok(())
    }
}
