//! Test images: real files from the `image` crate's encoders, with metadata spliced in by hand.
//!
//! Real encoders give real pixel data, so the tests can prove that stripping leaves the decoded
//! pixels untouched; the spliced metadata carries unique secret strings that must not survive.

use image::codecs::gif::{GifEncoder, Repeat};
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::codecs::webp::WebPEncoder;
use image::{Delay, ExtendedColorType, Frame, ImageEncoder, Rgba, RgbaImage};

use super::super::super::crc32::crc32;

/// A deterministic picture with some structure, so that a decoder slip would show.
pub(super) fn picture(width: u32, height: u32, seed: u8) -> RgbaImage {
    RgbaImage::from_fn(width, height, |x, y| {
        let mix =
            |a: u32, b: u32| u8::try_from((a * 37 + b * 11 + u32::from(seed)) % 256).unwrap_or(0);
        Rgba([
            mix(x, y),
            mix(y, x),
            mix(x + y, seed.into()),
            255 - mix(x, 3) / 4,
        ])
    })
}

fn ok<T, E: std::fmt::Display>(result: Result<T, E>) -> T {
    match result {
        Ok(value) => value,
        Err(error) => panic!("building a fixture failed: {error}"),
    }
}

pub(super) fn encode_jpeg(width: u32, height: u32) -> Vec<u8> {
    let rgb = image::DynamicImage::ImageRgba8(picture(width, height, 1)).to_rgb8();
    let mut out = Vec::new();
    ok(JpegEncoder::new_with_quality(&mut out, 90).encode(
        rgb.as_raw(),
        width,
        height,
        ExtendedColorType::Rgb8,
    ));
    out
}

pub(super) fn encode_png(width: u32, height: u32) -> Vec<u8> {
    let rgba = picture(width, height, 2);
    let mut out = Vec::new();
    ok(PngEncoder::new(&mut out).write_image(
        rgba.as_raw(),
        width,
        height,
        ExtendedColorType::Rgba8,
    ));
    out
}

/// An animated GIF with a NETSCAPE2.0 loop extension.
pub(super) fn encode_gif(width: u32, height: u32, frames: u8) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = GifEncoder::new(&mut out);
        ok(encoder.set_repeat(Repeat::Infinite));
        let frames = (0..frames).map(|seed| {
            let delay = Delay::from_numer_denom_ms(100, 1);
            Frame::from_parts(picture(width, height, seed.wrapping_mul(40)), 0, 0, delay)
        });
        ok(encoder.encode_frames(frames));
    }
    out
}

/// A simple lossless WebP: `RIFF`, size, `WEBP`, one VP8L chunk.
pub(super) fn encode_webp(width: u32, height: u32, seed: u8) -> Vec<u8> {
    let rgba = picture(width, height, seed);
    let mut out = Vec::new();
    ok(WebPEncoder::new_lossless(&mut out).encode(
        rgba.as_raw(),
        width,
        height,
        ExtendedColorType::Rgba8,
    ));
    out
}

/// Whether `needle` occurs anywhere in `haystack`.
pub(super) fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

/// Where `needle` first occurs in `haystack`.
pub(super) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// One JPEG marker segment: marker, length, payload.
pub(super) fn jpeg_segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![0xFF, marker];
    let length = u16::try_from(payload.len() + 2).unwrap_or(u16::MAX);
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(payload);
    out
}

/// `jpeg` with `segments` inserted after SOI and the JFIF APP0 (if the encoder wrote one).
pub(super) fn jpeg_with(jpeg: &[u8], segments: &[Vec<u8>]) -> Vec<u8> {
    let mut at = 2;
    if jpeg.get(2..4) == Some(&[0xFF, 0xE0]) {
        let length = jpeg
            .get(4..6)
            .map_or(0, |b| usize::from(u16::from_be_bytes([b[0], b[1]])));
        at += 2 + length;
    }
    let mut out = jpeg[..at].to_vec();
    out.extend(segments.concat());
    out.extend_from_slice(&jpeg[at..]);
    out
}

