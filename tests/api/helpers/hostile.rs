//! Hand-crafted bytes an image host must refuse or defuse: other formats (415), broken or
//! oversized images of accepted formats (422), and polyglots (an image with a page or an archive
//! riding behind it).

use super::fixtures::{crc32, gif_animated, jpeg, png, png_chunk, webp_lossless};

/// An SVG with a script: XML, not a raster image.
pub fn svg() -> Vec<u8> {
    br#"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script><rect width="10" height="10"/></svg>
"#
    .to_vec()
}

/// An HTML page with a script.
pub fn html() -> Vec<u8> {
    b"<!DOCTYPE html>\n<html><head><title>x</title></head><body><script>alert(document.cookie)</script></body></html>\n".to_vec()
}

/// A valid 2×2 24-bit BMP.
pub fn bmp() -> Vec<u8> {
    let pixel_bytes: u32 = 16; // two rows of 6 bytes, each padded to 8
    let mut out = Vec::new();
    out.extend_from_slice(b"BM");
    out.extend_from_slice(&(54 + pixel_bytes).to_le_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(&54u32.to_le_bytes());
    out.extend_from_slice(&40u32.to_le_bytes());
    out.extend_from_slice(&2i32.to_le_bytes());
    out.extend_from_slice(&2i32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&24u16.to_le_bytes());
    out.extend_from_slice(&[0; 4]); // no compression
    out.extend_from_slice(&pixel_bytes.to_le_bytes());
    out.extend_from_slice(&[0; 16]); // resolution and palette counts
    out.extend_from_slice(&[0xFF; 16]);
    out
}

/// A minimal PDF.
pub fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec()
}

/// A little-endian TIFF header with one IFD describing a 1×1 image.
pub fn tiff() -> Vec<u8> {
    let mut out = b"II*\0".to_vec();
    out.extend_from_slice(&8u32.to_le_bytes());
    let entries: [(u16, u16, u32, u32); 4] = [
        (256, 3, 1, 1),                  // ImageWidth
        (257, 3, 1, 1),                  // ImageLength
        (273, 4, 1, 8 + 2 + 4 * 12 + 4), // StripOffsets
        (279, 4, 1, 1),                  // StripByteCounts
    ];
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    for (tag, kind, count, value) in entries {
        out.extend_from_slice(&tag.to_le_bytes());
        out.extend_from_slice(&kind.to_le_bytes());
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&value.to_le_bytes());
    }
    out.extend_from_slice(&0u32.to_le_bytes());
    out.push(0x80);
    out
}

/// Plain text.
pub fn text() -> Vec<u8> {
    b"hello, this is not an image\n".to_vec()
}

/// Bytes of no known format at all.
pub fn unknown_binary() -> Vec<u8> {
    (0u8..=255).rev().cycle().take(600).collect()
}

/// A 64×64 PNG cut in the middle of its image data.
pub fn truncated_png() -> Vec<u8> {
    let mut bytes = png(64, 64);
    bytes.truncate(bytes.len() / 2);
    bytes
}

/// A PNG whose IDAT does not inflate (a valid signature and IHDR, garbage data, valid CRCs).
pub fn corrupt_png() -> Vec<u8> {
    let whole = png(16, 16);
    let mut out = whole[..33].to_vec(); // signature + IHDR
    out.extend(png_chunk(
        b"IDAT",
        &[0xDE, 0xAD, 0xBE, 0xEF, 0x00, 0x11, 0x22],
    ));
    out.extend(png_chunk(b"IEND", &[]));
    out
}

/// A decompression bomb: a PNG declaring 100000×100000 pixels with a few bytes of data.
pub fn png_bomb() -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB, no interlace
    out.extend(png_chunk(b"IHDR", &ihdr));
    // A zlib stream of one stored, empty block: a tiny body for a huge canvas.
    out.extend(png_chunk(
        b"IDAT",
        &[
            0x78, 0x01, 0x01, 0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x01,
        ],
    ));
    out.extend(png_chunk(b"IEND", &[]));
    out
}

/// A JPEG cut before its scan: all headers, no image data.
pub fn truncated_jpeg() -> Vec<u8> {
    let bytes = jpeg(32, 32);
    let sos = bytes
        .windows(2)
        .position(|pair| pair == [0xFF, 0xDA])
        .expect("the encoder writes a scan");
    bytes[..sos].to_vec()
}

/// A JPEG start marker followed by garbage.
pub fn garbage_jpeg() -> Vec<u8> {
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE0];
    out.extend_from_slice(&[0x13; 200]);
    out
}

