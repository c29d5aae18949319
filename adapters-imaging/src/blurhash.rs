//! The blurhash of an image, computed from a tiny downscale of it.
//!
//! The blurhash transform costs width x height x components, so it runs on an image at most
//! [`SIDE`] pixels a side: at that size the result is the same to the eye and the cost is
//! negligible, whatever the original's size.

use lightbox_domain::blurhash::Blurhash;
use lightbox_ports::ProcessError;

use crate::pixels::Pixels;

/// Longest side of the image the blurhash is computed from.
pub(crate) const SIDE: u32 = 32;

/// Computes the blurhash of an already downscaled and oriented image, with 4 components along
/// its longer side and 3 along the shorter, so that a portrait placeholder has its detail where
/// a landscape one does.
///
/// # Errors
/// [`ProcessError::Internal`] when the encoder fails or produces an invalid hash, both bugs.
pub(crate) fn blurhash_of(pixels: &Pixels) -> Result<Blurhash, ProcessError> {
    let (across, down) = if pixels.height > pixels.width {
        (3, 4)
    } else {
        (4, 3)
    };
    let text = ::blurhash::encode(across, down, pixels.width, pixels.height, &pixels.to_rgba())
        .map_err(|e| ProcessError::internal(e.to_string()))?;
    Blurhash::parse(&text).map_err(ProcessError::internal)
}
