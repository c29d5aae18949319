//! The use cases, written only against the ports: one file per operation, each with its own
//! error type, all methods of one [`ImageService`].

mod account;
mod content;
mod delete;
pub mod errors;
mod in_flight;
mod inspecting_stream;
mod links;
mod list;
mod pixels;
mod placeholders;
mod read;
mod readiness;
mod thumbnail;
mod update;
pub mod upload;

#[cfg(test)]
pub(crate) mod tests;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use lightbox_domain::ids::{ImageId, OwnerId};
use lightbox_domain::image::ImageRecord;
use lightbox_domain::limits::UploadLimits;
use lightbox_domain::quota::Quota;
use lightbox_domain::signing::SigningKey;

use tokio::sync::Semaphore;

use crate::blob_store::{BlobKey, BlobStore};
use crate::clock::Clock;
use crate::image_processor::ImageProcessor;
use crate::image_repository::ImageRepository;
use crate::use_cases::in_flight::InFlight;

pub use content::ContentError;
pub use delete::DeleteError;
pub use errors::StorageError;
pub use links::{ContentLink, LinkTarget};
pub use list::{ListError, ListRequest, Page};
pub use read::{ImageBytes, ReadError};
pub use readiness::NotReady;
pub use thumbnail::{ThumbnailBytes, ThumbnailError};
pub use update::{UpdateError, UpdateRequest};
pub use upload::{
    StagedUpload, UploadBody, UploadBodyError, UploadError, UploadOutcome, UploadRequest,
};

/// The settings the use cases need, fixed at start-up.
#[derive(Debug, Clone)]
pub struct ServiceSettings {
    /// Upload size, dimension and frame limits.
    pub limits: UploadLimits,
    /// Key for signed content URLs and list cursors.
    pub signing_key: SigningKey,
    /// Lifetime of every signed URL.
    pub url_ttl: Duration,
    /// How long an idempotency key is remembered.
    pub idempotency_window: chrono::TimeDelta,
    /// Whether uploads are stored without their EXIF, XMP, IPTC and comments (the contract's
    /// default), keeping only the orientation and the colour profile.
    pub strip_metadata: bool,
    /// How many images may be in memory for pixel work (decoding, thumbnails) at once; more
    /// wait their turn.
    pub pixel_jobs: usize,
    /// Per-user storage quota, enforced in the same atomic write as each upload.
    pub quota: Quota,
}

impl ServiceSettings {
    /// The contract's defaults around a given key: default limits, one-hour URLs, 24-hour keys,
    /// metadata stripped, two images in pixel work at once, no quota.
    pub fn with_key(signing_key: SigningKey) -> Self {
        Self {
            limits: UploadLimits::default(),
            signing_key,
            url_ttl: Duration::from_secs(3600),
            idempotency_window: chrono::TimeDelta::hours(24),
            strip_metadata: true,
            pixel_jobs: 2,
            quota: Quota::NONE,
        }
    }
}

/// Every use case of lightbox, over one blob store and one repository.
#[derive(Clone)]
pub struct ImageService {
    blobs: Arc<dyn BlobStore>,
    repository: Arc<dyn ImageRepository>,
    processor: Arc<dyn ImageProcessor>,
    clock: Arc<dyn Clock>,
    settings: ServiceSettings,
    pixel_gate: Arc<Semaphore>,
    in_flight: Arc<InFlight>,
}

impl fmt::Debug for ImageService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ImageService")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl ImageService {
    /// Builds the service over its ports.
    pub fn new(
        blobs: Arc<dyn BlobStore>,
        repository: Arc<dyn ImageRepository>,
        processor: Arc<dyn ImageProcessor>,
        clock: Arc<dyn Clock>,
        settings: ServiceSettings,
    ) -> Self {
        let pixel_gate = Arc::new(Semaphore::new(settings.pixel_jobs.max(1)));
        Self {
            blobs,
            repository,
            processor,
            clock,
            settings,
            pixel_gate,
            in_flight: Arc::default(),
        }
    }

    /// Loads an image `viewer` may see: its own, or anyone's public one. Anything else is
    /// indistinguishable from a missing image, so ids of private images cannot be probed.
    async fn visible_image(
        &self,
        viewer: &OwnerId,
        id: &ImageId,
    ) -> Result<Option<ImageRecord>, StorageError> {
        let image = self.repository.get(id).await?;
        Ok(image.filter(|image| image.is_visible_to(viewer)))
    }

    /// Loads an image only its owner may change.
    async fn owned_image(
        &self,
        owner: &OwnerId,
        id: &ImageId,
    ) -> Result<Option<ImageRecord>, StorageError> {
        let image = self.repository.get(id).await?;
        Ok(image.filter(|image| &image.owner == owner))
    }

    /// Removes everything stored for an image when a failure is already being reported: the
    /// removal's own failure is logged, and garbage collection removes what stays.
    async fn remove_quietly(&self, id: &ImageId) {
        let prefix = BlobKey::image_prefix(id);
        if let Err(error) = self.blobs.delete_prefix(&prefix).await {
            tracing::warn!(%id, error = %error, "could not remove stored bytes; garbage collection will");
        }
    }
}
