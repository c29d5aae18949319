//! Inputs for the hot-path benchmarks, made when the bench starts: photo-like pictures in the
//! four accepted formats, a ~5 MB camera-like JPEG carrying EXIF (with GPS), XMP and a comment,
//! and tag fields as clients send them.
//!
//! Everything is generated rather than checked in so the repository carries no binary fixtures
//! and the inputs are the same on every machine.

use image::codecs::gif::GifEncoder;
use image::codecs::png::PngEncoder;
use image::codecs::webp::WebPEncoder;
use image::{ExtendedColorType, ImageEncoder, RgbImage};
use jpeg_encoder::{ColorType, Encoder, SamplingFactor};

/// A tag field as a person types it: odd spacing, mixed case, a duplicate, non-ASCII letters.
pub const SHORT_TAG_FIELD: &str = "Beach, sunset,  Summer-2026,beach, ÉTÉ";

/// A field at the 20-tag limit, the longest an upload may carry.
pub const TWENTY_TAG_FIELD: &str = "Travel, beach, Sunset ,summer-2026, ÉTÉ, family, \
     kids,dog, Holiday_Album, sea, sand ,waves, Portugal, algarve, lagos, 2026, July, \
     golden-hour, Canon, RAW-edit";

/// A photo-like picture: smooth gradients under sensor-like noise, so that encoders produce as
/// many bytes as they would for a real photo, not the near-empty stream of a flat image.
pub fn photo(width: u32, height: u32) -> RgbImage {
    let mut noise = xorshift(0x9E37_79B9);
    let mut image = RgbImage::new(width, height);
    for (x, y, pixel) in image.enumerate_pixels_mut() {
        let (fx, fy) = (x as f32 / width as f32, y as f32 / height as f32);
        let wave = ((fx * 37.0).sin() * (fy * 23.0).cos() * 60.0) as i32;
        let sky = (fy * 160.0) as i32;
        let mut channel = |base: i32| (base + (noise() % 25) as i32 - 12).clamp(0, 255) as u8;
        pixel.0 = [
            channel(60 + (fx * 150.0) as i32 + wave),
            channel(90 + sky / 2 - wave / 2),
            channel(200 - sky + wave / 3),
        ];
    }
    image
}

/// xorshift32: deterministic, dependency-free noise.
fn xorshift(mut state: u32) -> impl FnMut() -> u32 {
    move || {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        state
    }
}

/// The picture in each accepted format, as an upload would arrive.
pub fn every_format(picture: &RgbImage) -> Vec<(&'static str, Vec<u8>)> {
    let (width, height) = picture.dimensions();
    let raw = picture.as_raw();
    let mut png = Vec::new();
    PngEncoder::new(&mut png)
        .write_image(raw, width, height, ExtendedColorType::Rgb8)
        .unwrap();
    let mut gif = Vec::new();
    // Speed 10 (of 1-30) keeps the palette search short; the bytes still look like a GIF photo.
    GifEncoder::new_with_speed(&mut gif, 10)
        .encode(raw, width, height, ExtendedColorType::Rgb8)
        .unwrap();
    let mut webp = Vec::new();
    WebPEncoder::new_lossless(&mut webp)
        .encode(raw, width, height, ExtendedColorType::Rgb8)
        .unwrap();
    vec![
        ("jpeg", jpeg(picture, 90, SamplingFactor::R_4_2_0)),
        ("png", png),
        ("gif", gif),
        ("webp", webp),
    ]
}

/// The picture as a baseline JPEG with the given quality and chroma sampling.
pub fn jpeg(picture: &RgbImage, quality: u8, sampling: SamplingFactor) -> Vec<u8> {
    let (width, height) = picture.dimensions();
    let mut out = Vec::new();
    let mut encoder = Encoder::new(&mut out, quality);
    encoder.set_sampling_factor(sampling);
    encoder
        .encode(
            picture.as_raw(),
            u16::try_from(width).unwrap(),
            u16::try_from(height).unwrap(),
            ColorType::Rgb,
        )
        .unwrap();
    out
}

/// A 12-megapixel quality-90 JPEG with full-resolution chroma (about 5.3 MB, a large phone or
/// camera upload), carrying what stripping removes: a camera's EXIF block with GPS position and
/// a maker note, an XMP packet, and a comment.
pub fn camera_jpeg() -> Vec<u8> {
    let plain = jpeg(&photo(4000, 3000), 90, SamplingFactor::R_4_4_4);
    let xmp = format!(
        "http://ns.adobe.com/xap/1.0/\0<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF>\
         <rdf:Description exif:GPSLatitude='37,5.4N' exif:GPSLongitude='8,40.2W'>{}\
         </rdf:Description></rdf:RDF></x:xmpmeta>",
        " ".repeat(2048)
    );
    let segments = [
        jpeg_segment(0xE1, &[b"Exif\0\0".as_slice(), &camera_exif()].concat()),
        jpeg_segment(0xE1, xmp.as_bytes()),
        jpeg_segment(0xFE, b"Shot on holiday - not for sharing"),
    ];
    after_jfif(&plain, &segments)
}

