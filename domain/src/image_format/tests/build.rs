//! Builders of small, valid JPEG, PNG, GIF and WebP files for the tests.
//!
//! Each writes just enough structure for inspection (headers, chunk framing, checksums); pixel
//! data is filler, since inspection never decodes it.

use crate::image_format::crc32::crc32;

/// A little-endian TIFF block whose IFD0 holds an orientation tag with `value`.
pub(super) fn exif(value: u16) -> Vec<u8> {
    let mut tiff = b"II*\0".to_vec();
    tiff.extend_from_slice(&8u32.to_le_bytes());
    tiff.extend_from_slice(&1u16.to_le_bytes());
    tiff.extend_from_slice(&0x0112u16.to_le_bytes());
    tiff.extend_from_slice(&3u16.to_le_bytes());
    tiff.extend_from_slice(&1u32.to_le_bytes());
    tiff.extend_from_slice(&value.to_le_bytes());
    tiff.extend_from_slice(&[0, 0]);
    tiff.extend_from_slice(&0u32.to_le_bytes());
    tiff
}

/// One JPEG marker segment: marker, length, payload.
pub(super) fn jpeg_segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![0xFF, marker];
    let length = u16::try_from(payload.len() + 2).unwrap_or(u16::MAX);
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(payload);
    out
}

/// A baseline SOF0 payload for three components.
pub(super) fn jpeg_frame(width: u16, height: u16) -> Vec<u8> {
    let mut sof = vec![8];
    sof.extend_from_slice(&height.to_be_bytes());
    sof.extend_from_slice(&width.to_be_bytes());
    sof.extend_from_slice(&[3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
    jpeg_segment(0xC0, &sof)
}

/// The segments a JPEG has before its frame header.
pub(super) fn jpeg_preamble(orientation: Option<u16>) -> Vec<u8> {
    let mut out = vec![0xFF, 0xD8];
    out.extend(jpeg_segment(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"));
    if let Some(value) = orientation {
        let mut app1 = b"Exif\0\0".to_vec();
        app1.extend(exif(value));
        out.extend(jpeg_segment(0xE1, &app1));
    }
    out.extend(jpeg_segment(0xDB, &[0; 65]));
    out
}

/// The start of scan, a little entropy-coded filler and EOI.
pub(super) fn jpeg_scan() -> Vec<u8> {
    let mut out = jpeg_segment(0xDA, &[3, 1, 0, 2, 0x11, 3, 0x11, 0, 0x3F, 0]);
    out.extend_from_slice(&[0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56]);
    out.extend_from_slice(&[0xFF, 0xD9]);
    out
}

pub(super) fn jpeg(width: u16, height: u16, orientation: Option<u16>) -> Vec<u8> {
    let mut out = jpeg_preamble(orientation);
    out.extend(jpeg_frame(width, height));
    out.extend(jpeg_segment(0xC4, &[0; 29]));
    out.extend(jpeg_scan());
    out
}

pub(super) const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1A\n";

/// One PNG chunk with a correct CRC.
pub(super) fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = u32::try_from(data.len())
        .unwrap_or(u32::MAX)
        .to_be_bytes()
        .to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut covered = kind.to_vec();
    covered.extend_from_slice(data);
    out.extend_from_slice(&crc32(&covered).to_be_bytes());
    out
}

pub(super) fn png_header(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    let mut out = PNG_SIGNATURE.to_vec();
    out.extend(png_chunk(b"IHDR", &ihdr));
    out
}

/// A PNG with `extra` chunks between IHDR and IDAT.
pub(super) fn png(width: u32, height: u32, extra: &[Vec<u8>]) -> Vec<u8> {
    let mut out = png_header(width, height);
    for chunk in extra {
        out.extend_from_slice(chunk);
    }
    out.extend(png_chunk(b"IDAT", &[0x78, 0x9C, 0x63, 0, 0, 0, 1, 0, 1]));
    out.extend(png_chunk(b"IEND", &[]));
    out
}

pub(super) fn png_animation(frames: u32) -> Vec<u8> {
    let mut actl = frames.to_be_bytes().to_vec();
    actl.extend_from_slice(&0u32.to_be_bytes());
    png_chunk(b"acTL", &actl)
}

/// A GIF's header and logical screen with a 2-entry global colour table.
pub(super) fn gif_header(version: &[u8; 6], width: u16, height: u16) -> Vec<u8> {
    let mut out = version.to_vec();
    out.extend_from_slice(&width.to_le_bytes());
    out.extend_from_slice(&height.to_le_bytes());
    out.extend_from_slice(&[0x80, 0, 0]);
    out.extend_from_slice(&[0, 0, 0, 255, 255, 255]);
    out
}

/// One frame: a graphic control extension, the descriptor with a local colour table, and data.
pub(super) fn gif_frame(width: u16, height: u16) -> Vec<u8> {
    let mut out = vec![0x21, 0xF9, 4, 0, 10, 0, 0, 0];
    out.extend_from_slice(&[0x2C, 0, 0, 0, 0]);
    out.extend_from_slice(&width.to_le_bytes());
    out.extend_from_slice(&height.to_le_bytes());
    out.extend_from_slice(&[0x81, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    out.extend_from_slice(&[2, 2, 0x4C, 0x01, 0]);
    out
}

pub(super) fn gif(width: u16, height: u16, frames: usize) -> Vec<u8> {
    let mut out = gif_header(b"GIF87a", width, height);
    for _ in 0..frames {
        out.extend(gif_frame(width, height));
    }
    out.push(0x3B);
    out
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
    let body: Vec<u8> = chunks.concat();
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

pub(super) fn vp8(width: u16, height: u16) -> Vec<u8> {
    let mut data = vec![0x50, 0x02, 0x00, 0x9D, 0x01, 0x2A];
    data.extend_from_slice(&width.to_le_bytes());
    data.extend_from_slice(&height.to_le_bytes());
    data.extend_from_slice(&[0x11, 0x22, 0x33]);
    riff_chunk(b"VP8 ", &data)
}

pub(super) fn vp8l(width: u32, height: u32) -> Vec<u8> {
    let bits = (width - 1) | ((height - 1) << 14);
    let mut data = vec![0x2F];
    data.extend_from_slice(&bits.to_le_bytes());
    data.extend_from_slice(&[0, 0, 0]);
    riff_chunk(b"VP8L", &data)
}

pub(super) fn vp8x(width: u32, height: u32, flags: u8) -> Vec<u8> {
    let mut data = vec![flags, 0, 0, 0];
    data.extend_from_slice(&(width - 1).to_le_bytes()[..3]);
    data.extend_from_slice(&(height - 1).to_le_bytes()[..3]);
    riff_chunk(b"VP8X", &data)
}

/// An extended, animated WebP with `frames` ANMF chunks and optional EXIF orientation.
pub(super) fn webp_animation(width: u32, height: u32, frames: usize, exif: Option<u16>) -> Vec<u8> {
    let mut chunks = vec![
        vp8x(width, height, 0x0A),
        riff_chunk(b"ANIM", &[0, 0, 0, 0, 0, 0]),
    ];
    for _ in 0..frames {
        let mut anmf = vec![0; 16];
        anmf.extend(vp8l(width, height));
        chunks.push(riff_chunk(b"ANMF", &anmf));
    }
    if let Some(value) = exif {
        chunks.push(riff_chunk(b"EXIF", &self::exif(value)));
    }
    webp(&chunks)
}
