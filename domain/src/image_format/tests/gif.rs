//! GIF: screen size and frame counting from the block walk, and the structural refusals.

use super::{accepted, build, check, limits, malformed, refused_at};
use crate::image_format::{ImageFormat, InspectError, Orientation, inspect};

#[test]
fn reads_size_and_counts_frames() {
    let info = accepted(&build::gif(320, 200, 2));
    assert_eq!(info.format, ImageFormat::Gif);
    assert_eq!((info.stored_width, info.stored_height), (320, 200));
    assert_eq!(info.orientation, Orientation::NORMAL);
    assert_eq!(info.frame_count, 2);
}

#[test]
fn gif89a_still() {
    let mut bytes = build::gif_header(b"GIF89a", 5, 6);
    // An application extension with two sub-blocks, as NETSCAPE2.0 looping uses.
    bytes.extend_from_slice(&[0x21, 0xFF, 11]);
    bytes.extend_from_slice(b"NETSCAPE2.0");
    bytes.extend_from_slice(&[3, 1, 0, 0, 0]);
    bytes.extend(build::gif_frame(5, 6));
    bytes.push(0x3B);
    let info = accepted(&bytes);
    assert_eq!(info.frame_count, 1);
}

#[test]
fn too_many_frames_is_refused_as_soon_as_the_count_passes() {
    let bytes = build::gif(2, 2, 1001);
    assert_eq!(
        check(&bytes),
        Err(InspectError::TooManyFrames { max_frames: 1000 })
    );
    let (at, _) = refused_at(&bytes);
    let header = build::gif_header(b"GIF87a", 2, 2).len();
    let frame = build::gif_frame(2, 2).len();
    // The error comes with the 1001st descriptor, 9 bytes after its introducer.
    assert_eq!(at, header + 1000 * frame + 8 + 1 + 9);
}

#[test]
fn missing_trailer_is_accepted_after_a_frame() {
    let mut bytes = build::gif(4, 4, 3);
    bytes.pop();
    assert_eq!(check(&bytes).map(|info| info.frame_count), Ok(3));
}

#[test]
fn ending_before_any_frame_is_truncated() {
    let header = build::gif_header(b"GIF87a", 4, 4);
    for cut in 1..=header.len() {
        assert_eq!(
            check(&header[..cut]),
            Err(InspectError::Truncated),
            "cut at {cut}"
        );
    }
}

#[test]
fn no_image_is_malformed() {
    let mut bytes = build::gif_header(b"GIF89a", 4, 4);
    bytes.push(0x3B);
    malformed(check(&bytes));
}

#[test]
fn unknown_block_is_malformed() {
    let mut bytes = build::gif(4, 4, 1);
    bytes.pop();
    bytes.push(0x99);
    malformed(check(&bytes));
}

#[test]
fn zero_screen_size_is_malformed() {
    malformed(check(&build::gif(0, 4, 1)));
    malformed(check(&build::gif(4, 0, 1)));
}

#[test]
fn oversized_screen_or_frame_is_refused() {
    let limits = limits(100, 10_000, 10);
    assert!(matches!(
        inspect(&build::gif(101, 1, 1), limits),
        Err(InspectError::TooLarge {
            width: 101,
            height: 1,
            ..
        })
    ));
    let mut bytes = build::gif_header(b"GIF87a", 10, 10);
    bytes.extend(build::gif_frame(100, 101));
    bytes.push(0x3B);
    assert!(matches!(
        inspect(&bytes, limits),
        Err(InspectError::TooLarge {
            width: 100,
            height: 101,
            ..
        })
    ));
}
