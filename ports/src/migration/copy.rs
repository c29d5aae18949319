//! Copying one image: its objects (original and derived files) streamed from source to
//! destination, the original verified on the way, then its record imported.

use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use futures::{StreamExt, TryStreamExt, stream};
use lightbox_domain::ids::ImageId;
use lightbox_domain::image::{ImageRecord, Sha256Digest};
use sha2::{Digest, Sha256};

use super::report::ImageMigrationError;
use super::{Migration, Outcome};
use crate::blob_store::{BlobError, BlobKey, ByteStream, UploadStream};
use crate::image_repository::ImportOutcome;

/// An object of the source to copy.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SourceObject {
    key: BlobKey,
    size: u64,
}

impl Migration {
    pub(super) async fn try_migrate_image(
        &self,
        record: &ImageRecord,
        dry_run: bool,
    ) -> Result<Outcome, ImageMigrationError> {
        match self
            .destination
            .repository
            .get(&record.id)
            .await
            .map_err(ImageMigrationError::DestinationMetadata)?
        {
            Some(stored) if stored == *record => return Ok(Outcome::Skipped),
            Some(stored) => {
                return Err(ImageMigrationError::Conflict {
                    stored: Box::new(stored),
                });
            }
            None => {}
        }
        let objects = self.source_objects(&record.id).await?;
        if dry_run {
            return Ok(Outcome::Copied {
                objects: objects.len() as u64,
                bytes: objects.iter().map(|object| object.size).sum(),
            });
        }
        let prefix = BlobKey::image_prefix(&record.id);
        // The destination has no record for this id, so whatever lies under its directory is
        // what an interrupted run copied before its commit: orphans. They go first, since a put
        // on a taken key may be refused (S3's `If-None-Match: *`), and a copy made afresh is
        // verified afresh.
        self.destination
            .blobs
            .delete_prefix(&prefix)
            .await
            .map_err(ImageMigrationError::DestinationBlobs)?;
        let copied = self.copy_objects(record, &objects).await;
        let bytes = match copied {
            Ok(bytes) => bytes,
            Err(error) => {
                // Best effort: what stays is an orphan for gc, or for the rerun to replace.
                if let Err(cleanup) = self.destination.blobs.delete_prefix(&prefix).await {
                    tracing::warn!(image_id = %record.id, %cleanup, "migrate: a partial copy stays as an orphan");
                }
                return Err(error);
            }
        };
        match self
            .destination
            .repository
            .import(record)
            .await
            .map_err(ImageMigrationError::DestinationMetadata)?
        {
            // `AlreadyPresent` here: an import whose first answer was lost and that was sent
            // again. Either way this run wrote the image.
            ImportOutcome::Inserted | ImportOutcome::AlreadyPresent => Ok(Outcome::Copied {
                objects: objects.len() as u64,
                bytes,
            }),
            ImportOutcome::Conflict(stored) => Err(ImageMigrationError::Conflict { stored }),
        }
    }

    /// The objects of an image in the source, the original first; leftovers of unfinished
    /// writes (staging files, empty directories) are not objects and stay behind.
    async fn source_objects(&self, id: &ImageId) -> Result<Vec<SourceObject>, ImageMigrationError> {
        let prefix = BlobKey::image_prefix(id);
        let listed: Vec<_> = self
            .source
            .blobs
            .list(&prefix)
            .await
            .map_err(ImageMigrationError::SourceBlobs)?
            .try_collect()
            .await
            .map_err(ImageMigrationError::SourceBlobs)?;
        let original = BlobKey::original(id);
        let mut objects: Vec<SourceObject> = listed
            .into_iter()
            .filter_map(|object| {
                let name = object.key.strip_prefix(prefix.as_str())?;
                // A staging file's name carries `#`, which no object's name does.
                (!name.is_empty() && !name.contains(['#', '/'])).then(|| SourceObject {
                    key: BlobKey::derived(id, name),
                    size: object.size,
                })
            })
            .collect();
        objects.sort_by(|a, b| (a.key != original, &a.key).cmp(&(b.key != original, &b.key)));
        if objects.first().map(|object| &object.key) != Some(&original) {
            return Err(ImageMigrationError::MissingOriginal);
        }
        Ok(objects)
    }

