//! The garbage collection a serving node runs by itself, so that orphans do not pile up
//! between operators' runs. Every node may run it: removing an orphan twice is harmless.

use std::sync::Arc;
use std::time::Duration;

use lightbox_ports::maintenance::{GcOptions, Maintenance};
use lightbox_ports::{BlobStore, ImageRepository, SystemClock};
use rand::Rng;

use crate::config::BackgroundGc;

/// Starts the background gc on the current runtime. The first run comes at a random moment of
/// the first interval, so that nodes started together spread their runs, and a node restarted
/// more often than the interval still runs now and then.
pub fn spawn_background_gc(
    schedule: BackgroundGc,
    blobs: Arc<dyn BlobStore>,
    repository: Arc<dyn ImageRepository>,
) -> tokio::task::JoinHandle<()> {
    let maintenance = Maintenance::new(blobs, repository, Arc::new(SystemClock));
    let first = first_delay(schedule.interval);
    tokio::spawn(async move {
        tokio::time::sleep(first).await;
        let mut ticks = tokio::time::interval(schedule.interval);
        loop {
            ticks.tick().await;
            run_once(&maintenance, schedule.grace).await;
        }
    })
}

fn first_delay(interval: Duration) -> Duration {
    let millis = u64::try_from(interval.as_millis())
        .unwrap_or(u64::MAX)
        .max(1);
    Duration::from_millis(rand::rng().random_range(0..millis))
}

async fn run_once(maintenance: &Maintenance, grace: Duration) {
    let Ok(grace) = chrono::TimeDelta::from_std(grace) else {
        tracing::error!("background gc: the grace period is out of range");
        return;
    };
    let options = GcOptions {
        grace,
        dry_run: false,
    };
    match maintenance.collect_garbage(options, &|_, _, _| {}).await {
        Ok(report) if report.failed > 0 => tracing::warn!(
            images = report.images_seen,
            orphans = report.orphans,
            removed = report.removed,
            failed = report.failed,
            "background gc: some orphans could not be removed; the next run retries them"
        ),
        Ok(report) => tracing::info!(
            images = report.images_seen,
            orphans = report.orphans,
            removed = report.removed,
            bytes = report.orphan_bytes,
            "background gc done"
        ),
        Err(error) => tracing::warn!(
            error = %error,
            "background gc stopped: the store could not be read; the next run tries again"
        ),
    }
}
