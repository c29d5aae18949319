//! `provision`: creates the bucket (with a lifecycle rule aborting incomplete multipart uploads)
//! and the table (with its indexes and TTL) when they are missing, waits until the table is active, and reports what it did. Safe to rerun: a second
//! run finds everything present and creates nothing.

use std::fmt;
use std::time::Duration;

use aws_config::SdkConfig;
use aws_sdk_s3::types::{BucketLocationConstraint, CreateBucketConfiguration};
use lightbox_ports::failure::BoxError;

use crate::config::{AwsSettings, load_sdk_config, s3_client};
mod lifecycle;
mod table;

/// What became of one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceState {
    /// It was missing and this run created (or enabled) it.
    Created,
    /// It was there already; nothing changed.
    AlreadyPresent,
}

/// One resource `provision` looked after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvisionedResource {
    /// What it is, e.g. `S3 bucket lightbox-images`.
    pub resource: String,
    /// What this run did about it.
    pub state: ResourceState,
}

/// What `provision` found and did, one line per resource when displayed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProvisionReport {
    /// The resources, in the order they were handled.
    pub resources: Vec<ProvisionedResource>,
}

impl ProvisionReport {
    /// Whether this run created anything.
    pub fn created_anything(&self) -> bool {
        self.resources
            .iter()
            .any(|resource| resource.state == ResourceState::Created)
    }

    fn note(&mut self, resource: String, state: ResourceState) {
        self.resources.push(ProvisionedResource { resource, state });
    }
}

impl fmt::Display for ProvisionReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for entry in &self.resources {
            let state = match entry.state {
                ResourceState::Created => "created",
                ResourceState::AlreadyPresent => "already present",
            };
            writeln!(f, "{}: {state}", entry.resource)?;
        }
        Ok(())
    }
}

/// Why provisioning stopped.
#[derive(Debug, thiserror::Error)]
pub enum ProvisionError {
    /// The bucket could not be looked up or created, or given its lifecycle rule.
    #[error("cannot provision the S3 bucket {bucket}")]
    Bucket {
        /// The bucket.
        bucket: String,
        /// The SDK's error.
        #[source]
        source: BoxError,
    },
    /// The table could not be looked up, created or given its TTL.
    #[error("cannot provision the DynamoDB table {table}")]
    Table {
        /// The table.
        table: String,
        /// The SDK's error.
        #[source]
        source: BoxError,
    },
    /// The table exists but lacks indexes lightbox queries.
    #[error(
        "the DynamoDB table {table} exists without the indexes {missing:?}; recreate it or add them"
    )]
    MissingIndexes {
        /// The table.
        table: String,
        /// The indexes it lacks.
        missing: Vec<String>,
    },
    /// The table did not become active in time.
    #[error("the DynamoDB table {table} is not active after {waited:?}")]
    NotActive {
        /// The table.
        table: String,
        /// How long this run waited.
        waited: Duration,
    },
}

/// Provisions with the SDK configuration of [`load_sdk_config`] (the environment's credentials,
/// region and endpoint, or the settings' endpoint).
///
/// # Errors
/// [`ProvisionError`] naming the resource that failed.
pub async fn provision(settings: &AwsSettings) -> Result<ProvisionReport, ProvisionError> {
    provision_with(&load_sdk_config(settings).await, settings).await
}

/// Provisions with an already loaded SDK configuration.
///
/// # Errors
/// [`ProvisionError`] naming the resource that failed.
pub async fn provision_with(
    sdk: &SdkConfig,
    settings: &AwsSettings,
) -> Result<ProvisionReport, ProvisionError> {
    let mut report = ProvisionReport::default();
    let bucket = provision_bucket(sdk, &settings.bucket)
        .await
        .map_err(|source| ProvisionError::Bucket {
            bucket: settings.bucket.clone(),
            source,
        })?;
    report.note(format!("S3 bucket {}", settings.bucket), bucket);
    let rule = lifecycle::provision_abort_rule(sdk, &settings.bucket)
        .await
        .map_err(|source| ProvisionError::Bucket {
            bucket: settings.bucket.clone(),
            source,
        })?;
    report.note(
        format!(
            "lifecycle rule aborting incomplete multipart uploads on {}",
            settings.bucket
        ),
        rule,
    );
    table::provision_table(sdk, &settings.table, &mut report).await?;
    Ok(report)
}

async fn provision_bucket(sdk: &SdkConfig, bucket: &str) -> Result<ResourceState, BoxError> {
    let client = s3_client(sdk);
    match client.head_bucket().bucket(bucket).send().await {
        Ok(_) => return Ok(ResourceState::AlreadyPresent),
        Err(error) if error.as_service_error().is_some_and(|e| e.is_not_found()) => {}
        Err(error) => return Err(error.into()),
    }
    let region = sdk.region().map(|region| region.as_ref().to_owned());
    let mut create = client.create_bucket().bucket(bucket);
    // us-east-1 is S3's default location and refuses to be named as a constraint.
    if let Some(region) = region.filter(|region| region != "us-east-1") {
        create = create.create_bucket_configuration(
            CreateBucketConfiguration::builder()
                .location_constraint(BucketLocationConstraint::from(region.as_str()))
                .build(),
        );
    }
    match create.send().await {
        Ok(_) => Ok(ResourceState::Created),
        // Another provisioning run won the race: the bucket is there, which is what was wanted.
        Err(error)
            if error
                .as_service_error()
                .is_some_and(|e| e.is_bucket_already_owned_by_you()) =>
        {
            Ok(ResourceState::AlreadyPresent)
        }
        Err(error) => Err(error.into()),
    }
}
