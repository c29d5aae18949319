//! JPEG: size and orientation from the marker walk, and every way the walk refuses a file.

use super::{accepted, build, check, malformed, refused_at};
use crate::image_format::{ImageFormat, InspectError, Orientation};

#[test]
fn reads_size_and_orientation() {
    let info = accepted(&build::jpeg(640, 480, Some(6)));
    assert_eq!(info.format, ImageFormat::Jpeg);
    assert_eq!((info.stored_width, info.stored_height), (640, 480));
    assert_eq!(info.orientation, Orientation::new(6));
    assert_eq!((info.display_width(), info.display_height()), (480, 640));
    assert_eq!(info.frame_count, 1);
}

#[test]
fn without_exif_is_upright() {
    let info = accepted(&build::jpeg(3, 5, None));
    assert_eq!(info.orientation, Orientation::NORMAL);
    assert_eq!((info.display_width(), info.display_height()), (3, 5));
}

#[test]
fn oversized_frame_is_refused_at_the_frame_header() {
    let mut bytes = build::jpeg_preamble(None);
    let frame = build::jpeg_frame(60_000, 60_000);
    // The dimensions end 5 bytes into the payload, after the 4-byte marker and length.
    let known_at = bytes.len() + 4 + 5;
    bytes.extend(frame);
    bytes.extend(build::jpeg_scan());
    let (at, error) = refused_at(&bytes);
    assert_eq!(at, known_at);
    assert!(matches!(
        error,
        InspectError::TooLarge {
            width: 60_000,
            height: 60_000,
            ..
        }
    ));
}

#[test]
fn broken_exif_is_ignored() {
    let mut bytes = vec![0xFF, 0xD8];
    bytes.extend(build::jpeg_segment(0xE1, b"Exif\0\0II*\0\xFF\xFF\xFF\x7F"));
    bytes.extend(build::jpeg_segment(
        0xE1,
        b"http://ns.adobe.com/xap/1.0/\0<x/>",
    ));
    bytes.extend(build::jpeg_frame(10, 20));
    bytes.extend(build::jpeg_scan());
    let info = accepted(&bytes);
    assert_eq!(info.orientation, Orientation::NORMAL);
}

#[test]
fn fill_bytes_and_standalone_markers_are_allowed() {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xFF, 0xFF, 0xD0, 0xFF, 0x01];
    bytes.extend(build::jpeg_frame(7, 9));
    bytes.extend(build::jpeg_scan());
    let info = accepted(&bytes);
    assert_eq!((info.stored_width, info.stored_height), (7, 9));
}

#[test]
fn scan_before_frame_header_is_malformed() {
    let mut bytes = build::jpeg_preamble(None);
    bytes.extend(build::jpeg_scan());
    malformed(check(&bytes));
}

#[test]
fn zero_dimensions_are_malformed() {
    for (width, height) in [(0, 10), (10, 0)] {
        let mut bytes = build::jpeg_preamble(None);
        bytes.extend(build::jpeg_frame(width, height));
        bytes.extend(build::jpeg_scan());
        malformed(check(&bytes));
    }
}

#[test]
fn short_segment_length_is_malformed() {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x01];
    bytes.extend(build::jpeg_frame(1, 1));
    malformed(check(&bytes));
}

#[test]
fn short_frame_header_is_malformed() {
    let mut bytes = vec![0xFF, 0xD8];
    bytes.extend(build::jpeg_segment(0xC2, &[8, 0, 1, 0, 1]));
    malformed(check(&bytes));
}

#[test]
fn two_frame_headers_are_malformed() {
    let mut bytes = build::jpeg_preamble(None);
    bytes.extend(build::jpeg_frame(1, 1));
    bytes.extend(build::jpeg_frame(2, 2));
    malformed(check(&bytes));
}

#[test]
fn bytes_between_segments_are_malformed() {
    let mut bytes = build::jpeg_preamble(None);
    bytes.push(0x00);
    bytes.extend(build::jpeg_frame(1, 1));
    malformed(check(&bytes));
}

#[test]
fn end_of_image_before_scan_is_malformed() {
    let mut bytes = build::jpeg_preamble(None);
    bytes.extend(build::jpeg_frame(1, 1));
    bytes.extend_from_slice(&[0xFF, 0xD9]);
    malformed(check(&bytes));
}

#[test]
fn ending_before_the_scan_is_truncated() {
    let full = build::jpeg(16, 16, Some(3));
    let scan_at = full.len() - build::jpeg_scan().len();
    // The scan begins once its marker and segment length have been read.
    for cut in 1..=scan_at + 3 {
        assert_eq!(
            check(&full[..cut]),
            Err(InspectError::Truncated),
            "cut at {cut}"
        );
    }
    // From there, the entropy-coded data is not this module's concern.
    assert!(check(&full[..scan_at + 4]).is_ok());
}

/// Found by fuzzing: the inspector took a file ending at the SOS marker, or with an SOS length
/// below 2, for a complete JPEG, which the metadata stripper then refused.
#[test]
fn a_scan_without_a_valid_segment_length_has_not_begun() {
    let mut head = build::jpeg_preamble(None);
    head.extend(build::jpeg_frame(8, 8));
    head.extend_from_slice(&[0xFF, 0xDA]);
    assert_eq!(check(&head), Err(InspectError::Truncated));
    for length in [[0x00, 0x00], [0x00, 0x01]] {
        let bytes = [head.as_slice(), &length, &[0x12, 0x34]].concat();
        assert_eq!(
            malformed(check(&bytes)),
            "a JPEG segment length is too short"
        );
    }
    let bytes = [head.as_slice(), &[0x00, 0x02]].concat();
    assert!(check(&bytes).is_ok(), "an SOS length of 2 starts the scan");
}

#[test]
fn hierarchical_and_progressive_frames_count_but_huffman_tables_do_not() {
    let mut bytes = vec![0xFF, 0xD8];
    // DHT (C4) carries tables, not a frame: its bytes must not be read as dimensions.
    bytes.extend(build::jpeg_segment(0xC4, &[8, 0xFF, 0xFF, 0xFF, 0xFF, 3]));
    let mut progressive = build::jpeg_frame(33, 44);
    progressive[1] = 0xC2;
    bytes.extend(progressive);
    bytes.extend(build::jpeg_scan());
    let info = accepted(&bytes);
    assert_eq!((info.stored_width, info.stored_height), (33, 44));
}
