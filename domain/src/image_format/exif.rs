//! Reads the orientation (tag 0x0112) out of an EXIF block, which is a small TIFF structure.
//!
//! EXIF comes from cameras and editors of every quality, so nothing here can fail: a bad offset,
//! short buffer or odd type simply means "no orientation", and the image is shown upright.

use super::info::Orientation;

const ORIENTATION_TAG: u16 = 0x0112;
const SHORT_TYPE: u16 = 3;
const ENTRY_LEN: usize = 12;

#[derive(Clone, Copy)]
enum ByteOrder {
    Little,
    Big,
}

impl ByteOrder {
    fn u16_at(self, data: &[u8], at: usize) -> Option<u16> {
        let bytes: [u8; 2] = data.get(at..at.checked_add(2)?)?.try_into().ok()?;
        Some(match self {
            ByteOrder::Little => u16::from_le_bytes(bytes),
            ByteOrder::Big => u16::from_be_bytes(bytes),
        })
    }

    fn u32_at(self, data: &[u8], at: usize) -> Option<u32> {
        let bytes: [u8; 4] = data.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(match self {
            ByteOrder::Little => u32::from_le_bytes(bytes),
            ByteOrder::Big => u32::from_be_bytes(bytes),
        })
    }
}

/// The orientation recorded in `exif`, if it can be found and read.
///
/// Accepts the TIFF structure bare (PNG `eXIf`, most WebP `EXIF`) or behind the `Exif\0\0`
/// identifier (JPEG APP1, and some WebP writers that copy it across).
pub(super) fn orientation(exif: &[u8]) -> Option<Orientation> {
    let tiff = exif.strip_prefix(b"Exif\0\0").unwrap_or(exif);
    let order = match tiff.get(..4)? {
        [b'I', b'I', 42, 0] => ByteOrder::Little,
        [b'M', b'M', 0, 42] => ByteOrder::Big,
        _ => return None,
    };
    let ifd = usize::try_from(order.u32_at(tiff, 4)?).ok()?;
    let count = usize::from(order.u16_at(tiff, ifd)?);
    let entries = ifd.checked_add(2)?;
    (0..count).find_map(|index| {
        let entry = entries.checked_add(index.checked_mul(ENTRY_LEN)?)?;
        if order.u16_at(tiff, entry)? != ORIENTATION_TAG {
            return None;
        }
        let kind = order.u16_at(tiff, entry.checked_add(2)?)?;
        let values = order.u32_at(tiff, entry.checked_add(4)?)?;
        if kind != SHORT_TYPE || values == 0 {
            return None;
        }
        let value = order.u16_at(tiff, entry.checked_add(8)?)?;
        Some(Orientation::new(u8::try_from(value).unwrap_or(0)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn little_endian(value: u16) -> Vec<u8> {
        let mut tiff = b"II*\0".to_vec();
        tiff.extend_from_slice(&8u32.to_le_bytes());
        tiff.extend_from_slice(&2u16.to_le_bytes());
        // A harmless tag first, so the search has to walk past it.
        tiff.extend_from_slice(&0x010Fu16.to_le_bytes());
        tiff.extend_from_slice(&2u16.to_le_bytes());
        tiff.extend_from_slice(&1u32.to_le_bytes());
        tiff.extend_from_slice(&0u32.to_le_bytes());
        tiff.extend_from_slice(&ORIENTATION_TAG.to_le_bytes());
        tiff.extend_from_slice(&SHORT_TYPE.to_le_bytes());
        tiff.extend_from_slice(&1u32.to_le_bytes());
        tiff.extend_from_slice(&value.to_le_bytes());
        tiff.extend_from_slice(&[0, 0]);
        tiff.extend_from_slice(&0u32.to_le_bytes());
        tiff
    }

    #[test]
    fn reads_little_endian() {
        assert_eq!(orientation(&little_endian(6)), Some(Orientation::new(6)));
    }

    #[test]
    fn reads_big_endian_behind_identifier() {
        let mut exif = b"Exif\0\0MM\0*".to_vec();
        exif.extend_from_slice(&8u32.to_be_bytes());
        exif.extend_from_slice(&1u16.to_be_bytes());
        exif.extend_from_slice(&ORIENTATION_TAG.to_be_bytes());
        exif.extend_from_slice(&SHORT_TYPE.to_be_bytes());
        exif.extend_from_slice(&1u32.to_be_bytes());
        exif.extend_from_slice(&[0, 8, 0, 0]);
        assert_eq!(orientation(&exif), Some(Orientation::new(8)));
    }

    #[test]
    fn out_of_range_value_is_upright() {
        assert_eq!(orientation(&little_endian(300)), Some(Orientation::NORMAL));
        assert_eq!(orientation(&little_endian(0)), Some(Orientation::NORMAL));
    }

    #[test]
    fn broken_structures_mean_no_orientation() {
        assert_eq!(orientation(b""), None);
        assert_eq!(orientation(b"II*\0\xff\xff\xff\xff"), None);
        let mut huge_count = b"II*\0".to_vec();
        huge_count.extend_from_slice(&8u32.to_le_bytes());
        huge_count.extend_from_slice(&u16::MAX.to_le_bytes());
        assert_eq!(orientation(&huge_count), None);
        let full = little_endian(6);
        // The value ends at byte 32; any shorter block cannot hold it.
        for cut in 0..32 {
            assert_eq!(orientation(&full[..cut]), None, "cut at {cut}");
        }
    }
}
