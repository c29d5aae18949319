//! `/api/v1/me`, `/health` and `/ready` (503 `backend_unavailable` when the data directory
//! cannot be written).

use std::os::unix::fs::PermissionsExt;

use serde_json::{Value, json};

use crate::helpers::fixtures::{png, png_seeded};
use crate::helpers::{Form, TestApp, assert_problem, spawn_app, spawn_app_with, upload_image};

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

/// Makes `<data_dir>/blobs` unwritable. As root, permissions do not stop writes, so the folder is
/// replaced by a regular file instead. Returns how to undo it.
fn break_blob_store(app: &TestApp) -> Box<dyn FnOnce()> {
    let blobs = app.blobs_dir();
    std::fs::create_dir_all(&blobs).unwrap();
    std::fs::set_permissions(&blobs, std::fs::Permissions::from_mode(0o500)).unwrap();
    let probe = blobs.join(".write-probe");
    let permissions_hold = std::fs::write(&probe, b"x").is_err();
    if permissions_hold {
        return Box::new(move || {
            std::fs::set_permissions(&blobs, std::fs::Permissions::from_mode(0o755)).unwrap();
        });
    }
    // Running as root: chmod does not stop writes.
    std::fs::set_permissions(&blobs, std::fs::Permissions::from_mode(0o755)).unwrap();
    let parked = blobs.with_extension("parked");
    std::fs::rename(&blobs, &parked).unwrap();
    std::fs::write(&blobs, b"not a directory").unwrap();
    Box::new(move || {
        std::fs::remove_file(&blobs).unwrap();
        std::fs::rename(&parked, &blobs).unwrap();
        let _ = std::fs::remove_file(blobs.join(".write-probe"));
    })
}

#[tokio::test]
async fn ready_is_503_backend_unavailable_when_the_data_dir_is_unwritable() {
    let app = spawn_app().await;
    upload_image(&app, &Form::with_file(png(4, 4))).await;
    let restore = break_blob_store(&app);

    let resp = app.anonymous().get_ready().await;

    assert!(
        resp.headers().contains_key("retry-after"),
        "503 carries Retry-After"
    );
    let problem = assert_problem(resp, 503, "backend_unavailable").await;
    let detail = problem["detail"].as_str().unwrap().to_ascii_lowercase();
    assert!(
        [
            "blob",
            "data dir",
            "data_dir",
            "directory",
            "storage",
            "filesystem",
            "local"
        ]
        .iter()
        .any(|word| detail.contains(word)),
        "the detail names the failing backend: {detail}"
    );
    let data_dir = app.data_dir.path().to_string_lossy().to_ascii_lowercase();
    assert!(
        !detail.contains(&data_dir),
        "a 5xx carries no internals such as paths: {detail}"
    );

    restore();
    let resp = app.anonymous().get_ready().await;
    assert_eq!(
        resp.status().as_u16(),
        200,
        "ready again once the directory is back"
    );
}
