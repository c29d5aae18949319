//! Decompression bombs: a header declaring a huge image is refused at once, before any pixel
//! buffer of the declared size is allocated (which would take minutes and gigabytes).

use std::time::{Duration, Instant};

use image::{Rgba, RgbaImage};
use lightbox_adapters_imaging::ImagingProcessor;
use lightbox_domain::image_format::{ImageFormat, ImageInfo};
use lightbox_domain::limits::UploadLimits;
use lightbox_ports::{ImageProcessor, ProcessError};

use crate::containers::{jpeg_declaring, png_with_idat};
use crate::fixtures::{file_of, gif_of, gradient, info, jpeg_of, preset, processor};

async fn assert_refused_quickly(bytes: Vec<u8>, info: ImageInfo, case: &str) {
    let processor = processor();
    let started = Instant::now();
    let analysis = processor.analyze(bytes.clone().into(), info.clone()).await;
    let thumbnail = processor.thumbnail(bytes.into(), info, preset(64)).await;
    let took = started.elapsed();
    assert!(
        matches!(analysis, Err(ProcessError::Undecodable(_))),
        "{case}: analyze gave {analysis:?}"
    );
    assert!(
        matches!(thumbnail, Err(ProcessError::Undecodable(_))),
        "{case}: thumbnail gave {thumbnail:?}"
    );
    assert!(took < Duration::from_secs(1), "{case}: took {took:?}");
}

#[tokio::test]
async fn a_png_declaring_100000_squared_with_a_tiny_idat() {
    // A valid zlib stream of a few bytes; decoding would need 40 GB of RGBA.
    let idat = [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01];
    let png = png_with_idat(100_000, 100_000, &idat);
    assert_refused_quickly(png, info(ImageFormat::Png, 100_000, 100_000), "PNG bomb").await;
}

#[tokio::test]
async fn a_jpeg_declaring_60000_squared() {
    let jpeg = jpeg_declaring(&jpeg_of(&gradient(64, 64)), 60_000, 60_000);
    assert_refused_quickly(jpeg, info(ImageFormat::Jpeg, 60_000, 60_000), "JPEG bomb").await;
}

#[tokio::test]
async fn sides_within_the_limit_but_too_many_pixels() {
    // 16000x16000 passes the 16384 px side limit but is 256 MP, over the 50 MP limit.
    let jpeg = jpeg_declaring(&jpeg_of(&gradient(64, 64)), 16_000, 16_000);
    assert_refused_quickly(jpeg, info(ImageFormat::Jpeg, 16_000, 16_000), "JPEG pixels").await;
    let idat = [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01];
    let png = png_with_idat(16_000, 16_000, &idat);
    assert_refused_quickly(png, info(ImageFormat::Png, 16_000, 16_000), "PNG pixels").await;
}

#[tokio::test]
async fn a_gif_declaring_a_huge_screen() {
    let mut gif = gif_of(vec![RgbaImage::from_pixel(8, 8, Rgba([1, 2, 3, 255]))]);
    // The logical screen size follows the 6-byte signature, little-endian.
    gif[6..8].copy_from_slice(&65_535u16.to_le_bytes());
    gif[8..10].copy_from_slice(&65_535u16.to_le_bytes());
    assert_refused_quickly(gif, info(ImageFormat::Gif, 65_535, 65_535), "GIF screen").await;
}

#[tokio::test]
async fn an_image_exactly_at_the_limits_decodes_and_one_pixel_more_does_not() {
    // Limits of 300 px a side and 300x200 pixels, so the edge is cheap to test.
    let limits = UploadLimits::new(10_000_000, 300, 300 * 200, 10).unwrap();
    let processor = ImagingProcessor::new(limits, 1);
    for format in [ImageFormat::Jpeg, ImageFormat::Png] {
        let (at_limit, info) = file_of(format, &gradient(300, 200));
        let thumbnail = processor
            .thumbnail(at_limit.into(), info, preset(64))
            .await
            .unwrap();
        assert_eq!((thumbnail.width, thumbnail.height), (64, 43), "{format:?}");
        for (width, height) in [(301, 100), (200, 301), (250, 250)] {
            let (over, info) = file_of(format, &gradient(width, height));
            let result = processor.analyze(over.into(), info).await;
            assert!(
                matches!(result, Err(ProcessError::Undecodable(_))),
                "{format:?} {width}x{height}: {result:?}"
            );
        }
    }
}
