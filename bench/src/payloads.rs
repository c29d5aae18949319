//! What the uploads carry: real JPEGs, encoded when the bench starts, each sent with a comment
//! segment of its own so that no two request bodies are the same (nothing along the way can
//! cache or deduplicate them).

use anyhow::{Context, Result, ensure};
use bytes::{BufMut, Bytes, BytesMut};
use jpeg_encoder::{ColorType, Encoder, SamplingFactor};

/// The multipart boundary of every upload body.
pub const BOUNDARY: &str = "lightbox-bench-boundary-7d1f0c";

/// A few different photo-like JPEGs of about the same size, used in turn.
#[derive(Debug, Clone)]
pub struct Corpus {
    jpegs: Vec<Bytes>,
}

impl Corpus {
    /// Four JPEGs of about 250 KB (1024×768 and nearby sizes, quality 88, 4:2:0 like a camera).
    pub fn photos_250kb() -> Result<Self> {
        let sizes = [(1024, 768), (960, 800), (1100, 700), (900, 900)];
        let jpegs = sizes
            .iter()
            .zip(1u32..)
            .map(|(&(width, height), seed)| {
                encode(&photo(width, height, seed), width, height, 88).map(Bytes::from)
            })
            .collect::<Result<_>>()?;
        Ok(Self { jpegs })
    }

    /// One JPEG of just under 10 MiB: a 12-megapixel photo at quality 97, padded with comment
    /// segments to `total` bytes (comment segments included in the request's own varying one).
    pub fn photo_of_size(total: usize) -> Result<Self> {
        let (width, height) = (4000, 3000);
        let mut jpeg = encode(&photo(width, height, 7), width, height, 97)?;
        // The per-request comment adds COMMENT_SEGMENT_BYTES; the padding makes up the rest.
        let target = total - COMMENT_SEGMENT_BYTES;
        ensure!(
            jpeg.len() <= target,
            "the encoded photo ({} bytes) is already over {target} bytes",
            jpeg.len()
        );
        // Each padding segment is 4 bytes of marker and length plus at most 65,533 of payload:
        // the fewest segments that hold the difference, with the payload split evenly.
        let missing = target - jpeg.len();
        let segments = missing.div_ceil(65_537);
        ensure!(missing >= 4 * segments, "{missing} bytes cannot be padded");
        let payload = missing - 4 * segments;
        let mut padding = Vec::with_capacity(missing);
        for index in 0..segments {
            let share = payload / segments + usize::from(index < payload % segments);
            padding.extend_from_slice(&comment_segment(&vec![b'.'; share])?);
        }
        jpeg.splice(2..2, padding);
        Ok(Self {
            jpegs: vec![Bytes::from(jpeg)],
        })
    }

    /// The `n`th file: the corpus's JPEGs in turn, with a comment segment naming `n` inserted
    /// after the start-of-image marker.
    pub fn file(&self, n: u64) -> Bytes {
        let jpeg = &self.jpegs[(n % self.jpegs.len() as u64) as usize];
        let mut text = [b' '; COMMENT_SEGMENT_BYTES - 4];
        let label = format!("lightbox-bench upload {n:020}");
        text[..label.len()].copy_from_slice(label.as_bytes());
        let mut file = BytesMut::with_capacity(jpeg.len() + COMMENT_SEGMENT_BYTES);
        file.put_slice(&jpeg[..2]);
        file.put_slice(&[0xFF, 0xFE]);
        file.put_u16(u16::try_from(text.len() + 2).unwrap_or(u16::MAX));
        file.put_slice(&text);
        file.put_slice(&jpeg[2..]);
        file.freeze()
    }
}

/// Bytes each request's own comment segment adds to its file.
const COMMENT_SEGMENT_BYTES: usize = 64;

/// The multipart body of an upload: a title, two tags and the file.
pub fn upload_body(file: &[u8], n: u64) -> Bytes {
    let mut body = BytesMut::with_capacity(file.len() + 512);
    for (name, value) in [
        ("title", format!("Bench photo {n}")),
        ("tags", "bench,load".into()),
    ] {
        body.put_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.put_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; \
             filename=\"IMG_{n:06}.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
        )
        .as_bytes(),
    );
    body.put_slice(file);
    body.put_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body.freeze()
}

fn comment_segment(payload: &[u8]) -> Result<Vec<u8>> {
    let length =
        u16::try_from(payload.len() + 2).context("a comment segment holds 65,533 bytes")?;
    let mut segment = vec![0xFF, 0xFE];
    segment.extend_from_slice(&length.to_be_bytes());
    segment.extend_from_slice(payload);
    Ok(segment)
}

fn encode(pixels: &[u8], width: u16, height: u16, quality: u8) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut encoder = Encoder::new(&mut out, quality);
    encoder.set_sampling_factor(SamplingFactor::R_4_2_0);
    encoder
        .encode(pixels, width, height, ColorType::Rgb)
        .context("encoding a benchmark JPEG")?;
    Ok(out)
}

/// A photo-like RGB picture: smooth gradients under sensor-like noise, so the encoder makes as
/// many bytes as it would for a real photo rather than the near-empty stream of a flat image.
fn photo(width: u16, height: u16, seed: u32) -> Vec<u8> {
    let mut state = 0x9E37_79B9_u32 ^ seed.wrapping_mul(0x85EB_CA6B);
    let mut noise = move || {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        i32::try_from(state % 25).unwrap_or(0) - 12
    };
    let (w, h) = (f32::from(width), f32::from(height));
    let phase = seed as f32;
    let mut pixels = Vec::with_capacity(usize::from(width) * usize::from(height) * 3);
    for y in 0..height {
        for x in 0..width {
            let (fx, fy) = (f32::from(x) / w, f32::from(y) / h);
            let wave = ((fx * 37.0 + phase).sin() * (fy * 23.0).cos() * 60.0) as i32;
            let sky = (fy * 160.0) as i32;
            for base in [
                60 + (fx * 150.0) as i32 + wave,
                90 + sky / 2 - wave / 2,
                200 - sky + wave / 3,
            ] {
                pixels.push((base + noise()).clamp(0, 255) as u8);
            }
        }
    }
    pixels
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn every_file_differs_and_keeps_the_jpeg_markers() {
        let corpus = Corpus::photos_250kb().unwrap();
        let (first, again) = (corpus.file(0), corpus.file(4));
        assert_ne!(first, again, "same JPEG, different comment");
        assert_eq!(&first[..4], &[0xFF, 0xD8, 0xFF, 0xFE]);
        assert_eq!(&first[first.len() - 2..], &[0xFF, 0xD9]);
        let size = first.len();
        assert!((150_000..400_000).contains(&size), "{size} bytes");
    }

    #[test]
    fn the_large_photo_is_exactly_the_asked_size() {
        let total = 10 * 1024 * 1024;
        let corpus = Corpus::photo_of_size(total).unwrap();
        assert_eq!(corpus.file(3).len(), total);
    }
}
