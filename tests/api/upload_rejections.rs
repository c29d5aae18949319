//! Uploads the contract refuses (415, 422, 400) and the guarantee that a refused upload
//! leaves nothing behind.

use crate::helpers::fixtures::{png, png_seeded};
use crate::helpers::{Caller, Failures, Form, TestApp, hostile, spawn_app};

/// Other formats, each sent with a lying filename and part type: the bytes decide.
fn unsupported() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("SVG", hostile::svg()),
        ("HTML", hostile::html()),
        ("BMP", hostile::bmp()),
        ("PDF", hostile::pdf()),
        ("TIFF", hostile::tiff()),
        ("plain text", hostile::text()),
        ("unknown binary", hostile::unknown_binary()),
    ]
}

/// Accepted formats that do not decode, or exceed the default dimension limits.
fn undecodable() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("truncated PNG", hostile::truncated_png()),
        ("100000x100000 PNG bomb", hostile::png_bomb()),
        ("JPEG without a scan", hostile::truncated_jpeg()),
        ("JPEG marker then garbage", hostile::garbage_jpeg()),
        ("GIF without frames", hostile::truncated_gif()),
        ("truncated WebP", hostile::truncated_webp()),
    ]
}

/// Bad multipart requests: (case, Content-Type, body, status, code).
fn malformed_requests() -> Vec<(&'static str, Option<String>, Vec<u8>, u16, &'static str)> {
    let file = Form::with_file(png(4, 4));
    let two_files = Form::with_file(png_seeded(4, 4, 1)).file(png_seeded(4, 4, 2));
    let no_file = Form::new().text("title", "no file");
    let wrongly_named = Form::new()
        .text("title", "x")
        .file_as_named("image", png(4, 4));
    vec![
        (
            "empty file",
            Some(file.content_type()),
            Form::with_file(Vec::new()).body(),
            400,
            "empty_file",
        ),
        (
            "no file part",
            Some(no_file.content_type()),
            no_file.body(),
            400,
            "missing_file",
        ),
        (
            "file under another name",
            Some(wrongly_named.content_type()),
            wrongly_named.body(),
            400,
            "missing_file",
        ),
        (
            "two file parts",
            Some(two_files.content_type()),
            two_files.body(),
            400,
            "bad_request",
        ),
        (
            "JSON body",
            Some("application/json".to_owned()),
            br#"{"file":"x"}"#.to_vec(),
            400,
            "bad_request",
        ),
        ("no Content-Type", None, file.body(), 400, "bad_request"),
        (
            "multipart without boundary",
            Some("multipart/form-data".to_owned()),
            file.body(),
            400,
            "bad_request",
        ),
        (
            "truncated multipart",
            Some(file.content_type()),
            file.truncated_body(),
            400,
            "bad_request",
        ),
    ]
}

#[tokio::test]
async fn formats_other_than_jpeg_png_gif_webp_are_415() {
    let app = spawn_app().await;
    let mut failures = Failures::new();
    for (case, bytes) in unsupported() {
        let resp = app
            .upload(&Form::new().file_as(bytes, "photo.png", "image/png"))
            .await;
        failures
            .problem(case, resp, 415, "unsupported_media_type")
            .await;
    }
    failures.assert_none();
}

#[tokio::test]
async fn broken_or_oversized_images_of_accepted_formats_are_422() {
    let app = spawn_app().await;
    let mut failures = Failures::new();
    for (case, bytes) in undecodable() {
        let resp = app
            .upload(&Form::new().file_as(bytes, "photo.png", "image/png"))
            .await;
        failures.problem(case, resp, 422, "invalid_image").await;
    }
    failures.assert_none();
}

/// Pixel data that does not inflate is only found by decoding, which uploads do not do yet.
#[tokio::test]
async fn an_image_whose_pixel_data_does_not_decode_is_422() {
    let app = spawn_app().await;
    let resp = app
        .upload(&Form::new().file_as(hostile::corrupt_png(), "photo.png", "image/png"))
        .await;
    crate::helpers::assert_problem(resp, 422, "invalid_image").await;
}

#[tokio::test]
async fn malformed_upload_requests_are_400_with_their_code() {
    let app = spawn_app().await;
    let mut failures = Failures::new();
    for (case, content_type, body, status, code) in malformed_requests() {
        let resp = app.upload_raw(content_type.as_deref(), body).await;
        failures.problem(case, resp, status, code).await;
    }
    failures.assert_none();
}

#[tokio::test]
async fn a_refused_upload_stores_neither_bytes_nor_metadata() {
    let app = spawn_app().await;
    let mut responses = Vec::new();
    for (case, bytes) in unsupported().into_iter().chain(undecodable()) {
        responses.push(
            app.upload(&Form::with_file(bytes).text("title", case))
                .await,
        );
    }
    for (_, content_type, body, _, _) in malformed_requests() {
        responses.push(app.upload_raw(content_type.as_deref(), body).await);
    }
    let bad_title = Form::with_file(png(4, 4)).text("title", "a\u{7}");
    responses.push(app.upload(&bad_title).await);
    let bad_tags = Form::with_file(png(4, 4)).text("tags", "a b");
    responses.push(app.upload(&bad_tags).await);

    // Any upload wrongly accepted is reported by the tests above; it is removed here so that this
    // test checks only what refused uploads leave behind.
    for resp in responses {
        if resp.status().as_u16() == 201 {
            let image: serde_json::Value = resp.json().await.unwrap();
            app.delete_image(image["id"].as_str().unwrap()).await;
        }
    }
    assert_nothing_stored(&app, &app).await;
}

async fn assert_nothing_stored(app: &TestApp, caller: &Caller) {
    let resp = caller.list(&[]).await;
    assert_eq!(resp.status().as_u16(), 200);
    let page: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(
        page["items"],
        serde_json::json!([]),
        "no image was recorded"
    );
    let me: serde_json::Value = caller.get_me().await.json().await.unwrap();
    assert_eq!(me["usage"]["images"], 0, "usage counts no image: {me}");
    assert_eq!(me["usage"]["bytes"], 0, "usage counts no byte: {me}");
    assert_eq!(
        app.stored_object_count().await,
        0,
        "no object is left in {}",
        app.storage.describe()
    );
}
