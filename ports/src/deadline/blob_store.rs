//! [`DeadlineBlobStore`]: blob store calls bounded in time, and `put` bounded by the store's own
//! idle time.

use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use futures::stream::BoxStream;
use futures::{Stream, StreamExt};
use lightbox_domain::range::ByteRange;
use tokio::time::Instant;

use crate::blob_store::{BlobContent, BlobError, BlobKey, BlobStore, ObjectListing, UploadStream};
use crate::deadline::reading::StallBounded;
use crate::deadline::{expired, within};

/// Wraps a blob store so that a call answering later than `limit` fails with
/// [`BlobError::Unavailable`].
///
/// - `put` streams the client's body, so its whole duration is the client's (and bounded by the
///   HTTP layer's body deadlines). What is bounded is the time the *store* holds the upload up:
///   from the call, or from each chunk handed to the store, until the store asks for the next
///   chunk or answers. Time spent waiting for the client does not count.
/// - `get` and `list` are bounded until the object is open (the listing started), and then by the
///   time the store takes to produce each next chunk (object) once asked for it. Their streams
///   are read at the pace of whoever consumes them, so the time between asks does not count: a
///   slow download is not cut, a read stuck in the store is (the stream then yields
///   `Unavailable` and ends; mid-download, the HTTP layer can only cut the connection).
/// - `delete_prefix`, `presigned_get` and `check_ready` are bounded whole.
pub struct DeadlineBlobStore {
    inner: Arc<dyn BlobStore>,
    limit: Duration,
    backend: &'static str,
}

impl std::fmt::Debug for DeadlineBlobStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeadlineBlobStore")
            .field("limit", &self.limit)
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

impl DeadlineBlobStore {
    /// Bounds the calls of `inner` by `limit`; a call cut short fails naming `backend`, the name
    /// `inner` gives itself in its own failures (e.g. [`crate::BLOB_STORE`]).
    pub fn new(inner: Arc<dyn BlobStore>, limit: Duration, backend: &'static str) -> Self {
        Self {
            inner,
            limit,
            backend,
        }
    }

    /// `stream`, bounded by the store's time to produce each next item; `operation` names it.
    fn stall_bounded<T: 'static>(
        &self,
        operation: &'static str,
        stream: BoxStream<'static, Result<T, BlobError>>,
    ) -> BoxStream<'static, Result<T, BlobError>> {
        let (backend, limit) = (self.backend, self.limit);
        let expired = move || BlobError::Unavailable(expired(backend, operation, limit));
        StallBounded::new(stream, limit, expired).boxed()
    }

    fn expired(&self, operation: &str) -> BlobError {
        BlobError::Unavailable(expired(self.backend, operation, self.limit))
    }

    /// Runs one call under the deadline; `operation` names it in the logged cause.
    async fn bounded<T>(
        &self,
        operation: &str,
        call: impl Future<Output = Result<T, BlobError>>,
    ) -> Result<T, BlobError> {
        within(self.limit, call)
            .await
            .unwrap_or_else(|| Err(self.expired(operation)))
    }
}

#[async_trait]
impl BlobStore for DeadlineBlobStore {
    async fn put(&self, key: &BlobKey, body: UploadStream) -> Result<(), BlobError> {
        let turn = Arc::new(StoreTurn::begun());
        let body = Box::pin(TurnTakingBody {
            inner: body,
            turn: Arc::clone(&turn),
        });
        let mut put = std::pin::pin!(self.inner.put(key, body));
        loop {
            match tokio::time::timeout_at(turn.check_at(self.limit), put.as_mut()).await {
                Ok(outcome) => return outcome,
                Err(_) if turn.store_stuck(self.limit) => return Err(self.expired("put")),
                // The store has been waiting for the client: look again a limit later.
                Err(_) => {}
            }
        }
    }

    async fn get(&self, key: &BlobKey, range: Option<ByteRange>) -> Result<BlobContent, BlobError> {
        let content = self.bounded("get", self.inner.get(key, range)).await?;
        Ok(BlobContent {
            stream: self.stall_bounded("get (reading)", content.stream),
            length: content.length,
        })
    }

    async fn delete_prefix(&self, prefix: &str) -> Result<(), BlobError> {
        self.bounded("delete_prefix", self.inner.delete_prefix(prefix))
            .await
    }

    /// Bounded as `get` is: a listing is read at the pace of its consumer (gc, between its own
    /// calls), so only the store's time to produce each next object counts.
    async fn list(&self, prefix: &str) -> Result<ObjectListing, BlobError> {
        let listing = self.bounded("list", self.inner.list(prefix)).await?;
        Ok(self.stall_bounded("list (reading)", listing))
    }

    async fn presigned_get(
        &self,
        key: &BlobKey,
        expires_in: Duration,
    ) -> Result<Option<String>, BlobError> {
        self.bounded("presigned_get", self.inner.presigned_get(key, expires_in))
            .await
    }

    async fn check_ready(&self) -> Result<(), BlobError> {
        self.bounded("check_ready", self.inner.check_ready()).await
    }
}

/// Whose turn it is during a `put`: the store's (since when), or the client's (`None`).
struct StoreTurn(Mutex<Option<Instant>>);

impl StoreTurn {
    /// The store's turn, from now: it has the call and has not asked for a chunk yet.
    fn begun() -> Self {
        Self(Mutex::new(Some(Instant::now())))
    }

    fn since(&self) -> Option<Instant> {
        // The guarded value is a plain `Option<Instant>`, valid whatever a panicking holder did.
        *self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn set(&self, since: Option<Instant>) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = since;
    }

    /// When the store's turn, if it is the store's, runs out; otherwise a limit from now.
    fn check_at(&self, limit: Duration) -> Instant {
        self.since().unwrap_or_else(Instant::now) + limit
    }

    /// Whether it has been the store's turn for `limit` or longer.
    fn store_stuck(&self, limit: Duration) -> bool {
        self.since().is_some_and(|since| since.elapsed() >= limit)
    }
}

/// The upload body, handing the turn to the client while the store waits for a chunk and back to
/// the store when one (or the end) arrives.
struct TurnTakingBody {
    inner: UploadStream,
    turn: Arc<StoreTurn>,
}

impl Stream for TurnTakingBody {
    type Item = Result<Bytes, std::io::Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.turn.set(None);
        let polled = self.inner.as_mut().poll_next(cx);
        if polled.is_ready() {
            self.turn.set(Some(Instant::now()));
        }
        polled
    }
}
