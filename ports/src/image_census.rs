//! The image census port: how many images the whole store holds, for the operator's metrics.
//!
//! # Contract
//! An implementation MUST count every stored image of the store (not of one node), and MUST do
//! so cheaply enough to run on every metrics scrape (an index-only count, not a scan of the
//! table). A backend that cannot count that way does not implement this port: DynamoDB would
//! need a full-table `Scan`, which lightbox keeps off every request path, and its
//! `DescribeTable` item count is hours stale and counts idempotency items too.

use async_trait::async_trait;

use crate::image_repository::{RepoError, Usage};

/// Counts what the store holds.
#[async_trait]
pub trait ImageCensus: Send + Sync + 'static {
    /// The number of stored images and the sum of their sizes, over every owner.
    ///
    /// # Errors
    /// [`RepoError::Unavailable`] when the store cannot be read.
    async fn totals(&self) -> Result<Usage, RepoError>;
}
