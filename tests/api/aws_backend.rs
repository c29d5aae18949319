//! The app on the aws backend (S3 + DynamoDB, against the moto emulator that `scripts/test`
//! starts): provisioning, then one image through every route, with the `url` an S3 presigned GET.
//! The whole suite runs on the local backend; this proves the wiring of the other one.

use lightbox_api::config::{BackendKind, Settings};
use serde_json::json;

use crate::helpers::fixtures::{png, sha256_hex};
use crate::helpers::{Form, spawn_app_with, upload_image};

/// Settings for a fresh bucket and table of this test's own.
fn aws(settings: &mut Settings, name: &str) {
    settings.backend = BackendKind::Aws;
    settings.s3_bucket = name.to_owned();
    settings.dynamodb_table = name.to_owned();
}

#[tokio::test]
async fn one_image_goes_through_every_route_on_s3_and_dynamodb() {
    // The SDK reads its endpoint and credentials from the environment scripts/test sets up.
    assert!(
        std::env::var("AWS_ENDPOINT_URL").is_ok(),
        "the aws backend tests need moto: run them through scripts/test, or \
         `eval \"$(scripts/moto start)\"` first"
    );
    let name = format!(
        "lightbox-http-{}",
        &uuid::Uuid::new_v4().simple().to_string()[..12]
    );
    let mut settings = Settings::default();
    aws(&mut settings, &name);
    let first = lightbox_api::provision::provision(&settings).await.unwrap();
    assert!(first.contains("created"), "{first}");
    let again = lightbox_api::provision::provision(&settings).await.unwrap();
    assert!(
        !again.contains(": created"),
        "a second provision changes nothing: {again}"
    );

    let app = spawn_app_with(|s| aws(s, &name)).await;
    assert_eq!(
        app.anonymous()
            .call(reqwest::Method::GET, "/ready")
            .await
            .status(),
        200
    );

    let bytes = png(40, 30);
    let form = Form::with_file(bytes.clone())
        .text("title", "Sunset on S3")
        .text("tags", "beach,cloud");
    let image = upload_image(&app, &form).await;
    let id = image["id"].as_str().unwrap().to_owned();
    assert_eq!(image["sha256"], sha256_hex(&bytes));

    // The url is S3's own presigned GET, not the service's /content route.
    let url = image["url"].as_str().unwrap();
    assert!(!url.contains("/api/v1/images/"), "{url}");
    let fetched = reqwest::get(url).await.unwrap();
    assert_eq!(fetched.status(), 200);
    assert_eq!(fetched.bytes().await.unwrap().as_ref(), bytes.as_slice());

    let page: serde_json::Value = app
        .list(&[("tag", "Cloud"), ("title", "sunset")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"][0]["id"], id.as_str());

    let served = app.get_image(&id).await;
    assert_eq!(served.status(), 200);
    assert_eq!(served.bytes().await.unwrap().as_ref(), bytes.as_slice());

    let updated = app.patch_image(&id, &json!({"title": "Moved"})).await;
    assert_eq!(updated.status(), 200);
    let updated: serde_json::Value = updated.json().await.unwrap();
    assert_eq!(updated["version"], 2);

    assert_eq!(app.delete_image(&id).await.status(), 204);
    assert_eq!(app.get_image(&id).await.status(), 404);
    assert_eq!(app.delete_image(&id).await.status(), 404);
}
