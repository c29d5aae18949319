//! Garbage collection: removes the objects of images that have no metadata.
//!
//! Such objects are the half-states the write paths leave on purpose: an upload stores its bytes
//! before its metadata, and a delete removes the metadata before the bytes, so a crash or a
//! failing backend in between leaves bytes no one can reach (never metadata without bytes).
//! A thumbnail rendered while its image was being deleted lands there too.
//!
//! An upload's bytes are also without metadata while the request is still being processed,
//! so only objects older than a grace period count: the grace must exceed the longest an upload
//! can take between storing its bytes and committing its metadata (the body deadline).

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};
use futures::TryStreamExt;
use lightbox_domain::ids::ImageId;

use super::Maintenance;
use crate::blob_store::BlobKey;
use crate::image_repository::EXISTING_IDS_BATCH;
use crate::use_cases::StorageError;

/// How a garbage collection runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GcOptions {
    /// Objects written more recently than this are left alone, metadata or not.
    pub grace: TimeDelta,
    /// Count what would be removed, and remove nothing.
    pub dry_run: bool,
}

/// What a garbage collection found and did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GcReport {
    /// Image directories found in the blob store.
    pub images_seen: u64,
    /// Of those, images with metadata: kept.
    pub with_metadata: u64,
    /// Images without metadata whose newest object is within the grace period: kept, since
    /// their upload may still be committing.
    pub too_recent: u64,
    /// Images without metadata past the grace period: the orphans.
    pub orphans: u64,
    /// Objects (leftovers of unfinished writes included) of the orphans.
    pub orphan_objects: u64,
    /// Bytes of the orphans' objects.
    pub orphan_bytes: u64,
    /// Orphans removed (none in a dry run).
    pub removed: u64,
    /// Orphans whose removal failed; a later run retries them.
    pub failed: u64,
    /// Objects under `images/` that belong to no image directory: never touched, only counted.
    pub unrecognized_objects: u64,
}

/// The objects found for one image.
#[derive(Debug, Clone, Copy)]
struct ImageObjects {
    newest: DateTime<Utc>,
    count: u64,
    bytes: u64,
}

impl Maintenance {
    /// Removes (or with `dry_run` only counts) the objects of every image that has no metadata
    /// and was last written before the grace period. Walks the store one fan-out directory at a
    /// time (256 steps), calling `progress(done, 256, report so far)` after each.
    ///
    /// A grace of zero is safe only while no server writes to the store: it would take an
    /// upload that stored its bytes but has not committed its metadata yet for an orphan.
    ///
    /// # Errors
    /// [`StorageError`] when listing the store or reading the metadata fails; the report of
    /// what was done until then is lost, but nothing is half-removed (a removal that failed is
    /// counted, and the run goes on).
    pub async fn collect_garbage(
        &self,
        options: GcOptions,
        progress: &(dyn Fn(usize, usize, &GcReport) + Sync),
    ) -> Result<GcReport, StorageError> {
        let cutoff = self.clock.now() - options.grace;
        let prefixes: Vec<String> = BlobKey::fan_out_prefixes().collect();
        let mut report = GcReport::default();
        for (done, prefix) in prefixes.iter().enumerate() {
            let images = self.images_under(prefix, &mut report).await?;
            self.collect_among(images, cutoff, options.dry_run, &mut report)
                .await?;
            progress(done + 1, prefixes.len(), &report);
        }
        Ok(report)
    }

    /// The images with objects under `prefix`, grouped from the listing.
    async fn images_under(
        &self,
        prefix: &str,
        report: &mut GcReport,
    ) -> Result<BTreeMap<ImageId, ImageObjects>, StorageError> {
        let mut listing = self.blobs.list(prefix).await?;
        let mut images: BTreeMap<ImageId, ImageObjects> = BTreeMap::new();
        while let Some(object) = listing.try_next().await? {
            let Some(id) = BlobKey::image_of(&object.key) else {
                tracing::debug!(key = %object.key, "gc: an object outside any image directory");
                report.unrecognized_objects += 1;
                continue;
            };
            let entry = images.entry(id).or_insert(ImageObjects {
                newest: object.last_modified,
                count: 0,
                bytes: 0,
            });
            entry.newest = entry.newest.max(object.last_modified);
            entry.count += 1;
            entry.bytes += object.size;
        }
        report.images_seen += images.len() as u64;
        Ok(images)
    }

    /// Checks `images` against the metadata in batches and removes the old orphans.
    async fn collect_among(
        &self,
        images: BTreeMap<ImageId, ImageObjects>,
        cutoff: DateTime<Utc>,
        dry_run: bool,
        report: &mut GcReport,
    ) -> Result<(), StorageError> {
        let ids: Vec<ImageId> = images.keys().copied().collect();
        for batch in ids.chunks(EXISTING_IDS_BATCH) {
            let recorded = self.repository.existing_ids(batch).await?;
            for id in batch {
                if recorded.contains(id) {
                    report.with_metadata += 1;
                    continue;
                }
                let Some(objects) = images.get(id) else {
                    continue;
                };
                if objects.newest > cutoff {
                    report.too_recent += 1;
                    continue;
                }
                report.orphans += 1;
                report.orphan_objects += objects.count;
                report.orphan_bytes += objects.bytes;
                if dry_run {
                    continue;
                }
                self.remove_orphan(id, report).await;
            }
        }
        Ok(())
    }

    async fn remove_orphan(&self, id: &ImageId, report: &mut GcReport) {
        match self.blobs.delete_prefix(&BlobKey::image_prefix(id)).await {
            Ok(()) => {
                tracing::info!(image_id = %id, "gc: removed the objects of an image without metadata");
                report.removed += 1;
            }
            Err(error) => {
                tracing::warn!(image_id = %id, error = %error, "gc: removing an orphan failed");
                report.failed += 1;
            }
        }
    }
}
