//! Byte-level surgery on image files: EXIF blocks, rewritten headers, corrupt streams, and the
//! animation containers (APNG, animated WebP) that the `image` crate cannot write.

use image::{DynamicImage, RgbaImage};

use crate::fixtures::{png_of, webp_of};

/// Inserts a minimal EXIF block (APP1) carrying `orientation` right after a JPEG's SOI marker,
/// as lightbox stores uploads.
pub fn with_exif_orientation(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec();
    tiff.extend_from_slice(&1u16.to_be_bytes()); // one IFD entry
    tiff.extend_from_slice(&0x0112u16.to_be_bytes()); // Orientation
    tiff.extend_from_slice(&3u16.to_be_bytes()); // SHORT
    tiff.extend_from_slice(&1u32.to_be_bytes()); // one value
    tiff.extend_from_slice(&orientation.to_be_bytes());
    tiff.extend_from_slice(&[0, 0]); // padding of the 4-byte value field
    tiff.extend_from_slice(&0u32.to_be_bytes()); // no next IFD
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend_from_slice(&tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&u16::try_from(payload.len() + 2).unwrap().to_be_bytes());
    out.extend_from_slice(&payload);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// The offset of the first `FF <marker>` in a JPEG.
fn find_marker(jpeg: &[u8], marker: u8) -> usize {
    jpeg.windows(2)
        .position(|w| w == [0xFF, marker])
        .expect("the marker is present")
}

/// A JPEG whose frame header (SOF0) declares `width`x`height`, the rest unchanged.
pub fn jpeg_declaring(jpeg: &[u8], width: u16, height: u16) -> Vec<u8> {
    let mut out = jpeg.to_vec();
    let sof = find_marker(&out, 0xC0);
    out[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
    out[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
    out
}

/// Deterministic noise bytes, never 0xFF (so they cannot form JPEG markers).
pub fn noise(length: usize, seed: u32) -> Vec<u8> {
    let mut state = seed | 1;
    (0..length)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state % 255) as u8
        })
        .collect()
}

/// A JPEG with intact headers whose entropy-coded data is replaced by noise.
pub fn jpeg_with_garbage_scan(jpeg: &[u8]) -> Vec<u8> {
    let sos = find_marker(jpeg, 0xDA);
    let header_length = usize::from(u16::from_be_bytes([jpeg[sos + 2], jpeg[sos + 3]]));
    let scan_start = sos + 2 + header_length;
    let mut out = jpeg[..scan_start].to_vec();
    out.extend(noise(jpeg.len() - scan_start, 7));
    out.extend_from_slice(&[0xFF, 0xD9]);
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut chunk = u32::try_from(data.len()).unwrap().to_be_bytes().to_vec();
    let mut body = kind.to_vec();
    body.extend_from_slice(data);
    chunk.extend_from_slice(&body);
    chunk.extend_from_slice(&crc32(&body).to_be_bytes());
    chunk
}

/// A structurally valid PNG (correct CRCs) of `width`x`height` 8-bit RGBA whose IDAT holds
/// `idat` verbatim.
pub fn png_with_idat(width: u32, height: u32, idat: &[u8]) -> Vec<u8> {
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]); // 8-bit RGBA, deflate, adaptive filter, no interlace
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(png_chunk(b"IHDR", &ihdr));
    out.extend(png_chunk(b"IDAT", idat));
    out.extend(png_chunk(b"IEND", &[]));
    out
}

/// The chunks of a PNG or the RIFF chunks of a WebP body: (kind, data).
fn chunks(mut bytes: &[u8], big_endian: bool) -> Vec<([u8; 4], Vec<u8>)> {
    let mut found = Vec::new();
    while bytes.len() >= 8 {
        let length: [u8; 4] = bytes[..4].try_into().unwrap();
        let (kind, length) = if big_endian {
            (bytes[4..8].try_into().unwrap(), u32::from_be_bytes(length))
        } else {
            let kind = length;
            (kind, u32::from_le_bytes(bytes[4..8].try_into().unwrap()))
        };
        let length = length as usize;
        found.push((kind, bytes[8..8 + length].to_vec()));
        // PNG chunks end with a CRC; RIFF chunks are padded to an even length.
        let skip = if big_endian { 4 } else { length % 2 };
        bytes = &bytes[(8 + length + skip).min(bytes.len())..];
    }
    found
}

