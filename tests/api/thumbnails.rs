//! `GET /api/v1/images/{id}/thumbnail?size=N`: presets, never upscaled, JPEG or PNG, orientation
//! applied, the bytes' access rules and caching headers.

use image::GenericImageView;

use crate::helpers::fixtures::{decode, gif_animated, png, png_rgba, sha256_hex};
use crate::helpers::{
    Failures, Form, assert_problem_for, jpeg_with_orientation, spawn_app, unknown_id, upload_image,
};

async fn upload(app: &crate::helpers::TestApp, form: Form) -> String {
    upload_image(app, &form).await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Fetches a thumbnail, expects 200; returns (Content-Type, bytes).
async fn thumbnail(
    app: &crate::helpers::TestApp,
    id: &str,
    query: &[(&str, &str)],
) -> (String, Vec<u8>) {
    let resp = app.get_thumbnail(id, query).await;
    let status = resp.status().as_u16();
    let content_type = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = resp.bytes().await.unwrap().to_vec();
    assert_eq!(
        status,
        200,
        "thumbnail {query:?}: {}",
        String::from_utf8_lossy(&body)
    );
    (content_type, body)
}

#[tokio::test]
async fn sizes_round_up_to_a_preset_and_never_upscale() {
    let app = spawn_app().await;
    let id = upload(&app, Form::with_file(png(600, 300))).await;
    let cases: [(&[(&str, &str)], (u32, u32)); 8] = [
        (&[], (256, 128)),
        (&[("size", "1")], (64, 32)),
        (&[("size", "64")], (64, 32)),
        (&[("size", "65")], (128, 64)),
        (&[("size", "100")], (128, 64)),
        (&[("size", "256")], (256, 128)),
        (&[("size", "300")], (512, 256)),
        (&[("size", "1024")], (600, 300)),
    ];

    for (query, (width, height)) in cases {
        let (content_type, bytes) = thumbnail(&app, &id, query).await;
        assert_eq!(
            content_type, "image/jpeg",
            "{query:?}: an opaque image gives a JPEG"
        );
        let decoded = decode(&bytes);
        assert_eq!(decoded.dimensions(), (width, height), "{query:?}");
    }
}

#[tokio::test]
async fn sizes_outside_1_to_1024_are_invalid_field() {
    let mut failures = Failures::new();
    let app = spawn_app().await;
    let id = upload(&app, Form::with_file(png(16, 16))).await;

    for size in ["0", "1025", "-1", "abc", "12.5"] {
        let resp = app.get_thumbnail(&id, &[("size", size)]).await;
        failures
            .problem(&format!("size={size}"), resp, 400, "invalid_field")
            .await;
    }
    failures.assert_none();
}

#[tokio::test]
async fn transparency_gives_a_png_and_opacity_a_jpeg() {
    let app = spawn_app().await;
    let cases: [(&str, Vec<u8>, &str); 3] = [
        (
            "one pixel with alpha 254",
            png_rgba(100, 80, 254),
            "image/png",
        ),
        (
            "RGBA but fully opaque",
            png_rgba(100, 81, 255),
            "image/jpeg",
        ),
        ("RGB", png(100, 82), "image/jpeg"),
    ];
    for (case, bytes, expected) in cases {
        let id = upload(&app, Form::with_file(bytes)).await;
        let (content_type, thumb) = thumbnail(&app, &id, &[("size", "64")]).await;
        assert_eq!(content_type, expected, "[{case}]");
        let decoded = decode(&thumb);
        assert_eq!(decoded.width(), 64, "[{case}]");
    }
}

#[tokio::test]
async fn an_animation_gives_its_first_frame() {
    let app = spawn_app().await;
    let id = upload(&app, Form::with_file(gif_animated(128, 128, 3))).await;

    let (content_type, thumb) = thumbnail(&app, &id, &[("size", "64")]).await;

    assert_eq!(content_type, "image/jpeg");
    let decoded = decode(&thumb).to_rgb8();
    assert_eq!(decoded.dimensions(), (64, 64));
    let [red, green, blue] = decoded.get_pixel(32, 32).0;
    assert!(
        red > 150 && green < 90 && blue < 90,
        "the first (red) frame: {red},{green},{blue}"
    );
}

#[tokio::test]
async fn the_orientation_is_applied() {
    let app = spawn_app().await;
    // Stored 200x100 with orientation 6 (rotate 90°): displayed 100x200.
    let id = upload(&app, Form::with_file(jpeg_with_orientation(200, 100, 6))).await;

    let (_, thumb) = thumbnail(&app, &id, &[("size", "128")]).await;

    assert_eq!(decode(&thumb).dimensions(), (64, 128));
}

#[tokio::test]
async fn thumbnails_have_caching_headers_head_range_and_304() {
    let app = spawn_app().await;
    let id = upload(&app, Form::with_file(png(300, 200))).await;

    let resp = app.get_thumbnail(&id, &[("size", "128")]).await;
    let headers = resp.headers().clone();
    let bytes = resp.bytes().await.unwrap();
    let etag = format!("\"{}\"", sha256_hex(&bytes));
    assert_eq!(
        headers["etag"].to_str().unwrap(),
        etag,
        "ETag is the sha256 of the thumbnail"
    );
    assert_eq!(headers["cache-control"], "private, max-age=3600");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["accept-ranges"], "bytes");
    assert_eq!(
        headers["content-length"].to_str().unwrap(),
        bytes.len().to_string()
    );
    assert!(headers.contains_key("last-modified"));

    let head = app.head_thumbnail(&id, &[("size", "128")]).await;
    assert_eq!(head.status().as_u16(), 200);
    assert_eq!(head.headers()["etag"].to_str().unwrap(), etag);
    assert_eq!(
        head.headers()["content-length"].to_str().unwrap(),
        bytes.len().to_string()
    );
    assert!(head.bytes().await.unwrap().is_empty());

    let range = app
        .get_thumbnail_with(&id, &[("size", "128")], &[("Range", "bytes=0-9")])
        .await;
    assert_eq!(range.status().as_u16(), 206);
    assert_eq!(
        range.headers()["content-range"].to_str().unwrap(),
        format!("bytes 0-9/{}", bytes.len())
    );
    assert_eq!(range.bytes().await.unwrap().as_ref(), &bytes[..10]);

    let cached = app
        .get_thumbnail_with(&id, &[("size", "128")], &[("If-None-Match", &etag)])
        .await;
    assert_eq!(cached.status().as_u16(), 304);
}

