//! Production adapters of lightbox: image bytes in S3 (aws-sdk-s3), metadata in one DynamoDB
//! table (aws-sdk-dynamodb), plus the provisioning of both and the SDK client set-up.
//!
//! Architecture invariant: this crate implements the ports of `lightbox-ports` and depends on
//! nothing of `api-actix` or of any other adapter.
//!
//! Architecture invariant: no code path of this crate issues a DynamoDB `Scan`; every listing is
//! a `Query` on the table or one of its indexes (a unit test greps the sources to keep it so).

mod config;
mod dynamo;
mod provision;
mod s3;

pub use config::{AwsBackend, AwsSettings, config_loader, connect, connect_with, load_sdk_config};
pub use dynamo::DynamoImageRepository;
pub use provision::{
    ProvisionError, ProvisionReport, ProvisionedResource, ResourceState, provision, provision_with,
};
pub use s3::S3BlobStore;

/// What S3 failures are called in a 503's detail and in `/ready`, for decorators that fail on
/// the adapter's behalf (the storage deadlines).
pub const S3_BACKEND_NAME: &str = s3::BACKEND_NAME;
/// What DynamoDB failures are called in a 503's detail and in `/ready`, for decorators that fail
/// on the adapter's behalf (the storage deadlines).
pub const DYNAMODB_BACKEND_NAME: &str = dynamo::BACKEND_NAME;
