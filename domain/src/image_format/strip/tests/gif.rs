//! GIF: comments and foreign application extensions go; the loop and every frame stay.

use image::AnimationDecoder;
use image::codecs::gif::GifDecoder;

use super::fixtures::{contains, encode_gif, gif_extension, gif_first_block};
use super::{StripError, assert_faithful, inspected, report, strip, stripped};

pub(super) const COMMENT_SECRET: &[u8] = b"GIF-COMMENT-SECRET";
pub(super) const XMP_SECRET: &[u8] = b"GIF-XMP-SECRET";
pub(super) const APPLICATION_SECRET: &[u8] = b"GIF-APPLICATION-SECRET";
pub(super) const TRAILING_SECRET: &[u8] = b"GIF-TRAILING-SECRET";

/// An animated GIF with a comment and XMP up front, another application extension and a
/// comment before the trailer, and bytes after it.
pub(super) fn commented_gif(width: u32, height: u32, frames: u8) -> Vec<u8> {
    let plain = encode_gif(width, height, frames);
    let first = gif_first_block(&plain);
    let trailer = plain.len() - 1;
    let mut xmp = b"<x:xmpmeta>".to_vec();
    xmp.extend_from_slice(XMP_SECRET);
    let mut out = plain[..first].to_vec();
    out.extend(gif_extension(0xFE, &[], COMMENT_SECRET));
    out.extend(gif_extension(0xFF, b"XMP DataXMP", &xmp));
    out.extend_from_slice(&plain[first..trailer]);
    out.extend(gif_extension(0xFF, b"SECRET01app", APPLICATION_SECRET));
    // An application extension whose first block is not an 11-byte identifier.
    out.extend(gif_extension(0xFF, b"SHORT", APPLICATION_SECRET));
    out.extend_from_slice(&[0x3B]);
    out.extend_from_slice(TRAILING_SECRET);
    out
}

/// One decoded frame: its pixels, position and delay.
#[derive(Debug, PartialEq, Eq)]
struct DecodedFrame {
    pixels: Vec<u8>,
    left: u32,
    top: u32,
    delay_ms: (u32, u32),
}

/// Every frame, as the image crate decodes it.
fn frames(bytes: &[u8]) -> Vec<DecodedFrame> {
    let decoded = GifDecoder::new(std::io::Cursor::new(bytes))
        .and_then(|decoder| decoder.into_frames().collect_frames());
    match decoded {
        Ok(frames) => frames
            .into_iter()
            .map(|frame| DecodedFrame {
                pixels: frame.buffer().as_raw().clone(),
                left: frame.left(),
                top: frame.top(),
                delay_ms: frame.delay().numer_denom_ms(),
            })
            .collect(),
        Err(error) => panic!("the image crate cannot decode the GIF: {error}"),
    }
}

#[test]
fn comments_and_xmp_go_the_loop_and_frames_stay() {
    let input = commented_gif(12, 10, 3);
    let output = stripped(&input);
    for secret in [
        COMMENT_SECRET,
        XMP_SECRET,
        APPLICATION_SECRET,
        TRAILING_SECRET,
    ] {
        assert!(contains(&input, secret));
        assert!(
            !contains(&output, secret),
            "{}",
            String::from_utf8_lossy(secret)
        );
    }
    assert!(!contains(&output, b"XMP DataXMP"));
    assert!(contains(&output, b"\x21\xFF\x0BNETSCAPE2.0\x03\x01\0\0\0"));
    assert!(output.ends_with(&[0x3B]));
    assert_eq!(frames(&output), frames(&input));
    assert_eq!(frames(&output).len(), 3);
    assert_eq!(inspected(&output).frame_count, 3);
    assert_eq!(report(&input).kept_orientation, None);
    assert_faithful(&input, &output);
}

#[test]
fn a_file_without_metadata_is_unchanged() {
    let plain = encode_gif(9, 7, 2);
    assert_eq!(stripped(&plain), plain);
}

#[test]
fn animexts_is_kept_like_netscape() {
    let plain = encode_gif(4, 4, 1);
    let first = gif_first_block(&plain);
    let animexts = gif_extension(0xFF, b"ANIMEXTS1.0", &[1, 0, 0]);
    let mut input = plain[..first].to_vec();
    input.extend_from_slice(&animexts);
    input.extend_from_slice(&plain[first..]);
    assert!(contains(&stripped(&input), &animexts));
}

#[test]
fn plain_text_and_unknown_extensions_are_kept() {
    let plain = encode_gif(4, 4, 1);
    let first = gif_first_block(&plain);
    let text = gif_extension(0x01, &[0; 12], b"hi");
    let mut input = plain[..first].to_vec();
    input.extend_from_slice(&text);
    input.extend_from_slice(&plain[first..]);
    assert_eq!(stripped(&input), input);
}

#[test]
fn a_missing_trailer_is_accepted_after_a_frame() {
    let plain = encode_gif(4, 4, 1);
    let cut = &plain[..plain.len() - 1];
    assert_eq!(stripped(cut), cut);
    let header_only = &plain[..gif_first_block(&plain)];
    assert_eq!(strip(header_only), Err(StripError::Truncated));
}

#[test]
fn unknown_blocks_are_refused() {
    let plain = encode_gif(4, 4, 1);
    let mut input = plain[..gif_first_block(&plain)].to_vec();
    input.push(0x99);
    assert_eq!(
        strip(&input),
        Err(StripError::Malformed("the GIF has an unknown block type"))
    );
}
