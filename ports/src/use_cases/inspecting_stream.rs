//! A stream that checks an upload while it flows to the blob store: size limit, image type and
//! header; that strips its metadata (when configured); and that takes the SHA-256 and size of
//! the bytes it passes on, which are the bytes stored.
//!
//! Checking in the stream, rather than before or after storing, means the body is read once,
//! never held whole in memory, and a bad upload stops the write at its first bad byte: the
//! blob store sees an error item and, by its contract, keeps nothing.

use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use bytes::Bytes;
use futures::Stream;
use lightbox_domain::image_format::{ImageInfo, ImageInspector, InspectError, MetadataStripper};
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
    /// Size of the bytes passed on (stored), which stripping may have made smaller.
    pub(crate) size_bytes: u64,
    /// SHA-256 of the bytes passed on.
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
    /// `None` when metadata is kept as uploaded.
    stripper: Option<MetadataStripper>,
    hasher: Sha256,
    /// Bytes received, which the size limit counts.
    received_bytes: u64,
    /// Bytes passed on to the store.
    passed_bytes: u64,
    verdict: Verdict,
    /// The stripper's last output, to pass on after the body has ended.
    tail: Option<Bytes>,
    done: bool,
}

/// Wraps an upload body, stripping its metadata when `strip_metadata` is set; the returned
/// [`Verdict`] is filled when the body ends.
pub(crate) fn inspect(
    body: UploadBody,
    limits: UploadLimits,
    strip_metadata: bool,
) -> (UploadStream, Verdict) {
    let verdict = Verdict::default();
    let stream = InspectingStream {
        body,
        limits,
        inspector: Some(ImageInspector::new(limits)),
        stripper: strip_metadata.then(MetadataStripper::new),
        hasher: Sha256::new(),
        received_bytes: 0,
        passed_bytes: 0,
        verdict: verdict.clone(),
        tail: None,
        done: false,
    };
    (Box::pin(stream), verdict)
}

impl InspectingStream {
    /// Checks a chunk and returns what to pass on (empty while the stripper holds bytes back).
    fn on_chunk(&mut self, chunk: Bytes) -> Result<Bytes, Rejection> {
        self.received_bytes = self.received_bytes.saturating_add(chunk.len() as u64);
        if self.received_bytes > self.limits.max_upload_bytes() {
            return Err(Rejection::TooLarge);
        }
        if let Some(inspector) = self.inspector.as_mut() {
            inspector.feed(&chunk).map_err(Rejection::Image)?;
        }
        let passed = match self.stripper.as_mut() {
            Some(stripper) => {
                let mut out = Vec::with_capacity(chunk.len());
                stripper
                    .feed(&chunk, &mut out)
                    .map_err(|error| Rejection::Image(error.into()))?;
                Bytes::from(out)
            }
            None => chunk,
        };
        Ok(self.pass_on(passed))
    }

    /// Ends the checks; returns the verdict and the last bytes to pass on.
    fn on_end(&mut self) -> Result<(Inspection, Bytes), Rejection> {
        let inspector = self
            .inspector
            .take()
            .ok_or_else(|| Rejection::Body("the upload stream ended twice".to_owned()))?;
        let info = inspector.finish().map_err(Rejection::Image)?;
        let tail = match self.stripper.take() {
            Some(stripper) => {
                let mut out = Vec::new();
                stripper
                    .finish(&mut out)
                    .map_err(|error| Rejection::Image(error.into()))?;
                self.pass_on(Bytes::from(out))
            }
            None => Bytes::new(),
        };
        let sha256 = std::mem::take(&mut self.hasher).finalize().into();
        let inspection = Inspection {
            info,
            size_bytes: self.passed_bytes,
            sha256,
        };
        Ok((inspection, tail))
    }

    fn pass_on(&mut self, bytes: Bytes) -> Bytes {
        self.hasher.update(&bytes);
        self.passed_bytes = self.passed_bytes.saturating_add(bytes.len() as u64);
        bytes
    }
}

impl Stream for InspectingStream {
    type Item = Result<Bytes, std::io::Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if self.done {
                return Poll::Ready(self.tail.take().map(Ok));
            }
            let polled = self.body.as_mut().poll_next(cx);
            let verdict = self.verdict.clone();
            let item = match polled {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(chunk))) => match self.on_chunk(chunk) {
                    // Nothing to pass on yet (the stripper holds a header or drops metadata):
                    // read on rather than hand the store an empty chunk.
                    Ok(passed) if passed.is_empty() => continue,
                    Ok(passed) => return Poll::Ready(Some(Ok(passed))),
                    Err(rejection) => Some(Err(verdict.reject(rejection))),
                },
                Poll::Ready(Some(Err(error))) => {
                    Some(Err(verdict.reject(Rejection::Body(error.to_string()))))
                }
                // The end is where a truncated or empty image shows: refusing it here, as an
                // error item, keeps the blob store from committing the object. Accepted, the
                // stripper's last bytes (all of a WebP) still go out before the end.
                Poll::Ready(None) => match self.on_end() {
                    Ok((inspection, tail)) => {
                        verdict.accept(inspection);
                        self.tail = (!tail.is_empty()).then_some(tail);
                        None
                    }
                    Err(rejection) => Some(Err(verdict.reject(rejection))),
                },
            };
            self.done = true;
            match item {
                Some(error) => return Poll::Ready(Some(error)),
                None => continue,
            }
        }
    }
}
