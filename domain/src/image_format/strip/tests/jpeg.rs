//! JPEG: a camera file's metadata goes, its orientation and ICC profile stay, pixels unchanged.

use super::super::super::{InspectError, Orientation, inspect};
use super::camera::{MAKE_SECRET, assert_only_orientation, camera_exif, fields_in, has_gps};
use super::fixtures::{contains, encode_jpeg, find, jpeg_segment, jpeg_with};
use super::{StripError, assert_faithful, inspected, report, strip, stripped};
use crate::limits::UploadLimits;

pub(super) const XMP_SECRET: &[u8] = b"JPEG-XMP-SECRET";
pub(super) const COMMENT_SECRET: &[u8] = b"JPEG-COMMENT-SECRET";
pub(super) const IPTC_SECRET: &[u8] = b"JPEG-IPTC-SECRET";
pub(super) const THUMBNAIL_SECRET: &[u8] = b"JPEG-THUMBNAIL-SECRET";
pub(super) const MPF_SECRET: &[u8] = b"JPEG-MPF-SECRET";
pub(super) const TRAILING_SECRET: &[u8] = b"JPEG-TRAILING-SECRET";

fn exif_segment(orientation: Option<u16>) -> Vec<u8> {
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(camera_exif(orientation));
    jpeg_segment(0xE1, &app1)
}

pub(super) fn icc_segment() -> Vec<u8> {
    let mut app2 = b"ICC_PROFILE\0\x01\x01".to_vec();
    app2.extend_from_slice(b"a stand-in ICC profile, copied byte for byte");
    jpeg_segment(0xE2, &app2)
}

/// A JPEG as a phone might write it: EXIF with GPS, XMP, a comment, IPTC, an ICC profile, an
/// MPF index, a JFXX thumbnail, and a second image's bytes after EOI.
pub(super) fn camera_jpeg(width: u32, height: u32, orientation: Option<u16>) -> Vec<u8> {
    let mut xmp = b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>".to_vec();
    xmp.extend_from_slice(XMP_SECRET);
    let mut iptc = b"Photoshop 3.0\08BIM\x04\x04\0\0\0\0\0\x10".to_vec();
    iptc.extend_from_slice(IPTC_SECRET);
    let mut jfxx = b"JFXX\0\x10".to_vec();
    jfxx.extend_from_slice(THUMBNAIL_SECRET);
    let mut mpf = b"MPF\0".to_vec();
    mpf.extend_from_slice(MPF_SECRET);
    let mut out = jpeg_with(
        &encode_jpeg(width, height),
        &[
            jpeg_segment(0xE0, &jfxx),
            exif_segment(orientation),
            jpeg_segment(0xE1, &xmp),
            icc_segment(),
            jpeg_segment(0xE2, &mpf),
            jpeg_segment(0xED, &iptc),
            jpeg_segment(0xFE, COMMENT_SECRET),
        ],
    );
    out.extend_from_slice(TRAILING_SECRET);
    out
}

const SECRETS: &[&[u8]] = &[
    MAKE_SECRET,
    XMP_SECRET,
    COMMENT_SECRET,
    IPTC_SECRET,
    THUMBNAIL_SECRET,
    MPF_SECRET,
    TRAILING_SECRET,
];

#[test]
fn a_camera_file_keeps_only_its_orientation_and_profile() {
    let input = camera_jpeg(33, 21, Some(6));
    assert!(has_gps(&input), "the fixture must carry GPS to begin with");
    let output = stripped(&input);
    assert_only_orientation(&output, 6);
    for secret in SECRETS {
        assert!(contains(&input, secret));
        assert!(
            !contains(&output, secret),
            "{}",
            String::from_utf8_lossy(secret)
        );
    }
    let icc = icc_segment();
    assert!(
        contains(&output, &icc),
        "the ICC segment must be byte-identical"
    );
    assert!(output.ends_with(&[0xFF, 0xD9]));
    assert_eq!(inspected(&output).orientation, Orientation::new(6));
    assert_eq!(report(&input).kept_orientation, Some(Orientation::new(6)));
    assert_faithful(&input, &output);
}

