//! Seed images: real files from the `image` crate's encoders, the same with metadata spliced in
//! (EXIF with orientation and GPS, XMP, ICC, comments), and inputs on the edges of each format.

use image::codecs::gif::{GifEncoder, Repeat};
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::codecs::webp::WebPEncoder;
use image::{Delay, ExtendedColorType, Frame, ImageEncoder, Rgba, RgbaImage};

pub type Seed = (String, Vec<u8>);

/// Valid images, plain and carrying metadata.
pub fn images() -> Vec<Seed> {
    let jpeg = encode_jpeg(8, 8);
    let png = encode_png(8, 8);
    let gif = encode_gif(8, 8, 2);
    let webp = encode_webp(8, 8);
    let exif = exif_with_gps(6);
    let xmp = b"<x:xmpmeta xmlns:x='adobe:ns:meta/'>secret</x:xmpmeta>".to_vec();
    vec![
        ("plain.jpg".into(), jpeg.clone()),
        (
            "metadata.jpg".into(),
            jpeg_with(
                &jpeg,
                &[
                    jpeg_segment(0xE1, &[b"Exif\0\0".as_slice(), &exif].concat()),
                    jpeg_segment(
                        0xE1,
                        &[b"http://ns.adobe.com/xap/1.0/\0".as_slice(), &xmp].concat(),
                    ),
                    jpeg_segment(
                        0xE2,
                        &[b"ICC_PROFILE\0\x01\x01".as_slice(), &[0; 16]].concat(),
                    ),
                    jpeg_segment(0xED, b"Photoshop 3.0\08BIM\x04\x04\0\0\0\0\0\0"),
                    jpeg_segment(0xFE, b"a comment"),
                ],
            ),
        ),
        ("plain.png".into(), png.clone()),
        (
            "metadata.png".into(),
            png_with(
                &png,
                &[
                    png_chunk(b"eXIf", &exif),
                    png_chunk(b"tEXt", b"Comment\0secret"),
                    png_chunk(
                        b"iTXt",
                        &[b"XML:com.adobe.xmp\0\0\0\0\0".as_slice(), &xmp].concat(),
                    ),
                ],
            ),
        ),
        ("animated.gif".into(), gif.clone()),
        (
            "metadata.gif".into(),
            gif_with(
                &gif,
                &[
                    gif_extension(0xFE, &[], b"a comment"),
                    gif_extension(0xFF, b"XMP DataXMP", &xmp),
                ],
            ),
        ),
        ("lossless.webp".into(), webp.clone()),
        ("metadata.webp".into(), webp_extended(&webp, &exif, &xmp)),
    ]
}

/// Inputs the parsers must refuse, or accept, without a slip.
pub fn edge_cases() -> Vec<Seed> {
    let png = encode_png(8, 8);
    let jpeg = encode_jpeg(8, 8);
    let mut bomb_png = png.clone();
    // IHDR width and height (offsets 16 and 20) set to 100000 × 100000, CRC recomputed.
    bomb_png[16..20].copy_from_slice(&100_000_u32.to_be_bytes());
    bomb_png[20..24].copy_from_slice(&100_000_u32.to_be_bytes());
    let crc = crc32(&bomb_png[12..29]);
    bomb_png[29..33].copy_from_slice(&crc.to_be_bytes());
    vec![
        ("truncated.png".into(), png[..png.len() / 2].to_vec()),
        ("truncated.jpg".into(), jpeg[..jpeg.len() / 2].to_vec()),
        ("bomb.png".into(), bomb_png),
        ("signature-only.gif".into(), b"GIF89a".to_vec()),
        ("riff-wave".into(), b"RIFF\x24\0\0\0WAVEfmt ".to_vec()),
        (
            "image.svg".into(),
            b"<?xml version='1.0'?>\n<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec(),
        ),
        (
            "page.html".into(),
            b"\xEF\xBB\xBF  <!DOCTYPE html><html></html>".to_vec(),
        ),
        ("doc.pdf".into(), b"%PDF-1.7\n".to_vec()),
        ("image.avif".into(), b"\0\0\0\x1CftypavifXXXX".to_vec()),
        (
            "jpeg-exif-only".into(),
            [
                b"\xFF\xD8".as_slice(),
                &jpeg_segment(0xE1, &[b"Exif\0\0".as_slice(), &exif_with_gps(8)].concat()),
            ]
            .concat(),
        ),
    ]
}

/// A deterministic picture with some structure.
fn picture(width: u32, height: u32, seed: u8) -> RgbaImage {
    RgbaImage::from_fn(width, height, |x, y| {
        let mix = |a: u32, b: u32| ((a * 37 + b * 11 + u32::from(seed)) % 256) as u8;
        Rgba([
            mix(x, y),
            mix(y, x),
            mix(x + y, seed.into()),
            255 - mix(x, 3) / 4,
        ])
    })
}

fn encode_jpeg(width: u32, height: u32) -> Vec<u8> {
    let rgb = image::DynamicImage::ImageRgba8(picture(width, height, 1)).to_rgb8();
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 50)
        .encode(rgb.as_raw(), width, height, ExtendedColorType::Rgb8)
        .expect("encoding a JPEG");
    out
}

fn encode_png(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    PngEncoder::new(&mut out)
        .write_image(
            picture(width, height, 2).as_raw(),
            width,
            height,
            ExtendedColorType::Rgba8,
        )
        .expect("encoding a PNG");
    out
}

