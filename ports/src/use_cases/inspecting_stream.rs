//! A pass-through stream that checks an upload while it flows to the blob store: size limit,
//! image type and header, and the SHA-256 of the bytes.
//!
//! Checking in the stream, rather than before or after storing, means the body is read once,
//! never held whole in memory, and a bad upload stops the write at its first bad byte: the
//! blob store sees an error item and, by its contract, keeps nothing.

use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use bytes::Bytes;
use futures::Stream;
use lightbox_domain::image_format::{ImageInfo, ImageInspector, InspectError};
use lightbox_domain::limits::UploadLimits;
use sha2::{Digest, Sha256};

use crate::blob_store::UploadStream;
use crate::use_cases::upload::UploadBody;

/// Why the stream stopped early: the use case reads this after the blob store gave up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Rejection {
    /// More bytes than the limit.
    TooLarge,
    /// The bytes are not an acceptable image.
    Image(InspectError),
    /// The client's body broke off or was malformed.
    Body(String),
}

/// What the stream learned by the time it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Inspection {
    pub(crate) info: ImageInfo,
    pub(crate) size_bytes: u64,
    pub(crate) sha256: [u8; 32],
}

#[derive(Debug, Default)]
struct Outcome {
    rejection: Option<Rejection>,
    inspection: Option<Inspection>,
}

/// The reader's side of a stream: where its verdict appears once the stream has ended.
#[derive(Debug, Clone, Default)]
pub(crate) struct Verdict(Arc<Mutex<Outcome>>);

impl Verdict {
    pub(crate) fn rejection(&self) -> Option<Rejection> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .rejection
            .clone()
    }

    pub(crate) fn inspection(&self) -> Option<Inspection> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .inspection
            .clone()
    }

    fn reject(&self, rejection: Rejection) -> std::io::Error {
        let message = format!("upload rejected: {rejection:?}");
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .rejection = Some(rejection);
        std::io::Error::other(message)
    }

    fn accept(&self, inspection: Inspection) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .inspection = Some(inspection);
    }
}

struct InspectingStream {
    body: UploadBody,
    limits: UploadLimits,
    inspector: Option<ImageInspector>,
    hasher: Sha256,
    size_bytes: u64,
    verdict: Verdict,
    done: bool,
}

/// Wraps an upload body; the returned [`Verdict`] is filled when the stream ends.
pub(crate) fn inspect(body: UploadBody, limits: UploadLimits) -> (UploadStream, Verdict) {
    let verdict = Verdict::default();
    let stream = InspectingStream {
        body,
        limits,
        inspector: Some(ImageInspector::new(limits)),
        hasher: Sha256::new(),
        size_bytes: 0,
        verdict: verdict.clone(),
        done: false,
    };
    (Box::pin(stream), verdict)
}

impl InspectingStream {
    fn on_chunk(&mut self, chunk: &Bytes) -> Result<(), Rejection> {
        self.size_bytes = self.size_bytes.saturating_add(chunk.len() as u64);
        if self.size_bytes > self.limits.max_upload_bytes() {
            return Err(Rejection::TooLarge);
        }
        if let Some(inspector) = self.inspector.as_mut() {
            inspector.feed(chunk).map_err(Rejection::Image)?;
        }
        self.hasher.update(chunk);
        Ok(())
    }

    fn on_end(&mut self) -> Result<Inspection, Rejection> {
        let inspector = self
            .inspector
            .take()
            .ok_or_else(|| Rejection::Body("the upload stream ended twice".to_owned()))?;
        let info = inspector.finish().map_err(Rejection::Image)?;
        let sha256 = std::mem::take(&mut self.hasher).finalize().into();
        Ok(Inspection {
            info,
            size_bytes: self.size_bytes,
            sha256,
        })
    }
}

impl Stream for InspectingStream {
    type Item = Result<Bytes, std::io::Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done {
            return Poll::Ready(None);
        }
        let polled = self.body.as_mut().poll_next(cx);
        let verdict = self.verdict.clone();
        let item = match polled {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(Some(Ok(chunk))) => match self.on_chunk(&chunk) {
                Ok(()) => return Poll::Ready(Some(Ok(chunk))),
                Err(rejection) => Some(Err(verdict.reject(rejection))),
            },
            Poll::Ready(Some(Err(error))) => {
                Some(Err(verdict.reject(Rejection::Body(error.to_string()))))
            }
            // The end is where a truncated or empty image shows: refusing it here, as an error
            // item, keeps the blob store from committing the object.
            Poll::Ready(None) => match self.on_end() {
                Ok(inspection) => {
                    verdict.accept(inspection);
                    None
                }
                Err(rejection) => Some(Err(verdict.reject(rejection))),
            },
        };
        self.done = true;
        Poll::Ready(item)
    }
}
