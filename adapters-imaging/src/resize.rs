//! Shrinking pixels with `fast_image_resize` (SIMD convolution), and the size a fit comes to.
//!
//! Alpha is premultiplied while resampling (the crate's default), so transparent pixels' hidden
//! colours do not bleed into the visible ones.

use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use lightbox_ports::ProcessError;

use crate::pixels::{Layout, Pixels};

/// The size of `width`x`height` scaled so that its longer side is `longest_side`, keeping the
/// aspect ratio (rounded to the nearest pixel, at least 1); the size itself when it already fits,
/// because images are never upscaled.
pub(crate) fn fit_size(width: u32, height: u32, longest_side: u32) -> (u32, u32) {
    let longer = width.max(height);
    if longer <= longest_side || longer == 0 {
        return (width, height);
    }
    let scale = |side: u32| {
        let scaled =
            (u64::from(side) * u64::from(longest_side) + u64::from(longer) / 2) / u64::from(longer);
        u32::try_from(scaled).unwrap_or(longest_side).max(1)
    };
    if width >= height {
        (longest_side, scale(height))
    } else {
        (scale(width), longest_side)
    }
}

/// How carefully to resample: the cost of a convolution grows with the filter's support, per
/// source pixel, so it matters when shrinking a 50 MP PNG.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Filter {
    /// Lanczos3: sharp, no visible ringing at thumbnail sizes.
    Sharp,
    /// An area average: exactly what a blurhash (itself a heavy blur) needs, at 1/6 the cost.
    Average,
}

/// Resamples `pixels` to exactly `width`x`height`; returns them untouched when they already have
/// that size.
///
/// # Errors
/// [`ProcessError::Internal`] when the resizer refuses its input, which would be a bug here.
pub(crate) fn resize(
    pixels: Pixels,
    width: u32,
    height: u32,
    filter: Filter,
) -> Result<Pixels, ProcessError> {
    if (pixels.width, pixels.height) == (width, height) {
        return Ok(pixels);
    }
    let pixel_type = match pixels.layout {
        Layout::Gray => PixelType::U8,
        Layout::Rgb => PixelType::U8x3,
        Layout::Rgba => PixelType::U8x4,
    };
    let source = ImageRef::new(pixels.width, pixels.height, &pixels.data, pixel_type)
        .map_err(ProcessError::internal)?;
    let mut target = Image::new(width, height, pixel_type);
    let filter = match filter {
        Filter::Sharp => FilterType::Lanczos3,
        Filter::Average => FilterType::Box,
    };
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(filter));
    Resizer::new()
        .resize(&source, &mut target, &options)
        .map_err(ProcessError::internal)?;
    Ok(Pixels {
        width,
        height,
        layout: pixels.layout,
        data: target.into_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longer_side_becomes_the_preset() {
        assert_eq!(fit_size(4000, 3000, 512), (512, 384));
        assert_eq!(fit_size(3000, 4000, 512), (384, 512));
        assert_eq!(fit_size(600, 300, 256), (256, 128));
        assert_eq!(fit_size(1000, 1000, 64), (64, 64));
    }

    #[test]
    fn small_images_keep_their_size() {
        assert_eq!(fit_size(600, 300, 1024), (600, 300));
        assert_eq!(fit_size(512, 100, 512), (512, 100));
    }

    #[test]
    fn extreme_aspect_ratios_keep_one_pixel() {
        assert_eq!(fit_size(16000, 1, 64), (64, 1));
        assert_eq!(fit_size(1, 16000, 64), (1, 64));
    }

    #[test]
    fn resizing_keeps_the_layout_and_size() {
        let pixels = Pixels {
            width: 4,
            height: 2,
            layout: Layout::Rgb,
            data: vec![200; 4 * 2 * 3],
        };
        for filter in [Filter::Sharp, Filter::Average] {
            let small = resize(pixels.clone(), 2, 1, filter).unwrap();
            assert_eq!(
                (small.width, small.height, small.layout),
                (2, 1, Layout::Rgb)
            );
            assert_eq!(small.data, [200; 6]);
        }
    }
}