#[tokio::test]
async fn thumbnails_follow_the_access_rules_of_the_bytes() {
    let app = spawn_app().await;
    let private = upload(&app, Form::with_file(png(50, 50))).await;
    let public = upload(
        &app,
        Form::with_file(png(51, 51)).text("visibility", "public"),
    )
    .await;

    let resp = app.bob().get_thumbnail(&private, &[]).await;
    assert_problem_for(resp, 404, "not_found", "another user's private image").await;
    let resp = app.get_thumbnail(&unknown_id(), &[]).await;
    assert_problem_for(resp, 404, "not_found", "unknown id").await;

    let resp = app.bob().get_thumbnail(&public, &[]).await;
    assert_eq!(
        resp.status().as_u16(),
        200,
        "anyone sees a public image's thumbnail"
    );
    assert_eq!(resp.headers()["cache-control"], "public, max-age=86400");
}

#[tokio::test]
async fn a_thumbnail_is_stored_once_beside_the_image_and_served_again_unchanged() {
    let app = spawn_app().await;
    let id = upload(&app, Form::with_file(png(300, 200))).await;
    assert_eq!(app.stored_object_count().await, 1, "the original");

    let (_, first) = thumbnail(&app, &id, &[("size", "128")]).await;
    assert_eq!(
        app.stored_object_count().await,
        2,
        "the rendered thumbnail is stored as a derived object"
    );
    let (_, again) = thumbnail(&app, &id, &[("size", "100")]).await;

    assert_eq!(again, first, "the same preset is served from storage");
    assert_eq!(app.stored_object_count().await, 2, "nothing new is stored");
    thumbnail(&app, &id, &[("size", "64")]).await;
    assert_eq!(app.stored_object_count().await, 3, "one object per preset");
}
