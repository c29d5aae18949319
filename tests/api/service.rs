//! `/api/v1/me`, `/health` and `/ready` while the backend answers; the failing `/ready` is
//! tested per backend, in `local_backend` and `aws_backend`.

use serde_json::{Value, json};

use crate::helpers::fixtures::{png, png_seeded};
use crate::helpers::{Form, spawn_app, spawn_app_with, upload_image};

#[tokio::test]
async fn me_reports_the_caller_usage_quota_and_limits() {
    let app = spawn_app().await;
    let a = upload_image(&app, &Form::with_file(png_seeded(8, 8, 1))).await;
    let b = upload_image(&app, &Form::with_file(png_seeded(9, 9, 2))).await;
    upload_image(&app.bob(), &Form::with_file(png(5, 5))).await;

    let resp = app.get_me().await;

    assert_eq!(resp.status().as_u16(), 200);
    let me: Value = resp.json().await.unwrap();
    assert_eq!(me["user_id"], "alice");
    assert_eq!(me["usage"]["images"], 2, "only the caller's images: {me}");
    let bytes = a["size_bytes"].as_u64().unwrap() + b["size_bytes"].as_u64().unwrap();
    assert_eq!(me["usage"]["bytes"], bytes);
    assert_eq!(
        me["quota"],
        json!({"max_images": null, "max_bytes": null}),
        "no quota by default"
    );
    assert_eq!(me["limits"]["max_upload_bytes"], 10_485_760);
    assert_eq!(me["limits"]["max_side"], 16_384);
    assert_eq!(me["limits"]["max_pixels"], 50_000_000);
    let mut types: Vec<&str> = me["limits"]["accepted_types"]
        .as_array()
        .expect("accepted_types is an array")
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    types.sort_unstable();
    assert_eq!(
        types,
        ["image/gif", "image/jpeg", "image/png", "image/webp"]
    );
}

#[tokio::test]
async fn me_shows_the_configured_limits() {
    let app = spawn_app_with(|s| {
        s.max_upload_bytes = 123_456;
        s.max_side = 640;
        s.max_pixels = 300_000;
    })
    .await;

    let me: Value = app.get_me().await.json().await.unwrap();

    assert_eq!(me["limits"]["max_upload_bytes"], 123_456);
    assert_eq!(me["limits"]["max_side"], 640);
    assert_eq!(me["limits"]["max_pixels"], 300_000);
    assert_eq!(me["usage"], json!({"images": 0, "bytes": 0}));
}

#[tokio::test]
async fn health_is_ok_without_identity() {
    let app = spawn_app().await;

    let resp = app.anonymous().get_health().await;

    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(resp.json::<Value>().await.unwrap(), json!({"status": "ok"}));
}

#[tokio::test]
async fn ready_is_200_when_the_backend_answers() {
    let app = spawn_app().await;

    let resp = app.anonymous().get_ready().await;

    assert_eq!(resp.status().as_u16(), 200);
}
