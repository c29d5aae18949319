//! Applying an EXIF orientation (1..=8) so that pixels are stored the way they are displayed.
//!
//! It runs on the resized image, never on the original, so even the quarter turns cost a few
//! hundred kilobytes of copying at most.

use lightbox_domain::image_format::Orientation;

use crate::pixels::Pixels;

/// Turns and flips `pixels` from stored to displayed orientation.
pub(crate) fn orient(pixels: Pixels, orientation: Orientation) -> Pixels {
    if orientation == Orientation::NORMAL {
        return pixels;
    }
    let (width, height) = (pixels.width as usize, pixels.height as usize);
    let (out_width, out_height) = if orientation.swaps_axes() {
        (height, width)
    } else {
        (width, height)
    };
    let channels = pixels.layout.channels();
    let mut data = Vec::with_capacity(pixels.data.len());
    for y in 0..out_height {
        for x in 0..out_width {
            let (sx, sy) = source_of(orientation, x, y, width, height);
            let at = (sy * width + sx) * channels;
            data.extend_from_slice(&pixels.data[at..at + channels]);
        }
    }
    Pixels {
        // Both sides fit in u32: they are the input's sides, exchanged.
        width: out_width as u32,
        height: out_height as u32,
        layout: pixels.layout,
        data,
    }
}

/// The stored pixel shown at displayed position (`x`, `y`) of an image stored `width`x`height`,
/// following the EXIF 2.3 definitions of the eight orientations.
fn source_of(
    orientation: Orientation,
    x: usize,
    y: usize,
    width: usize,
    height: usize,
) -> (usize, usize) {
    match orientation.get() {
        // Mirrored left to right.
        2 => (width - 1 - x, y),
        // Turned half a turn.
        3 => (width - 1 - x, height - 1 - y),
        // Mirrored top to bottom.
        4 => (x, height - 1 - y),
        // Mirrored along the top-left to bottom-right diagonal.
        5 => (y, x),
        // Stored a quarter turn anticlockwise: displayed turned clockwise.
        6 => (y, height - 1 - x),
        // Mirrored along the other diagonal.
        7 => (width - 1 - y, height - 1 - x),
        // Stored a quarter turn clockwise: displayed turned anticlockwise.
        8 => (width - 1 - y, x),
        _ => (x, y),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pixels::Layout;

    /// A 3x2 gray image whose values are 0..6 in reading order:
    /// ```text
    /// 0 1 2
    /// 3 4 5
    /// ```
    fn numbered() -> Pixels {
        Pixels {
            width: 3,
            height: 2,
            layout: Layout::Gray,
            data: (0..6).collect(),
        }
    }

    fn rows(pixels: &Pixels) -> Vec<Vec<u8>> {
        pixels
            .data
            .chunks(pixels.width as usize)
            .map(<[u8]>::to_vec)
            .collect()
    }

    #[test]
    fn each_orientation_moves_pixels_as_exif_defines() {
        let cases: [(u8, Vec<Vec<u8>>); 8] = [
            (1, vec![vec![0, 1, 2], vec![3, 4, 5]]),
            (2, vec![vec![2, 1, 0], vec![5, 4, 3]]),
            (3, vec![vec![5, 4, 3], vec![2, 1, 0]]),
            (4, vec![vec![3, 4, 5], vec![0, 1, 2]]),
            (5, vec![vec![0, 3], vec![1, 4], vec![2, 5]]),
            (6, vec![vec![3, 0], vec![4, 1], vec![5, 2]]),
            (7, vec![vec![5, 2], vec![4, 1], vec![3, 0]]),
            (8, vec![vec![2, 5], vec![1, 4], vec![0, 3]]),
        ];
        for (value, expected) in cases {
            let turned = orient(numbered(), Orientation::new(value));
            assert_eq!(rows(&turned), expected, "orientation {value}");
        }
    }
}
