//! Thumbnail and blurhash speed on a 12-megapixel photo, against the naive `image`-crate pipeline.
//!
//! The target: a 512 px thumbnail of a 4000x3000 JPEG in at most 150 ms on one core, at least 4x
//! faster than decode-everything-then-Lanczos. `thumbnail_512` and `blurhash` use a camera-like
//! 4:2:0 JPEG; `thumbnail_512_yuv444` the worst case of full-resolution chroma. Pin it to one core
//! with `taskset -c 0` (jpeg-decoder hands colour planes to helper threads). Run with
//! `cargo bench -p lightbox-adapters-imaging --bench thumbnail -- --warm-up-time 1 --measurement-time 5`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{ExtendedColorType, ImageEncoder, RgbImage};
use jpeg_encoder::SamplingFactor;
use lightbox_adapters_imaging::{analyze_image, render_thumbnail};
use lightbox_domain::image_format::{ImageFormat, ImageInfo, Orientation};
use lightbox_domain::limits::UploadLimits;
use lightbox_domain::thumbnail::ThumbnailPreset;

const WIDTH: u32 = 4000;
const HEIGHT: u32 = 3000;

/// A photo-like 4000x3000 picture: smooth gradients and shapes under sensor-like noise, so the
/// entropy-coded data is as dense as a real photo's, not the near-empty stream a flat test image
/// would give.
fn twelve_megapixels() -> RgbImage {
    let mut state: u32 = 0x9E37_79B9;
    let mut noise = move || {
        // xorshift32: deterministic, dependency-free noise.
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        (state % 25) as i32 - 12
    };
    let mut image = RgbImage::new(WIDTH, HEIGHT);
    for (x, y, pixel) in image.enumerate_pixels_mut() {
        let (fx, fy) = (x as f32 / WIDTH as f32, y as f32 / HEIGHT as f32);
        let wave = ((fx * 37.0).sin() * (fy * 23.0).cos() * 60.0) as i32;
        let sky = (fy * 160.0) as i32;
        let channel = |base: i32, n: i32| (base + n).clamp(0, 255) as u8;
        pixel.0 = [
            channel(60 + (fx * 150.0) as i32 + wave, noise()),
            channel(90 + sky / 2 - wave / 2, noise()),
            channel(200 - sky + wave / 3, noise()),
        ];
    }
    image
}

/// The picture as a quality-90 JPEG with the given chroma sampling: 4:2:0 (2x2) is what cameras
/// and phones write; 4:4:4 (1x1) doubles the entropy-coded data and is the slow case.
fn jpeg(image: &RgbImage, sampling: SamplingFactor) -> Vec<u8> {
    let mut jpeg = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut jpeg, 90);
    encoder.set_sampling_factor(sampling);
    encoder
        .encode(
            image.as_raw(),
            WIDTH as u16,
            HEIGHT as u16,
            jpeg_encoder::ColorType::Rgb,
        )
        .unwrap();
    jpeg
}

fn info() -> ImageInfo {
    ImageInfo {
        format: ImageFormat::Jpeg,
        stored_width: WIDTH,
        stored_height: HEIGHT,
        orientation: Orientation::NORMAL,
        frame_count: 1,
    }
}

/// The naive pipeline: decode everything, Lanczos3 over all 12 megapixels, encode.
fn baseline_thumbnail(jpeg: &[u8]) -> Vec<u8> {
    let image = image::load_from_memory(jpeg).unwrap();
    let small = image.resize(512, 512, FilterType::Lanczos3).to_rgb8();
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 82)
        .write_image(
            small.as_raw(),
            small.width(),
            small.height(),
            ExtendedColorType::Rgb8,
        )
        .unwrap();
    out
}

fn thumbnail_group(c: &mut Criterion, name: &str, jpeg: &[u8]) {
    let (info, limits) = (info(), UploadLimits::default());
    let preset = ThumbnailPreset::from_requested(512).unwrap();
    let mut group = c.benchmark_group(name);
    group.sample_size(10);
    group.bench_function("lightbox", |b| {
        b.iter(|| render_thumbnail(black_box(jpeg), &info, preset, &limits).unwrap())
    });
    group.bench_function("image_crate_baseline", |b| {
        b.iter(|| baseline_thumbnail(black_box(jpeg)))
    });
    group.finish();
}

fn benches(c: &mut Criterion) {
    let picture = twelve_megapixels();
    let photo = jpeg(&picture, SamplingFactor::R_4_2_0);
    let full_chroma = jpeg(&picture, SamplingFactor::R_4_4_4);
    eprintln!(
        "test images: {WIDTH}x{HEIGHT} JPEG q90, 4:2:0 {} bytes, 4:4:4 {} bytes",
        photo.len(),
        full_chroma.len()
    );

    thumbnail_group(c, "thumbnail_512", &photo);

    let (info, limits) = (info(), UploadLimits::default());
    let mut group = c.benchmark_group("blurhash");
    group.sample_size(10);
    group.bench_function("lightbox", |b| {
        b.iter(|| analyze_image(black_box(&photo), &info, &limits).unwrap())
    });
    group.bench_function("image_crate_baseline", |b| {
        b.iter(|| {
            let image = image::load_from_memory(black_box(&photo)).unwrap();
            let small = image.resize(32, 32, FilterType::Lanczos3).to_rgba8();
            blurhash::encode(4, 3, small.width(), small.height(), small.as_raw()).unwrap()
        })
    });
    group.finish();

    thumbnail_group(c, "thumbnail_512_yuv444", &full_chroma);
}

criterion_group!(thumbnail, benches);
criterion_main!(thumbnail);
