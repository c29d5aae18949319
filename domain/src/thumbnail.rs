//! Thumbnail presets: the few sizes lightbox renders, and how a requested size maps onto one.
//!
//! Clients may ask for any size from 1 to 1024; rounding up to one of five presets keeps the
//! number of derived files per image small (and cacheable) while never serving less detail than
//! was asked for.

use std::fmt;

use thiserror::Error;

/// A thumbnail size lightbox renders: the longer side, in pixels, of a thumbnail of a large image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ThumbnailPreset(u32);

/// Why a requested thumbnail size was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ThumbnailSizeError {
    #[error("size must be between 1 and {max}; got {0}", max = ThumbnailPreset::MAX_REQUEST)]
    OutOfRange(u32),
}

impl ThumbnailPreset {
    /// Every preset, smallest first.
    pub const ALL: [ThumbnailPreset; 5] = [
        ThumbnailPreset(64),
        ThumbnailPreset(128),
        ThumbnailPreset(256),
        ThumbnailPreset(512),
        ThumbnailPreset(1024),
    ];

    /// The preset served when no size is asked for.
    pub const DEFAULT: ThumbnailPreset = ThumbnailPreset(256);

    /// Largest size a client may ask for.
    pub const MAX_REQUEST: u32 = 1024;

    /// The smallest preset at least as large as `requested`.
    ///
    /// # Errors
    /// [`ThumbnailSizeError::OutOfRange`] when `requested` is 0 or above [`Self::MAX_REQUEST`].
    pub fn from_requested(requested: u32) -> Result<Self, ThumbnailSizeError> {
        if requested == 0 {
            return Err(ThumbnailSizeError::OutOfRange(requested));
        }
        Self::ALL
            .into_iter()
            .find(|preset| preset.0 >= requested)
            .ok_or(ThumbnailSizeError::OutOfRange(requested))
    }

    /// The longer side of the thumbnail, in pixels, for images at least that large; smaller images
    /// keep their own size.
    pub const fn longest_side(self) -> u32 {
        self.0
    }

    /// The name of the derived file holding this preset's thumbnail, e.g. `thumbnail-256`.
    pub fn blob_name(self) -> String {
        format!("thumbnail-{}", self.0)
    }
}

impl Default for ThumbnailPreset {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl fmt::Display for ThumbnailPreset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn side(requested: u32) -> u32 {
        ThumbnailPreset::from_requested(requested)
            .map(ThumbnailPreset::longest_side)
            .unwrap_or(0)
    }

    #[test]
    fn requests_round_up_to_the_next_preset() {
        let cases = [
            (1, 64),
            (64, 64),
            (65, 128),
            (100, 128),
            (128, 128),
            (129, 256),
            (256, 256),
            (300, 512),
            (512, 512),
            (513, 1024),
            (1024, 1024),
        ];
        for (requested, expected) in cases {
            assert_eq!(side(requested), expected, "size={requested}");
        }
    }

    #[test]
    fn zero_and_above_1024_are_refused() {
        for requested in [0, 1025, 2048, u32::MAX] {
            assert_eq!(
                ThumbnailPreset::from_requested(requested),
                Err(ThumbnailSizeError::OutOfRange(requested))
            );
        }
    }

    #[test]
    fn default_is_256_and_blob_names_carry_the_size() {
        assert_eq!(ThumbnailPreset::default().longest_side(), 256);
        assert_eq!(ThumbnailPreset::DEFAULT.blob_name(), "thumbnail-256");
        let names: Vec<String> = ThumbnailPreset::ALL.iter().map(|p| p.blob_name()).collect();
        assert_eq!(
            names,
            [
                "thumbnail-64",
                "thumbnail-128",
                "thumbnail-256",
                "thumbnail-512",
                "thumbnail-1024"
            ]
        );
    }

    #[test]
    fn every_preset_maps_to_itself() {
        for preset in ThumbnailPreset::ALL {
            assert_eq!(
                ThumbnailPreset::from_requested(preset.longest_side()),
                Ok(preset)
            );
        }
    }

    proptest! {
        #[test]
        fn the_chosen_preset_is_the_smallest_that_fits(requested in 1u32..=1024) {
            let preset = ThumbnailPreset::from_requested(requested).unwrap();
            prop_assert!(preset.longest_side() >= requested);
            prop_assert!(ThumbnailPreset::ALL.contains(&preset));
            for smaller in ThumbnailPreset::ALL.iter().filter(|p| **p < preset) {
                prop_assert!(smaller.longest_side() < requested);
            }
        }

        #[test]
        fn anything_outside_1_to_1024_is_refused(requested in prop_oneof![Just(0u32), 1025u32..]) {
            prop_assert!(ThumbnailPreset::from_requested(requested).is_err());
        }
    }
}
