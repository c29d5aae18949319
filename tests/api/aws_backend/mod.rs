//! What only the aws backend has: provisioning, S3's own presigned `url`s, and outages of the
//! AWS services. The whole suite runs on both backends (scripts/test); this module runs only
//! in the aws run, as `local_backend` runs only in the local one.

mod migrate;
mod outage;
mod proxy;

use crate::helpers::fixtures::{png, sha256_hex};
use crate::helpers::{Form, TestStorage, aws_requested, spawn_app, upload_image};

/// This module's tests need the aws run; a local run that reaches them is misconfigured.
fn assert_aws_run() {
    assert!(
        aws_requested(),
        "aws_backend tests run with LIGHTBOX_TEST_BACKEND=aws (see scripts/test)"
    );
}

#[tokio::test]
async fn provisioning_again_changes_nothing() {
    assert_aws_run();
    let app = spawn_app().await;
    let TestStorage::Aws { bucket } = &app.storage else {
        panic!("an aws run gives aws storage");
    };
    let settings = lightbox_api::config::Settings {
        backend: lightbox_api::config::BackendKind::Aws,
        s3_bucket: bucket.clone(),
        dynamodb_table: bucket.clone(),
        ..lightbox_api::config::Settings::default()
    };

    let again = lightbox_api::provision::provision(&settings).await.unwrap();

    assert!(
        !again.contains(": created"),
        "a second provision changes nothing: {again}"
    );
}

#[tokio::test]
async fn the_url_is_an_s3_presigned_get_of_the_stored_bytes() {
    assert_aws_run();
    let app = spawn_app().await;
    let bytes = png(40, 30);

    let image = upload_image(&app, &Form::with_file(bytes.clone())).await;

    assert_eq!(image["sha256"], sha256_hex(&bytes));
    let url = image["url"].as_str().unwrap();
    assert!(
        !url.contains("/api/v1/images/"),
        "S3 signs the url itself: {url}"
    );
    assert!(url.contains("X-Amz-Signature="), "{url}");
    let fetched = reqwest::get(url).await.unwrap();
    assert_eq!(fetched.status(), 200);
    assert_eq!(fetched.bytes().await.unwrap().as_ref(), bytes.as_slice());
}
