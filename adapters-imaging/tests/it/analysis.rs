//! Analysis: every format decodes and gets a blurhash that parses, the same for the same image.

use image::DynamicImage;
use lightbox_domain::blurhash::Blurhash;
use lightbox_domain::image_format::{ImageFormat, Orientation};
use lightbox_ports::ImageProcessor;

use crate::fixtures::{corners, file_of, gradient, info, png_of, processor};

#[tokio::test]
async fn every_format_gets_a_blurhash_that_parses() {
    let processor = processor();
    for format in ImageFormat::ALL {
        let (bytes, info) = file_of(format, &gradient(400, 300));
        let analysis = processor.analyze(bytes.into(), info).await.unwrap();
        let reparsed = Blurhash::parse(analysis.blurhash.as_str()).unwrap();
        assert_eq!(reparsed.components(), (4, 3), "{format:?}");
    }
}

#[tokio::test]
async fn the_same_image_always_gets_the_same_blurhash() {
    let processor = processor();
    let (bytes, info) = file_of(ImageFormat::Jpeg, &gradient(1200, 900));
    let first = processor
        .analyze(bytes.clone().into(), info.clone())
        .await
        .unwrap();
    let second = processor.analyze(bytes.into(), info).await.unwrap();
    assert_eq!(first, second);
}

#[tokio::test]
async fn different_images_get_different_blurhashes() {
    let processor = processor();
    let (a, info_a) = file_of(ImageFormat::Png, &gradient(300, 200));
    let (b, info_b) = file_of(ImageFormat::Png, &corners(300, 200));
    let a = processor.analyze(a.into(), info_a).await.unwrap();
    let b = processor.analyze(b.into(), info_b).await.unwrap();
    assert_ne!(a.blurhash, b.blurhash);
}

#[tokio::test]
async fn the_blurhash_follows_the_orientation() {
    // Displayed portrait: more components down than across, and a different hash than upright.
    let processor = processor();
    let bytes = png_of(&DynamicImage::ImageRgb8(corners(300, 200)));
    let upright = info(ImageFormat::Png, 300, 200);
    let mut turned = upright.clone();
    turned.orientation = Orientation::new(6);
    let upright = processor
        .analyze(bytes.clone().into(), upright)
        .await
        .unwrap();
    let turned = processor.analyze(bytes.into(), turned).await.unwrap();
    assert_eq!(upright.blurhash.components(), (4, 3));
    assert_eq!(turned.blurhash.components(), (3, 4));
}

#[tokio::test]
async fn a_tiny_image_has_a_blurhash_too() {
    let (bytes, info) = file_of(ImageFormat::Jpeg, &gradient(1, 1));
    let analysis = processor().analyze(bytes.into(), info).await.unwrap();
    assert!(Blurhash::parse(analysis.blurhash.as_str()).is_ok());
}
