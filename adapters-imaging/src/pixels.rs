//! Decoded pixels, 8 bits a sample, in one of the three layouts the pipeline works in.
//!
//! Every decoder's output is brought to one of these once, right after decoding, so that the
//! resize, orient and encode steps each handle three cases instead of a dozen.

/// How the samples of one pixel are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    Gray,
    Rgb,
    Rgba,
}

impl Layout {
    /// Samples (bytes) per pixel.
    pub(crate) fn channels(self) -> usize {
        match self {
            Layout::Gray => 1,
            Layout::Rgb => 3,
            Layout::Rgba => 4,
        }
    }
}

/// A decoded raster, rows top to bottom, no padding between rows.
#[cfg_attr(test, derive(Clone))]
pub(crate) struct Pixels {
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) layout: Layout,
    pub(crate) data: Vec<u8>,
}

impl Pixels {
    /// Whether any pixel is less than fully opaque: the rule that makes a thumbnail a PNG.
    pub(crate) fn has_transparency(&self) -> bool {
        self.layout == Layout::Rgba && self.data.chunks_exact(4).any(|pixel| pixel[3] < 255)
    }

    /// The pixels as RGBA, which is what the blurhash encoder reads.
    pub(crate) fn to_rgba(&self) -> Vec<u8> {
        match self.layout {
            Layout::Rgba => self.data.clone(),
            Layout::Rgb => self
                .data
                .chunks_exact(3)
                .flat_map(|pixel| [pixel[0], pixel[1], pixel[2], 255])
                .collect(),
            Layout::Gray => self
                .data
                .iter()
                .flat_map(|gray| [*gray, *gray, *gray, 255])
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rgba(data: Vec<u8>) -> Pixels {
        Pixels {
            width: u32::try_from(data.len() / 4).unwrap(),
            height: 1,
            layout: Layout::Rgba,
            data,
        }
    }

    #[test]
    fn one_translucent_pixel_is_transparency() {
        assert!(rgba(vec![1, 2, 3, 255, 4, 5, 6, 254]).has_transparency());
        assert!(!rgba(vec![1, 2, 3, 255, 4, 5, 6, 255]).has_transparency());
    }

    #[test]
    fn every_layout_converts_to_rgba() {
        assert_eq!(rgba(vec![1, 2, 3, 4]).to_rgba(), [1, 2, 3, 4]);
        let rgb = Pixels {
            width: 1,
            height: 1,
            layout: Layout::Rgb,
            data: vec![1, 2, 3],
        };
        assert_eq!(rgb.to_rgba(), [1, 2, 3, 255]);
        let gray = Pixels {
            width: 1,
            height: 1,
            layout: Layout::Gray,
            data: vec![9],
        };
        assert_eq!(gray.to_rgba(), [9, 9, 9, 255]);
    }
}
