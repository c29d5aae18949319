//! Decoding within the upload limits: every decoder is told the limits before it allocates.
//!
//! Memory: the largest accepted image is `max_pixels` (50 MP by default). Decoding one holds at
//! most, at once:
//! - PNG, GIF, WebP: the decoded frame (4 bytes a pixel for RGBA, 8 for 16-bit RGBA PNGs; a GIF
//!   adds its 1-byte-a-pixel indexed frame) plus, when the decoder produced 16 bits, its 8-bit copy
//!   (4 bytes a pixel): 200-250 MB for an 8-bit 50 MP image, 600 MB for a rare 16-bit RGBA one.
//!   `image::Limits::max_alloc` caps each decoder allocation at 8 bytes a pixel of the largest
//!   accepted image;
//! - JPEG: see [`crate::jpeg`]: up to ~12 bytes a pixel for a progressive 4:4:4 image at full
//!   scale, and usually far less, because large photos are decoded at 1/2 to 1/8 scale.
//!
//! Resizing adds the resampler's intermediate image (thumbnail width x source height, tens of MB
//! at most); orienting and encoding work on the thumbnail alone.
//! The worker pool bounds how many decodes run at once, so the process's peak is this times the
//! number of workers.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageReader};
use lightbox_domain::image_format::ImageFormat;
use lightbox_domain::limits::UploadLimits;
use lightbox_ports::ProcessError;

use crate::jpeg;
use crate::pixels::{Layout, Pixels};

/// An image as decoded.
pub(crate) struct Decoded {
    /// Width as encoded in the file.
    pub(crate) full_width: u32,
    /// Height as encoded in the file.
    pub(crate) full_height: u32,
    /// The pixels: full size, or for a JPEG possibly reduced, but never below what fits
    /// the `fit_within` the decode was asked for.
    pub(crate) pixels: Pixels,
}

/// Bytes a decoder may allocate per pixel of the largest accepted image: RGBA at 16 bits a sample.
const MAX_BYTES_PER_PIXEL: u64 = 8;

/// Decodes the first frame of `bytes` as `format`. The caller will shrink the result to fit
/// within `fit_within` pixels a side, which lets a JPEG be decoded at a reduced scale.
///
/// # Errors
/// [`ProcessError::Undecodable`] when the bytes do not decode or exceed `limits`.
pub(crate) fn decode(
    bytes: &[u8],
    format: ImageFormat,
    limits: &UploadLimits,
    fit_within: u32,
) -> Result<Decoded, ProcessError> {
    match format {
        ImageFormat::Jpeg => jpeg::decode(bytes, limits, fit_within),
        ImageFormat::Png => decode_with_image_crate(bytes, image::ImageFormat::Png, limits),
        ImageFormat::Gif => decode_with_image_crate(bytes, image::ImageFormat::Gif, limits),
        ImageFormat::WebP => decode_with_image_crate(bytes, image::ImageFormat::WebP, limits),
    }
}

/// Refuses dimensions beyond the limits before anything is allocated for them.
///
/// # Errors
/// [`ProcessError::Undecodable`] naming the size.
pub(crate) fn check_dimensions(
    width: u32,
    height: u32,
    limits: &UploadLimits,
) -> Result<(), ProcessError> {
    let pixels = u64::from(width) * u64::from(height);
    if width == 0 || height == 0 {
        return Err(undecodable(format!("the image is {width}x{height}")));
    }
    if width > limits.max_side() || height > limits.max_side() || pixels > limits.max_pixels() {
        return Err(undecodable(format!(
            "the image is {width}x{height}, beyond the decoding limits"
        )));
    }
    Ok(())
}

/// The most bytes one decode may allocate for its output under `limits`.
pub(crate) fn max_alloc(limits: &UploadLimits) -> u64 {
    limits.max_pixels().saturating_mul(MAX_BYTES_PER_PIXEL)
}

/// A decoding failure, worded for the client.
pub(crate) fn undecodable(reason: impl std::fmt::Display) -> ProcessError {
    ProcessError::Undecodable(reason.to_string())
}

/// An `image` crate failure, worded for the client: its I/O errors on an in-memory buffer can only
/// mean that the data ended early.
fn image_error(error: image::ImageError) -> ProcessError {
    match error {
        image::ImageError::IoError(_) => undecodable(TRUNCATED),
        image::ImageError::Limits(_) => undecodable("the image exceeds the decoding limits"),
        other => undecodable(other),
    }
}

/// What a decoder running out of bytes means.
pub(crate) const TRUNCATED: &str = "the image data ends early (the file is truncated)";

fn image_limits(limits: &UploadLimits) -> image::Limits {
    let mut image_limits = image::Limits::default();
    image_limits.max_image_width = Some(limits.max_side());
    image_limits.max_image_height = Some(limits.max_side());
    image_limits.max_alloc = Some(max_alloc(limits));
    image_limits
}

/// PNG (including APNG), GIF and WebP, through the `image` crate. Its decoders read only the first
/// frame of an animation when asked for one image (APNG: the default image).
fn decode_with_image_crate(
    bytes: &[u8],
    format: image::ImageFormat,
    limits: &UploadLimits,
) -> Result<Decoded, ProcessError> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(image_limits(limits));
    // `into_decoder` reads the header and checks the width and height limits.
    let decoder = reader.into_decoder().map_err(image_error)?;
    let (full_width, full_height) = decoder.dimensions();
    check_dimensions(full_width, full_height, limits)?;
    if decoder.total_bytes() > max_alloc(limits) {
        return Err(undecodable("the image needs more memory than allowed"));
    }
    let image = DynamicImage::from_decoder(decoder).map_err(image_error)?;
    Ok(Decoded {
        full_width,
        full_height,
        pixels: to_pixels(image),
    })
}

/// Brings any decoded colour type to 8-bit gray, RGB or RGBA, keeping alpha only where the format
/// had an alpha channel (whether it is actually used is decided later, from the values).
fn to_pixels(image: DynamicImage) -> Pixels {
    let (width, height) = (image.width(), image.height());
    let (layout, data) = match image {
        DynamicImage::ImageLuma8(buffer) => (Layout::Gray, buffer.into_raw()),
        DynamicImage::ImageRgb8(buffer) => (Layout::Rgb, buffer.into_raw()),
        DynamicImage::ImageRgba8(buffer) => (Layout::Rgba, buffer.into_raw()),
        DynamicImage::ImageLuma16(_) => (Layout::Gray, image.into_luma8().into_raw()),
        DynamicImage::ImageRgb16(_) | DynamicImage::ImageRgb32F(_) => {
            (Layout::Rgb, image.into_rgb8().into_raw())
        }
        other => (Layout::Rgba, other.into_rgba8().into_raw()),
    };
    Pixels {
        width,
        height,
        layout,
        data,
    }
}
