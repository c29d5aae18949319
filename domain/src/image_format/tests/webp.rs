//! WebP: size from each image chunk kind, frames and orientation in extended files, and RIFF
//! framing errors.

use super::{accepted, build, check, limits, malformed, refused_at};
use crate::image_format::{ImageFormat, InspectError, Orientation, inspect};

#[test]
fn lossy_size() {
    let info = accepted(&build::webp(&[build::vp8(400, 300)]));
    assert_eq!(info.format, ImageFormat::WebP);
    assert_eq!((info.stored_width, info.stored_height), (400, 300));
    assert_eq!(info.frame_count, 1);
}

#[test]
fn lossy_scaling_bits_are_not_size() {
    let info = accepted(&build::webp(&[build::vp8(0xC000 | 400, 0x4000 | 300)]));
    assert_eq!((info.stored_width, info.stored_height), (400, 300));
}

#[test]
fn lossless_size() {
    let info = accepted(&build::webp(&[build::vp8l(16_384, 1)]));
    assert_eq!((info.stored_width, info.stored_height), (16_384, 1));
}

#[test]
fn extended_animation_with_orientation() {
    let info = accepted(&build::webp_animation(64, 32, 3, Some(6)));
    assert_eq!((info.stored_width, info.stored_height), (64, 32));
    assert_eq!(info.frame_count, 3);
    assert_eq!(info.orientation, Orientation::new(6));
    assert_eq!((info.display_width(), info.display_height()), (32, 64));
}

#[test]
fn exif_with_identifier_prefix_is_read() {
    let mut exif = b"Exif\0\0".to_vec();
    exif.extend(build::exif(8));
    let bytes = build::webp(&[
        build::vp8x(2, 2, 0x08),
        build::vp8l(2, 2),
        build::riff_chunk(b"EXIF", &exif),
    ]);
    assert_eq!(
        check(&bytes).map(|info| info.orientation),
        Ok(Orientation::new(8))
    );
}

#[test]
fn extended_still_has_one_frame() {
    let bytes = build::webp(&[build::vp8x(7, 9, 0), build::vp8(7, 9)]);
    let info = accepted(&bytes);
    assert_eq!(
        (info.stored_width, info.stored_height, info.frame_count),
        (7, 9, 1)
    );
}

#[test]
fn oversized_canvas_is_refused_at_the_header() {
    let bytes = build::webp_animation(20_000, 20_000, 1, None);
    let (at, error) = refused_at(&bytes);
    assert_eq!(at, 12 + 8 + 10);
    assert!(matches!(
        error,
        InspectError::TooLarge { width: 20_000, .. }
    ));
}

#[test]
fn too_many_frames() {
    let limits = limits(100, 10_000, 2);
    assert_eq!(
        inspect(&build::webp_animation(4, 4, 3, None), limits),
        Err(InspectError::TooManyFrames { max_frames: 2 })
    );
}

#[test]
fn incomplete_riff_is_truncated() {
    let full = build::webp_animation(4, 4, 2, Some(1));
    for cut in 1..full.len() {
        assert_eq!(
            check(&full[..cut]),
            Err(InspectError::Truncated),
            "cut at {cut}"
        );
    }
}

#[test]
fn bytes_beyond_the_riff_size_are_ignored() {
    let mut bytes = build::webp(&[build::vp8l(5, 5)]);
    bytes.extend_from_slice(&[0xAA; 100]);
    assert!(check(&bytes).is_ok());
}

#[test]
fn chunk_overrunning_riff_is_malformed() {
    let mut bytes = build::webp(&[build::vp8l(5, 5)]);
    // Shrink the RIFF size below the chunk that follows the header.
    bytes[4..8].copy_from_slice(&10u32.to_le_bytes());
    malformed(check(&bytes));
}

#[test]
fn first_chunk_must_be_an_image() {
    malformed(check(&build::webp(&[
        build::riff_chunk(b"ICCP", &[0; 4]),
        build::vp8l(5, 5),
    ])));
    malformed(check(&build::webp(&[])));
}

#[test]
fn damaged_image_headers_are_malformed() {
    let mut bad_start = build::webp(&[build::vp8(4, 4)]);
    bad_start[12 + 8 + 3] = 0;
    malformed(check(&bad_start));
    let mut bad_signature = build::webp(&[build::vp8l(4, 4)]);
    bad_signature[12 + 8] = 0x2E;
    malformed(check(&bad_signature));
    let mut interframe = build::webp(&[build::vp8(4, 4)]);
    interframe[12 + 8] |= 1;
    malformed(check(&interframe));
    malformed(check(&build::webp(&[build::vp8(0, 4)])));
    malformed(check(&build::webp(&[build::riff_chunk(
        b"VP8L",
        &[0x2F, 0, 0],
    )])));
}
