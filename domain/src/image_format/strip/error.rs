//! Why the metadata stripper could not rewrite an upload.
//!
//! The stripper follows the same structure the inspector does, so in practice these errors
//! arise for uploads the inspector refuses too; the variants mirror the inspector's wording so a
//! caller can report either one the same way.

use thiserror::Error;

use super::super::format::UnsupportedFormat;

/// Why an upload could not be stripped of its metadata.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum StripError {
    /// The upload held no bytes at all.
    #[error("the upload is empty")]
    Empty,
    /// The first bytes are not those of JPEG, PNG, GIF or WebP.
    #[error(
        "the file is {}, which is not accepted; upload a JPEG, PNG, GIF or WebP image",
        .0.describe()
    )]
    Unsupported(UnsupportedFormat),
    /// A structure the stripper cannot follow, so it cannot tell metadata from image data.
    #[error("the image is damaged: {0}")]
    Malformed(&'static str),
    /// The upload ended before the image's structure did.
    #[error("the image is incomplete: the file ends before its structure does")]
    Truncated,
}

impl From<StripError> for super::super::error::InspectError {
    /// The same refusal in the inspector's terms, so an upload refused by either is reported
    /// one way.
    fn from(error: StripError) -> Self {
        use super::super::error::InspectError;
        match error {
            StripError::Empty => InspectError::Empty,
            StripError::Unsupported(kind) => InspectError::Unsupported(kind),
            StripError::Malformed(why) => InspectError::Malformed(why.to_owned()),
            StripError::Truncated => InspectError::Truncated,
        }
    }
}
