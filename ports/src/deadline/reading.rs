//! [`StallBounded`]: a stream read from a store, bounded by how long the *store* keeps its reader
//! waiting for the next item.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::Stream;
use futures::stream::BoxStream;
use tokio::time::Sleep;

use crate::blob_store::BlobError;

/// Yields the items of `inner` until the store, asked for the next one, has not produced it within
/// `limit`; it then yields one [`BlobError::Unavailable`] made by `expired` and ends, dropping
/// `inner` (which releases a file or a connection held by a stuck read).
///
/// Only the time between a poll that found nothing ready and the item's arrival counts: a reader
/// that takes its time between items (a download to a slow client, whose socket is full) is never
/// cut, as the reader does not poll then.
pub(super) struct StallBounded<T> {
    inner: Option<BoxStream<'static, Result<T, BlobError>>>,
    limit: Duration,
    /// Armed from the first poll that found the store not ready, until an item arrives.
    waiting: Option<Pin<Box<Sleep>>>,
    expired: Box<dyn Fn() -> BlobError + Send + Sync>,
}

impl<T> StallBounded<T> {
    pub(super) fn new(
        inner: BoxStream<'static, Result<T, BlobError>>,
        limit: Duration,
        expired: impl Fn() -> BlobError + Send + Sync + 'static,
    ) -> Self {
        Self {
            inner: Some(inner),
            limit,
            waiting: None,
            expired: Box::new(expired),
        }
    }
}

impl<T> Stream for StallBounded<T> {
    type Item = Result<T, BlobError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        let Some(inner) = this.inner.as_mut() else {
            return Poll::Ready(None);
        };
        if let Poll::Ready(item) = inner.as_mut().poll_next(cx) {
            this.waiting = None;
            if item.is_none() {
                this.inner = None;
            }
            return Poll::Ready(item);
        }
        let limit = this.limit;
        let waiting = this
            .waiting
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
        match waiting.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(()) => {
                this.waiting = None;
                this.inner = None;
                Poll::Ready(Some(Err((this.expired)())))
            }
        }
    }
}
