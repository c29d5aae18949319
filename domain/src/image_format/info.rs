//! What inspection learns about an accepted image: format, stored size, orientation, frames.
//!
//! Stored and display sizes are kept apart because EXIF orientations 5–8 rotate by a quarter
//! turn: limits apply to what is encoded, while clients lay out what is displayed.

use super::format::ImageFormat;

/// Orientation as the EXIF tag 0x0112 gives it, 1..=8; 1 when absent or out of range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Orientation(u8);

impl Orientation {
    /// Upright: the stored pixels are displayed as they are.
    pub const NORMAL: Orientation = Orientation(1);

    /// The orientation for an EXIF value; anything outside 1..=8 counts as upright because
    /// viewers ignore such values too.
    pub const fn new(value: u8) -> Orientation {
        match value {
            1..=8 => Orientation(value),
            _ => Orientation::NORMAL,
        }
    }

    /// The EXIF value, 1..=8.
    pub const fn get(self) -> u8 {
        self.0
    }

    /// Whether displaying the image turns it a quarter, exchanging width and height.
    pub const fn swaps_axes(self) -> bool {
        matches!(self.0, 5..=8)
    }
}

impl Default for Orientation {
    fn default() -> Self {
        Orientation::NORMAL
    }
}

/// The facts about an image that lightbox records and enforces limits on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageInfo {
    pub format: ImageFormat,
    /// Width as encoded, before orientation is applied.
    pub stored_width: u32,
    /// Height as encoded, before orientation is applied.
    pub stored_height: u32,
    pub orientation: Orientation,
    /// 1 for stills.
    pub frame_count: u32,
}

impl ImageInfo {
    /// Width as a viewer shows it, once the orientation is applied.
    pub fn display_width(&self) -> u32 {
        if self.orientation.swaps_axes() {
            self.stored_height
        } else {
            self.stored_width
        }
    }

    /// Height as a viewer shows it, once the orientation is applied.
    pub fn display_height(&self) -> u32 {
        if self.orientation.swaps_axes() {
            self.stored_width
        } else {
            self.stored_height
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_range_orientations_are_upright() {
        assert_eq!(Orientation::new(0), Orientation::NORMAL);
        assert_eq!(Orientation::new(9), Orientation::NORMAL);
        assert_eq!(Orientation::new(255).get(), 1);
        assert_eq!(Orientation::new(8).get(), 8);
    }

    #[test]
    fn only_five_to_eight_swap_axes() {
        let swapping: Vec<u8> = (0..=10)
            .filter(|v| Orientation::new(*v).swaps_axes())
            .collect();
        assert_eq!(swapping, [5, 6, 7, 8]);
    }

    #[test]
    fn display_size_follows_orientation() {
        let mut info = ImageInfo {
            format: ImageFormat::Png,
            stored_width: 30,
            stored_height: 20,
            orientation: Orientation::new(3),
            frame_count: 1,
        };
        assert_eq!((info.display_width(), info.display_height()), (30, 20));
        info.orientation = Orientation::new(6);
        assert_eq!((info.display_width(), info.display_height()), (20, 30));
    }
}
