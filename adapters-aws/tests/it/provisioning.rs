//! `provision` creates what is missing and, run again, creates nothing.

use lightbox_adapters_aws::{ResourceState, provision_with};

use super::support::{sdk_config, unique_settings};

#[tokio::test]
async fn provisioning_twice_creates_everything_once() {
    let sdk = sdk_config().await;
    let settings = unique_settings("provision");

    let first = provision_with(&sdk, &settings).await.unwrap();
    assert!(
        first
            .resources
            .iter()
            .all(|resource| resource.state == ResourceState::Created),
        "the first run should create everything:\n{first}"
    );
    assert_eq!(first.resources.len(), 4, "{first}");

    let second = provision_with(&sdk, &settings).await.unwrap();
    assert!(
        !second.created_anything(),
        "the second run created:\n{second}"
    );
    assert_eq!(second.resources.len(), 4, "{second}");
    let text = second.to_string();
    assert!(
        text.contains(&format!("S3 bucket {}: already present", settings.bucket)),
        "{text}"
    );
    assert_eq!(text.lines().count(), 4, "{text}");

    // Incomplete multipart uploads never show in listings, so only the bucket can clean them.
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&sdk)
            .force_path_style(true)
            .build(),
    );
    let rules = s3
        .get_bucket_lifecycle_configuration()
        .bucket(&settings.bucket)
        .send()
        .await
        .unwrap()
        .rules
        .unwrap_or_default();
    assert!(
        rules
            .iter()
            .any(|rule| rule.abort_incomplete_multipart_upload().is_some()),
        "{rules:?}"
    );
}
