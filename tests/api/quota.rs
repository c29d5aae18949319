//! Per-user quotas (`quota_max_images`, `quota_max_bytes`): 403 `quota_exceeded`, nothing stored,
//! and `/api/v1/me` showing them.

use serde_json::{Value, json};

use crate::helpers::fixtures::png_seeded;
use crate::helpers::{Form, assert_problem, list_ids, spawn_app_with, upload_image};

#[tokio::test]
async fn an_upload_past_the_image_quota_is_403_quota_exceeded() {
    let app = spawn_app_with(|s| s.quota_max_images = Some(2)).await;
    let first = upload_image(&app, &Form::with_file(png_seeded(8, 8, 1))).await;
    upload_image(&app, &Form::with_file(png_seeded(8, 8, 2))).await;
    let blobs = app.stored_object_count().await;

    let resp = app.upload(&Form::with_file(png_seeded(8, 8, 3))).await;

    assert_problem(resp, 403, "quota_exceeded").await;
    assert_eq!(list_ids(&app, &[]).await.len(), 2, "nothing recorded");
    assert_eq!(app.stored_object_count().await, blobs, "nothing stored");
    let me: Value = app.get_me().await.json().await.unwrap();
    assert_eq!(me["quota"], json!({"max_images": 2, "max_bytes": null}));
    assert_eq!(me["usage"]["images"], 2);

    let other = app
        .bob()
        .upload(&Form::with_file(png_seeded(8, 8, 4)))
        .await;
    assert_eq!(other.status().as_u16(), 201, "quotas are per user");

    let deleted = app.delete_image(first["id"].as_str().unwrap()).await;
    assert_eq!(deleted.status().as_u16(), 204);
    let again = app.upload(&Form::with_file(png_seeded(8, 8, 5))).await;
    assert_eq!(again.status().as_u16(), 201, "a delete frees quota");
}

#[tokio::test]
async fn an_upload_past_the_byte_quota_is_403_quota_exceeded() {
    let first_bytes = png_seeded(16, 16, 1);
    let second_bytes = png_seeded(16, 16, 2);
    // Room for the first image and half of the second.
    let quota = (first_bytes.len() + second_bytes.len() / 2) as u64;
    let app = spawn_app_with(|s| s.quota_max_bytes = Some(quota)).await;

    upload_image(&app, &Form::with_file(first_bytes.clone())).await;
    let resp = app.upload(&Form::with_file(second_bytes)).await;

    assert_problem(resp, 403, "quota_exceeded").await;
    let me: Value = app.get_me().await.json().await.unwrap();
    assert_eq!(me["quota"], json!({"max_images": null, "max_bytes": quota}));
    assert_eq!(
        me["usage"],
        json!({"images": 1, "bytes": first_bytes.len()})
    );
}

#[tokio::test]
async fn concurrent_uploads_never_pass_the_quota_together() {
    let app = spawn_app_with(|s| s.quota_max_images = Some(3)).await;
    let uploads = (0..8).map(|seed| {
        let app = &app;
        async move {
            app.upload(&Form::with_file(png_seeded(8, 8, seed)))
                .await
                .status()
                .as_u16()
        }
    });

    let mut statuses = futures::future::join_all(uploads).await;
    statuses.sort_unstable();

    assert_eq!(statuses, [201, 201, 201, 403, 403, 403, 403, 403]);
    assert_eq!(list_ids(&app, &[]).await.len(), 3);
    assert_eq!(app.stored_object_count().await, 3, "refused bytes removed");
}

#[tokio::test]
async fn a_retry_with_its_idempotency_key_gets_its_first_answer_at_the_quota() {
    let app = spawn_app_with(|s| s.quota_max_images = Some(1)).await;
    let form = Form::with_file(png_seeded(8, 8, 1));
    let first = app.upload_with_key(&form, "quota-retry").await;
    assert_eq!(first.status().as_u16(), 201);
    let first: Value = first.json().await.unwrap();

    let retry = app.upload_with_key(&form, "quota-retry").await;

    assert_eq!(retry.status().as_u16(), 201, "the first answer, not 403");
    let retry: Value = retry.json().await.unwrap();
    assert_eq!(retry["id"], first["id"]);
    let fresh = app.upload(&Form::with_file(png_seeded(8, 8, 2))).await;
    assert_problem(fresh, 403, "quota_exceeded").await;
}
