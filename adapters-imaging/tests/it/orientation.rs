//! EXIF orientation: applied from `ImageInfo`, after which corners land where a viewer shows them.

use image::{GenericImageView, RgbImage};
use lightbox_domain::image_format::{ImageFormat, ImageInfo, Orientation};
use lightbox_ports::ImageProcessor;

use crate::containers::with_exif_orientation;
use crate::fixtures::{
    BLUE, GREEN, RED, YELLOW, corners, decode, info, jpeg_of, near, png_of, preset, processor,
};

/// The colours at the four corners (top left, top right, bottom left, bottom right), sampled a
/// little inside so that resampling at the edges does not matter.
fn corner_colours(image: &RgbImage) -> [[u8; 3]; 4] {
    let (w, h) = image.dimensions();
    let at = |x: u32, y: u32| image.get_pixel(x, y).0;
    let (l, r, t, b) = (w / 8, w - 1 - w / 8, h / 8, h - 1 - h / 8);
    [at(l, t), at(r, t), at(l, b), at(r, b)]
}

async fn thumbnail_corners(bytes: Vec<u8>, info: ImageInfo) -> (u32, u32, [[u8; 3]; 4]) {
    let thumbnail = processor()
        .thumbnail(bytes.into(), info, preset(256))
        .await
        .unwrap();
    let decoded = decode(&thumbnail.bytes).to_rgb8();
    assert_eq!(decoded.dimensions(), (thumbnail.width, thumbnail.height));
    (thumbnail.width, thumbnail.height, corner_colours(&decoded))
}

fn assert_corners(actual: [[u8; 3]; 4], expected: [[u8; 3]; 4], case: &str) {
    for (a, e) in actual.iter().zip(expected) {
        assert!(
            near(*a, e, 40),
            "{case}: corners {actual:?}, expected {expected:?}"
        );
    }
}

#[tokio::test]
async fn orientation_6_turns_the_image_clockwise() {
    // Stored landscape 300x200; displayed portrait, the stored left edge on top.
    let stored = corners(300, 200);
    for (format, bytes) in [
        (
            ImageFormat::Png,
            png_of(&image::DynamicImage::ImageRgb8(stored.clone())),
        ),
        (ImageFormat::Jpeg, jpeg_of(&stored)),
    ] {
        let mut info = info(format, 300, 200);
        info.orientation = Orientation::new(6);
        let (width, height, colours) = thumbnail_corners(bytes, info).await;
        assert_eq!((width, height), (171, 256), "{format:?}");
        // Clockwise: bottom-left comes to the top left, top-left to the top right.
        assert_corners(colours, [BLUE, RED, YELLOW, GREEN], &format!("{format:?}"));
    }
}

#[tokio::test]
async fn every_orientation_puts_the_corners_where_exif_says() {
    // [top left, top right, bottom left, bottom right] as displayed, per orientation.
    let expected: [(u8, [[u8; 3]; 4]); 8] = [
        (1, [RED, GREEN, BLUE, YELLOW]),
        (2, [GREEN, RED, YELLOW, BLUE]),
        (3, [YELLOW, BLUE, GREEN, RED]),
        (4, [BLUE, YELLOW, RED, GREEN]),
        (5, [RED, BLUE, GREEN, YELLOW]),
        (6, [BLUE, RED, YELLOW, GREEN]),
        (7, [YELLOW, GREEN, BLUE, RED]),
        (8, [GREEN, YELLOW, RED, BLUE]),
    ];
    let bytes = png_of(&image::DynamicImage::ImageRgb8(corners(400, 200)));
    for (value, colours) in expected {
        let mut info = info(ImageFormat::Png, 400, 200);
        info.orientation = Orientation::new(value);
        let (width, height, actual) = thumbnail_corners(bytes.clone(), info).await;
        let size = if value >= 5 { (128, 256) } else { (256, 128) };
        assert_eq!((width, height), size, "orientation {value}");
        assert_corners(actual, colours, &format!("orientation {value}"));
    }
}

#[tokio::test]
async fn an_exif_block_in_the_bytes_is_not_applied_a_second_time() {
    let bytes = with_exif_orientation(&jpeg_of(&corners(300, 200)), 6);
    let mut info = info(ImageFormat::Jpeg, 300, 200);
    info.orientation = Orientation::new(6);
    let (width, height, colours) = thumbnail_corners(bytes, info).await;
    assert_eq!((width, height), (171, 256));
    assert_corners(colours, [BLUE, RED, YELLOW, GREEN], "EXIF 6 in the file");
}

#[tokio::test]
async fn a_small_image_is_turned_without_resizing() {
    let bytes = png_of(&image::DynamicImage::ImageRgb8(corners(40, 20)));
    let mut info = info(ImageFormat::Png, 40, 20);
    info.orientation = Orientation::new(8);
    let thumbnail = processor()
        .thumbnail(bytes.into(), info, preset(256))
        .await
        .unwrap();
    assert_eq!((thumbnail.width, thumbnail.height), (20, 40));
    assert_eq!(decode(&thumbnail.bytes).dimensions(), (20, 40));
}
