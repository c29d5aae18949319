//! Scrubbing: reads every stored original and checks it against the size and SHA-256 its
//! metadata recorded at upload, reporting what is missing or corrupt. It never deletes or
//! repairs anything: what to do with a damaged image (restore from a backup, tell its owner)
//! is the operator's decision.

use futures::{StreamExt, TryStreamExt, stream};
use lightbox_domain::ids::{ImageId, OwnerId};
use lightbox_domain::image::{ImageRecord, Sha256Digest};
use sha2::{Digest, Sha256};

use super::Maintenance;
use crate::blob_store::{BlobError, BlobKey};
use crate::image_repository::SweepPosition;
use crate::use_cases::StorageError;

/// Records read from the metadata per step.
const SWEEP_PAGE: u32 = 100;

/// Originals read at once: enough to keep a remote store busy, few enough that a scrub next to
/// a serving node takes little of its bandwidth.
const READS_IN_FLIGHT: usize = 4;

/// An original whose bytes are not the ones recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorruptImage {
    /// The image.
    pub id: ImageId,
    /// Its owner.
    pub owner: OwnerId,
    /// Size and digest recorded at upload.
    pub expected: (u64, Sha256Digest),
    /// Size and digest of the bytes read now.
    pub found: (u64, Sha256Digest),
}

/// An original that could not be read to the end, for another reason than being missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnreadableImage {
    /// The image.
    pub id: ImageId,
    /// Why (for the operator: may name the backend's error).
    pub reason: String,
}

/// What a scrub found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScrubReport {
    /// Images whose metadata was read.
    pub checked: u64,
    /// Bytes read from the blob store.
    pub bytes_read: u64,
    /// Images whose original is gone: metadata without bytes.
    pub missing: Vec<(ImageId, OwnerId)>,
    /// Images whose original differs from what was recorded.
    pub corrupt: Vec<CorruptImage>,
    /// Images whose original could not be read (the store failed); a later run may check them.
    pub unreadable: Vec<UnreadableImage>,
}

impl ScrubReport {
    /// Whether every image checked was intact and readable.
    pub fn is_clean(&self) -> bool {
        self.missing.is_empty() && self.corrupt.is_empty() && self.unreadable.is_empty()
    }
}

/// What reading one original showed.
enum Verdict {
    Intact { bytes: u64 },
    Missing(ImageId, OwnerId),
    Corrupt(CorruptImage),
    Unreadable(UnreadableImage),
}

impl Maintenance {
    /// Reads every image's original and compares it with its metadata, calling
    /// `progress(report so far)` after each page of images.
    ///
    /// # Errors
    /// [`StorageError`] when the metadata cannot be read; a blob that cannot be read is reported
    /// as unreadable instead, and the scrub goes on.
    pub async fn scrub(
        &self,
        progress: &(dyn Fn(&ScrubReport) + Sync),
    ) -> Result<ScrubReport, StorageError> {
        let mut report = ScrubReport::default();
        let mut position: Option<SweepPosition> = None;
        loop {
            let page = self.repository.sweep(position, SWEEP_PAGE).await?;
            let verdicts: Vec<Verdict> = stream::iter(page.records)
                .map(|record| self.check_original(record))
                .buffer_unordered(READS_IN_FLIGHT)
                .collect()
                .await;
            for verdict in verdicts {
                report.checked += 1;
                match verdict {
                    Verdict::Intact { bytes } => report.bytes_read += bytes,
                    Verdict::Missing(id, owner) => report.missing.push((id, owner)),
                    Verdict::Corrupt(corrupt) => {
                        report.bytes_read += corrupt.found.0;
                        report.corrupt.push(corrupt);
                    }
                    Verdict::Unreadable(unreadable) => report.unreadable.push(unreadable),
                }
            }
            progress(&report);
            match page.next {
                Some(next) => position = Some(next),
                None => break,
            }
        }
        Ok(report)
    }

    async fn check_original(&self, record: ImageRecord) -> Verdict {
        let expected = (record.content.size_bytes, record.content.sha256);
        match self.digest_original(&record.id).await {
            Ok(found) if found == expected => Verdict::Intact { bytes: found.0 },
            Ok(found) => {
                tracing::error!(image_id = %record.id, "scrub: stored bytes differ from the recorded digest");
                Verdict::Corrupt(CorruptImage {
                    id: record.id,
                    owner: record.owner,
                    expected,
                    found,
                })
            }
            Err(BlobError::NotFound) => {
                tracing::error!(image_id = %record.id, "scrub: metadata without its original");
                Verdict::Missing(record.id, record.owner)
            }
            Err(error) => Verdict::Unreadable(UnreadableImage {
                id: record.id,
                reason: error.to_string(),
            }),
        }
    }
}

impl Maintenance {
    /// The size and SHA-256 of an image's original, read to its end.
    async fn digest_original(&self, id: &ImageId) -> Result<(u64, Sha256Digest), BlobError> {
        let content = self.blobs.get(&BlobKey::original(id), None).await?;
        let mut hasher = Sha256::new();
        let mut size = 0_u64;
        let mut bytes = content.stream;
        while let Some(chunk) = bytes.try_next().await? {
            size += chunk.len() as u64;
            hasher.update(&chunk);
        }
        Ok((size, Sha256Digest::from_bytes(hasher.finalize().into())))
    }
}
