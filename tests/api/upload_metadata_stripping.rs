//! Stored bytes carry no EXIF/XMP/IPTC/comments but keep the orientation (contract, "on by
//! default"); `width`/`height` are as displayed.

use crate::helpers::fixtures::{decode, sha256_hex};
use crate::helpers::{
    Form, SECRET_TEXT, exif_fields, jpeg_orientation, jpeg_with_metadata, jpeg_with_orientation,
    png_with_text_chunk, spawn_app, spawn_app_with, upload_image,
};

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

#[tokio::test]
async fn jpeg_metadata_is_stripped_but_the_orientation_is_kept() {
    let app = spawn_app().await;
    let sent = jpeg_with_metadata(40, 20);
    assert!(
        contains(&sent, SECRET_TEXT),
        "the fixture carries the secret"
    );

    let image = upload_image(&app, &Form::with_file(sent)).await;
    let stored = app
        .get_image(image["id"].as_str().unwrap())
        .await
        .bytes()
        .await
        .unwrap();

    assert!(
        !contains(&stored, SECRET_TEXT),
        "EXIF text, GPS, XMP and comments are removed"
    );
    assert!(
        !contains(&stored, "http://ns.adobe.com/xap/1.0/"),
        "no XMP packet is left"
    );
    let sent_fields = exif_fields(&jpeg_with_metadata(40, 20)).unwrap();
    assert!(
        sent_fields
            .iter()
            .any(|(tag, _)| tag.context() == exif::Context::Gps),
        "the fixture is a photo with GPS: {sent_fields:?}"
    );
    assert_eq!(
        exif_fields(&stored),
        Some(vec![(exif::Tag::Orientation, Some(6))]),
        "an independent reader finds the orientation and nothing else (no GPS)"
    );
    assert_eq!(jpeg_orientation(&stored), Some(6));
    assert_eq!(
        image["sha256"],
        sha256_hex(&stored),
        "sha256 is of the stored bytes"
    );
    assert_eq!(
        image["size_bytes"],
        stored.len(),
        "size_bytes is of the stored bytes"
    );
    let pixels = decode(&stored);
    assert_eq!(
        (pixels.width(), pixels.height()),
        (40, 20),
        "pixels are not rotated on upload"
    );
}

#[tokio::test]
async fn png_text_chunks_are_stripped() {
    let app = spawn_app().await;
    let sent = png_with_text_chunk(16, 16);

    let image = upload_image(&app, &Form::with_file(sent)).await;
    let stored = app
        .get_image(image["id"].as_str().unwrap())
        .await
        .bytes()
        .await
        .unwrap();

    assert!(
        !contains(&stored, SECRET_TEXT),
        "the tEXt comment is removed"
    );
    assert_eq!(image["sha256"], sha256_hex(&stored));
    assert_eq!(image["size_bytes"], stored.len());
}

#[tokio::test]
async fn width_and_height_are_as_displayed_after_orientation() {
    let app = spawn_app().await;
    let cases = [(1, (40, 20)), (3, (40, 20)), (6, (20, 40)), (8, (20, 40))];
    for (orientation, (width, height)) in cases {
        let form = Form::with_file(jpeg_with_orientation(40, 20, orientation));
        let image = upload_image(&app, &form).await;
        assert_eq!(image["width"], width, "orientation {orientation}");
        assert_eq!(image["height"], height, "orientation {orientation}");
    }
}

#[tokio::test]
async fn with_stripping_off_the_bytes_are_stored_as_sent() {
    let app = spawn_app_with(|s| s.strip_metadata = false).await;
    let sent = jpeg_with_metadata(40, 20);

    let image = upload_image(&app, &Form::with_file(sent.clone())).await;
    let stored = app
        .get_image(image["id"].as_str().unwrap())
        .await
        .bytes()
        .await
        .unwrap();

    assert_eq!(stored.as_ref(), sent.as_slice(), "byte for byte");
    assert_eq!(image["sha256"], sha256_hex(&sent));
}
