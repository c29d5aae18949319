//! Bytes that do not decode are `Undecodable`, never a crash or an internal error.

use image::DynamicImage;
use lightbox_domain::image_format::{ImageFormat, ImageInfo};
use lightbox_ports::{ImageProcessor, ProcessError};

use crate::containers::{jpeg_with_garbage_scan, noise, png_with_idat};
use crate::fixtures::{file_of, gradient, info, jpeg_of, png_of, preset, processor};

async fn assert_undecodable(bytes: Vec<u8>, info: ImageInfo, case: &str) {
    let processor = processor();
    let analysis = processor.analyze(bytes.clone().into(), info.clone()).await;
    assert!(
        matches!(analysis, Err(ProcessError::Undecodable(_))),
        "{case}: analyze gave {analysis:?}"
    );
    let thumbnail = processor.thumbnail(bytes.into(), info, preset(256)).await;
    assert!(
        matches!(thumbnail, Err(ProcessError::Undecodable(_))),
        "{case}: thumbnail gave {thumbnail:?}"
    );
}

#[tokio::test]
async fn a_jpeg_with_garbage_entropy_data_is_undecodable() {
    let jpeg = jpeg_of(&gradient(640, 480));
    let info = info(ImageFormat::Jpeg, 640, 480);
    assert_undecodable(jpeg_with_garbage_scan(&jpeg), info, "garbage scan").await;
}

#[tokio::test]
async fn a_truncated_jpeg_is_undecodable() {
    let jpeg = jpeg_of(&gradient(640, 480));
    let cut = jpeg[..jpeg.len() / 2].to_vec();
    assert_undecodable(cut, info(ImageFormat::Jpeg, 640, 480), "truncated JPEG").await;
}

#[tokio::test]
async fn a_png_with_a_corrupt_idat_stream_is_undecodable() {
    // A zlib header followed by noise, with correct chunk CRCs: only the deflate stream is wrong.
    let mut idat = vec![0x78, 0x9C];
    idat.extend(noise(500, 3));
    let png = png_with_idat(64, 64, &idat);
    assert_undecodable(png, info(ImageFormat::Png, 64, 64), "corrupt IDAT").await;
}

#[tokio::test]
async fn a_truncated_png_is_undecodable() {
    let png = png_of(&DynamicImage::ImageRgb8(gradient(300, 200)));
    let cut = png[..png.len() * 2 / 3].to_vec();
    assert_undecodable(cut, info(ImageFormat::Png, 300, 200), "truncated PNG").await;
}

#[tokio::test]
async fn truncated_gif_and_webp_are_undecodable() {
    for format in [ImageFormat::Gif, ImageFormat::WebP] {
        let (bytes, info) = file_of(format, &gradient(300, 200));
        let cut = bytes[..bytes.len() / 2].to_vec();
        assert_undecodable(cut, info, &format!("truncated {format:?}")).await;
    }
}

#[tokio::test]
async fn noise_and_empty_files_are_undecodable_in_every_format() {
    for format in ImageFormat::ALL {
        let info = info(format, 10, 10);
        assert_undecodable(
            noise(2000, 11),
            info.clone(),
            &format!("noise as {format:?}"),
        )
        .await;
        assert_undecodable(Vec::new(), info, &format!("empty {format:?}")).await;
    }
}

#[tokio::test]
async fn bytes_of_another_format_are_undecodable() {
    let (png, _) = file_of(ImageFormat::Png, &gradient(30, 20));
    assert_undecodable(png, info(ImageFormat::Jpeg, 30, 20), "PNG called JPEG").await;
}
