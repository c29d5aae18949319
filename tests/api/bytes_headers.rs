//! `GET`/`HEAD /api/v1/images/{id}`: the bytes and every header the contract lists.

use reqwest::Response;
use serde_json::{Value, json};

use crate::helpers::fixtures::{png, sha256_hex};
use crate::helpers::{Form, spawn_app, upload_image};

fn header(resp: &Response, name: &str) -> String {
    resp.headers()
        .get(name)
        .unwrap_or_else(|| panic!("the response has `{name}`"))
        .to_str()
        .unwrap()
        .to_owned()
}

/// The headers that GET and HEAD share.
fn assert_content_headers(resp: &Response, bytes: &[u8], cache_control: &str) {
    assert_eq!(header(resp, "content-type"), "image/png");
    assert_eq!(header(resp, "content-length"), bytes.len().to_string());
    assert_eq!(header(resp, "etag"), format!("\"{}\"", sha256_hex(bytes)));
    let last_modified = header(resp, "last-modified");
    assert!(
        last_modified.ends_with(" GMT")
            && chrono::DateTime::parse_from_rfc2822(&last_modified).is_ok(),
        "Last-Modified is an HTTP date: {last_modified}"
    );
    assert_eq!(header(resp, "cache-control"), cache_control);
    assert_eq!(header(resp, "x-content-type-options"), "nosniff");
    assert_eq!(header(resp, "accept-ranges"), "bytes");
}

#[tokio::test]
async fn get_serves_the_bytes_with_every_contract_header() {
    let app = spawn_app().await;
    let bytes = png(30, 20);
    let image = upload_image(
        &app,
        &Form::new().file_as(bytes.clone(), "shot.png", "image/png"),
    )
    .await;
    let id = image["id"].as_str().unwrap();

    let resp = app.get_image(id).await;

    assert_eq!(resp.status().as_u16(), 200);
    assert_content_headers(&resp, &bytes, "private, max-age=3600");
    let disposition = header(&resp, "content-disposition");
    assert!(
        disposition.starts_with("inline"),
        "inline by default: {disposition}"
    );
    assert_eq!(resp.bytes().await.unwrap().as_ref(), bytes.as_slice());
}

#[tokio::test]
async fn head_has_the_same_headers_and_no_body() {
    let app = spawn_app().await;
    let bytes = png(30, 20);
    let image = upload_image(&app, &Form::with_file(bytes.clone())).await;
    let id = image["id"].as_str().unwrap();

    let get = app.get_image(id).await;
    let head = app.head_image(id).await;

    assert_eq!(head.status().as_u16(), 200);
    assert_content_headers(&head, &bytes, "private, max-age=3600");
    for name in ["content-disposition", "last-modified", "etag"] {
        assert_eq!(
            header(&head, name),
            header(&get, name),
            "HEAD and GET agree on {name}"
        );
    }
    assert!(head.bytes().await.unwrap().is_empty(), "HEAD has no body");
}

#[tokio::test]
async fn public_images_are_cached_publicly_for_a_day() {
    let app = spawn_app().await;
    let bytes = png(9, 9);
    let form = Form::with_file(bytes.clone()).text("visibility", "public");
    let image = upload_image(&app, &form).await;
    let id = image["id"].as_str().unwrap();

    for resp in [
        app.get_image(id).await,
        app.bob().get_image(id).await,
        app.head_image(id).await,
    ] {
        assert_eq!(resp.status().as_u16(), 200);
        assert_content_headers(&resp, &bytes, "public, max-age=86400");
    }
}

#[tokio::test]
async fn cache_control_follows_a_visibility_change() {
    let app = spawn_app().await;
    let image = upload_image(&app, &Form::with_file(png(9, 9))).await;
    let id = image["id"].as_str().unwrap();

    let updated = app.put_image(id, &json!({"visibility": "public"})).await;
    assert_eq!(updated.status().as_u16(), 200);

    let resp = app.get_image(id).await;
    assert_eq!(header(&resp, "cache-control"), "public, max-age=86400");
}

#[tokio::test]
async fn download_true_makes_an_attachment_named_after_the_file() {
    let app = spawn_app().await;
    let form = Form::new().file_as(png(4, 4), "holiday.png", "image/png");
    let image = upload_image(&app, &form).await;
    let id = image["id"].as_str().unwrap();

    let resp = app.get_image_with(id, &[("download", "true")], &[]).await;

    assert_eq!(resp.status().as_u16(), 200);
    let disposition = header(&resp, "content-disposition");
    assert!(disposition.starts_with("attachment"), "{disposition}");
    assert!(
        disposition.contains("holiday.png"),
        "names the file: {disposition}"
    );
}

#[tokio::test]
async fn non_ascii_filenames_use_rfc_6266_filename_star() {
    let app = spawn_app().await;
    let form = Form::new().file_as(png(4, 4), "café été.png", "image/png");
    let image = upload_image(&app, &form).await;
    assert_eq!(image["original_filename"], "café été.png");
    let id = image["id"].as_str().unwrap();

    for query in [&[][..], &[("download", "true")][..]] {
        let resp = app.get_image_with(id, query, &[]).await;
        let disposition = header(&resp, "content-disposition");
        let lower = disposition.to_ascii_lowercase();
        assert!(
            lower.contains("filename*=utf-8''caf%c3%a9%20%c3%a9t%c3%a9.png"),
            "RFC 6266 filename* for {query:?}: {disposition}"
        );
        assert!(
            disposition.is_ascii(),
            "the header itself stays ASCII: {disposition}"
        );
    }
}

#[tokio::test]
async fn each_format_is_served_with_its_sniffed_type() {
    let app = spawn_app().await;
    let cases: [(Vec<u8>, &str); 4] = [
        (crate::helpers::fixtures::jpeg(8, 8), "image/jpeg"),
        (crate::helpers::fixtures::gif_animated(8, 8, 2), "image/gif"),
        (crate::helpers::fixtures::webp_lossless(8, 8), "image/webp"),
        (png(8, 8), "image/png"),
    ];
    for (bytes, content_type) in cases {
        let form = Form::new().file_as(bytes.clone(), "x.html", "text/html");
        let image: Value = upload_image(&app, &form).await;
        let resp = app.get_image(image["id"].as_str().unwrap()).await;
        assert_eq!(header(&resp, "content-type"), content_type);
        assert_eq!(header(&resp, "x-content-type-options"), "nosniff");
        assert_eq!(resp.bytes().await.unwrap().as_ref(), bytes.as_slice());
    }
}