    /// Copies every object, one after the other; returns the bytes copied.
    async fn copy_objects(
        &self,
        record: &ImageRecord,
        objects: &[SourceObject],
    ) -> Result<u64, ImageMigrationError> {
        let original = BlobKey::original(&record.id);
        let mut bytes = 0;
        for object in objects {
            let expected = (object.key == original)
                .then_some((record.content.size_bytes, record.content.sha256));
            bytes += self.copy_object(&object.key, expected).await?;
        }
        Ok(bytes)
    }

    /// Streams one object across, checking its length and, when `expected` is given, its size
    /// and digest. A check that fails ends the upload body with an error, so by the blob store's
    /// contract nothing is stored at the key.
    async fn copy_object(
        &self,
        key: &BlobKey,
        expected: Option<(u64, Sha256Digest)>,
    ) -> Result<u64, ImageMigrationError> {
        let content = match self.source.blobs.get(key, None).await {
            Ok(content) => content,
            Err(BlobError::NotFound) if expected.is_some() => {
                return Err(ImageMigrationError::MissingOriginal);
            }
            Err(error) => return Err(ImageMigrationError::SourceBlobs(error)),
        };
        let verdict = Arc::new(Mutex::new(None));
        let body = verified(
            content.stream,
            Check {
                key: key.to_string(),
                announced: content.length,
                expected,
            },
            Arc::clone(&verdict),
        );
        let put = self.destination.blobs.put(key, body).await;
        let found = verdict
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        match (put, found) {
            // The body's own failure says more than the put's report of it.
            (Err(_), Some(reason)) => Err(reason),
            (Err(error), None) => Err(ImageMigrationError::DestinationBlobs(error)),
            (Ok(()), _) => Ok(content.length),
        }
    }
}

/// What the stream of one object must turn out to be.
struct Check {
    key: String,
    announced: u64,
    expected: Option<(u64, Sha256Digest)>,
}

/// Where [`verified`] reads from, and what it has seen.
struct Verifying {
    inner: ByteStream,
    check: Check,
    hasher: Sha256,
    read: u64,
    finished: bool,
    verdict: Arc<Mutex<Option<ImageMigrationError>>>,
}

impl Verifying {
    /// Ends the body with an error, leaving the typed reason in the verdict.
    fn fail(&mut self, reason: ImageMigrationError) -> std::io::Error {
        self.finished = true;
        let error = std::io::Error::other(reason.to_string());
        *self.verdict.lock().unwrap_or_else(PoisonError::into_inner) = Some(reason);
        error
    }

    /// The reason the whole object, now read, is not what was expected, if it is not.
    fn judge(&mut self) -> Option<ImageMigrationError> {
        let found = (
            self.read,
            Sha256Digest::from_bytes(std::mem::take(&mut self.hasher).finalize().into()),
        );
        match self.check.expected {
            Some(expected) if expected != found => {
                Some(ImageMigrationError::Corrupt { expected, found })
            }
            _ if self.read != self.check.announced => Some(ImageMigrationError::Truncated {
                key: self.check.key.clone(),
                announced: self.check.announced,
                read: self.read,
            }),
            _ => None,
        }
    }
}

/// `stream` as an upload body that fails, instead of ending, when the object is not what
/// `check` expects; the reason is left in `verdict`.
fn verified(
    stream: ByteStream,
    check: Check,
    verdict: Arc<Mutex<Option<ImageMigrationError>>>,
) -> UploadStream {
    let state = Verifying {
        inner: stream,
        check,
        hasher: Sha256::new(),
        read: 0,
        finished: false,
        verdict,
    };
    stream::unfold(state, |mut state| async move {
        if state.finished {
            return None;
        }
        let item: Result<Bytes, std::io::Error> = match state.inner.next().await {
            Some(Ok(chunk)) => {
                state.read += chunk.len() as u64;
                state.hasher.update(&chunk);
                if state.read > state.check.announced {
                    let reason = ImageMigrationError::Truncated {
                        key: state.check.key.clone(),
                        announced: state.check.announced,
                        read: state.read,
                    };
                    Err(state.fail(reason))
                } else {
                    Ok(chunk)
                }
            }
            Some(Err(error)) => Err(state.fail(ImageMigrationError::SourceBlobs(error))),
            None => match state.judge() {
                Some(reason) => Err(state.fail(reason)),
                None => return None,
            },
        };
        Some((item, state))
    })
    .boxed()
}
