//! A camera-like EXIF block for the tests: make, orientation and a GPS position, as a phone
//! would write them, plus the independent reader (kamadak-exif) used to check what survives.
//!
//! The make string is one of the secrets the tests look for in the output, so its bytes must
//! vanish along with the GPS IFD.

use std::io::Cursor;

/// The camera make written into IFD0; it must never reach the output.
pub(super) const MAKE_SECRET: &[u8] = b"SECRET-CAMERA-MAKE";

const SHORT: u16 = 3;
const LONG: u16 = 4;
const ASCII: u16 = 2;
const RATIONAL: u16 = 5;

/// One IFD entry; values longer than 4 bytes are placed in the data area after the IFDs.
struct Entry {
    tag: u16,
    kind: u16,
    count: u32,
    value: Vec<u8>,
}

fn entry(tag: u16, kind: u16, count: u32, value: Vec<u8>) -> Entry {
    Entry {
        tag,
        kind,
        count,
        value,
    }
}

fn rationals(values: &[(u32, u32)]) -> Vec<u8> {
    values
        .iter()
        .flat_map(|(numerator, denominator)| {
            [numerator.to_le_bytes(), denominator.to_le_bytes()].concat()
        })
        .collect()
}

fn ifd_len(entries: usize) -> u32 {
    u32::try_from(2 + 12 * entries + 4).unwrap_or(u32::MAX)
}

/// Writes an IFD at the end of `tiff`, its long values at `*data_at` onwards into `data`.
fn write_ifd(tiff: &mut Vec<u8>, entries: &[Entry], data: &mut Vec<u8>, data_at: &mut u32) {
    tiff.extend_from_slice(&u16::try_from(entries.len()).unwrap_or(0).to_le_bytes());
    for entry in entries {
        tiff.extend_from_slice(&entry.tag.to_le_bytes());
        tiff.extend_from_slice(&entry.kind.to_le_bytes());
        tiff.extend_from_slice(&entry.count.to_le_bytes());
        if entry.value.len() <= 4 {
            let mut inline = entry.value.clone();
            inline.resize(4, 0);
            tiff.extend_from_slice(&inline);
        } else {
            tiff.extend_from_slice(&data_at.to_le_bytes());
            data.extend_from_slice(&entry.value);
            *data_at += u32::try_from(entry.value.len()).unwrap_or(0);
        }
    }
    tiff.extend_from_slice(&0u32.to_le_bytes());
}

/// A little-endian TIFF block: IFD0 with Make, optionally Orientation, and a GPS IFD pointer;
/// the GPS IFD with latitude and longitude.
pub(super) fn camera_exif(orientation: Option<u16>) -> Vec<u8> {
    let mut make = MAKE_SECRET.to_vec();
    make.push(0);
    let mut ifd0 = vec![entry(
        0x010F,
        ASCII,
        u32::try_from(make.len()).unwrap_or(0),
        make,
    )];
    if let Some(value) = orientation {
        ifd0.push(entry(0x0112, SHORT, 1, value.to_le_bytes().to_vec()));
    }
    let gps_at = 8 + ifd_len(ifd0.len() + 1);
    ifd0.push(entry(0x8825, LONG, 1, gps_at.to_le_bytes().to_vec()));
    let gps = vec![
        entry(0x0001, ASCII, 2, b"N\0".to_vec()),
        entry(
            0x0002,
            RATIONAL,
            3,
            rationals(&[(48, 1), (51, 1), (2_412, 100)]),
        ),
        entry(0x0003, ASCII, 2, b"E\0".to_vec()),
        entry(
            0x0004,
            RATIONAL,
            3,
            rationals(&[(2, 1), (17, 1), (4_012, 100)]),
        ),
    ];
    let mut data_at = gps_at + ifd_len(gps.len());
    let mut tiff = b"II*\0".to_vec();
    tiff.extend_from_slice(&8u32.to_le_bytes());
    let mut data = Vec::new();
    write_ifd(&mut tiff, &ifd0, &mut data, &mut data_at);
    write_ifd(&mut tiff, &gps, &mut data, &mut data_at);
    tiff.extend(data);
    tiff
}

/// What kamadak-exif finds in a whole file: every field as (tag, first value as a number).
/// `None` when the file holds no EXIF at all.
pub(super) fn fields_in(file: &[u8]) -> Option<Vec<(exif::Tag, Option<u32>)>> {
    let found = exif::Reader::new().read_from_container(&mut Cursor::new(file));
    match found {
        Ok(exif) => Some(
            exif.fields()
                .map(|field| (field.tag, field.value.get_uint(0)))
                .collect(),
        ),
        Err(exif::Error::NotFound(_)) => None,
        Err(error) => panic!("kamadak-exif cannot read the EXIF: {error}"),
    }
}

/// Whether the file's EXIF, as kamadak-exif reads it, holds a GPS tag.
pub(super) fn has_gps(file: &[u8]) -> bool {
    fields_in(file)
        .unwrap_or_default()
        .iter()
        .any(|(tag, _)| tag.context() == exif::Context::Gps)
}

/// The stripped output must carry exactly the orientation and nothing else.
pub(super) fn assert_only_orientation(file: &[u8], value: u32) {
    assert_eq!(
        fields_in(file),
        Some(vec![(exif::Tag::Orientation, Some(value))])
    );
    assert!(!has_gps(file));
}

#[test]
fn the_fixture_is_readable_and_holds_gps() {
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE1];
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(camera_exif(Some(6)));
    jpeg.extend_from_slice(&u16::try_from(app1.len() + 2).unwrap_or(0).to_be_bytes());
    jpeg.extend(app1);
    jpeg.extend_from_slice(&[0xFF, 0xD9]);
    let fields = fields_in(&jpeg).unwrap_or_default();
    assert!(fields.contains(&(exif::Tag::Orientation, Some(6))));
    assert!(fields.iter().any(|(tag, _)| *tag == exif::Tag::Make));
    assert!(has_gps(&jpeg));
    assert!(fields.iter().any(|(tag, _)| *tag == exif::Tag::GPSLatitude));
}
