//! The image processor port: the pixel work (decoding, placeholders, thumbnails) the core needs.
//!
//! # Contract
//! Every implementation MUST:
//! - decode within the upload limits it was built with, refusing an image whose decoded size would
//!   exceed them before allocating for it (the header was checked while streaming, but the
//!   decoder must not trust that check), and decode only the first frame of an animation;
//! - report an image that fails to decode, including one that makes a decoder panic, as
//!   [`ProcessError::Undecodable`], never by crashing or with [`ProcessError::Internal`];
//! - run the pixel work off the async executor, with a bounded number of decodes at once so that a
//!   burst of large images waits instead of exhausting memory;
//! - apply the image's EXIF orientation (from [`ImageInfo::orientation`]) to what it renders, and
//!   ignore any orientation tag in the bytes themselves;
//! - compute the blurhash from a small downscale of the oriented image, and return the same hash for
//!   the same bytes every time;
//! - render a thumbnail whose longer side is the preset's, keeping the aspect ratio, never
//!   upscaling (a smaller image keeps its size), as a PNG when the decoded image has any pixel with
//!   alpha below 255 and as a JPEG otherwise.

use std::fmt;

use async_trait::async_trait;
use bytes::Bytes;
use lightbox_domain::blurhash::Blurhash;
use lightbox_domain::image_format::{ImageFormat, ImageInfo};
use lightbox_domain::thumbnail::ThumbnailPreset;

use crate::failure::BoxError;

/// What analysing an upload learns from its pixels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Analysis {
    /// The placeholder a feed shows until the image loads.
    pub blurhash: Blurhash,
}

/// A rendered thumbnail.
#[derive(Clone, PartialEq, Eq)]
pub struct Thumbnail {
    /// [`ImageFormat::Jpeg`], or [`ImageFormat::Png`] when the image has transparency.
    pub format: ImageFormat,
    /// The encoded file.
    pub bytes: Bytes,
    /// Width as displayed (the orientation is already applied).
    pub width: u32,
    /// Height as displayed.
    pub height: u32,
}

impl fmt::Debug for Thumbnail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Thumbnail")
            .field("format", &self.format)
            .field("bytes", &self.bytes.len())
            .field("width", &self.width)
            .field("height", &self.height)
            .finish()
    }
}

/// What went wrong while working on the pixels.
#[derive(Debug, thiserror::Error)]
pub enum ProcessError {
    /// The bytes do not decode as the image they claim to be (corrupt, truncated, beyond the
    /// decoding limits, or crashing the decoder). The client's fault: maps to 422.
    #[error("the image does not decode: {0}")]
    Undecodable(String),
    /// A bug or a lack of resources on our side (an encoder failed, the worker pool is gone).
    #[error("image processing failed")]
    Internal(#[source] BoxError),
}

impl ProcessError {
    /// Wraps any cause as [`ProcessError::Internal`].
    pub fn internal(source: impl Into<BoxError>) -> Self {
        Self::Internal(source.into())
    }
}

/// Decodes images and renders what is derived from their pixels.
#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait ImageProcessor: Send + Sync + 'static {
    /// Decodes `image` fully within the limits, proving that it decodes, and computes its
    /// blurhash. `info` is what the streaming inspection learnt from the same bytes.
    ///
    /// # Errors
    /// [`ProcessError::Undecodable`] when the image does not decode; [`ProcessError::Internal`]
    /// when the processor itself failed.
    async fn analyze(&self, image: Bytes, info: ImageInfo) -> Result<Analysis, ProcessError>;

    /// Renders the thumbnail of `image` for `preset` (see the module contract for its size and
    /// format).
    ///
    /// # Errors
    /// [`ProcessError::Undecodable`] when the image does not decode; [`ProcessError::Internal`]
    /// when the processor itself failed.
    async fn thumbnail(
        &self,
        image: Bytes,
        info: ImageInfo,
        preset: ThumbnailPreset,
    ) -> Result<Thumbnail, ProcessError>;
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use lightbox_domain::image_format::Orientation;

    use super::*;

    #[tokio::test]
    async fn the_mock_stands_in_for_the_port() {
        let mut mock = MockImageProcessor::new();
        mock.expect_analyze()
            .returning(|_, _| Err(ProcessError::Undecodable("truncated".to_owned())));
        let processor: Arc<dyn ImageProcessor> = Arc::new(mock);
        let info = ImageInfo {
            format: ImageFormat::Png,
            stored_width: 1,
            stored_height: 1,
            orientation: Orientation::NORMAL,
            frame_count: 1,
        };
        let error = processor.analyze(Bytes::new(), info).await.unwrap_err();
        assert_eq!(error.to_string(), "the image does not decode: truncated");
    }

    #[test]
    fn a_thumbnail_prints_its_size_not_its_bytes() {
        let thumbnail = Thumbnail {
            format: ImageFormat::Jpeg,
            bytes: Bytes::from_static(&[0xFF; 3]),
            width: 3,
            height: 1,
        };
        assert_eq!(
            format!("{thumbnail:?}"),
            "Thumbnail { format: Jpeg, bytes: 3, width: 3, height: 1 }"
        );
    }
}
