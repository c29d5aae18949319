//! PNG: size, APNG frames and orientation from the chunk walk, and checksum and structure errors.

use super::{accepted, build, check, check_in_pieces, limits, malformed, refused_at};
use crate::image_format::{ImageFormat, InspectError, Orientation, inspect};
use crate::limits::UploadLimits;

#[test]
fn reads_size() {
    let info = accepted(&build::png(1920, 1080, &[]));
    assert_eq!(info.format, ImageFormat::Png);
    assert_eq!((info.stored_width, info.stored_height), (1920, 1080));
    assert_eq!(info.orientation, Orientation::NORMAL);
    assert_eq!(info.frame_count, 1);
}

#[test]
fn reads_orientation_from_exif() {
    let bytes = build::png(100, 50, &[build::png_chunk(b"eXIf", &build::exif(6))]);
    let info = accepted(&bytes);
    assert_eq!(info.orientation, Orientation::new(6));
    assert_eq!((info.display_width(), info.display_height()), (50, 100));
}

#[test]
fn oversized_exif_is_skipped_but_still_checksummed() {
    let mut big = build::exif(6);
    big.resize(70_000, 0);
    let chunk = build::png_chunk(b"eXIf", &big);
    let info = accepted(&build::png(4, 4, std::slice::from_ref(&chunk)));
    assert_eq!(info.orientation, Orientation::NORMAL);
    let mut corrupt = chunk;
    corrupt[60_000] ^= 1;
    malformed(check(&build::png(4, 4, &[corrupt])));
}

#[test]
fn reads_animation_frames() {
    let info = accepted(&build::png(8, 8, &[build::png_animation(3)]));
    assert_eq!(info.frame_count, 3);
}

#[test]
fn zero_animation_frames_are_malformed() {
    malformed(check(&build::png(8, 8, &[build::png_animation(0)])));
}

#[test]
fn too_many_animation_frames() {
    let limits = limits(100, 10_000, 5);
    let bytes = build::png(8, 8, &[build::png_animation(6)]);
    assert_eq!(
        inspect(&bytes, limits),
        Err(InspectError::TooManyFrames { max_frames: 5 })
    );
    assert_eq!(
        check(&build::png(8, 8, &[build::png_animation(1001)])),
        Err(InspectError::TooManyFrames { max_frames: 1000 })
    );
}

#[test]
fn bomb_is_refused_after_the_header_alone() {
    let header = build::png_header(100_000, 100_000);
    let mut inspector = crate::image_format::ImageInspector::new(UploadLimits::DEFAULT);
    let Err(error) = inspector.feed(&header) else {
        panic!("an oversized IHDR must be refused as soon as it is fed");
    };
    assert_eq!(inspector.format(), Some(ImageFormat::Png));
    assert!(matches!(
        error,
        InspectError::TooLarge {
            width: 100_000,
            height: 100_000,
            ..
        }
    ));
    // Not even the IHDR checksum is needed: the size is known before it.
    let (at, _) = refused_at(&header);
    assert_eq!(at, header.len() - 4);
}

#[test]
fn checksum_mismatch_is_malformed() {
    let mut bytes = build::png(2, 2, &[]);
    let idat_crc = bytes.len() - 12 - 1;
    bytes[idat_crc] ^= 0x40;
    assert_eq!(
        malformed(check(&bytes)),
        "a PNG chunk's checksum does not match"
    );
    assert_eq!(
        check(&bytes).map_err(|e| e.to_string()).err().as_deref(),
        Some("the image is damaged: a PNG chunk's checksum does not match")
    );
}

#[test]
fn first_chunk_must_be_a_13_byte_header() {
    let mut no_header = build::PNG_SIGNATURE.to_vec();
    no_header.extend(build::png_chunk(b"IDAT", &[0; 13]));
    malformed(check(&no_header));
    let mut short_header = build::PNG_SIGNATURE.to_vec();
    short_header.extend(build::png_chunk(
        b"IHDR",
        &[0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0],
    ));
    malformed(check(&short_header));
    let twice = build::png(
        1,
        1,
        &[build::png_chunk(
            b"IHDR",
            &[0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0],
        )],
    );
    malformed(check(&twice));
}

#[test]
fn bad_dimensions_are_malformed() {
    malformed(check(&build::png(0, 5, &[])));
    malformed(check(&build::png(5, 0, &[])));
    malformed(check(&build::png(0x8000_0000, 1, &[])));
}

#[test]
fn invalid_chunk_type_is_malformed() {
    malformed(check(&build::png(1, 1, &[build::png_chunk(b"a\0c ", &[])])));
}

#[test]
fn missing_end_is_truncated() {
    let full = build::png(3, 3, &[]);
    for cut in 1..full.len() {
        assert_eq!(
            check(&full[..cut]),
            Err(InspectError::Truncated),
            "cut at {cut}"
        );
    }
}

#[test]
fn bytes_after_end_are_ignored() {
    let mut bytes = build::png(3, 3, &[]);
    bytes.extend_from_slice(b"trailing junk that no decoder reads");
    assert!(check(&bytes).is_ok());
    assert!(check_in_pieces(&bytes, &[1, 3, 7], UploadLimits::DEFAULT).is_ok());
}
