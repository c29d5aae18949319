//! The metadata repository port: where image records, tags and idempotency claims live.
//!
//! # Contract
//! Every implementation MUST:
//! - store a record and its tags atomically with its idempotency claim (`create`), so that two
//!   concurrent creates with the same claim leave exactly one image;
//! - return records exactly as stored (timestamps to the microsecond, tags sorted);
//! - make `update` conditional on the stored version and `delete` conditional on existence, so
//!   that of two racing writers exactly one wins;
//! - serve `list` from indexes (never by reading every record), in `(created_at, id)` order,
//!   strictly after the query's position;
//! - visit every record exactly once over a whole `sweep` (the operator's passes over the whole
//!   store: scrub, migration), records created or deleted meanwhile aside;
//! - `import` a record exactly as given, with every index derived from it (tags, usage), and
//!   never overwrite a different record with the same id;
//! - translate backend-specific errors into [`RepoError`], keeping the cause for logs.

use std::collections::HashSet;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use lightbox_domain::blurhash::Blurhash;
use lightbox_domain::idempotency::IdempotencyKey;
use lightbox_domain::ids::{ImageId, OwnerId};
use lightbox_domain::image::{ImageRecord, Version};
use lightbox_domain::listing::ListQuery;
use lightbox_domain::quota::{Quota, QuotaBreach};

use crate::failure::BackendFailure;

/// A claim on an idempotency key, made by an upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyClaim {
    /// Whose key (keys are per caller).
    pub owner: OwnerId,
    /// The key.
    pub key: IdempotencyKey,
    /// A digest of everything the request carried (file bytes and fields): a retry must match it.
    pub fingerprint: [u8; 32],
    /// Claims made before this moment have expired and no longer count.
    pub not_before: DateTime<Utc>,
}

/// What `create` did.
// One value per upload, moved straight into the response: boxing the record would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreateOutcome {
    /// The record was stored.
    Created,
    /// A live claim with the same key and fingerprint exists: nothing was stored, and this is the
    /// record the first request created, as it was created.
    Replayed(ImageRecord),
    /// A live claim with the same key but another fingerprint exists: nothing was stored.
    KeyReused,
    /// The record would take its owner past the quota: nothing was stored. `usage` is what the
    /// owner stored when the write was refused.
    QuotaExceeded {
        /// Which limit.
        breach: QuotaBreach,
        /// The owner's usage at the time.
        usage: Usage,
    },
}

/// What [`ImageRepository::import`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportOutcome {
    /// The record was stored, as given.
    Inserted,
    /// An identical record (every field equal) was already stored: nothing changed. A rerun of
    /// an interrupted migration meets these.
    AlreadyPresent,
    /// A different record with the same id is stored: nothing changed. This is the stored one.
    Conflict(Box<ImageRecord>),
}

/// Where a [`ImageRepository::sweep`] stopped: opaque, made and read by the repository alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SweepPosition(pub String);

/// One page of a sweep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SweepPage {
    /// Records, in the repository's own order; possibly fewer than asked, even none, before the
    /// end.
    pub records: Vec<ImageRecord>,
    /// Where the next page starts; `None` when the sweep is complete.
    pub next: Option<SweepPosition>,
}

/// How many ids [`ImageRepository::existing_ids`] takes at once.
pub const EXISTING_IDS_BATCH: usize = 100;

/// How much a user stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Usage {
    /// Number of images.
    pub images: u64,
    /// Sum of their sizes.
    pub bytes: u64,
}

/// What went wrong in the repository.
#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    /// No record with that id.
    #[error("no such image")]
    NotFound,
    /// The stored version is not the expected one.
    #[error("the image was changed meanwhile")]
    VersionConflict,
    /// A record with that id already exists.
    #[error("an image with that id already exists")]
    AlreadyExists,
    /// The store is out of space; nothing was written.
    #[error("the metadata store is out of space")]
    InsufficientStorage,
    /// The database could not be reached or refused the operation.
    #[error(transparent)]
    Unavailable(#[from] BackendFailure),
}

impl RepoError {
    /// Wraps any backend error as [`RepoError::Unavailable`].
    pub fn unavailable(source: impl Into<crate::failure::BoxError>) -> Self {
        Self::Unavailable(BackendFailure::new(
            crate::failure::METADATA_DATABASE,
            source,
        ))
    }
}

