//! The thumbnail's format: PNG exactly when a decoded pixel has alpha below 255; first frames.

use image::{DynamicImage, Rgba};
use lightbox_domain::image_format::ImageFormat;
use lightbox_ports::ImageProcessor;

use crate::containers::{animated_webp_of, apng_of};
use crate::fixtures::{
    BLUE, RED, decode, gif_of, gradient, info, near, opaque, png_of, preset, processor, solid_rgba,
    webp_of,
};

async fn thumbnail_format(
    format: ImageFormat,
    bytes: Vec<u8>,
    width: u32,
    height: u32,
) -> ImageFormat {
    let thumbnail = processor()
        .thumbnail(bytes.into(), info(format, width, height), preset(128))
        .await
        .unwrap();
    // The bytes really are what the format says.
    let guessed = image::guess_format(&thumbnail.bytes).unwrap();
    let expected = match thumbnail.format {
        ImageFormat::Png => image::ImageFormat::Png,
        _ => image::ImageFormat::Jpeg,
    };
    assert_eq!(guessed, expected);
    thumbnail.format
}

#[tokio::test]
async fn one_transparent_pixel_makes_a_png_thumbnail() {
    // One pixel among 240000, far too few to survive the downscale: judged before resizing.
    let mut image = opaque(&gradient(600, 400));
    image.put_pixel(301, 199, Rgba([10, 20, 30, 254]));
    let png = png_of(&DynamicImage::ImageRgba8(image.clone()));
    assert_eq!(
        thumbnail_format(ImageFormat::Png, png, 600, 400).await,
        ImageFormat::Png
    );
    let webp = webp_of(&image);
    assert_eq!(
        thumbnail_format(ImageFormat::WebP, webp, 600, 400).await,
        ImageFormat::Png
    );
}

#[tokio::test]
async fn an_opaque_image_with_an_alpha_channel_makes_a_jpeg() {
    let image = opaque(&gradient(300, 200));
    let png = png_of(&DynamicImage::ImageRgba8(image.clone()));
    assert_eq!(
        thumbnail_format(ImageFormat::Png, png, 300, 200).await,
        ImageFormat::Jpeg
    );
    let webp = webp_of(&image);
    assert_eq!(
        thumbnail_format(ImageFormat::WebP, webp, 300, 200).await,
        ImageFormat::Jpeg
    );
    let gif = gif_of(vec![image]);
    assert_eq!(
        thumbnail_format(ImageFormat::Gif, gif, 300, 200).await,
        ImageFormat::Jpeg
    );
}

#[tokio::test]
async fn an_rgb_png_makes_a_jpeg() {
    let png = png_of(&DynamicImage::ImageRgb8(gradient(300, 200)));
    assert_eq!(
        thumbnail_format(ImageFormat::Png, png, 300, 200).await,
        ImageFormat::Jpeg
    );
}

#[tokio::test]
async fn a_gif_with_a_transparent_colour_makes_a_png() {
    let mut frame = solid_rgba(100, 50, RED);
    frame.put_pixel(0, 0, Rgba([0, 0, 0, 0]));
    let gif = gif_of(vec![frame]);
    assert_eq!(
        thumbnail_format(ImageFormat::Gif, gif, 100, 50).await,
        ImageFormat::Png
    );
}

#[tokio::test]
async fn an_animated_gif_shows_its_first_frame() {
    let gif = gif_of(vec![solid_rgba(200, 100, RED), solid_rgba(200, 100, BLUE)]);
    let mut info = info(ImageFormat::Gif, 200, 100);
    info.frame_count = 2;
    let thumbnail = processor()
        .thumbnail(gif.into(), info, preset(64))
        .await
        .unwrap();
    assert_eq!(thumbnail.format, ImageFormat::Jpeg);
    let decoded = decode(&thumbnail.bytes).to_rgb8();
    assert_eq!(decoded.dimensions(), (64, 32));
    let centre = decoded.get_pixel(32, 16).0;
    assert!(near(centre, RED, 30), "first frame is red, got {centre:?}");
}

#[tokio::test]
async fn animated_webp_and_apng_show_their_first_frame() {
    let (red, blue) = (solid_rgba(200, 100, RED), solid_rgba(200, 100, BLUE));
    let files = [
        (
            ImageFormat::WebP,
            animated_webp_of(&[red.clone(), blue.clone()]),
        ),
        (ImageFormat::Png, apng_of(&red, &blue)),
    ];
    for (format, bytes) in files {
        // The encoders saw the frames with alpha channels; make sure they are real animations.
        let mut info = info(format, 200, 100);
        info.frame_count = 2;
        let thumbnail = processor()
            .thumbnail(bytes.into(), info, preset(64))
            .await
            .unwrap();
        assert_eq!(thumbnail.format, ImageFormat::Jpeg, "{format:?}");
        let decoded = decode(&thumbnail.bytes).to_rgb8();
        assert_eq!(decoded.dimensions(), (64, 32), "{format:?}");
        let centre = decoded.get_pixel(32, 16).0;
        assert!(
            near(centre, RED, 30),
            "{format:?}: first frame is red, got {centre:?}"
        );
    }
}

#[test]
fn the_animation_fixtures_really_animate() {
    use image::AnimationDecoder;
    let (red, blue) = (solid_rgba(20, 10, RED), solid_rgba(20, 10, BLUE));
    let webp = animated_webp_of(&[red.clone(), blue.clone()]);
    let decoder = image::codecs::webp::WebPDecoder::new(std::io::Cursor::new(webp)).unwrap();
    let frames = decoder.into_frames().collect_frames().unwrap();
    assert_eq!(frames.len(), 2);
    assert_eq!(frames[1].buffer().get_pixel(5, 5).0[..3], BLUE);
    let apng = apng_of(&red, &blue);
    let decoder = image::codecs::png::PngDecoder::new(std::io::Cursor::new(apng)).unwrap();
    assert!(decoder.is_apng().unwrap());
    let frames = decoder
        .apng()
        .unwrap()
        .into_frames()
        .collect_frames()
        .unwrap();
    assert_eq!(frames.len(), 2);
    assert_eq!(frames[1].buffer().get_pixel(5, 5).0[..3], BLUE);
}