/// A GIF cut after its logical screen descriptor: no frame at all.
pub fn truncated_gif() -> Vec<u8> {
    gif_animated(16, 16, 2)[..13].to_vec()
}

/// A lossless WebP cut in the middle of its bitstream.
pub fn truncated_webp() -> Vec<u8> {
    let mut bytes = webp_lossless(64, 64);
    bytes.truncate(bytes.len() / 2);
    bytes
}

/// A real JPEG whose frame header (SOF0) is patched to declare 60000×60000: a decoder trusting
/// it would allocate 10 GB.
pub fn jpeg_bomb() -> Vec<u8> {
    let mut bytes = jpeg(16, 16);
    let sof = bytes
        .windows(2)
        .position(|pair| pair == [0xFF, 0xC0])
        .expect("the encoder writes a baseline frame header");
    // FF C0, length (2), precision (1), then height and width (2 each).
    bytes[sof + 5..sof + 7].copy_from_slice(&60_000u16.to_be_bytes());
    bytes[sof + 7..sof + 9].copy_from_slice(&60_000u16.to_be_bytes());
    bytes
}

/// A GIF of `frames` one-pixel frames, each a few bytes: thousands of frames in a small file.
pub fn gif_frame_flood(frames: u32) -> Vec<u8> {
    let mut out = b"GIF89a".to_vec();
    out.extend_from_slice(&[1, 0, 1, 0, 0x80, 0, 0]); // 1×1, a global table of 2 colours
    out.extend_from_slice(&[0, 0, 0, 255, 255, 255]);
    for _ in 0..frames {
        out.extend_from_slice(&[0x21, 0xF9, 4, 0, 1, 0, 0, 0]); // graphic control: 10 ms
        out.extend_from_slice(&[0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0]); // 1×1 frame
        out.extend_from_slice(&[2, 2, 0x44, 0x01, 0]); // LZW: one pixel
    }
    out.push(0x3B);
    out
}

/// A polyglot: a real JPEG followed by an HTML page with a script, which a browser sniffing the
/// bytes could take for a page.
pub fn jpeg_then_html() -> Vec<u8> {
    let mut out = jpeg(16, 16);
    out.extend(html());
    out
}

/// A "GIFAR": a real GIF with a ZIP archive (a JAR) appended, which Java would run as an applet.
pub fn gif_then_zip() -> Vec<u8> {
    let mut out = gif_animated(8, 8, 1);
    out.extend(zip_archive(
        "META-INF/MANIFEST.MF",
        b"Manifest-Version: 1.0\r\n",
    ));
    out
}

/// An HTML page that carries a PNG after it: sniffed from its first bytes, it is no image.
pub fn html_then_png() -> Vec<u8> {
    let mut out = html();
    out.extend(png(4, 4));
    out
}

/// A one-entry ZIP archive, stored (not compressed): local header, data, central directory and
/// end record, as every unzip tool reads them.
pub fn zip_archive(name: &str, data: &[u8]) -> Vec<u8> {
    let crc = crc32(data).to_le_bytes();
    let size = u32::try_from(data.len())
        .expect("a small entry")
        .to_le_bytes();
    let name_len = u16::try_from(name.len())
        .expect("a short name")
        .to_le_bytes();
    let mut out = b"PK\x03\x04".to_vec();
    out.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]); // version, flags, stored, time, date
    out.extend_from_slice(&crc);
    out.extend_from_slice(&size);
    out.extend_from_slice(&size);
    out.extend_from_slice(&name_len);
    out.extend_from_slice(&[0, 0]);
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(data);
    let directory_at = u32::try_from(out.len())
        .expect("a small archive")
        .to_le_bytes();
    let mut directory = b"PK\x01\x02".to_vec();
    directory.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    directory.extend_from_slice(&crc);
    directory.extend_from_slice(&size);
    directory.extend_from_slice(&size);
    directory.extend_from_slice(&name_len);
    directory.extend_from_slice(&[0; 12]); // extra, comment, disk, attributes
    directory.extend_from_slice(&[0, 0, 0, 0]); // local header at 0
    directory.extend_from_slice(name.as_bytes());
    let directory_len = u32::try_from(directory.len()).expect("small").to_le_bytes();
    out.extend(directory);
    out.extend_from_slice(b"PK\x05\x06");
    out.extend_from_slice(&[0, 0, 0, 0, 1, 0, 1, 0]);
    out.extend_from_slice(&directory_len);
    out.extend_from_slice(&directory_at);
    out.extend_from_slice(&[0, 0]);
    out
}

/// Whether `needle` occurs in `haystack`.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}