/// Stores and queries image metadata.
#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait ImageRepository: Send + Sync + 'static {
    /// Stores a new record with its tags, and the idempotency claim when there is one, in one
    /// atomic write, unless it would take the owner past `quota`: the check and the write are one
    /// atomic step, so concurrent uploads can never pass a quota together. A live claim decides
    /// before the quota does: the retry of a request that was stored is answered `Replayed` even
    /// when the owner is now at the quota.
    ///
    /// # Errors
    /// [`RepoError::AlreadyExists`] when the id is taken; [`RepoError::InsufficientStorage`];
    /// [`RepoError::Unavailable`].
    async fn create(
        &self,
        image: &ImageRecord,
        claim: Option<IdempotencyClaim>,
        quota: Quota,
    ) -> Result<CreateOutcome, RepoError>;

    /// Stores `image` exactly as given (id, owner, version, timestamps, digest, blurhash...) with
    /// every index derived from it (its tags, its owner's usage), in one atomic write, unless a
    /// record with its id exists. For moving records between stores (`lightbox migrate`): no
    /// idempotency claim and no quota apply, so a migration never refuses an owner's images for
    /// being over the destination's quota.
    ///
    /// # Errors
    /// [`RepoError::InsufficientStorage`]; [`RepoError::Unavailable`] (which, from a write,
    /// means "maybe stored": a retry answers `AlreadyPresent` if it was).
    async fn import(&self, image: &ImageRecord) -> Result<ImportOutcome, RepoError>;

    /// The record with this id, if any.
    ///
    /// # Errors
    /// [`RepoError::Unavailable`].
    async fn get(&self, id: &ImageId) -> Result<Option<ImageRecord>, RepoError>;

    /// Which of `ids` (at most [`EXISTING_IDS_BATCH`]) have a record, in one round trip.
    ///
    /// # Errors
    /// [`RepoError::Unavailable`].
    async fn existing_ids(&self, ids: &[ImageId]) -> Result<HashSet<ImageId>, RepoError>;

    /// Up to about `limit` records from `from` on (the start when `None`), for passes over the
    /// whole store. Reads every record over a sweep, so it is for operators' commands only,
    /// never for a request.
    ///
    /// # Errors
    /// [`RepoError::Unavailable`], also for a position this repository did not make.
    async fn sweep(&self, from: Option<SweepPosition>, limit: u32) -> Result<SweepPage, RepoError>;

    /// Up to `query.limit + 1` records matching the query's filter, in its order, strictly after
    /// its position. The one extra record tells the caller whether another page exists.
    ///
    /// # Errors
    /// [`RepoError::Unavailable`].
    async fn list(&self, query: &ListQuery) -> Result<Vec<ImageRecord>, RepoError>;

    /// Replaces a record's metadata (title, description, tags, visibility, `updated_at`,
    /// `version`) if its stored version is still `expected`.
    ///
    /// # Errors
    /// [`RepoError::NotFound`] when it is gone; [`RepoError::VersionConflict`] when its version
    /// moved on; [`RepoError::InsufficientStorage`]; [`RepoError::Unavailable`].
    async fn update(&self, image: &ImageRecord, expected: Version) -> Result<(), RepoError>;

    /// Records the blurhash of an image stored without one. Never changes anything else (not
    /// `version`, not `updated_at`): the placeholder is derived from the bytes, not metadata the
    /// owner edits. A record that already has a blurhash, or no record, is left as it is.
    ///
    /// # Errors
    /// [`RepoError::InsufficientStorage`]; [`RepoError::Unavailable`].
    async fn set_blurhash(&self, id: &ImageId, blurhash: &Blurhash) -> Result<(), RepoError>;

    /// Removes a record and its tags.
    ///
    /// # Errors
    /// [`RepoError::NotFound`] when there is no such record (so of two racing deletes exactly one
    /// succeeds); [`RepoError::Unavailable`].
    async fn delete(&self, id: &ImageId) -> Result<(), RepoError>;

    /// How many images and bytes `owner` stores.
    ///
    /// # Errors
    /// [`RepoError::Unavailable`].
    async fn usage(&self, owner: &OwnerId) -> Result<Usage, RepoError>;

    /// Whether the database answers, for `/ready`.
    ///
    /// # Errors
    /// [`RepoError::Unavailable`] naming the cause.
    async fn check_ready(&self) -> Result<(), RepoError>;
}
