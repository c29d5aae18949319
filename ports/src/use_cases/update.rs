//! Updating metadata: optimistic concurrency on `version`, with `If-Match` as the client's guard.

use lightbox_domain::ids::{ImageId, OwnerId};
use lightbox_domain::image::{ImageRecord, MetadataPatch, Version};

use crate::image_repository::RepoError;
use crate::use_cases::ImageService;
use crate::use_cases::errors::StorageError;

/// How many times an unguarded update re-reads and retries after losing a race.
///
/// Every lost race is another writer's committed update, so this many attempts fail only when
/// as many updates of the one image land meanwhile; a handful of concurrent writers (a client
/// retrying, two tabs) must never see an error, so the bound is far above that.
pub(crate) const UNGUARDED_ATTEMPTS: usize = 32;

/// A metadata change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateRequest {
    /// The caller, who must own the image.
    pub owner: OwnerId,
    /// The image.
    pub id: ImageId,
    /// The change.
    pub patch: MetadataPatch,
    /// `If-Match`: the versions the client accepts changing (any of them); `None` for no guard.
    pub if_match: Option<Vec<Version>>,
}

/// Why an update was refused.
#[derive(Debug, thiserror::Error)]
pub enum UpdateError {
    /// No image the caller owns has this id.
    #[error("no such image")]
    NotFound,
    /// The image's version is not one the client named in `If-Match`.
    #[error("the image's version does not match If-Match")]
    PreconditionFailed,
    /// Storage failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl ImageService {
    /// Applies a metadata change and returns the image as it now is. A change that changes
    /// nothing returns the image with its version unchanged.
    ///
    /// Without `If-Match`, losing a race to another writer means re-reading and applying the
    /// change again (the fields it sets win); with `If-Match`, it means 412.
    ///
    /// # Errors
    /// [`UpdateError`].
    pub async fn update(&self, request: UpdateRequest) -> Result<ImageRecord, UpdateError> {
        for _ in 0..UNGUARDED_ATTEMPTS {
            let current = self
                .owned_image(&request.owner, &request.id)
                .await?
                .ok_or(UpdateError::NotFound)?;
            if let Some(accepted) = &request.if_match
                && !accepted.contains(&current.version)
            {
                return Err(UpdateError::PreconditionFailed);
            }
            let Some(updated) = current.apply(&request.patch, self.clock.now()) else {
                return Ok(current);
            };
            match self.repository.update(&updated, current.version).await {
                Ok(()) => return Ok(updated),
                Err(RepoError::NotFound) => return Err(UpdateError::NotFound),
                Err(RepoError::VersionConflict) if request.if_match.is_some() => {
                    return Err(UpdateError::PreconditionFailed);
                }
                Err(RepoError::VersionConflict) => continue,
                Err(other) => return Err(StorageError::from(other).into()),
            }
        }
        Err(StorageError::unexpected(
            "metadata database",
            "an update kept losing races to concurrent writers",
        )
        .into())
    }
}