/// One PNG chunk with a correct CRC.
pub(super) fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = u32::try_from(data.len())
        .unwrap_or(u32::MAX)
        .to_be_bytes()
        .to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    out.extend_from_slice(&crc32(&[kind.as_slice(), data].concat()).to_be_bytes());
    out
}

/// `png` with `chunks` inserted right after IHDR (signature 8 bytes, IHDR chunk 25).
pub(super) fn png_with(png: &[u8], chunks: &[Vec<u8>]) -> Vec<u8> {
    let mut out = png[..33].to_vec();
    out.extend(chunks.concat());
    out.extend_from_slice(&png[33..]);
    out
}

/// A zlib stream holding `data` in one stored (uncompressed) block, as iCCP and zTXt want.
pub(super) fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let len = u16::try_from(data.len()).unwrap_or(u16::MAX);
    let mut out = vec![0x78, 0x01, 0x01];
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&(!len).to_le_bytes());
    out.extend_from_slice(data);
    let (mut a, mut b) = (1u32, 0u32);
    for byte in data {
        a = (a + u32::from(*byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    out.extend_from_slice(&((b << 16) | a).to_be_bytes());
    out
}

/// A GIF extension: introducer, label, then `data` cut into sub-blocks and a terminator.
pub(super) fn gif_extension(label: u8, first: &[u8], data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x21, label];
    if !first.is_empty() {
        out.push(u8::try_from(first.len()).unwrap_or(0));
        out.extend_from_slice(first);
    }
    for block in data.chunks(200) {
        out.push(u8::try_from(block.len()).unwrap_or(0));
        out.extend_from_slice(block);
    }
    out.push(0);
    out
}

/// Where a GIF's first block starts: after the header and any global colour table.
pub(super) fn gif_first_block(gif: &[u8]) -> usize {
    let packed = gif.get(10).copied().unwrap_or(0);
    let table = if packed & 0x80 == 0 {
        0
    } else {
        3 << ((packed & 7) + 1)
    };
    13 + table
}

/// One RIFF chunk, padded to even length.
pub(super) fn riff_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = kind.to_vec();
    out.extend_from_slice(&u32::try_from(data.len()).unwrap_or(u32::MAX).to_le_bytes());
    out.extend_from_slice(data);
    if data.len() % 2 == 1 {
        out.push(0);
    }
    out
}

/// A RIFF WEBP container around `chunks`.
pub(super) fn webp(chunks: &[Vec<u8>]) -> Vec<u8> {
    let body = chunks.concat();
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(
        &u32::try_from(body.len() + 4)
            .unwrap_or(u32::MAX)
            .to_le_bytes(),
    );
    out.extend_from_slice(b"WEBP");
    out.extend(body);
    out
}

/// The chunks of a WebP file, as (kind, data) pairs, for assertions.
pub(super) fn webp_chunks(file: &[u8]) -> Vec<([u8; 4], Vec<u8>)> {
    let mut found = Vec::new();
    let mut at = 12;
    while let Some(header) = file.get(at..at + 8) {
        let kind = [header[0], header[1], header[2], header[3]];
        let size = u32::from_le_bytes([header[4], header[5], header[6], header[7]]) as usize;
        let data = file
            .get(at + 8..(at + 8 + size).min(file.len()))
            .unwrap_or_default();
        found.push((kind, data.to_vec()));
        at += 8 + size + size % 2;
    }
    found
}

/// A VP8X chunk for a `width`×`height` canvas.
pub(super) fn vp8x(width: u32, height: u32, flags: u8) -> Vec<u8> {
    let mut data = vec![flags, 0, 0, 0];
    data.extend_from_slice(&(width - 1).to_le_bytes()[..3]);
    data.extend_from_slice(&(height - 1).to_le_bytes()[..3]);
    riff_chunk(b"VP8X", &data)
}

/// The VP8L chunk (header and data) of a simple lossless WebP.
pub(super) fn vp8l_chunk_of(simple: &[u8]) -> Vec<u8> {
    simple[12..].to_vec()
}
