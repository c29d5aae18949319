//! Provisioning the bucket's lifecycle rule that aborts incomplete multipart uploads.
//!
//! An incomplete multipart upload is invisible to listings and reads, so garbage collection can
//! never see it, yet S3 keeps (and bills) its parts until it is aborted. `put` does not use
//! multipart today, but other tools writing to the bucket may, and a rule is the only cleanup.
//! Rules the operator set already are kept: the whole configuration is written back with this
//! rule added.

use aws_config::SdkConfig;
use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_sdk_s3::types::{
    AbortIncompleteMultipartUpload, BucketLifecycleConfiguration, ExpirationStatus, LifecycleRule,
    LifecycleRuleFilter,
};
use lightbox_ports::failure::BoxError;

use super::ResourceState;
use crate::config::s3_client;

/// The rule's id, to recognise it in the bucket's configuration.
const ABORT_RULE_ID: &str = "lightbox-abort-incomplete-multipart-uploads";

/// Days after which an unfinished multipart upload is aborted: an upload of an image takes
/// seconds, so a day is far beyond any still in progress.
const ABORT_AFTER_DAYS: i32 = 1;

/// Adds the abort rule to `bucket`'s lifecycle configuration unless an enabled rule already
/// aborts incomplete uploads.
pub(super) async fn provision_abort_rule(
    sdk: &SdkConfig,
    bucket: &str,
) -> Result<ResourceState, BoxError> {
    let client = s3_client(sdk);
    let mut rules = match client
        .get_bucket_lifecycle_configuration()
        .bucket(bucket)
        .send()
        .await
    {
        Ok(output) => output.rules.unwrap_or_default(),
        Err(error)
            if error
                .as_service_error()
                .and_then(ProvideErrorMetadata::code)
                == Some("NoSuchLifecycleConfiguration") =>
        {
            Vec::new()
        }
        Err(error) => return Err(error.into()),
    };
    let aborts = rules.iter().any(|rule| {
        rule.status() == &ExpirationStatus::Enabled
            && rule.abort_incomplete_multipart_upload().is_some()
    });
    if aborts {
        return Ok(ResourceState::AlreadyPresent);
    }
    rules.push(
        LifecycleRule::builder()
            .id(ABORT_RULE_ID)
            .status(ExpirationStatus::Enabled)
            // An empty prefix: the whole bucket.
            .filter(LifecycleRuleFilter::builder().prefix("").build())
            .abort_incomplete_multipart_upload(
                AbortIncompleteMultipartUpload::builder()
                    .days_after_initiation(ABORT_AFTER_DAYS)
                    .build(),
            )
            .build()?,
    );
    client
        .put_bucket_lifecycle_configuration()
        .bucket(bucket)
        .lifecycle_configuration(
            BucketLifecycleConfiguration::builder()
                .set_rules(Some(rules))
                .build()?,
        )
        .send()
        .await?;
    Ok(ResourceState::Created)
}
