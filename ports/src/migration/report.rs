//! What a migration did: counts, and every image it could not copy with the reason.

use lightbox_domain::ids::{ImageId, OwnerId};
use lightbox_domain::image::{ImageRecord, Sha256Digest};

use super::Outcome;
use crate::blob_store::BlobError;
use crate::image_repository::RepoError;

/// Why one image was not copied.
#[derive(Debug, thiserror::Error)]
pub enum ImageMigrationError {
    /// The source has the record but not the original's bytes.
    #[error("the source has no original for this record")]
    MissingOriginal,
    /// The source's original is not the one the record describes: nothing was committed.
    #[error(
        "the source's original is not the recorded one: recorded {} bytes sha256 {}, read {} \
         bytes sha256 {}",
        expected.0, expected.1.to_hex(), found.0, found.1.to_hex()
    )]
    Corrupt {
        /// Size and digest in the record.
        expected: (u64, Sha256Digest),
        /// Size and digest of the bytes read.
        found: (u64, Sha256Digest),
    },
    /// An object ended before (or went on past) the length the source announced for it.
    #[error("{key}: the source announced {announced} bytes and gave {read}")]
    Truncated {
        /// Which object.
        key: String,
        /// Its length as the source announced it.
        announced: u64,
        /// What was read.
        read: u64,
    },
    /// The destination holds a different record under this id; it was left as it is.
    #[error("the destination holds another record with this id (version {})", stored.version.get())]
    Conflict {
        /// The destination's record.
        stored: Box<ImageRecord>,
    },
    /// Reading the source's bytes failed.
    #[error("reading the source's bytes: {0}")]
    SourceBlobs(#[source] BlobError),
    /// Writing (or clearing) the destination's bytes failed.
    #[error("writing the destination's bytes: {0}")]
    DestinationBlobs(#[source] BlobError),
    /// Reading or writing the destination's metadata failed.
    #[error("the destination's metadata: {0}")]
    DestinationMetadata(#[source] RepoError),
}

/// An image the migration could not copy.
#[derive(Debug)]
pub struct FailedImage {
    /// The image.
    pub id: ImageId,
    /// Its owner.
    pub owner: OwnerId,
    /// Why.
    pub reason: ImageMigrationError,
}

/// What a migration did (or, in a dry run, would do).
#[derive(Debug, Default)]
pub struct MigrationReport {
    /// Records the source held when the run began.
    pub total: u64,
    /// Images copied: objects and record written (in a dry run: that would be).
    pub copied: u64,
    /// Images the destination already held, identical: left alone.
    pub skipped: u64,
    /// Objects (originals and derived files) copied.
    pub objects_copied: u64,
    /// Bytes copied.
    pub bytes_copied: u64,
    /// Images not copied, with the reasons.
    pub failed: Vec<FailedImage>,
}

impl MigrationReport {
    /// Images dealt with so far: copied, skipped or failed.
    pub fn done(&self) -> u64 {
        self.copied + self.skipped + self.failed.len() as u64
    }

    /// Whether every image is on the destination.
    pub fn is_complete(&self) -> bool {
        self.failed.is_empty()
    }

    pub(super) fn add(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Copied { objects, bytes } => {
                self.copied += 1;
                self.objects_copied += objects;
                self.bytes_copied += bytes;
            }
            Outcome::Skipped => self.skipped += 1,
            Outcome::Failed(failed) => self.failed.push(failed),
        }
    }
}
