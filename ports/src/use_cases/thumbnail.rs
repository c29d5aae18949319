//! Thumbnails: rendered on first request, stored as derived files next to the original, and
//! served from the store afterwards (across restarts and API nodes); deleted with the image.

use bytes::Bytes;
use futures::StreamExt;
use lightbox_domain::ids::{ImageId, OwnerId};
use lightbox_domain::image::{ImageRecord, Sha256Digest};
use lightbox_domain::image_format::{ImageFormat, inspect};
use lightbox_domain::thumbnail::ThumbnailPreset;
use sha2::{Digest, Sha256};

use crate::blob_store::{BlobError, BlobKey};
use crate::use_cases::ImageService;
use crate::use_cases::errors::StorageError;
use crate::use_cases::pixels::processor_failure;

/// No thumbnail is anywhere near this large (a 1024 px JPEG or PNG); a bigger derived object is
/// not one lightbox wrote.
const MAX_THUMBNAIL_BYTES: u64 = 32 * 1024 * 1024;

/// Why a thumbnail could not be served.
#[derive(Debug, thiserror::Error)]
pub enum ThumbnailError {
    /// No image the caller may see has this id.
    #[error("no such image")]
    NotFound,
    /// The stored image does not decode (it was stored before uploads were decoded).
    #[error("the stored image cannot be decoded: {0}")]
    Undecodable(String),
    /// Storage (or the image processor) failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// A thumbnail, whole in memory (they are small), ready to serve.
#[derive(Debug, Clone)]
pub struct ThumbnailBytes {
    /// The image it belongs to, for access and caching decisions.
    pub image: ImageRecord,
    /// JPEG, or PNG for an image with transparency.
    pub format: ImageFormat,
    /// The encoded thumbnail.
    pub bytes: Bytes,
    /// Digest of `bytes`, the thumbnail's ETag.
    pub sha256: Sha256Digest,
}

impl ImageService {
    /// The thumbnail of an image `viewer` may see, for `preset`: from the store, or rendered now
    /// and stored. Concurrent first requests for the same thumbnail render it once.
    ///
    /// # Errors
    /// [`ThumbnailError`].
    pub async fn thumbnail(
        &self,
        viewer: &OwnerId,
        id: &ImageId,
        preset: ThumbnailPreset,
    ) -> Result<ThumbnailBytes, ThumbnailError> {
        let image = self
            .visible_image(viewer, id)
            .await?
            .ok_or(ThumbnailError::NotFound)?;
        let key = BlobKey::derived(id, &preset.blob_name());
        if let Some(bytes) = self.stored_thumbnail(&key).await? {
            return Ok(served(image, bytes));
        }
        let lock = self.in_flight.lock_for(key.as_str());
        let _turn = lock.lock().await;
        // Whoever held the lock before may have just made it.
        if let Some(bytes) = self.stored_thumbnail(&key).await? {
            return Ok(served(image, bytes));
        }
        let bytes = self.render_thumbnail(&image, preset).await?;
        let body = futures::stream::iter([Ok::<_, std::io::Error>(bytes.clone())]).boxed();
        if let Err(error) = self.blobs.put(&key, body).await {
            // The rendered bytes are good; the next request renders them again.
            tracing::warn!(%id, error = %error, "could not store a rendered thumbnail");
        }
        Ok(served(image, bytes))
    }

    async fn stored_thumbnail(&self, key: &BlobKey) -> Result<Option<Bytes>, StorageError> {
        match self.read_whole(key, MAX_THUMBNAIL_BYTES).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(BlobError::NotFound) => Ok(None),
            Err(other) => Err(other.into()),
        }
    }

    async fn render_thumbnail(
        &self,
        image: &ImageRecord,
        preset: ThumbnailPreset,
    ) -> Result<Bytes, ThumbnailError> {
        let _permit = self.pixel_permit().await?;
        let original = self
            .read_whole(&BlobKey::original(&image.id), image.content.size_bytes)
            .await
            .map_err(|error| match error {
                // Deleted meanwhile.
                BlobError::NotFound => ThumbnailError::NotFound,
                other => ThumbnailError::Storage(other.into()),
            })?;
        // The orientation is not part of the record; the stored bytes say it, as they said it
        // at upload.
        let info = inspect(&original, self.stored_image_limits())
            .map_err(|error| ThumbnailError::Undecodable(error.to_string()))?;
        let thumbnail = self
            .processor
            .thumbnail(original, info, preset)
            .await
            .map_err(|error| match processor_failure(error) {
                Ok(why) => ThumbnailError::Undecodable(why),
                Err(storage) => ThumbnailError::Storage(storage),
            })?;
        Ok(thumbnail.bytes)
    }
}

fn served(image: ImageRecord, bytes: Bytes) -> ThumbnailBytes {
    let format = if bytes.starts_with(b"\x89PNG") {
        ImageFormat::Png
    } else {
        ImageFormat::Jpeg
    };
    let sha256 = Sha256Digest::from_bytes(Sha256::digest(&bytes).into());
    ThumbnailBytes {
        image,
        format,
        bytes,
        sha256,
    }
}
