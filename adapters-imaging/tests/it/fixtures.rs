//! Generated test images (each format, coloured corners, transparency, animation) and the
//! byte-level surgery that makes corrupt and bomb files.

use std::io::Cursor;

use image::codecs::gif::GifEncoder;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::codecs::webp::WebPEncoder;
use image::{DynamicImage, ExtendedColorType, Frame, ImageEncoder, Rgb, RgbImage, Rgba, RgbaImage};
use lightbox_adapters_imaging::ImagingProcessor;
use lightbox_domain::image_format::{ImageFormat, ImageInfo, Orientation};
use lightbox_domain::limits::UploadLimits;
use lightbox_domain::thumbnail::ThumbnailPreset;

pub const RED: [u8; 3] = [230, 20, 20];
pub const GREEN: [u8; 3] = [20, 200, 20];
pub const BLUE: [u8; 3] = [20, 20, 230];
pub const YELLOW: [u8; 3] = [240, 230, 20];

pub fn processor() -> ImagingProcessor {
    ImagingProcessor::new(UploadLimits::default(), 2)
}

pub fn preset(size: u32) -> ThumbnailPreset {
    ThumbnailPreset::from_requested(size).unwrap()
}

pub fn info(format: ImageFormat, width: u32, height: u32) -> ImageInfo {
    ImageInfo {
        format,
        stored_width: width,
        stored_height: height,
        orientation: Orientation::NORMAL,
        frame_count: 1,
    }
}

/// Smooth colour gradients: detailed enough to exercise the resampler, predictable to check.
pub fn gradient(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        Rgb([
            (x * 255 / width.max(1)) as u8,
            (y * 255 / height.max(1)) as u8,
            ((x + y) % 256) as u8,
        ])
    })
}

/// An image whose four quadrants are red (top left), green (top right), blue (bottom left) and
/// yellow (bottom right), so any turn or flip shows.
pub fn corners(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        Rgb(match (x < width / 2, y < height / 2) {
            (true, true) => RED,
            (false, true) => GREEN,
            (true, false) => BLUE,
            (false, false) => YELLOW,
        })
    })
}

pub fn jpeg_of(image: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 90)
        .write_image(
            image.as_raw(),
            image.width(),
            image.height(),
            ExtendedColorType::Rgb8,
        )
        .unwrap();
    out
}

pub fn png_of(image: &DynamicImage) -> Vec<u8> {
    let mut out = Vec::new();
    let color: ExtendedColorType = image.color().into();
    PngEncoder::new(&mut out)
        .write_image(image.as_bytes(), image.width(), image.height(), color)
        .unwrap();
    out
}

pub fn webp_of(image: &RgbaImage) -> Vec<u8> {
    let mut out = Vec::new();
    WebPEncoder::new_lossless(&mut out)
        .write_image(
            image.as_raw(),
            image.width(),
            image.height(),
            ExtendedColorType::Rgba8,
        )
        .unwrap();
    out
}

/// A GIF of the given frames, shown 100 ms each. Quantised at the fastest speed: colour
/// accuracy does not matter here and the best quality is very slow in debug builds.
pub fn gif_of(frames: Vec<RgbaImage>) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = GifEncoder::new_with_speed(&mut out, 30);
        let frames = frames
            .into_iter()
            .map(|image| Frame::from_parts(image, 0, 0, image::Delay::from_numer_denom_ms(100, 1)));
        encoder.encode_frames(frames).unwrap();
    }
    out
}

/// A file of `format` showing `image`, with its `ImageInfo`.
pub fn file_of(format: ImageFormat, image: &RgbImage) -> (Vec<u8>, ImageInfo) {
    let rgba = DynamicImage::ImageRgb8(image.clone()).to_rgba8();
    let bytes = match format {
        ImageFormat::Jpeg => jpeg_of(image),
        ImageFormat::Png => png_of(&DynamicImage::ImageRgb8(image.clone())),
        ImageFormat::Gif => gif_of(vec![rgba]),
        ImageFormat::WebP => webp_of(&rgba),
    };
    (bytes, info(format, image.width(), image.height()))
}

pub fn opaque(image: &RgbImage) -> RgbaImage {
    DynamicImage::ImageRgb8(image.clone()).to_rgba8()
}

pub fn solid_rgba(width: u32, height: u32, colour: [u8; 3]) -> RgbaImage {
    RgbaImage::from_pixel(width, height, Rgba([colour[0], colour[1], colour[2], 255]))
}

pub fn decode(bytes: &[u8]) -> DynamicImage {
    image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .unwrap()
        .decode()
        .unwrap()
}

/// Whether two colours are within `tolerance` on every channel (JPEG and resampling shift them).
pub fn near(actual: [u8; 3], expected: [u8; 3], tolerance: u8) -> bool {
    actual
        .iter()
        .zip(expected)
        .all(|(a, e)| a.abs_diff(e) <= tolerance)
}
