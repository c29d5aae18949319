//! `GET /api/v1/images/{id}/metadata`: the Image with `ETag: "<version>"`.

use serde_json::{Value, json};

use crate::helpers::fixtures::png;
use crate::helpers::{Form, assert_image_shape, spawn_app, upload_image};

#[tokio::test]
async fn metadata_is_the_image_with_its_version_as_etag() {
    let app = spawn_app().await;
    let uploaded = upload_image(&app, &Form::with_file(png(7, 5)).text("title", "meta")).await;
    let id = uploaded["id"].as_str().unwrap();

    let resp = app.get_metadata(id).await;

    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(resp.headers()["etag"].to_str().unwrap(), "\"1\"");
    let image: Value = resp.json().await.unwrap();
    assert_image_shape(&image);
    for field in [
        "id",
        "owner_id",
        "title",
        "description",
        "tags",
        "visibility",
        "content_type",
        "size_bytes",
        "width",
        "height",
        "sha256",
        "original_filename",
        "created_at",
        "updated_at",
        "version",
    ] {
        assert_eq!(image[field], uploaded[field], "`{field}` as uploaded");
    }
}

#[tokio::test]
async fn the_etag_follows_the_version() {
    let app = spawn_app().await;
    let id = upload_image(&app, &Form::with_file(png(7, 5))).await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    app.put_image(&id, &json!({"title": "one"})).await;
    app.patch_image(&id, &json!({"title": "two"})).await;

    let resp = app.get_metadata(&id).await;
    assert_eq!(resp.headers()["etag"].to_str().unwrap(), "\"3\"");
    let image: Value = resp.json().await.unwrap();
    assert_eq!(image["version"], 3);
    assert_eq!(image["title"], "two");
}

#[tokio::test]
async fn metadata_url_is_fresh_and_works_without_identity() {
    let app = spawn_app().await;
    let bytes = png(7, 6);
    let id = upload_image(&app, &Form::with_file(bytes.clone())).await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let image: Value = app.get_metadata(&id).await.json().await.unwrap();
    let resp = app
        .anonymous()
        .get_url(image["url"].as_str().unwrap())
        .await;

    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(resp.bytes().await.unwrap().as_ref(), bytes.as_slice());
}
