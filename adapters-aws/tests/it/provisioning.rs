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
    assert_eq!(first.resources.len(), 3, "{first}");

    let second = provision_with(&sdk, &settings).await.unwrap();
    assert!(
        !second.created_anything(),
        "the second run created:\n{second}"
    );
    assert_eq!(second.resources.len(), 3, "{second}");
    let text = second.to_string();
    assert!(
        text.contains(&format!("S3 bucket {}: already present", settings.bucket)),
        "{text}"
    );
    assert_eq!(text.lines().count(), 3, "{text}");
}
