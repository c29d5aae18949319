//! Upload limits as one validated value: size, dimensions and frame count, checked together.

use thiserror::Error;

/// The limits every upload is held to. Built once from configuration; a value that exists is valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadLimits {
    max_upload_bytes: u64,
    max_side: u32,
    max_pixels: u64,
    max_frames: u32,
}

/// Why a set of limits was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum UploadLimitsError {
    #[error("{0} must be greater than zero")]
    Zero(&'static str),
}

impl UploadLimits {
    /// The contract's defaults: 10 MiB, 16384 px a side, 50 megapixels, 1000 frames.
    pub const DEFAULT: UploadLimits = UploadLimits {
        max_upload_bytes: 10 * 1024 * 1024,
        max_side: 16_384,
        max_pixels: 50_000_000,
        max_frames: 1_000,
    };

    /// Builds limits; every limit must be positive.
    ///
    /// # Errors
    /// [`UploadLimitsError::Zero`] naming the first limit that is zero.
    pub fn new(
        max_upload_bytes: u64,
        max_side: u32,
        max_pixels: u64,
        max_frames: u32,
    ) -> Result<Self, UploadLimitsError> {
        if max_upload_bytes == 0 {
            return Err(UploadLimitsError::Zero("max_upload_bytes"));
        }
        if max_side == 0 {
            return Err(UploadLimitsError::Zero("max_side"));
        }
        if max_pixels == 0 {
            return Err(UploadLimitsError::Zero("max_pixels"));
        }
        if max_frames == 0 {
            return Err(UploadLimitsError::Zero("max_frames"));
        }
        Ok(Self {
            max_upload_bytes,
            max_side,
            max_pixels,
            max_frames,
        })
    }

    /// Largest accepted file, inclusive, in bytes.
    pub fn max_upload_bytes(&self) -> u64 {
        self.max_upload_bytes
    }

    /// Largest accepted width or height, in pixels.
    pub fn max_side(&self) -> u32 {
        self.max_side
    }

    /// Largest accepted width × height.
    pub fn max_pixels(&self) -> u64 {
        self.max_pixels
    }

    /// Largest accepted number of animation frames.
    pub fn max_frames(&self) -> u32 {
        self.max_frames
    }
}

impl Default for UploadLimits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_limits_are_refused_by_name() {
        assert_eq!(
            UploadLimits::new(0, 1, 1, 1),
            Err(UploadLimitsError::Zero("max_upload_bytes"))
        );
        assert_eq!(
            UploadLimits::new(1, 1, 1, 0),
            Err(UploadLimitsError::Zero("max_frames"))
        );
    }

    #[test]
    fn defaults_match_the_contract() {
        let limits = UploadLimits::default();
        assert_eq!(limits.max_upload_bytes(), 10_485_760);
        assert_eq!(limits.max_side(), 16_384);
        assert_eq!(limits.max_pixels(), 50_000_000);
        assert_eq!(limits.max_frames(), 1_000);
    }
}
