//! The metadata repository port on one DynamoDB table (layout in `schema`): images, their tags,
//! per-owner usage counters and idempotency claims, written together by `TransactWriteItems`
//! and listed by `Query` on the table's indexes only; the operators' whole-store sweeps are the
//! one `Scan` (see `sweep`).
//!
//! Consistency: single-image reads (`get`, and every read a write decides on) are strongly
//! consistent. Lists read global secondary indexes, which DynamoDB updates asynchronously, so a
//! just-uploaded (or just-edited) image can take a moment to appear in (or leave) lists on real
//! DynamoDB; moto updates them at once. Tag lists re-read the image items consistently, and every
//! list re-checks its filter on the record it returns, so a list never shows a record that does
//! not match it.

mod batch;
mod claims;
mod errors;
mod import;

pub use errors::BACKEND_NAME;
mod item;
mod list;
mod placeholder;
mod quota;
mod read;
pub(crate) mod schema;
mod sweep;
mod window;
mod write;

#[cfg(test)]
mod no_scan_tests;

use std::collections::HashSet;

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use lightbox_domain::blurhash::Blurhash;
use lightbox_domain::ids::{ImageId, OwnerId};
use lightbox_domain::image::{ImageRecord, Version};
use lightbox_domain::listing::ListQuery;
use lightbox_domain::quota::Quota;
use lightbox_ports::{
    CreateOutcome, IdempotencyClaim, ImageRepository, ImportOutcome, RepoError, SweepPage,
    SweepPosition, Usage,
};

/// An [`ImageRepository`] on one DynamoDB table, which must exist with its indexes (see
/// [`crate::provision`]).
#[derive(Debug, Clone)]
pub struct DynamoImageRepository {
    client: Client,
    table: String,
}

impl DynamoImageRepository {
    /// A repository on `table`.
    pub fn new(client: Client, table: String) -> Self {
        Self { client, table }
    }
}

#[async_trait]
impl ImageRepository for DynamoImageRepository {
    async fn create(
        &self,
        image: &ImageRecord,
        claim: Option<IdempotencyClaim>,
        quota: Quota,
    ) -> Result<CreateOutcome, RepoError> {
        self.create_image(image, claim.as_ref(), quota).await
    }

    async fn import(&self, image: &ImageRecord) -> Result<ImportOutcome, RepoError> {
        self.import_image(image).await
    }

    async fn get(&self, id: &ImageId) -> Result<Option<ImageRecord>, RepoError> {
        self.get_image(id).await
    }

    async fn existing_ids(&self, ids: &[ImageId]) -> Result<HashSet<ImageId>, RepoError> {
        self.existing_image_ids(ids).await
    }

    async fn sweep(&self, from: Option<SweepPosition>, limit: u32) -> Result<SweepPage, RepoError> {
        self.sweep_images(from, limit).await
    }

    async fn list(&self, query: &ListQuery) -> Result<Vec<ImageRecord>, RepoError> {
        self.list_images(query).await
    }

    async fn update(&self, image: &ImageRecord, expected: Version) -> Result<(), RepoError> {
        self.update_image(image, expected).await
    }

    async fn set_blurhash(&self, id: &ImageId, blurhash: &Blurhash) -> Result<(), RepoError> {
        self.set_image_blurhash(id, blurhash).await
    }

    async fn delete(&self, id: &ImageId) -> Result<(), RepoError> {
        self.delete_image(id).await
    }

    async fn usage(&self, owner: &OwnerId) -> Result<Usage, RepoError> {
        self.usage_of(owner).await
    }

    async fn check_ready(&self) -> Result<(), RepoError> {
        self.table_is_active().await
    }
}
