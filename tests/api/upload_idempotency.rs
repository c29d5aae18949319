//! `Idempotency-Key`: a retry by the same caller gets the first result and stores nothing new.
//!
//! Retries sent while the first request is still in flight are in `concurrency.rs`.

use serde_json::Value;

use crate::helpers::fixtures::png_seeded;
use crate::helpers::{Form, assert_problem_for, list_ids, spawn_app};

async fn created(resp: reqwest::Response) -> Value {
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap();
    assert_eq!(status, 201, "{text}");
    serde_json::from_str(&text).unwrap()
}

/// The Image without its signed URL, which may be re-signed for the retry.
fn without_url(mut image: Value) -> Value {
    let fields = image.as_object_mut().unwrap();
    fields.remove("url");
    fields.remove("url_expires_at");
    image
}

#[tokio::test]
async fn a_retry_with_the_same_key_gets_the_first_image_and_stores_nothing_new() {
    let app = spawn_app().await;
    let form = Form::with_file(png_seeded(8, 8, 1))
        .text("title", "once")
        .text("tags", "a");

    let first = created(app.upload_with_key(&form, "key-1").await).await;
    let blobs_after_first = app.stored_object_count().await;
    let retry = created(app.upload_with_key(&form, "key-1").await).await;

    assert_eq!(retry["id"], first["id"]);
    assert_eq!(without_url(retry), without_url(first.clone()));
    assert_eq!(
        list_ids(&app, &[]).await,
        vec![first["id"].as_str().unwrap()]
    );
    assert_eq!(
        app.stored_object_count().await,
        blobs_after_first,
        "the retry stores no blob"
    );
}

#[tokio::test]
async fn the_same_key_with_other_bytes_or_fields_is_422_idempotency_key_reused() {
    let app = spawn_app().await;
    let original = Form::with_file(png_seeded(8, 8, 1)).text("title", "first");
    let first = created(app.upload_with_key(&original, "key-2").await).await;

    let other_bytes = Form::with_file(png_seeded(8, 8, 2)).text("title", "first");
    let other_title = Form::with_file(png_seeded(8, 8, 1)).text("title", "second");
    let other_tags = Form::with_file(png_seeded(8, 8, 1))
        .text("title", "first")
        .text("tags", "x");
    let other_visibility = Form::with_file(png_seeded(8, 8, 1))
        .text("title", "first")
        .text("visibility", "public");
    for (case, form) in [
        ("other bytes", other_bytes),
        ("other title", other_title),
        ("other tags", other_tags),
        ("other visibility", other_visibility),
    ] {
        let resp = app.upload_with_key(&form, "key-2").await;
        assert_problem_for(resp, 422, "idempotency_key_reused", case).await;
    }
    assert_eq!(
        list_ids(&app, &[]).await,
        vec![first["id"].as_str().unwrap()]
    );
}

#[tokio::test]
async fn keys_are_per_caller() {
    let app = spawn_app().await;
    let form = Form::with_file(png_seeded(8, 8, 4));

    let alices = created(app.upload_with_key(&form, "shared-key").await).await;
    let bobs = created(app.bob().upload_with_key(&form, "shared-key").await).await;

    assert_ne!(alices["id"], bobs["id"]);
    assert_eq!(bobs["owner_id"], "bob");
    assert_eq!(
        list_ids(&app.bob(), &[]).await,
        vec![bobs["id"].as_str().unwrap()]
    );
}

#[tokio::test]
async fn without_a_key_every_upload_is_new() {
    let app = spawn_app().await;
    let form = Form::with_file(png_seeded(8, 8, 5));

    let first = created(app.upload(&form).await).await;
    let second = created(app.upload(&form).await).await;

    assert_ne!(first["id"], second["id"]);
    assert_eq!(list_ids(&app, &[]).await.len(), 2);
}