#[test]
fn the_minimal_exif_replaces_the_first_exif_segment() {
    let output = stripped(&camera_jpeg(8, 8, Some(3)));
    let exif_at = find(&output, b"Exif\0\0").unwrap_or(usize::MAX);
    let icc_at = find(&output, b"ICC_PROFILE").unwrap_or(0);
    assert!(
        exif_at < icc_at,
        "EXIF stays where it was, before the ICC profile"
    );
    // APP1 marker, length 34: "Exif\0\0" and a 26-byte TIFF structure.
    assert_eq!(
        output.get(exif_at - 4..exif_at),
        Some(&[0xFF, 0xE1, 0, 34][..])
    );
    assert_eq!(
        output.get(exif_at + 6..exif_at + 32),
        Some(&b"MM\0*\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0\x03\0\0\0\0\0\0"[..])
    );
}

#[test]
fn upright_or_absent_orientation_leaves_no_exif() {
    for orientation in [Some(1), None, Some(0), Some(9)] {
        let input = camera_jpeg(8, 8, orientation);
        let output = stripped(&input);
        assert_eq!(fields_in(&output), None, "{orientation:?}");
        assert!(!contains(&output, b"Exif"));
        assert_eq!(report(&input).kept_orientation, None);
        assert_faithful(&input, &output);
    }
}

#[test]
fn a_file_without_metadata_is_unchanged() {
    let plain = encode_jpeg(17, 9);
    assert_eq!(stripped(&plain), plain);
}

#[test]
fn the_jfif_thumbnail_is_dropped_but_jfif_stays() {
    let plain = encode_jpeg(8, 8);
    let mut jfif = b"JFIF\0\x01\x02\0\0\x01\0\x01\x01\x01".to_vec();
    jfif.extend_from_slice(&[0xAB; 3]);
    let mut input = vec![0xFF, 0xD8];
    input.extend(jpeg_segment(0xE0, &jfif));
    input.extend(jpeg_with(&plain, &[]).get(2..).unwrap_or_default());
    let output = stripped(&input);
    let expected = jpeg_segment(0xE0, b"JFIF\0\x01\x02\0\0\x01\0\x01\0\0");
    assert_eq!(output.get(2..2 + expected.len()), Some(expected.as_slice()));
    assert!(!contains(&output, &[0xAB; 3]));
}

#[test]
fn adobe_app14_is_kept_and_other_app14_dropped() {
    let adobe = jpeg_segment(0xEE, b"Adobe\0\x64\0\0\0\0\x01");
    let other = jpeg_segment(0xEE, b"Ducky-SECRET");
    let input = jpeg_with(&encode_jpeg(8, 8), &[adobe.clone(), other]);
    let output = stripped(&input);
    assert!(contains(&output, &adobe));
    assert!(!contains(&output, b"Ducky-SECRET"));
}

#[test]
fn orientation_comes_from_the_block_the_inspector_reads() {
    // A first EXIF block with no readable orientation does not count; the second one does.
    let broken = jpeg_segment(0xE1, b"Exif\0\0II*\0\xFF\xFF\xFF\x7F");
    let input = jpeg_with(&encode_jpeg(8, 8), &[broken, exif_segment(Some(8))]);
    let output = stripped(&input);
    assert_eq!(inspected(&input).orientation, Orientation::new(8));
    assert_eq!(inspected(&output).orientation, Orientation::new(8));
    assert_only_orientation(&output, 8);
    // Once a block has given one, later blocks are ignored, as the inspector ignores them.
    let input = jpeg_with(
        &encode_jpeg(8, 8),
        &[exif_segment(Some(1)), exif_segment(Some(6))],
    );
    assert_eq!(inspected(&input).orientation, Orientation::NORMAL);
    assert_eq!(fields_in(&stripped(&input)), None);
}

#[test]
fn the_largest_possible_exif_segment_is_read() {
    // A JPEG segment holds at most 65,533 payload bytes, always within the 64 KiB read limit.
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(camera_exif(Some(6)));
    app1.resize(65_533, 0);
    let input = jpeg_with(&encode_jpeg(8, 8), &[jpeg_segment(0xE1, &app1)]);
    assert_eq!(inspected(&input).orientation, Orientation::new(6));
    let output = stripped(&input);
    assert_only_orientation(&output, 6);
    assert!(output.len() < encode_jpeg(8, 8).len() + 40);
}

#[test]
fn segments_after_the_first_scan_are_filtered_too() {
    let plain = encode_jpeg(8, 8);
    let eoi = plain.len() - 2;
    let mut input = plain[..eoi].to_vec();
    // A stray APP1 and COM between scan data and EOI, as some progressive writers leave.
    input.extend(exif_segment(Some(6)));
    input.extend(jpeg_segment(0xFE, b"LATE-COMMENT-SECRET"));
    input.extend_from_slice(&[0xFF, 0xD9]);
    let output = stripped(&input);
    assert_eq!(output, plain);
}

