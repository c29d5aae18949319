//! JPEG decoding at a reduced scale: the IDCT produces 1/2, 1/4 or 1/8 of the size directly.
//!
//! A 4000x3000 photo whose 512 px thumbnail is wanted is decoded straight to 1000x750, which skips
//! most of the inverse DCT, colour conversion and upsampling work and allocates 1/16 of the
//! memory; the final resize then starts from a quarter-megapixel image. `jpeg-decoder` is the
//! pure-Rust decoder that offers this (`Decoder::scale`).
//!
//! Memory: jpeg-decoder keeps the colour planes and the interleaved RGB output at the chosen
//! scale, at most 6 bytes a pixel at full scale (4:4:4) and 1/4, 1/16 or 1/64 of that at 1/2, 1/4
//! or 1/8. A progressive JPEG also keeps every coefficient at full size, 2 bytes a sample (3 bytes
//! a pixel for 4:2:0, 6 for 4:4:4). The worst case, a progressive 4:4:4 image decoded at full
//! scale, is ~12 bytes a pixel: 600 MB at the default 50 MP limit. The common case, a 12 MP
//! baseline photo shrunk to 512 px, decodes at 1/4 scale into ~4 MB.

use lightbox_domain::limits::UploadLimits;
use lightbox_ports::ProcessError;

use crate::decode::{Decoded, TRUNCATED, check_dimensions, max_alloc, undecodable};
use crate::pixels::{Layout, Pixels};
use crate::resize::fit_size;

/// Decodes a JPEG at the smallest scale that still covers a fit within `fit_within` pixels.
///
/// # Errors
/// [`ProcessError::Undecodable`] when the bytes do not decode or exceed `limits`.
pub(crate) fn decode(
    bytes: &[u8],
    limits: &UploadLimits,
    fit_within: u32,
) -> Result<Decoded, ProcessError> {
    let mut decoder = jpeg_decoder::Decoder::new(bytes);
    decoder.read_info().map_err(jpeg_error)?;
    let info = decoder
        .info()
        .ok_or_else(|| undecodable("the JPEG has no frame header"))?;
    let (full_width, full_height) = (u32::from(info.width), u32::from(info.height));
    // jpeg-decoder checks its buffer limit only once decoding is done, so the header is checked
    // here before anything is allocated.
    check_dimensions(full_width, full_height, limits)?;
    decoder.set_max_decoding_buffer_size(usize::try_from(max_alloc(limits)).unwrap_or(usize::MAX));

    let (wanted_width, wanted_height) = fit_size(full_width, full_height, fit_within);
    let (width, height) = decoder
        .scale(to_u16(wanted_width), to_u16(wanted_height))
        .map_err(jpeg_error)?;
    let data = decoder.decode().map_err(jpeg_error)?;
    let format = decoder
        .info()
        .map(|info| info.pixel_format)
        .ok_or_else(|| undecodable("the JPEG has no frame header"))?;

    let (layout, data) = match format {
        jpeg_decoder::PixelFormat::L8 => (Layout::Gray, data),
        jpeg_decoder::PixelFormat::RGB24 => (Layout::Rgb, data),
        jpeg_decoder::PixelFormat::CMYK32 => (Layout::Rgb, cmyk_to_rgb(&data)),
        // 12- and 16-bit JPEGs: browsers do not display them either.
        jpeg_decoder::PixelFormat::L16 => {
            return Err(undecodable(
                "JPEGs of more than 8 bits a sample are not supported",
            ));
        }
    };
    let (width, height) = (u32::from(width), u32::from(height));
    if data.len() != width as usize * height as usize * layout.channels() {
        return Err(undecodable(
            "the JPEG decoded to the wrong number of pixels",
        ));
    }
    Ok(Decoded {
        full_width,
        full_height,
        pixels: Pixels {
            width,
            height,
            layout,
            data,
        },
    })
}

/// A decoder failure, worded for the client: I/O errors on an in-memory buffer can only mean that
/// the data ended early.
fn jpeg_error(error: jpeg_decoder::Error) -> ProcessError {
    match error {
        jpeg_decoder::Error::Io(_) => undecodable(TRUNCATED),
        other => undecodable(other),
    }
}

/// JPEG sizes are 16-bit, and a fit never exceeds the image, so this never saturates in practice.
fn to_u16(value: u32) -> u16 {
    u16::try_from(value).unwrap_or(u16::MAX)
}

/// jpeg-decoder hands CMYK (and YCCK) back as CMYK with the Adobe inversion undone; this is the
/// naive conversion the `image` crate used with it, good enough for a thumbnail of a print file.
fn cmyk_to_rgb(cmyk: &[u8]) -> Vec<u8> {
    cmyk.chunks_exact(4)
        .flat_map(|pixel| {
            let k = 255 - u16::from(pixel[3]);
            let ink = |c: u8| ((255 - u16::from(c)) * k / 255) as u8;
            [ink(pixel[0]), ink(pixel[1]), ink(pixel[2])]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_ink_is_white_and_full_black_is_black() {
        assert_eq!(cmyk_to_rgb(&[0, 0, 0, 0]), [255, 255, 255]);
        assert_eq!(cmyk_to_rgb(&[0, 0, 0, 255]), [0, 0, 0]);
        assert_eq!(cmyk_to_rgb(&[255, 0, 0, 0]), [0, 255, 255]);
    }
}
