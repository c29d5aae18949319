//! The two synchronous pipelines: analysis (decode → shrink → orient → blurhash) and thumbnail
//! (decode → resize → orient → encode).
//!
//! They block for as long as decoding takes, so the async port runs them on the worker pool;
//! they are public so benchmarks and batch tools can call them directly.

use bytes::Bytes;
use lightbox_domain::image_format::ImageInfo;
use lightbox_domain::limits::UploadLimits;
use lightbox_domain::thumbnail::ThumbnailPreset;
use lightbox_ports::{Analysis, ProcessError, Thumbnail};

use crate::blurhash::{SIDE, blurhash_of};
use crate::decode::decode;
use crate::encode::encode;
use crate::orient::orient;
use crate::resize::{Filter, fit_size, resize};

/// Decodes `image` (first frame only) within `limits` and computes its blurhash. Blocks.
///
/// # Errors
/// [`ProcessError::Undecodable`] when the image does not decode within the limits;
/// [`ProcessError::Internal`] on a bug.
///
/// # Panics
/// Only if a decoder has a bug that makes it panic on some input; the async
/// [`ImagingProcessor`](crate::ImagingProcessor) turns such a panic into
/// [`ProcessError::Undecodable`].
pub fn analyze_image(
    image: &[u8],
    info: &ImageInfo,
    limits: &UploadLimits,
) -> Result<Analysis, ProcessError> {
    let decoded = decode(image, info.format, limits, SIDE)?;
    let (width, height) = fit_size(decoded.full_width, decoded.full_height, SIDE);
    let small = resize(decoded.pixels, width, height, Filter::Average)?;
    let blurhash = blurhash_of(&orient(small, info.orientation))?;
    Ok(Analysis { blurhash })
}

/// Renders the thumbnail of `image` for `preset`: longer side = the preset (or the image's own
/// size when smaller), orientation applied, PNG when any decoded pixel has alpha below 255 and
/// JPEG otherwise. Blocks.
///
/// # Errors
/// [`ProcessError::Undecodable`] when the image does not decode within the limits;
/// [`ProcessError::Internal`] on a bug.
///
/// # Panics
/// As [`analyze_image`].
pub fn render_thumbnail(
    image: &[u8],
    info: &ImageInfo,
    preset: ThumbnailPreset,
    limits: &UploadLimits,
) -> Result<Thumbnail, ProcessError> {
    let decoded = decode(image, info.format, limits, preset.longest_side())?;
    // Transparency is judged on every decoded pixel, before resampling can blur a lone
    // transparent pixel away.
    let transparent = decoded.pixels.has_transparency();
    let (width, height) = fit_size(
        decoded.full_width,
        decoded.full_height,
        preset.longest_side(),
    );
    let resized = resize(decoded.pixels, width, height, Filter::Sharp)?;
    let thumbnail = orient(resized, info.orientation);
    let (width, height) = (thumbnail.width, thumbnail.height);
    let (format, bytes) = encode(thumbnail, transparent)?;
    Ok(Thumbnail {
        format,
        bytes: Bytes::from(bytes),
        width,
        height,
    })
}
