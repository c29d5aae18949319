//! `lightbox provision`: creates the storage the settings name when it is missing, safe to rerun.

use anyhow::Context;
use lightbox_adapters_local::LocalBackend;

use crate::config::{BackendKind, Settings};
use crate::startup::aws_settings;

/// Creates what the configured backend needs and returns a report, one line per resource.
///
/// aws: the bucket, and the table with its indexes and TTL (waiting until it is active). local:
/// the data directory, its blob folder and the migrated SQLite file.
///
/// # Errors
/// A bad setting (a downcastable [`crate::ConfigError`]) or a backend that refuses.
pub async fn provision(settings: &Settings) -> anyhow::Result<String> {
    settings.validate()?;
    match settings.backend {
        BackendKind::Aws => {
            let report = lightbox_adapters_aws::provision(&aws_settings(settings))
                .await
                .context("provisioning the aws backend")?;
            Ok(report.to_string())
        }
        BackendKind::Local => {
            LocalBackend::open(&settings.data_dir)
                .await
                .with_context(|| {
                    format!(
                        "preparing the data directory {}",
                        settings.data_dir.display()
                    )
                })?;
            Ok(format!(
                "data directory {}: ready (blobs/ and lightbox.db)",
                settings.data_dir.display()
            ))
        }
    }
}
