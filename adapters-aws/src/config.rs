//! Building the AWS SDK clients: the SDK's own credential, region and endpoint chain, with a
//! timeout on every call and the standard retry policy, so a dead backend answers within a
//! bounded time instead of hanging a request.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, ConfigLoader, SdkConfig};
use lightbox_ports::{BlobStore, ImageRepository};

use crate::dynamo::DynamoImageRepository;
use crate::s3::S3BlobStore;

/// Time to open a TCP (and TLS) connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// Time one attempt of a call may take, until the response headers arrive.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(5);
/// Time a call may take across all its attempts and the back-off between them.
const OPERATION_TIMEOUT: Duration = Duration::from_secs(15);
/// Attempts per call (the first one included): throttling, 5xx and transient network errors
/// are retried with exponential back-off and jitter by the SDK's standard retry mode.
const MAX_ATTEMPTS: u32 = 3;

/// Where lightbox keeps its data on AWS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsSettings {
    /// The S3 bucket of image bytes.
    pub bucket: String,
    /// The DynamoDB table of image metadata.
    pub table: String,
    /// An endpoint for both services that overrides the SDK's own chain (`AWS_ENDPOINT_URL`),
    /// for an emulator or a proxy named in lightbox's own settings.
    pub endpoint_url: Option<String>,
}

/// A blob store and a repository on AWS, ready to hand to the service.
#[derive(Clone)]
pub struct AwsBackend {
    /// Image bytes, in S3.
    pub blobs: Arc<dyn BlobStore>,
    /// Image metadata, in DynamoDB.
    pub repository: Arc<dyn ImageRepository>,
}

impl fmt::Debug for AwsBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AwsBackend").finish_non_exhaustive()
    }
}

/// The SDK's default configuration chain (environment, profile, instance metadata; including
/// `AWS_ENDPOINT_URL`) with lightbox's timeouts and retry policy. Callers may refine it (tests
/// set the endpoint and credentials explicitly) before `load()`.
pub fn config_loader() -> ConfigLoader {
    aws_config::defaults(BehaviorVersion::latest())
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(CONNECT_TIMEOUT)
                .operation_attempt_timeout(ATTEMPT_TIMEOUT)
                .operation_timeout(OPERATION_TIMEOUT)
                .build(),
        )
        .retry_config(RetryConfig::standard().with_max_attempts(MAX_ATTEMPTS))
}

/// The SDK configuration for `settings`: [`config_loader`]'s chain, with the settings' endpoint
/// when they name one.
pub async fn load_sdk_config(settings: &AwsSettings) -> SdkConfig {
    let loader = config_loader();
    match &settings.endpoint_url {
        Some(endpoint) => loader.endpoint_url(endpoint).load().await,
        None => loader.load().await,
    }
}

/// Both AWS adapters, configured by [`load_sdk_config`].
pub async fn connect(settings: &AwsSettings) -> AwsBackend {
    connect_with(&load_sdk_config(settings).await, settings)
}

/// Both AWS adapters on an already loaded SDK configuration.
pub fn connect_with(sdk: &SdkConfig, settings: &AwsSettings) -> AwsBackend {
    AwsBackend {
        blobs: Arc::new(S3BlobStore::new(s3_client(sdk), settings.bucket.clone())),
        repository: Arc::new(DynamoImageRepository::new(
            dynamo_client(sdk),
            settings.table.clone(),
        )),
    }
}

/// An S3 client. With a custom endpoint (moto, LocalStack, MinIO) buckets are addressed by path,
/// since such endpoints rarely resolve `<bucket>.<host>` names.
pub(crate) fn s3_client(sdk: &SdkConfig) -> aws_sdk_s3::Client {
    let config = aws_sdk_s3::config::Builder::from(sdk)
        .force_path_style(sdk.endpoint_url().is_some())
        .build();
    aws_sdk_s3::Client::from_conf(config)
}

/// A DynamoDB client.
pub(crate) fn dynamo_client(sdk: &SdkConfig) -> aws_sdk_dynamodb::Client {
    aws_sdk_dynamodb::Client::new(sdk)
}
