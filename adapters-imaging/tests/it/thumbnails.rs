//! Thumbnail sizes: the longer side becomes the preset, the aspect ratio holds, nothing grows.

use image::GenericImageView;
use lightbox_domain::image_format::{ImageFormat, ImageInfo};
use lightbox_domain::thumbnail::ThumbnailPreset;
use lightbox_ports::ImageProcessor;

use crate::fixtures::{decode, file_of, gradient, preset, processor};

/// Checks one thumbnail: declared size = decoded size, longer side, aspect ratio within a pixel.
async fn check(format: ImageFormat, width: u32, height: u32, size: u32) {
    let (bytes, info) = file_of(format, &gradient(width, height));
    check_file(bytes, info, size).await;
}

async fn check_file(bytes: Vec<u8>, info: ImageInfo, size: u32) {
    let (format, width, height) = (info.format, info.stored_width, info.stored_height);
    let preset = preset(size);
    let thumbnail = processor()
        .thumbnail(bytes.into(), info, preset)
        .await
        .unwrap();
    let case = format!("{format:?} {width}x{height} at {size}");

    assert_eq!(thumbnail.format, ImageFormat::Jpeg, "{case}");
    let decoded = decode(&thumbnail.bytes);
    assert_eq!(
        decoded.dimensions(),
        (thumbnail.width, thumbnail.height),
        "{case}"
    );

    let longest = preset.longest_side();
    if width.max(height) <= longest {
        assert_eq!(
            (thumbnail.width, thumbnail.height),
            (width, height),
            "{case}: upscaled"
        );
        return;
    }
    assert_eq!(thumbnail.width.max(thumbnail.height), longest, "{case}");
    // Aspect ratio: the shorter side is the exact proportion, give or take a pixel.
    let expected_short =
        f64::from(width.min(height)) * f64::from(longest) / f64::from(width.max(height));
    let short = f64::from(thumbnail.width.min(thumbnail.height));
    assert!(
        (short - expected_short).abs() <= 1.0,
        "{case}: short side {short}"
    );
    assert_eq!(
        width >= height,
        thumbnail.width >= thumbnail.height,
        "{case}"
    );
}

#[tokio::test]
async fn every_format_gets_the_preset_size() {
    for format in ImageFormat::ALL {
        check(format, 700, 420, 512).await;
        check(format, 300, 500, 256).await;
        check(format, 377, 133, 64).await;
    }
}

#[tokio::test]
async fn every_preset_of_a_large_jpeg() {
    // 2100x1500 exercises every IDCT scale: 1/8 for 64-256, 1/4 for 512, 1/2 for 1024; the odd
    // sizes make the scaled sizes round.
    for (width, height) in [(2100, 1500), (1499, 2101)] {
        let (bytes, info) = file_of(ImageFormat::Jpeg, &gradient(width, height));
        for preset in ThumbnailPreset::ALL {
            check_file(bytes.clone(), info.clone(), preset.longest_side()).await;
        }
    }
}

#[tokio::test]
async fn smaller_images_are_never_upscaled() {
    for format in ImageFormat::ALL {
        check(format, 600, 300, 1024).await;
        check(format, 200, 100, 256).await;
        check(format, 64, 64, 64).await;
        check(format, 1, 1, 64).await;
    }
}

#[tokio::test]
async fn extreme_aspect_ratios_keep_at_least_one_pixel() {
    for format in [ImageFormat::Jpeg, ImageFormat::Png] {
        check(format, 4000, 3, 64).await;
        check(format, 3, 4000, 64).await;
    }
}

#[tokio::test]
async fn a_grayscale_jpeg_makes_a_jpeg_thumbnail() {
    let gray = image::DynamicImage::ImageRgb8(gradient(800, 600)).to_luma8();
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new(&mut bytes)
        .encode_image(&gray)
        .unwrap();
    let info = crate::fixtures::info(ImageFormat::Jpeg, 800, 600);
    let thumbnail = processor()
        .thumbnail(bytes.into(), info, preset(128))
        .await
        .unwrap();
    assert_eq!(thumbnail.format, ImageFormat::Jpeg);
    assert_eq!((thumbnail.width, thumbnail.height), (128, 96));
    assert_eq!(decode(&thumbnail.bytes).dimensions(), (128, 96));
}

#[tokio::test]
async fn a_flat_colour_survives_the_round_trip_through_common_decoders() {
    // Guards the encoder settings: some Huffman-table choices make flat images lose their colour
    // in zune-jpeg, the decoder of the `image` crate.
    let red = image::RgbImage::from_pixel(300, 200, image::Rgb(crate::fixtures::RED));
    let (bytes, info) = file_of(ImageFormat::Png, &red);
    let thumbnail = processor()
        .thumbnail(bytes.into(), info, preset(128))
        .await
        .unwrap();
    let centre = decode(&thumbnail.bytes).to_rgb8().get_pixel(64, 42).0;
    assert!(
        crate::fixtures::near(centre, crate::fixtures::RED, 12),
        "{centre:?}"
    );
    let mut decoder = jpeg_decoder::Decoder::new(&thumbnail.bytes[..]);
    let pixels = decoder.decode().unwrap();
    let centre = [pixels[0], pixels[1], pixels[2]];
    assert!(
        crate::fixtures::near(centre, crate::fixtures::RED, 12),
        "{centre:?}"
    );
}

#[tokio::test]
async fn a_cmyk_jpeg_makes_an_rgb_thumbnail_of_the_right_colour() {
    // Magenta and yellow ink, no cyan, no black: red. Print workflows produce such files.
    let (width, height) = (160u16, 120u16);
    let ink: Vec<u8> = (0..usize::from(width) * usize::from(height))
        .flat_map(|_| [0, 255, 255, 0])
        .collect();
    for color in [
        jpeg_encoder::ColorType::Cmyk,
        jpeg_encoder::ColorType::CmykAsYcck,
    ] {
        let mut bytes = Vec::new();
        jpeg_encoder::Encoder::new(&mut bytes, 90)
            .encode(&ink, width, height, color)
            .unwrap();
        let info = crate::fixtures::info(ImageFormat::Jpeg, 160, 120);
        let thumbnail = processor()
            .thumbnail(bytes.into(), info, preset(64))
            .await
            .unwrap();
        let centre = decode(&thumbnail.bytes).to_rgb8().get_pixel(32, 24).0;
        assert!(
            crate::fixtures::near(centre, [255, 0, 0], 40),
            "{color:?}: {centre:?}"
        );
    }
}
