//! Why an upload was refused by inspection, worded for the client who sent it.
//!
//! The dimension check lives here too so that every format refuses oversized images with the
//! same rule and the same message.

use thiserror::Error;

use super::format::UnsupportedFormat;
use crate::limits::UploadLimits;

/// Why inspection refused an upload.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InspectError {
    /// The upload held no bytes at all.
    #[error("the upload is empty")]
    Empty,
    /// The first bytes are not those of JPEG, PNG, GIF or WebP.
    #[error(
        "the file is {}, which is not accepted; upload a JPEG, PNG, GIF or WebP image",
        .0.describe()
    )]
    Unsupported(UnsupportedFormat),
    /// A known format whose structure is broken; the text says where, briefly.
    #[error("the image is damaged: {0}")]
    Malformed(String),
    /// The upload ended before the image's structure did.
    #[error("the image is incomplete: the file ends before its structure does")]
    Truncated,
    /// The stored dimensions exceed the limits.
    #[error(
        "the image is {width}×{height} px; the limit is {max_side} px a side and {max_pixels} pixels"
    )]
    TooLarge {
        width: u32,
        height: u32,
        max_side: u32,
        max_pixels: u64,
    },
    /// The animation has more frames than allowed.
    #[error("the animation has more than {max_frames} frames, which is the limit")]
    TooManyFrames { max_frames: u32 },
}

impl InspectError {
    pub(super) fn malformed(why: &str) -> InspectError {
        InspectError::Malformed(why.to_owned())
    }
}

/// Refuses `width`×`height` if either side or the pixel count is over the limits.
pub(super) fn check_dimensions(
    width: u32,
    height: u32,
    limits: &UploadLimits,
) -> Result<(), InspectError> {
    let pixels = u64::from(width) * u64::from(height);
    if width > limits.max_side() || height > limits.max_side() || pixels > limits.max_pixels() {
        return Err(InspectError::TooLarge {
            width,
            height,
            max_side: limits.max_side(),
            max_pixels: limits.max_pixels(),
        });
    }
    Ok(())
}

/// Refuses a frame count over the limit.
pub(super) fn check_frames(frames: u32, limits: &UploadLimits) -> Result<(), InspectError> {
    if frames > limits.max_frames() {
        return Err(InspectError::TooManyFrames {
            max_frames: limits.max_frames(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_large_reads_as_a_sentence() {
        let err = check_dimensions(60_000, 60_000, &UploadLimits::DEFAULT);
        let message = err.map_err(|e| e.to_string()).err();
        assert_eq!(
            message.as_deref(),
            Some("the image is 60000×60000 px; the limit is 16384 px a side and 50000000 pixels")
        );
    }

    #[test]
    fn limits_are_inclusive() {
        let limits = UploadLimits::DEFAULT;
        assert_eq!(check_dimensions(16_384, 3_051, &limits), Ok(()));
        assert!(check_dimensions(16_385, 1, &limits).is_err());
        assert!(check_dimensions(1, 16_385, &limits).is_err());
        assert!(check_dimensions(16_384, 3_052, &limits).is_err());
        assert_eq!(check_frames(1_000, &limits), Ok(()));
        assert!(check_frames(1_001, &limits).is_err());
    }

    #[test]
    fn unsupported_names_the_kind() {
        let text = InspectError::Unsupported(UnsupportedFormat::Svg).to_string();
        assert!(text.contains("SVG"), "{text}");
    }
}