fn png_idat(png: &[u8]) -> Vec<u8> {
    chunks(&png[8..], true)
        .into_iter()
        .filter(|(kind, _)| kind == b"IDAT")
        .flat_map(|(_, data)| data)
        .collect()
}

fn frame_control(sequence: u32, width: u32, height: u32) -> Vec<u8> {
    let mut fctl = sequence.to_be_bytes().to_vec();
    for value in [width, height, 0, 0] {
        fctl.extend_from_slice(&value.to_be_bytes());
    }
    fctl.extend_from_slice(&[0, 1, 0, 10, 0, 0]); // 1/10 s, no disposal, source blend
    fctl
}

/// An APNG of two RGBA frames of the same size; the first is also the default image.
pub fn apng_of(first: &RgbaImage, second: &RgbaImage) -> Vec<u8> {
    let (width, height) = first.dimensions();
    let first_png = png_of(&DynamicImage::ImageRgba8(first.clone()));
    let second_png = png_of(&DynamicImage::ImageRgba8(second.clone()));
    let ihdr = chunks(&first_png[8..], true)
        .into_iter()
        .find(|(kind, _)| kind == b"IHDR")
        .unwrap()
        .1;
    let mut actl = 2u32.to_be_bytes().to_vec();
    actl.extend_from_slice(&0u32.to_be_bytes());
    let mut fdat = 2u32.to_be_bytes().to_vec();
    fdat.extend(png_idat(&second_png));

    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(png_chunk(b"IHDR", &ihdr));
    out.extend(png_chunk(b"acTL", &actl));
    out.extend(png_chunk(b"fcTL", &frame_control(0, width, height)));
    out.extend(png_chunk(b"IDAT", &png_idat(&first_png)));
    out.extend(png_chunk(b"fcTL", &frame_control(1, width, height)));
    out.extend(png_chunk(b"fdAT", &fdat));
    out.extend(png_chunk(b"IEND", &[]));
    out
}

fn riff_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut chunk = kind.to_vec();
    chunk.extend_from_slice(&u32::try_from(data.len()).unwrap().to_le_bytes());
    chunk.extend_from_slice(data);
    if data.len() % 2 == 1 {
        chunk.push(0);
    }
    chunk
}

fn u24(value: u32) -> [u8; 3] {
    let [a, b, c, _] = value.to_le_bytes();
    [a, b, c]
}

/// An animated WebP (VP8X + ANIM + one ANMF per frame) of lossless frames of the same size.
pub fn animated_webp_of(frames: &[RgbaImage]) -> Vec<u8> {
    let (width, height) = frames[0].dimensions();
    let mut vp8x = vec![0x02 | 0x10, 0, 0, 0]; // animation, alpha
    vp8x.extend_from_slice(&u24(width - 1));
    vp8x.extend_from_slice(&u24(height - 1));
    let mut body = b"WEBP".to_vec();
    body.extend(riff_chunk(b"VP8X", &vp8x));
    body.extend(riff_chunk(b"ANIM", &[0, 0, 0, 0, 0, 0]));
    for frame in frames {
        let single = webp_of(frame);
        let (_, vp8l) = chunks(&single[12..], false)
            .into_iter()
            .find(|(kind, _)| kind == b"VP8L")
            .unwrap();
        let mut anmf = Vec::new();
        for value in [0, 0, width - 1, height - 1, 100] {
            anmf.extend_from_slice(&u24(value));
        }
        anmf.push(0b10); // no blending, no disposal
        anmf.extend(riff_chunk(b"VP8L", &vp8l));
        body.extend(riff_chunk(b"ANMF", &anmf));
    }
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&u32::try_from(body.len()).unwrap().to_le_bytes());
    out.extend(body);
    out
}
