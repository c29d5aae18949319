//! Signed content: serving bytes to whoever holds a valid, unexpired signed link.

use lightbox_domain::ids::ImageId;
use lightbox_domain::image::ImageRecord;
use lightbox_domain::signing::{ContentVariant, SignedContent, SignedUrlError};

use crate::use_cases::ImageService;
use crate::use_cases::errors::StorageError;

/// Why a signed link was refused.
#[derive(Debug, thiserror::Error)]
pub enum ContentError {
    /// The signature is missing, malformed or wrong.
    #[error("the link's signature is missing or wrong")]
    InvalidSignature,
    /// The signature is genuine but the link has expired.
    #[error("the link has expired")]
    Expired,
    /// The image no longer exists.
    #[error("no such image")]
    NotFound,
    /// Storage failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl ImageService {
    /// Checks a signed link to an image's original bytes and loads the image. The signature is
    /// checked before anything is read, so forged links cost no storage round trip.
    ///
    /// # Errors
    /// [`ContentError`]: a missing `expires` or `signature` is an invalid signature.
    pub async fn open_signed(
        &self,
        id: ImageId,
        expires: Option<i64>,
        signature: Option<&str>,
    ) -> Result<ImageRecord, ContentError> {
        let (Some(expires), Some(signature)) = (expires, signature) else {
            return Err(ContentError::InvalidSignature);
        };
        let grant = SignedContent {
            id,
            variant: ContentVariant::Original,
            expires,
        };
        self.verify_grant(&grant, signature)
            .map_err(|error| match error {
                SignedUrlError::InvalidSignature => ContentError::InvalidSignature,
                SignedUrlError::Expired => ContentError::Expired,
            })?;
        self.repository
            .get(&id)
            .await
            .map_err(StorageError::from)?
            .ok_or(ContentError::NotFound)
    }
}
