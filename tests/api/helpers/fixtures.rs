//! Real images made at test time with the `image` crate: PNG, JPEG, animated GIF, lossless WebP.
//!
//! Every maker takes a `seed` variant so that tests can make many images with distinct bytes.

use std::io::Cursor;

use image::codecs::gif::{GifEncoder, Repeat};
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::codecs::webp::WebPEncoder;
use image::{Delay, ExtendedColorType, Frame, ImageEncoder, Rgba, RgbaImage};
use sha2::{Digest, Sha256};

/// An opaque `width`×`height` PNG.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    png_seeded(width, height, 0)
}

/// An opaque PNG whose pixels depend on `seed`: distinct seeds (below 2^24) give distinct bytes.
pub fn png_seeded(width: u32, height: u32, seed: u32) -> Vec<u8> {
    let pixels = rgb_pattern(width, height, seed);
    let mut out = Vec::new();
    PngEncoder::new(&mut out)
        .write_image(&pixels, width, height, ExtendedColorType::Rgb8)
        .expect("PNG encodes");
    out
}

/// An RGBA PNG, opaque except the top-left pixel, whose alpha is `corner_alpha`.
pub fn png_rgba(width: u32, height: u32, corner_alpha: u8) -> Vec<u8> {
    let mut image = RgbaImage::from_pixel(width, height, Rgba([40, 120, 200, 255]));
    image.put_pixel(0, 0, Rgba([40, 120, 200, corner_alpha]));
    let mut out = Vec::new();
    PngEncoder::new(&mut out)
        .write_image(image.as_raw(), width, height, ExtendedColorType::Rgba8)
        .expect("PNG encodes");
    out
}

/// A baseline JPEG.
pub fn jpeg(width: u32, height: u32) -> Vec<u8> {
    jpeg_seeded(width, height, 0)
}

/// A baseline JPEG whose pixels depend on `seed`.
pub fn jpeg_seeded(width: u32, height: u32, seed: u32) -> Vec<u8> {
    let pixels = rgb_pattern(width, height, seed);
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 85)
        .write_image(&pixels, width, height, ExtendedColorType::Rgb8)
        .expect("JPEG encodes");
    out
}

/// A looping GIF of `frames` opaque frames: the first is red, the others blue and green.
pub fn gif_animated(width: u32, height: u32, frames: u32) -> Vec<u8> {
    gif_animated_seeded(width, height, frames, 0)
}

/// An animated GIF whose last pixel row depends on `seed`.
pub fn gif_animated_seeded(width: u32, height: u32, frames: u32, seed: u32) -> Vec<u8> {
    let colours = [[220, 20, 20, 255], [20, 20, 220, 255], [20, 200, 20, 255]];
    let frames: Vec<Frame> = (0..frames)
        .map(|index| {
            let colour = colours[index as usize % colours.len()];
            let mut image = RgbaImage::from_pixel(width, height, Rgba(colour));
            let marker = seed.to_be_bytes();
            for x in 0..width.min(4) {
                image.put_pixel(x, height - 1, Rgba([marker[x as usize], 0, 0, 255]));
            }
            Frame::from_parts(image, 0, 0, Delay::from_numer_denom_ms(100, 1))
        })
        .collect();
    let mut out = Vec::new();
    {
        let mut encoder = GifEncoder::new(&mut out);
        encoder.set_repeat(Repeat::Infinite).expect("GIF repeat");
        encoder.encode_frames(frames).expect("GIF encodes");
    }
    out
}

/// A lossless WebP.
pub fn webp_lossless(width: u32, height: u32) -> Vec<u8> {
    webp_lossless_seeded(width, height, 0)
}

/// A lossless WebP whose pixels depend on `seed`.
pub fn webp_lossless_seeded(width: u32, height: u32, seed: u32) -> Vec<u8> {
    let pixels = rgb_pattern(width, height, seed);
    let mut out = Vec::new();
    WebPEncoder::new_lossless(&mut out)
        .write_image(&pixels, width, height, ExtendedColorType::Rgb8)
        .expect("WebP encodes");
    out
}

/// A valid 4×4 PNG padded with zero bytes after `IEND` to exactly `total` bytes.
pub fn padded_png(total: usize) -> Vec<u8> {
    let mut bytes = png(4, 4);
    assert!(bytes.len() <= total, "{total} is smaller than the base PNG");
    bytes.resize(total, 0);
    bytes
}

/// Lower-case hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Decodes an image served by the app (thumbnails), to check its size and pixels.
pub fn decode(bytes: &[u8]) -> image::DynamicImage {
    image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .expect("a readable image")
        .decode()
        .expect("the served image decodes")
}

/// One PNG chunk: length, type, data, CRC.
pub fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut chunk = Vec::with_capacity(data.len() + 12);
    chunk.extend_from_slice(
        &u32::try_from(data.len())
            .expect("small chunk")
            .to_be_bytes(),
    );
    chunk.extend_from_slice(kind);
    chunk.extend_from_slice(data);
    let crc = crc32(&chunk[4..]);
    chunk.extend_from_slice(&crc.to_be_bytes());
    chunk
}

/// CRC-32 (IEEE), as PNG chunks and ZIP entries carry it.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFF_u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

fn rgb_pattern(width: u32, height: u32, seed: u32) -> Vec<u8> {
    let [_, s2, s1, s0] = seed.to_be_bytes();
    let mut pixels = Vec::with_capacity((width * height * 3) as usize);
    for y in 0..height {
        for x in 0..width {
            pixels.push((x as u8).wrapping_mul(17).wrapping_add(s0));
            pixels.push((y as u8).wrapping_mul(29).wrapping_add(s1));
            pixels.push(((x + y) as u8).wrapping_mul(5).wrapping_add(s2));
        }
    }
    pixels
}
