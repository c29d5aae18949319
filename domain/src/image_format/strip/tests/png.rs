//! PNG: text, time, EXIF and private chunks go; colour chunks stay byte for byte.

use super::super::super::Orientation;
use super::super::super::crc32::crc32;
use super::camera::{MAKE_SECRET, assert_only_orientation, camera_exif, fields_in, has_gps};
use super::fixtures::{contains, encode_png, find, png_chunk, png_with, zlib_stored};
use super::{StripError, assert_faithful, inspected, report, strip, stripped};

pub(super) const TEXT_SECRET: &[u8] = b"PNG-TEXT-SECRET";
pub(super) const ZTXT_SECRET: &[u8] = b"PNG-ZTXT-SECRET";
pub(super) const XMP_SECRET: &[u8] = b"PNG-XMP-SECRET";
pub(super) const PRIVATE_SECRET: &[u8] = b"PNG-PRIVATE-SECRET";
pub(super) const TRAILING_SECRET: &[u8] = b"PNG-TRAILING-SECRET";

pub(super) fn icc_chunk() -> Vec<u8> {
    let mut iccp = b"stand-in profile\0\0".to_vec();
    iccp.extend(zlib_stored(b"an ICC profile, kept byte for byte"));
    png_chunk(b"iCCP", &iccp)
}

fn physical_size_chunk() -> Vec<u8> {
    png_chunk(b"pHYs", &[0, 0, 0x0B, 0x13, 0, 0, 0x0B, 0x13, 1])
}

fn exif_chunk(orientation: Option<u16>) -> Vec<u8> {
    png_chunk(b"eXIf", &camera_exif(orientation))
}

/// A PNG with every kind of metadata an editor might leave, and bytes after IEND.
pub(super) fn camera_png(width: u32, height: u32, orientation: Option<u16>) -> Vec<u8> {
    let mut text = b"Comment\0".to_vec();
    text.extend_from_slice(TEXT_SECRET);
    let mut ztxt = b"Author\0\0".to_vec();
    ztxt.extend(zlib_stored(ZTXT_SECRET));
    let mut itxt = b"XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta>".to_vec();
    itxt.extend_from_slice(XMP_SECRET);
    let mut out = png_with(
        &encode_png(width, height),
        &[
            icc_chunk(),
            physical_size_chunk(),
            png_chunk(b"tEXt", &text),
            png_chunk(b"zTXt", &ztxt),
            png_chunk(b"iTXt", &itxt),
            png_chunk(b"tIME", &[7, 0xE8, 6, 1, 12, 0, 0]),
            exif_chunk(orientation),
            png_chunk(b"prVt", PRIVATE_SECRET),
        ],
    );
    out.extend_from_slice(TRAILING_SECRET);
    out
}

#[test]
fn a_camera_file_keeps_only_its_orientation_and_profile() {
    let input = camera_png(19, 11, Some(8));
    assert!(has_gps(&input), "the fixture must carry GPS to begin with");
    let output = stripped(&input);
    assert_only_orientation(&output, 8);
    let secrets = [
        MAKE_SECRET,
        TEXT_SECRET,
        ZTXT_SECRET,
        XMP_SECRET,
        PRIVATE_SECRET,
        TRAILING_SECRET,
    ];
    for secret in secrets {
        assert!(
            !contains(&output, secret),
            "{}",
            String::from_utf8_lossy(secret)
        );
    }
    for gone in [b"tEXt", b"zTXt", b"iTXt", b"tIME", b"prVt"] {
        assert!(!contains(&output, gone));
    }
    assert!(
        contains(&output, &icc_chunk()),
        "iCCP must be byte-identical"
    );
    assert!(contains(&output, &physical_size_chunk()));
    assert!(output.ends_with(&png_chunk(b"IEND", &[])));
    assert_eq!(inspected(&output).orientation, Orientation::new(8));
    assert_eq!(report(&input).kept_orientation, Some(Orientation::new(8)));
    assert_faithful(&input, &output);
}

#[test]
fn the_minimal_exif_chunk_is_raw_tiff_with_a_correct_crc() {
    let output = stripped(&camera_png(4, 4, Some(5)));
    let at = find(&output, b"eXIf").unwrap_or(0);
    let tiff = b"MM\0*\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0\x05\0\0\0\0\0\0";
    assert_eq!(output.get(at - 4..at), Some(&26u32.to_be_bytes()[..]));
    assert_eq!(output.get(at + 4..at + 30), Some(&tiff[..]));
    let crc = crc32(&[b"eXIf".as_slice(), tiff].concat());
    assert_eq!(output.get(at + 30..at + 34), Some(&crc.to_be_bytes()[..]));
}

#[test]
fn upright_or_absent_orientation_leaves_no_exif() {
    for orientation in [Some(1), None] {
        let input = camera_png(5, 3, orientation);
        let output = stripped(&input);
        assert_eq!(fields_in(&output), None);
        assert!(!contains(&output, b"eXIf"));
        assert_faithful(&input, &output);
    }
}

#[test]
fn a_file_without_metadata_is_unchanged() {
    let plain = encode_png(13, 7);
    assert_eq!(stripped(&plain), plain);
}

#[test]
fn unknown_critical_chunks_are_kept() {
    let critical = png_chunk(b"ABCD", b"needed");
    let input = png_with(&encode_png(3, 3), std::slice::from_ref(&critical));
    assert!(contains(&stripped(&input), &critical));
}

#[test]
fn several_exif_chunks_must_agree() {
    let plain = encode_png(3, 3);
    let agreeing = png_with(&plain, &[exif_chunk(Some(6)), exif_chunk(Some(6))]);
    let output = stripped(&agreeing);
    assert_eq!(output.windows(4).filter(|w| w == b"eXIf").count(), 1);
    assert_eq!(inspected(&output), inspected(&agreeing));
    // The inspector takes the last block, so a readable one after an unreadable one counts.
    let late = png_with(&plain, &[png_chunk(b"eXIf", b"junk"), exif_chunk(Some(7))]);
    assert_eq!(inspected(&stripped(&late)), inspected(&late));
    let disagreeing = png_with(&plain, &[exif_chunk(Some(6)), exif_chunk(Some(1))]);
    assert_eq!(
        strip(&disagreeing),
        Err(StripError::Malformed(
            "the PNG has several eXIf chunks that disagree on the orientation"
        ))
    );
}

#[test]
fn broken_structures_are_refused() {
    let plain = encode_png(3, 3);
    assert_eq!(strip(&plain[..plain.len() - 3]), Err(StripError::Truncated));
    let mut bad_kind = plain.clone();
    bad_kind[37] = b'1';
    assert_eq!(
        strip(&bad_kind),
        Err(StripError::Malformed("a PNG chunk has an invalid type"))
    );
}
