//! Reading: an image's metadata, and its bytes (whole or one range).

use lightbox_domain::ids::{ImageId, OwnerId};
use lightbox_domain::image::ImageRecord;
use lightbox_domain::range::{ByteRange, RangeOutcome, RangeRequest};

use crate::blob_store::{BlobContent, BlobError, BlobKey};
use crate::failure::BLOB_STORE;
use crate::use_cases::ImageService;
use crate::use_cases::errors::StorageError;

/// Why a read was refused.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// No image the caller may see has this id.
    #[error("no such image")]
    NotFound,
    /// The requested range lies outside the image.
    #[error("the range is outside the image's {size} bytes")]
    RangeNotSatisfiable {
        /// The image's size, for `Content-Range: bytes */size`.
        size: u64,
    },
    /// Storage failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// Bytes of an image, ready to stream.
#[derive(Debug)]
pub struct ImageBytes {
    /// The bytes.
    pub content: BlobContent,
    /// The range served, when only part of the image is.
    pub range: Option<ByteRange>,
}

impl ImageService {
    /// The image `viewer` asked for: their own, or a public one.
    ///
    /// # Errors
    /// [`ReadError::NotFound`] for a missing image or another user's private one.
    pub async fn image_for(
        &self,
        viewer: &OwnerId,
        id: &ImageId,
    ) -> Result<ImageRecord, ReadError> {
        let image = self
            .visible_image(viewer, id)
            .await?
            .ok_or(ReadError::NotFound)?;
        self.fill_missing_blurhashes([&image]);
        Ok(image)
    }

    /// Opens an image's stored bytes, or one range of them.
    ///
    /// # Errors
    /// [`ReadError::RangeNotSatisfiable`]; [`ReadError::NotFound`] when the bytes vanished (the
    /// image was deleted meanwhile); [`ReadError::Storage`].
    pub async fn open_bytes(
        &self,
        image: &ImageRecord,
        range: Option<RangeRequest>,
    ) -> Result<ImageBytes, ReadError> {
        let size = image.content.size_bytes;
        let range = match range.map(|request| request.resolve(size)) {
            None => None,
            Some(RangeOutcome::Partial(range)) => Some(range),
            Some(RangeOutcome::Unsatisfiable) => {
                return Err(ReadError::RangeNotSatisfiable { size });
            }
        };
        let content = self
            .blobs
            .get(&BlobKey::original(&image.id), range)
            .await
            .map_err(|error| match error {
                BlobError::NotFound => ReadError::NotFound,
                other => ReadError::Storage(other.into()),
            })?;
        // The ETag, the type and the range were all taken from the record: bytes of another
        // length (a file cut short or replaced behind the store's back) are not the image it
        // describes, and serving them would let clients cache them under its ETag.
        let expected = range.map_or(size, |range| range.len());
        if content.length != expected {
            return Err(ReadError::Storage(StorageError::unexpected(
                BLOB_STORE,
                format!(
                    "the stored bytes of {} answer {} bytes where its record calls for {expected}",
                    image.id, content.length
                ),
            )));
        }
        Ok(ImageBytes { content, range })
    }
}