#[test]
fn fill_bytes_are_dropped() {
    let plain = encode_jpeg(8, 8);
    let mut input = vec![0xFF, 0xD8, 0xFF, 0xFF];
    input.extend_from_slice(&plain[2..]);
    assert_eq!(stripped(&input), plain);
}

#[test]
fn a_missing_eoi_is_accepted_as_the_inspector_accepts_it() {
    let plain = encode_jpeg(8, 8);
    let cut = &plain[..plain.len() - 2];
    assert_eq!(stripped(cut), cut);
}

#[test]
fn broken_structures_are_refused() {
    let plain = encode_jpeg(8, 8);
    let sof = find(&plain, &[0xFF, 0xC0]).unwrap_or(0);
    assert_eq!(strip(&plain[..sof]), Err(StripError::Truncated));
    assert_eq!(
        strip(b"\xFF\xD8\xFF\xD9"),
        Err(StripError::Malformed("the JPEG ends before any image data"))
    );
    assert_eq!(
        strip(b"\xFF\xD8\xFF\xE0\x00\x01"),
        Err(StripError::Malformed("a JPEG segment length is too short"))
    );
    assert_eq!(
        strip(b"\xFF\xD8\xFF\xE0\x00\x02\x00"),
        Err(StripError::Malformed(
            "a JPEG segment does not start with a marker"
        ))
    );
}

/// Found by fuzzing: the inspector took a JPEG ending at its SOS marker, or with an SOS length
/// below 2, for complete, and the stripper refused it. Both now refuse it, for the same reason.
#[test]
fn the_inspector_and_the_stripper_agree_on_where_the_scan_begins() {
    // SOI, an 8×8 frame header, then the SOS marker and nothing more: the fuzzer's input.
    let head: &[u8] =
        b"\xFF\xD8\xFF\xC0\x00\x11\x08\x00\x08\x00\x08\x03\xFF\xB4\x00\xB2\x69\xF7\xF8\xF9\xFA\xFF\xDA";
    assert_eq!(strip(head), Err(StripError::Truncated));
    assert_eq!(
        inspect(head, UploadLimits::DEFAULT),
        Err(InspectError::Truncated)
    );
    let short = [head, b"\x00\x00\x12\x34"].concat();
    assert_eq!(
        strip(&short),
        Err(StripError::Malformed("a JPEG segment length is too short"))
    );
    assert!(matches!(
        inspect(&short, UploadLimits::DEFAULT),
        Err(InspectError::Malformed(_))
    ));
    let begun = [head, b"\x00\x02"].concat();
    assert!(strip(&begun).is_ok() && inspect(&begun, UploadLimits::DEFAULT).is_ok());
}

/// Found by fuzzing, and intended: the inspector stops at the first scan and leaves the
/// entropy-coded data to the decoder, while the stripper walks on to drop the metadata segments
/// that may follow, so a broken marker there is refused by the stripper alone.
#[test]
fn a_broken_marker_after_the_first_scan_is_refused() {
    // SOI, a frame header, an SOS with one byte of header, then an SOI inside the scan.
    let upload: &[u8] =
        b"\xFF\xD8\xFF\xC0\x00\x08\x00\x08\x03\x01\x11\xFA\xFF\xDA\x00\x03\x4B\xFF\xD8";
    assert!(inspect(upload, UploadLimits::DEFAULT).is_ok());
    assert_eq!(
        strip(upload),
        Err(StripError::Malformed("a JPEG marker is invalid"))
    );
    // Up to where the inspector stopped reading, the stripper accepts it too.
    assert!(strip(&upload[..upload.len() - 2]).is_ok());
}

#[test]
fn every_icc_part_is_kept_in_order() {
    let part = |seq: u8, body: &[u8]| {
        let mut app2 = b"ICC_PROFILE\0".to_vec();
        app2.extend_from_slice(&[seq, 2]);
        app2.extend_from_slice(body);
        jpeg_segment(0xE2, &app2)
    };
    let (first, second) = (part(1, b"first half"), part(2, b"second half"));
    let mpf = jpeg_segment(0xE2, b"MPF\0between");
    let input = jpeg_with(&encode_jpeg(8, 8), &[first.clone(), mpf, second.clone()]);
    let output = stripped(&input);
    let at_first = find(&output, &first);
    let at_second = find(&output, &second);
    assert!(at_first.is_some() && at_second.is_some());
    assert_eq!(at_second, at_first.map(|at| at + first.len()));
}
