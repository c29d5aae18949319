//! What every test needs: the SDK configuration pointing at the emulator, and a freshly
//! provisioned bucket and table of its own.

use std::time::Duration;

use aws_config::ConfigLoader;
use aws_config::timeout::TimeoutConfig;
use aws_config::{Region, SdkConfig};
use aws_sdk_s3::config::Credentials;
use lightbox_adapters_aws::{AwsBackend, AwsSettings, config_loader, connect_with, provision_with};
use uuid::Uuid;

/// The variable naming the emulator's endpoint.
pub const ENDPOINT_VARIABLE: &str = "LIGHTBOX_TEST_AWS_ENDPOINT";

/// The emulator's endpoint, or a failure saying how to start one.
pub fn endpoint() -> String {
    match std::env::var(ENDPOINT_VARIABLE) {
        Ok(endpoint) if !endpoint.trim().is_empty() => endpoint,
        _ => panic!(
            "{ENDPOINT_VARIABLE} is not set: the AWS adapter tests need an S3 + DynamoDB \
             emulator. Start one with `scripts/moto start` and run \
             `{ENDPOINT_VARIABLE}=http://127.0.0.1:5599 cargo nextest run -p lightbox-adapters-aws`."
        ),
    }
}

/// SDK configuration for `endpoint` with test credentials, built explicitly rather than through
/// the process environment, which tests running in parallel share.
pub async fn sdk_config_for(endpoint: &str) -> SdkConfig {
    test_loader(endpoint).load().await
}

/// The production loader aimed at `endpoint`, with the emulator's test credentials.
fn test_loader(endpoint: &str) -> ConfigLoader {
    config_loader()
        .endpoint_url(endpoint)
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            "test",
            "test",
            None,
            None,
            "lightbox-tests",
        ))
}

/// SDK configuration for the emulator: [`sdk_config_for`] with patient timeouts. moto handles
/// one request at a time (see `scripts/moto`) and copies a whole table per transaction, so with
/// every test sharing it a call may queue for seconds; production's 5 s attempt timeout would
/// turn that queueing into spurious failures. The production timeouts are exercised by the
/// `faults` tests, against an endpoint that does not answer at all.
pub async fn sdk_config() -> SdkConfig {
    test_loader(&endpoint())
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(10))
                .operation_attempt_timeout(Duration::from_secs(120))
                .operation_timeout(Duration::from_secs(300))
                .build(),
        )
        .load()
        .await
}

/// A bucket and table name no other test run uses.
pub fn unique_settings(label: &str) -> AwsSettings {
    let suffix = Uuid::now_v7().simple().to_string();
    AwsSettings {
        bucket: format!("lightbox-{label}-{}", &suffix[20..]),
        table: format!("lightbox-{label}-{suffix}"),
        endpoint_url: None,
    }
}

/// A freshly provisioned backend of its own.
pub async fn fresh_backend(label: &str) -> (SdkConfig, AwsSettings, AwsBackend) {
    let sdk = sdk_config().await;
    let settings = unique_settings(label);
    provision_with(&sdk, &settings).await.unwrap();
    let backend = connect_with(&sdk, &settings);
    (sdk, settings, backend)
}
