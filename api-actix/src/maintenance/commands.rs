//! The two commands: open the configured backend, run the pass with progress, return its report.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use lightbox_ports::SystemClock;
use lightbox_ports::maintenance::{GcOptions, GcReport, Maintenance, ScrubReport};

use super::progress::Progress;
use super::summary::{gc_summary, scrub_summary};
use crate::config::Settings;
use crate::startup::open_bounded_backend;

/// What `lightbox gc` was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GcCommand {
    /// Report, remove nothing.
    pub dry_run: bool,
    /// The grace period; the configured `gc_grace_seconds` when `None`.
    pub grace: Option<Duration>,
}

/// What a scrub found, and the text that says it.
#[derive(Debug, Clone)]
pub struct ScrubOutcome {
    /// The findings.
    pub report: ScrubReport,
    /// The summary and one line per damaged image, for stdout.
    pub summary: String,
}

/// Opens the configured backend for a whole-store pass, each storage call bounded by the storage
/// deadline as in the server.
async fn maintenance(settings: &Settings) -> anyhow::Result<Maintenance> {
    let validated = settings.validate()?;
    let (blobs, repository) = open_bounded_backend(settings, validated.storage_timeout).await?;
    Ok(Maintenance::new(blobs, repository, Arc::new(SystemClock)))
}

/// Runs `lightbox gc`: returns the report and its summary line.
///
/// # Errors
/// A bad setting (a downcastable [`crate::ConfigError`]), or a backend that cannot be listed
/// or read.
pub async fn collect_garbage(
    settings: &Settings,
    command: GcCommand,
) -> anyhow::Result<(GcReport, String)> {
    let maintenance = maintenance(settings).await?;
    let grace = command
        .grace
        .unwrap_or(Duration::from_secs(settings.gc_grace_seconds));
    if grace.as_secs() <= settings.body_timeout_seconds {
        eprintln!(
            "warning: a grace of {} s is not longer than the body deadline ({} s): run this only \
             while no server writes to the store, or uploads in progress lose their bytes",
            grace.as_secs(),
            settings.body_timeout_seconds
        );
    }
    let options = GcOptions {
        grace: chrono::TimeDelta::from_std(grace).context("the grace period is too long")?,
        dry_run: command.dry_run,
    };
    let progress = Progress::steps("gc", "image directories");
    let report = maintenance
        .collect_garbage(options, &|done, total, report| {
            progress.step(done as u64, total as u64, report.images_seen);
        })
        .await
        .context("collecting garbage")?;
    progress.finish();
    Ok((report, gc_summary(&report, options)))
}

/// Runs `lightbox scrub`.
///
/// # Errors
/// A bad setting (a downcastable [`crate::ConfigError`]), or metadata that cannot be read.
pub async fn scrub(settings: &Settings) -> anyhow::Result<ScrubOutcome> {
    let maintenance = maintenance(settings).await?;
    let progress = Progress::count("scrub", "images checked");
    let report = maintenance
        .scrub(&|report| progress.count_to(report.checked, report.bytes_read))
        .await
        .context("scrubbing")?;
    progress.finish();
    let summary = scrub_summary(&report);
    Ok(ScrubOutcome { report, summary })
}