/// A little-endian EXIF (TIFF) block shaped like a camera's: make, model, orientation 6 and
/// date in IFD0, a GPS IFD with latitude, longitude and altitude, and a 16 KiB maker note, so
/// the block is as large as real ones and the stripper has an orientation to carry over.
fn camera_exif() -> Vec<u8> {
    const ASCII: u16 = 2;
    const SHORT: u16 = 3;
    const LONG: u16 = 4;
    const RATIONAL: u16 = 5;
    const UNDEFINED: u16 = 7;
    let rationals = |values: &[(u32, u32)]| -> Vec<u8> {
        values
            .iter()
            .flat_map(|(n, d)| [n.to_le_bytes(), d.to_le_bytes()].concat())
            .collect()
    };
    let mut noise = xorshift(0x1234_5678);
    let maker_note: Vec<u8> = (0..16 * 1024).map(|_| noise() as u8).collect();
    let gps = vec![
        Entry::new(0x0000, 1, 4, vec![2, 3, 0, 0]),
        Entry::new(0x0001, ASCII, 2, b"N\0".to_vec()),
        Entry::new(
            0x0002,
            RATIONAL,
            3,
            rationals(&[(37, 1), (5, 1), (2412, 100)]),
        ),
        Entry::new(0x0003, ASCII, 2, b"W\0".to_vec()),
        Entry::new(
            0x0004,
            RATIONAL,
            3,
            rationals(&[(8, 1), (40, 1), (1230, 100)]),
        ),
        Entry::new(0x0006, RATIONAL, 1, rationals(&[(1250, 100)])),
    ];
    let ifd0_len = 7;
    let gps_at = 8 + ifd_size(ifd0_len);
    let ifd0 = vec![
        Entry::ascii(0x010F, "Canon"),
        Entry::ascii(0x0110, "Canon EOS R6"),
        Entry::new(0x0112, SHORT, 1, 6u16.to_le_bytes().to_vec()),
        Entry::ascii(0x0132, "2026:07:14 20:41:07"),
        Entry::new(0x8825, LONG, 1, gps_at.to_le_bytes().to_vec()),
        Entry::new(0x927C, UNDEFINED, 16 * 1024, maker_note),
        Entry::ascii(0xA430, "Holiday camera"),
    ];
    assert_eq!(ifd0.len(), ifd0_len);

    let mut tiff = b"II*\0".to_vec();
    tiff.extend_from_slice(&8u32.to_le_bytes());
    // Values longer than four bytes live after both IFDs, in one data area.
    let mut data = Vec::new();
    let data_at = gps_at + ifd_size(gps.len());
    write_ifd(&mut tiff, &ifd0, &mut data, data_at);
    write_ifd(&mut tiff, &gps, &mut data, data_at);
    tiff.extend_from_slice(&data);
    tiff
}

/// One TIFF directory entry; `value` is stored in place when it fits four bytes.
struct Entry {
    tag: u16,
    kind: u16,
    count: u32,
    value: Vec<u8>,
}

impl Entry {
    fn new(tag: u16, kind: u16, count: u32, value: Vec<u8>) -> Entry {
        Entry {
            tag,
            kind,
            count,
            value,
        }
    }

    fn ascii(tag: u16, text: &str) -> Entry {
        let value = [text.as_bytes(), b"\0"].concat();
        Entry::new(tag, 2, u32::try_from(value.len()).unwrap(), value)
    }
}

/// Bytes of an IFD with `entries` entries: count, entries, next-IFD offset.
fn ifd_size(entries: usize) -> u32 {
    u32::try_from(2 + entries * 12 + 4).unwrap()
}

fn write_ifd(tiff: &mut Vec<u8>, entries: &[Entry], data: &mut Vec<u8>, data_at: u32) {
    tiff.extend_from_slice(&u16::try_from(entries.len()).unwrap().to_le_bytes());
    for entry in entries {
        tiff.extend_from_slice(&entry.tag.to_le_bytes());
        tiff.extend_from_slice(&entry.kind.to_le_bytes());
        tiff.extend_from_slice(&entry.count.to_le_bytes());
        if entry.value.len() <= 4 {
            let mut field = [0; 4];
            field[..entry.value.len()].copy_from_slice(&entry.value);
            tiff.extend_from_slice(&field);
        } else {
            let offset = data_at + u32::try_from(data.len()).unwrap();
            tiff.extend_from_slice(&offset.to_le_bytes());
            data.extend_from_slice(&entry.value);
            // TIFF offsets are word-aligned.
            if data.len() % 2 == 1 {
                data.push(0);
            }
        }
    }
    tiff.extend_from_slice(&0u32.to_le_bytes());
}

fn jpeg_segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![0xFF, marker];
    out.extend_from_slice(&u16::try_from(payload.len() + 2).unwrap().to_be_bytes());
    out.extend_from_slice(payload);
    out
}

/// `jpeg` with `segments` inserted after SOI and the JFIF APP0, where cameras put EXIF.
fn after_jfif(jpeg: &[u8], segments: &[Vec<u8>]) -> Vec<u8> {
    let mut at = 2;
    if jpeg[2..4] == [0xFF, 0xE0] {
        at += 2 + usize::from(u16::from_be_bytes([jpeg[4], jpeg[5]]));
    }
    [&jpeg[..at], &segments.concat(), &jpeg[at..]].concat()
}
