//! What the use cases share for pixel work: reading a stored image whole for the image
//! processor, under a gate that bounds how many images are held in memory at once, and the
//! meaning of the processor's failures.
//!
//! Uploads stream to the store without being held in memory; the processor, though, needs a
//! whole file. Reading it back from the store under the gate keeps memory at (gate size) × (one
//! image) however many uploads arrive together, where keeping every upload's copy in memory
//! while it streams would grow with the number of uploads.

use bytes::{Bytes, BytesMut};
use futures::StreamExt;
use lightbox_domain::limits::UploadLimits;
use tokio::sync::SemaphorePermit;

use crate::blob_store::{BlobError, BlobKey};
use crate::failure::{BackendFailure, Cause};
use crate::image_processor::ProcessError;
use crate::use_cases::ImageService;
use crate::use_cases::errors::StorageError;

/// What the operator reads in a 503 when the processor itself failed.
const PROCESSOR: &str = "image processor";

/// A processor failure that is not the image's fault.
pub(crate) fn processor_failure(error: ProcessError) -> Result<String, StorageError> {
    match error {
        ProcessError::Undecodable(why) => Ok(why),
        ProcessError::Internal(source) => Err(StorageError::Unavailable(BackendFailure::new(
            PROCESSOR, source,
        ))),
    }
}

impl ImageService {
    /// The limits a stored image is re-inspected with. It passed the upload limits once; only
    /// a size limit lowered since then is relaxed, so that old images keep being served.
    pub(crate) fn stored_image_limits(&self) -> UploadLimits {
        let limits = self.settings.limits;
        UploadLimits::new(
            u64::MAX,
            limits.max_side(),
            limits.max_pixels(),
            limits.max_frames(),
        )
        .unwrap_or(limits)
    }

    /// A place in the pixel-work queue; held while an image is in memory.
    pub(crate) async fn pixel_permit(&self) -> Result<SemaphorePermit<'_>, StorageError> {
        self.pixel_gate.acquire().await.map_err(|_| {
            StorageError::Unavailable(BackendFailure::new(
                PROCESSOR,
                Cause("the pixel-work gate is closed".to_owned()),
            ))
        })
    }

    /// Reads the object at `key` whole. An object larger than `cap` bytes is refused before it is
    /// read: nothing lightbox stores can be, so it would be a corrupt store or a bug.
    pub(crate) async fn read_whole(&self, key: &BlobKey, cap: u64) -> Result<Bytes, BlobError> {
        let content = self.blobs.get(key, None).await?;
        let too_large = || {
            BlobError::unavailable(Cause(format!(
                "{key} is larger than the {cap} bytes it can be"
            )))
        };
        if content.length > cap {
            return Err(too_large());
        }
        let mut buffer = BytesMut::with_capacity(usize::try_from(content.length).unwrap_or(0));
        let mut stream = content.stream;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk?;
            if (buffer.len() + chunk.len()) as u64 > cap {
                return Err(too_large());
            }
            buffer.extend_from_slice(&chunk);
        }
        Ok(buffer.freeze())
    }
}
