//! Encoding a thumbnail: JPEG at quality 82, or PNG when the image has transparency.
//!
//! Quality 82 is where JPEG artefacts stop being visible at thumbnail sizes while the file stays
//! a fraction of what 90+ costs; `jpeg-encoder` then subsamples chroma 4:2:0 (averaging, not
//! picking, each 2x2 block), which makes files smaller than the `image` crate's 4:4:4 output, and
//! encodes ~3x faster. Its optimised Huffman tables stay off: on flat images they come out
//! degenerate and zune-jpeg (the `image` crate's decoder) then loses the colour, so the standard
//! tables, which every decoder reads, are worth their few percent. Neither encoder writes
//! metadata, so a thumbnail carries no EXIF (its orientation is already applied to the pixels).

use image::codecs::png::PngEncoder;
use image::{ExtendedColorType, ImageEncoder};
use jpeg_encoder::{ChromaSubsamplingMethod, ColorType, Encoder};
use lightbox_domain::image_format::ImageFormat;
use lightbox_ports::ProcessError;

use crate::pixels::{Layout, Pixels};

/// JPEG quality of thumbnails.
const JPEG_QUALITY: u8 = 82;

/// Encodes `pixels` as a PNG when `transparent`, else as a JPEG (ignoring an unused alpha
/// channel). Returns the format chosen and the file.
///
/// # Errors
/// [`ProcessError::Internal`] when an encoder fails, which would be a bug here.
pub(crate) fn encode(
    pixels: Pixels,
    transparent: bool,
) -> Result<(ImageFormat, Vec<u8>), ProcessError> {
    let mut out = Vec::new();
    if transparent {
        let color = match pixels.layout {
            Layout::Gray => ExtendedColorType::L8,
            Layout::Rgb => ExtendedColorType::Rgb8,
            Layout::Rgba => ExtendedColorType::Rgba8,
        };
        PngEncoder::new(&mut out)
            .write_image(&pixels.data, pixels.width, pixels.height, color)
            .map_err(ProcessError::internal)?;
        return Ok((ImageFormat::Png, out));
    }
    // Thumbnails are at most 1024 px a side, and smaller images keep their size, so both sides
    // fit JPEG's 16-bit fields.
    let side = |value: u32| u16::try_from(value).map_err(ProcessError::internal);
    let (width, height) = (side(pixels.width)?, side(pixels.height)?);
    let color = match pixels.layout {
        Layout::Gray => ColorType::Luma,
        Layout::Rgb => ColorType::Rgb,
        Layout::Rgba => ColorType::Rgba,
    };
    let mut encoder = Encoder::new(&mut out, JPEG_QUALITY);
    encoder.set_chroma_subsampling_method(ChromaSubsamplingMethod::Average);
    encoder
        .encode(&pixels.data, width, height, color)
        .map_err(ProcessError::internal)?;
    Ok((ImageFormat::Jpeg, out))
}
