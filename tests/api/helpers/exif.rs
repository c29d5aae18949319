//! Images carrying metadata (EXIF with orientation, description and GPS; XMP; comments; PNG
//! text), made at test time, and what an independent EXIF reader (kamadak-exif) finds in the
//! bytes lightbox serves.

use super::fixtures::{jpeg, png, png_chunk};

/// Text planted in every metadata block: it must not survive an upload.
pub const SECRET_TEXT: &str = "secret-metadata-7d41";

/// A JPEG whose EXIF says `orientation` (1-8) and nothing else.
pub fn jpeg_with_orientation(width: u32, height: u32, orientation: u16) -> Vec<u8> {
    let tiff = tiff_block(orientation, false);
    insert_after_soi(&jpeg(width, height), &[app1_exif(&tiff)])
}

/// A JPEG with EXIF (orientation 6, a description and GPS), an XMP packet and a comment, all
/// holding [`SECRET_TEXT`] except the orientation.
pub fn jpeg_with_metadata(width: u32, height: u32) -> Vec<u8> {
    let tiff = tiff_block(6, true);
    let xmp = format!(
        "http://ns.adobe.com/xap/1.0/\0<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">{SECRET_TEXT}</x:xmpmeta>"
    );
    let segments = [
        app1_exif(&tiff),
        segment(0xE1, xmp.as_bytes()),
        segment(0xFE, SECRET_TEXT.as_bytes()),
    ];
    insert_after_soi(&jpeg(width, height), &segments)
}

/// A PNG with a `tEXt` comment holding [`SECRET_TEXT`].
pub fn png_with_text_chunk(width: u32, height: u32) -> Vec<u8> {
    let plain = png(width, height);
    let ihdr_end = 8 + 25;
    let mut out = plain[..ihdr_end].to_vec();
    out.extend(png_chunk(
        b"tEXt",
        format!("Comment\0{SECRET_TEXT}").as_bytes(),
    ));
    out.extend_from_slice(&plain[ihdr_end..]);
    out
}

/// Every EXIF field of a served file as the independent reader kamadak-exif finds it: (tag,
/// first value as a number where it is one). `None` when the file has no EXIF at all.
pub fn exif_fields(bytes: &[u8]) -> Option<Vec<(exif::Tag, Option<u32>)>> {
    match exif::Reader::new().read_from_container(&mut std::io::Cursor::new(bytes)) {
        Ok(found) => Some(
            found
                .fields()
                .map(|field| (field.tag, field.value.get_uint(0)))
                .collect(),
        ),
        Err(exif::Error::NotFound(_)) => None,
        Err(error) => panic!("kamadak-exif cannot read the EXIF: {error}"),
    }
}

/// The orientation tag of a file's EXIF, as kamadak-exif reads it.
pub fn jpeg_orientation(bytes: &[u8]) -> Option<u16> {
    exif_fields(bytes)?
        .into_iter()
        .find(|(tag, _)| *tag == exif::Tag::Orientation)
        .and_then(|(_, value)| u16::try_from(value?).ok())
}

/// A big-endian TIFF block: IFD0 with the orientation and, when `rich`, an ImageDescription
/// and a GPS IFD (latitude and longitude references).
fn tiff_block(orientation: u16, rich: bool) -> Vec<u8> {
    let description = format!("{SECRET_TEXT}\0");
    let entry_count: u16 = if rich { 3 } else { 1 };
    let ifd0_end = 8 + 2 + 12 * usize::from(entry_count) + 4;
    let description_at = ifd0_end;
    let gps_at = (description_at + description.len()).next_multiple_of(2);

    let mut out = b"MM\0\x2A".to_vec();
    out.extend_from_slice(&8u32.to_be_bytes());
    out.extend_from_slice(&entry_count.to_be_bytes());
    if rich {
        ifd_entry(
            &mut out,
            0x010E,
            2,
            description.len() as u32,
            description_at as u32,
        );
    }
    ifd_entry(&mut out, 0x0112, 3, 1, u32::from(orientation) << 16);
    if rich {
        ifd_entry(&mut out, 0x8825, 4, 1, gps_at as u32);
    }
    out.extend_from_slice(&0u32.to_be_bytes());
    if rich {
        out.extend_from_slice(description.as_bytes());
        out.resize(gps_at, 0);
        out.extend_from_slice(&2u16.to_be_bytes());
        ifd_entry(&mut out, 0x0001, 2, 2, u32::from_be_bytes(*b"N\0\0\0"));
        ifd_entry(&mut out, 0x0003, 2, 2, u32::from_be_bytes(*b"E\0\0\0"));
        out.extend_from_slice(&0u32.to_be_bytes());
    }
    out
}

fn ifd_entry(out: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: u32) {
    out.extend_from_slice(&tag.to_be_bytes());
    out.extend_from_slice(&kind.to_be_bytes());
    out.extend_from_slice(&count.to_be_bytes());
    out.extend_from_slice(&value.to_be_bytes());
}

fn app1_exif(tiff: &[u8]) -> Vec<u8> {
    let mut body = b"Exif\0\0".to_vec();
    body.extend_from_slice(tiff);
    segment(0xE1, &body)
}

fn segment(marker: u8, body: &[u8]) -> Vec<u8> {
    let length = u16::try_from(body.len() + 2).expect("a small segment");
    let mut out = vec![0xFF, marker];
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(body);
    out
}

fn insert_after_soi(jpeg: &[u8], segments: &[Vec<u8>]) -> Vec<u8> {
    assert_eq!(&jpeg[..2], [0xFF, 0xD8], "a JPEG starts with SOI");
    let mut out = jpeg[..2].to_vec();
    for segment in segments {
        out.extend_from_slice(segment);
    }
    out.extend_from_slice(&jpeg[2..]);
    out
}
