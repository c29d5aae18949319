//! WebP: EXIF, XMP and unknown chunks go, ICC stays, flags and the RIFF size follow suit.

use super::super::super::Orientation;
use super::camera::{MAKE_SECRET, assert_only_orientation, camera_exif, fields_in, has_gps};
use super::fixtures::{contains, encode_webp, riff_chunk, vp8l_chunk_of, vp8x, webp, webp_chunks};
use super::{StripError, assert_faithful, inspected, report, strip, stripped};

pub(super) const XMP_SECRET: &[u8] = b"WEBP-XMP-SECRET";
pub(super) const UNKNOWN_SECRET: &[u8] = b"WEBP-UNKNOWN-SECRET";
pub(super) const TRAILING_SECRET: &[u8] = b"WEBP-TRAILING-SECRET";
const ICC: &[u8] = b"a stand-in ICC profile";

const ICC_FLAG: u8 = 0x20;
const ALPHA_FLAG: u8 = 0x10;
const EXIF_FLAG: u8 = 0x08;
const XMP_FLAG: u8 = 0x04;
const ANIMATION_FLAG: u8 = 0x02;

/// An extended WebP around a lossless bitstream from the image crate, with an ICC profile,
/// camera EXIF, XMP, an unknown chunk, and bytes after the RIFF data.
pub(super) fn camera_webp(width: u32, height: u32, orientation: Option<u16>) -> Vec<u8> {
    let mut xmp = b"<x:xmpmeta>".to_vec();
    xmp.extend_from_slice(XMP_SECRET);
    let flags = ICC_FLAG | ALPHA_FLAG | EXIF_FLAG | XMP_FLAG;
    let mut out = webp(&[
        vp8x(width, height, flags),
        riff_chunk(b"ICCP", ICC),
        vp8l_chunk_of(&encode_webp(width, height, 3)),
        riff_chunk(b"EXIF", &camera_exif(orientation)),
        riff_chunk(b"XMP ", &xmp),
        riff_chunk(b"SECR", UNKNOWN_SECRET),
    ]);
    out.extend_from_slice(TRAILING_SECRET);
    out
}

/// An animated extended WebP whose frames each carry an unknown sub-chunk, and EXIF.
pub(super) fn animated_webp(width: u32, height: u32, frames: u8, orientation: u16) -> Vec<u8> {
    let mut chunks = vec![
        vp8x(width, height, ANIMATION_FLAG | ALPHA_FLAG | EXIF_FLAG),
        riff_chunk(b"ANIM", &[0, 0, 0, 0, 0, 0]),
    ];
    for seed in 0..frames {
        // Offset 0, full canvas, 100 ms, no blending.
        let mut frame = vec![0; 6];
        frame.extend_from_slice(&(width - 1).to_le_bytes()[..3]);
        frame.extend_from_slice(&(height - 1).to_le_bytes()[..3]);
        frame.extend_from_slice(&[100, 0, 0, 0x02]);
        frame.extend(vp8l_chunk_of(&encode_webp(width, height, seed)));
        frame.extend(riff_chunk(b"SECR", UNKNOWN_SECRET));
        chunks.push(riff_chunk(b"ANMF", &frame));
    }
    chunks.push(riff_chunk(b"EXIF", &camera_exif(Some(orientation))));
    webp(&chunks)
}

fn flags(file: &[u8]) -> u8 {
    file.get(20).copied().unwrap_or(0)
}

fn riff_size(file: &[u8]) -> usize {
    file.get(4..8)
        .map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
}

#[test]
fn a_camera_file_keeps_only_its_orientation_and_profile() {
    let input = camera_webp(14, 9, Some(3));
    assert!(has_gps(&input), "the fixture must carry GPS to begin with");
    let output = stripped(&input);
    assert_only_orientation(&output, 3);
    for secret in [MAKE_SECRET, XMP_SECRET, UNKNOWN_SECRET, TRAILING_SECRET] {
        assert!(
            !contains(&output, secret),
            "{}",
            String::from_utf8_lossy(secret)
        );
    }
    let kinds: Vec<[u8; 4]> = webp_chunks(&output).iter().map(|(kind, _)| *kind).collect();
    assert_eq!(kinds, [*b"VP8X", *b"ICCP", *b"VP8L", *b"EXIF"]);
    assert!(contains(&output, &riff_chunk(b"ICCP", ICC)));
    assert_eq!(flags(&output), ICC_FLAG | ALPHA_FLAG | EXIF_FLAG);
    assert_eq!(riff_size(&output), output.len() - 8);
    assert_eq!(inspected(&output).orientation, Orientation::new(3));
    assert_eq!(report(&input).kept_orientation, Some(Orientation::new(3)));
    assert_faithful(&input, &output);
}