fn encode_gif(width: u32, height: u32, frames: u8) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = GifEncoder::new(&mut out);
        encoder.set_repeat(Repeat::Infinite).expect("a GIF loop");
        let frames = (0..frames).map(|seed| {
            let delay = Delay::from_numer_denom_ms(100, 1);
            Frame::from_parts(picture(width, height, seed.wrapping_mul(40)), 0, 0, delay)
        });
        encoder.encode_frames(frames).expect("encoding a GIF");
    }
    out
}

fn encode_webp(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    WebPEncoder::new_lossless(&mut out)
        .encode(
            picture(width, height, 3).as_raw(),
            width,
            height,
            ExtendedColorType::Rgba8,
        )
        .expect("encoding a WebP");
    out
}

/// A little-endian TIFF block: IFD0 with an orientation and a GPS IFD holding a latitude ref.
fn exif_with_gps(orientation: u16) -> Vec<u8> {
    let mut tiff = b"II*\0".to_vec();
    tiff.extend_from_slice(&8u32.to_le_bytes());
    // IFD0 at 8: two entries (12 bytes each), then the next-IFD offset; the GPS IFD follows.
    let gps_at: u32 = 8 + 2 + 2 * 12 + 4;
    tiff.extend_from_slice(&2u16.to_le_bytes());
    entry(&mut tiff, 0x0112, 3, 1, &orientation.to_le_bytes());
    entry(&mut tiff, 0x8825, 4, 1, &gps_at.to_le_bytes());
    tiff.extend_from_slice(&0u32.to_le_bytes());
    tiff.extend_from_slice(&1u16.to_le_bytes());
    entry(&mut tiff, 0x0001, 2, 2, b"N\0");
    tiff.extend_from_slice(&0u32.to_le_bytes());
    tiff
}

fn entry(tiff: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: &[u8]) {
    tiff.extend_from_slice(&tag.to_le_bytes());
    tiff.extend_from_slice(&kind.to_le_bytes());
    tiff.extend_from_slice(&count.to_le_bytes());
    let mut field = [0; 4];
    field[..value.len()].copy_from_slice(value);
    tiff.extend_from_slice(&field);
}

fn jpeg_segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![0xFF, marker];
    out.extend_from_slice(
        &u16::try_from(payload.len() + 2)
            .expect("a short segment")
            .to_be_bytes(),
    );
    out.extend_from_slice(payload);
    out
}

/// `jpeg` with `segments` after SOI and the JFIF APP0, where EXIF belongs.
fn jpeg_with(jpeg: &[u8], segments: &[Vec<u8>]) -> Vec<u8> {
    let mut at = 2;
    if jpeg[2..4] == [0xFF, 0xE0] {
        at += 2 + usize::from(u16::from_be_bytes([jpeg[4], jpeg[5]]));
    }
    [&jpeg[..at], &segments.concat(), &jpeg[at..]].concat()
}

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = u32::try_from(data.len())
        .expect("a short chunk")
        .to_be_bytes()
        .to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[4..]);
    out.extend_from_slice(&crc.to_be_bytes());
    out
}

/// `png` with `chunks` right after IHDR (signature 8 bytes, IHDR chunk 25).
fn png_with(png: &[u8], chunks: &[Vec<u8>]) -> Vec<u8> {
    [&png[..33], &chunks.concat(), &png[33..]].concat()
}

fn gif_extension(label: u8, first: &[u8], data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x21, label];
    if !first.is_empty() {
        out.push(u8::try_from(first.len()).expect("a short block"));
        out.extend_from_slice(first);
    }
    for block in data.chunks(255) {
        out.push(u8::try_from(block.len()).expect("a sub-block"));
        out.extend_from_slice(block);
    }
    out.push(0);
    out
}

/// `gif` with `extensions` before its first block (after the header and global colour table).
fn gif_with(gif: &[u8], extensions: &[Vec<u8>]) -> Vec<u8> {
    let flags = gif[10];
    let table = if flags & 0x80 != 0 {
        3 << ((flags & 7) + 1)
    } else {
        0
    };
    let at = 13 + table;
    [&gif[..at], &extensions.concat(), &gif[at..]].concat()
}

fn riff_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = kind.to_vec();
    out.extend_from_slice(
        &u32::try_from(data.len())
            .expect("a short chunk")
            .to_le_bytes(),
    );
    out.extend_from_slice(data);
    if data.len() % 2 == 1 {
        out.push(0);
    }
    out
}

/// The lossless `webp` rewrapped as an extended file (VP8X) with EXIF and XMP chunks.
fn webp_extended(webp: &[u8], exif: &[u8], xmp: &[u8]) -> Vec<u8> {
    let vp8l = &webp[12..];
    // VP8L header: width-1 in 14 bits, height-1 in the next 14, after the 0x2F signature.
    let bits = u32::from_le_bytes([vp8l[9], vp8l[10], vp8l[11], vp8l[12]]);
    let width = (bits & 0x3FFF) + 1;
    let height = ((bits >> 14) & 0x3FFF) + 1;
    let mut vp8x = vec![0x1C, 0, 0, 0]; // alpha, EXIF and XMP flags
    vp8x.extend_from_slice(&(width - 1).to_le_bytes()[..3]);
    vp8x.extend_from_slice(&(height - 1).to_le_bytes()[..3]);
    let body = [
        b"WEBP".as_slice(),
        &riff_chunk(b"VP8X", &vp8x),
        vp8l,
        &riff_chunk(b"EXIF", exif),
        &riff_chunk(b"XMP ", xmp),
    ]
    .concat();
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(
        &u32::try_from(body.len())
            .expect("a small file")
            .to_le_bytes(),
    );
    out.extend(body);
    out
}

/// CRC-32 (IEEE), as PNG chunks carry.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFF_u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}
