//! The minimal EXIF block written in place of a camera's: a TIFF structure whose IFD0 holds the
//! orientation tag and nothing else.
//!
//! The contract keeps the orientation as EXIF (pixels are not rotated on upload), so viewers
//! that honour EXIF still show the image as taken, while every other tag — GPS, camera serials,
//! thumbnails — is gone.

use super::super::info::Orientation;

/// The identifier that precedes the TIFF structure in a JPEG APP1 segment.
pub(super) const JPEG_EXIF_ID: &[u8; 6] = b"Exif\0\0";

/// Length of [`tiff`]'s output: header (8), entry count (2), one entry (12), next-IFD offset (4).
pub(super) const TIFF_LEN: usize = 26;

/// The orientation worth writing down: 2..=8. Upright (1, or out of range, which the inspector
/// reads as upright) needs no EXIF at all.
pub(super) fn worth_keeping(found: Option<Orientation>) -> Option<Orientation> {
    found.filter(|orientation| *orientation != Orientation::NORMAL)
}

/// A big-endian TIFF structure with IFD0 holding exactly one entry: 0x0112, SHORT, count 1.
pub(super) fn tiff(orientation: Orientation) -> [u8; TIFF_LEN] {
    let value = orientation.get();
    [
        b'M', b'M', 0, 42, // byte order and magic
        0, 0, 0, 8, // IFD0 right after the header
        0, 1, // one entry
        0x01, 0x12, 0, 3, 0, 0, 0, 1, // tag 0x0112, type SHORT, count 1
        0, value, 0, 0, // the value, left-justified in the 4-byte field
        0, 0, 0, 0, // no next IFD
    ]
}

#[cfg(test)]
mod tests {
    use super::super::super::exif;
    use super::*;

    #[test]
    fn the_inspector_reads_back_every_orientation() {
        for value in 1..=8 {
            let orientation = Orientation::new(value);
            assert_eq!(exif::orientation(&tiff(orientation)), Some(orientation));
            let mut app1 = JPEG_EXIF_ID.to_vec();
            app1.extend_from_slice(&tiff(orientation));
            assert_eq!(exif::orientation(&app1), Some(orientation));
        }
    }

    #[test]
    fn only_turned_orientations_are_kept() {
        assert_eq!(worth_keeping(None), None);
        assert_eq!(worth_keeping(Some(Orientation::NORMAL)), None);
        assert_eq!(
            worth_keeping(Some(Orientation::new(6))),
            Some(Orientation::new(6))
        );
    }
}