#[test]
fn upright_or_absent_orientation_leaves_no_exif() {
    for orientation in [Some(1), None] {
        let input = camera_webp(6, 6, orientation);
        let output = stripped(&input);
        assert_eq!(fields_in(&output), None);
        assert!(!contains(&output, b"EXIF"));
        assert_eq!(flags(&output), ICC_FLAG | ALPHA_FLAG);
        assert_eq!(riff_size(&output), output.len() - 8);
        assert_faithful(&input, &output);
    }
}

#[test]
fn a_file_without_metadata_is_unchanged() {
    let plain = encode_webp(11, 5, 0);
    assert_eq!(stripped(&plain), plain);
}

#[test]
fn bytes_past_the_riff_size_are_dropped() {
    let plain = encode_webp(4, 4, 0);
    let mut input = plain.clone();
    input.extend_from_slice(TRAILING_SECRET);
    assert_eq!(stripped(&input), plain);
}

#[test]
fn frames_lose_their_unknown_chunks_and_keep_their_pictures() {
    let input = animated_webp(8, 6, 3, 6);
    let output = stripped(&input);
    assert!(!contains(&output, UNKNOWN_SECRET));
    assert_only_orientation(&output, 6);
    let anmf = webp_chunks(&output)
        .into_iter()
        .filter(|(kind, _)| kind == b"ANMF")
        .count();
    assert_eq!(anmf, 3);
    assert_eq!(inspected(&output), inspected(&input));
    assert_eq!(inspected(&output).frame_count, 3);
    assert_eq!(flags(&output), ANIMATION_FLAG | ALPHA_FLAG | EXIF_FLAG);
    assert_eq!(riff_size(&output), output.len() - 8);
    assert_eq!(stripped(&output), output);
}

#[test]
fn a_stray_exif_after_a_simple_image_is_kept_by_extending_the_file() {
    // Simple files cannot carry EXIF, but the inspector reads one anyway; to store what it
    // reported, the file becomes an extended one with the canvas of its bitstream.
    let simple = encode_webp(10, 7, 0);
    let input = webp(&[
        vp8l_chunk_of(&simple),
        riff_chunk(b"EXIF", &camera_exif(Some(6))),
    ]);
    let output = stripped(&input);
    assert_eq!(inspected(&output), inspected(&input));
    assert_eq!(inspected(&output).orientation, Orientation::new(6));
    assert_only_orientation(&output, 6);
    assert_eq!(flags(&output) & EXIF_FLAG, EXIF_FLAG);
    assert_faithful(&input, &output);
    // Without a turned orientation, the stray chunks simply go.
    let upright = webp(&[
        vp8l_chunk_of(&simple),
        riff_chunk(b"EXIF", &camera_exif(None)),
    ]);
    assert_eq!(stripped(&upright), simple);
}

#[test]
fn a_missing_final_pad_is_restored() {
    // A 4×4 VP8L header and filler: 9 bytes, so the chunk should be followed by a pad byte.
    let data = [0x2F, 0x03, 0xC0, 0, 0, 0xAA, 0xBB, 0xCC, 0xDD];
    let mut unpadded = b"RIFF".to_vec();
    unpadded.extend_from_slice(&21u32.to_le_bytes());
    unpadded.extend_from_slice(b"WEBPVP8L");
    unpadded.extend_from_slice(&9u32.to_le_bytes());
    unpadded.extend_from_slice(&data);
    let padded = webp(&[riff_chunk(b"VP8L", &data)]);
    assert_eq!(padded.len(), unpadded.len() + 1);
    assert_eq!(stripped(&unpadded), padded);
    assert_eq!(inspected(&padded), inspected(&unpadded));
}

#[test]
fn broken_structures_are_refused() {
    let simple = encode_webp(4, 4, 0);
    assert_eq!(
        strip(&simple[..simple.len() - 1]),
        Err(StripError::Truncated)
    );
    assert_eq!(
        strip(&webp(&[riff_chunk(b"XMP ", b"x")])),
        Err(StripError::Malformed(
            "a WebP must begin with a VP8, VP8L or VP8X chunk"
        ))
    );
    assert_eq!(
        strip(&webp(&[])),
        Err(StripError::Malformed("the WebP holds no image"))
    );
    let mut overlong = simple.clone();
    overlong[16] = 0xFF;
    assert_eq!(
        strip(&overlong),
        Err(StripError::Malformed(
            "a WebP chunk runs past the end of the RIFF data"
        ))
    );
}
