//! Moving every image from one store to another (`lightbox migrate`): bytes, derived files and
//! metadata, ids, versions and timestamps unchanged, each original verified against its recorded
//! size and SHA-256 while it streams across.
//!
//! The order per image is the service's own: bytes first, metadata last. The destination's
//! record ([`ImageRepository::import`]) is the commit point, so an interrupted run leaves at
//! worst objects without a record on the destination (orphans for gc, and replaced by the
//! rerun), never a record without its bytes. A rerun skips the images whose identical record is
//! already there and copies the others again: nothing is ever stored twice.

mod copy;
mod report;
#[cfg(test)]
mod tests;

use std::fmt;
use std::sync::Arc;

use futures::{StreamExt, stream};
use lightbox_domain::image::ImageRecord;

use crate::blob_store::BlobStore;
use crate::image_repository::{ImageRepository, SweepPosition};
use crate::use_cases::StorageError;

pub use report::{FailedImage, ImageMigrationError, MigrationReport};

/// Records read from the source's metadata per step.
const SWEEP_PAGE: u32 = 100;

/// One side of a migration: the two ports of a backend.
#[derive(Clone)]
pub struct Store {
    /// Its bytes.
    pub blobs: Arc<dyn BlobStore>,
    /// Its metadata.
    pub repository: Arc<dyn ImageRepository>,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store").finish_non_exhaustive()
    }
}

/// How to run a migration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MigrationOptions {
    /// Read the source and the destination's metadata, report what would be copied and skipped,
    /// write nothing.
    pub dry_run: bool,
    /// Images copied at once: enough to keep a remote store busy, few enough to bound memory
    /// (an S3 destination holds each object whole while it sends it).
    pub images_in_flight: usize,
}

impl Default for MigrationOptions {
    fn default() -> Self {
        Self {
            dry_run: false,
            images_in_flight: 4,
        }
    }
}

/// What became of one image.
#[derive(Debug)]
enum Outcome {
    /// Its objects and record were written (or, in a dry run, would be).
    Copied { objects: u64, bytes: u64 },
    /// The destination already holds the identical record.
    Skipped,
    /// It could not be copied; the run goes on.
    Failed(FailedImage),
}

/// A migration from one store to another.
#[derive(Debug, Clone)]
pub struct Migration {
    source: Store,
    destination: Store,
}

impl Migration {
    /// A migration copying `source` into `destination`.
    pub fn new(source: Store, destination: Store) -> Self {
        Self {
            source,
            destination,
        }
    }

    /// Copies every image of the source that the destination lacks, calling `progress(report
    /// so far)` once the source is counted and after each image.
    ///
    /// # Errors
    /// [`StorageError`] when the source's metadata cannot be read (nothing can go on without
    /// it); a single image that cannot be copied is reported in [`MigrationReport::failed`]
    /// instead, and the run goes on.
    pub async fn run(
        &self,
        options: MigrationOptions,
        progress: &(dyn Fn(&MigrationReport) + Sync),
    ) -> Result<MigrationReport, StorageError> {
        let mut report = MigrationReport {
            total: self.count_source().await?,
            ..MigrationReport::default()
        };
        progress(&report);
        let mut position: Option<SweepPosition> = None;
        loop {
            let page = self.source.repository.sweep(position, SWEEP_PAGE).await?;
            let mut outcomes = stream::iter(page.records)
                .map(|record| self.migrate_image(record, options.dry_run))
                .buffer_unordered(options.images_in_flight.max(1));
            while let Some(outcome) = outcomes.next().await {
                report.add(outcome);
                progress(&report);
            }
            match page.next {
                Some(next) => position = Some(next),
                None => break,
            }
        }
        Ok(report)
    }

    /// How many records the source holds, for the progress bar's length and its ETA. A pass
    /// over the metadata alone, which costs little next to copying the bytes.
    async fn count_source(&self) -> Result<u64, StorageError> {
        let mut total = 0_u64;
        let mut position: Option<SweepPosition> = None;
        loop {
            let page = self.source.repository.sweep(position, SWEEP_PAGE).await?;
            total += page.records.len() as u64;
            match page.next {
                Some(next) => position = Some(next),
                None => return Ok(total),
            }
        }
    }

    async fn migrate_image(&self, record: ImageRecord, dry_run: bool) -> Outcome {
        match self.try_migrate_image(&record, dry_run).await {
            Ok(outcome) => outcome,
            Err(reason) => {
                tracing::warn!(image_id = %record.id, %reason, "migrate: image not copied");
                Outcome::Failed(FailedImage {
                    id: record.id,
                    owner: record.owner,
                    reason,
                })
            }
        }
    }
}
