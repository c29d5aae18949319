//! The blob store port written once over any object_store backend; a [`Medium`] supplies the
//! little that differs between a directory and memory.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use futures::{StreamExt, TryStreamExt, future, stream};
use lightbox_domain::range::ByteRange;
use lightbox_ports::failure::Cause;
use lightbox_ports::{
    BlobContent, BlobError, BlobKey, BlobStore, ListedObject, ObjectListing, UploadStream,
};
use object_store::path::Path;
use object_store::{
    GetOptions, GetRange, MultipartUpload, ObjectStore, ObjectStoreExt, WriteMultipart,
};

use super::errors::{from_read, from_write};
use super::reading::{content_stream, read_file};

/// Bytes gathered before they are written as one part: large enough that a part is one cheap
/// write (a 250 KB photo is one), small enough that many concurrent uploads hold little. With
/// 1 MiB parts, 32 uploads of 10 MiB peaked at 151 MB of private memory on a busy machine, most
/// of it parts waiting for the disk (docs/performance.md).
const PART_SIZE: usize = 256 * 1024;

/// Parts written at once. With [`PART_SIZE`], an upload holds at most ~0.75 MiB however large
/// it is.
const PARTS_IN_FLIGHT: usize = 2;

/// Where a store's objects live, and what that changes about readiness and tidying up.
#[async_trait]
pub trait Medium: fmt::Debug + Send + Sync + 'static {
    /// Whether the medium accepts writes now.
    ///
    /// # Errors
    /// [`BlobError::Unavailable`] naming the problem.
    async fn check_ready(&self) -> Result<(), BlobError>;

    /// Tidies up after the objects under `prefix` were deleted, or after an upload to the key
    /// `prefix` failed: removes what they leave behind (such as empty directories). Best effort,
    /// since leftovers are invisible to readers.
    async fn tidy(&self, prefix: &str);

    /// The leftovers of unfinished writes under `prefix` that object_store's own listing hides
    /// (staging files a crash left behind), so that garbage collection can see them. Keys are
    /// spelled like object keys. Nothing under a prefix that does not exist.
    ///
    /// # Errors
    /// [`BlobError::Unavailable`] when the medium cannot be read.
    async fn leftovers(&self, prefix: &str) -> Result<Vec<ListedObject>, BlobError>;

    /// The file that holds the object at `location`, when the medium keeps objects as files the
    /// store may open itself. Reading one directly opens it and reads its first chunk in one
    /// blocking task, where object_store's `get` would take one task to open it and another to
    /// read it; a download of a photo is then a single hop to the blocking pool.
    fn file_path(&self, _location: &Path) -> Option<PathBuf> {
        None
    }
}

/// A [`BlobStore`] over an object_store backend kept on the medium `M`.
#[derive(Debug, Clone)]
pub struct ObjectBlobStore<M> {
    store: Arc<dyn ObjectStore>,
    medium: M,
}

impl<M: Medium> ObjectBlobStore<M> {
    pub(super) fn on_medium(store: Arc<dyn ObjectStore>, medium: M) -> Self {
        Self { store, medium }
    }

    /// The medium the objects live on.
    pub fn medium(&self) -> &M {
        &self.medium
    }
}

#[async_trait]
impl<M: Medium> BlobStore for ObjectBlobStore<M> {
    async fn put(&self, key: &BlobKey, body: UploadStream) -> Result<(), BlobError> {
        let outcome = self.write(key, body).await;
        if outcome.is_err() {
            self.medium.tidy(key.as_str()).await;
        }
        outcome
    }

    async fn get(&self, key: &BlobKey, range: Option<ByteRange>) -> Result<BlobContent, BlobError> {
        let location = object_path(key.as_str())?;
        // object_store ranges exclude their end; `ByteRange` includes it.
        let range = range.map(|range| range.start..range.end.saturating_add(1));
        if let Some(file) = self.medium.file_path(&location) {
            return read_file(file, range).await;
        }
        let options = GetOptions {
            range: range.map(GetRange::Bounded),
            ..GetOptions::default()
        };
        let result = self
            .store
            .get_opts(&location, options)
            .await
            .map_err(from_read)?;
        let length = result.range.end - result.range.start;
        Ok(BlobContent {
            stream: content_stream(result),
            length,
        })
    }

    async fn delete_prefix(&self, prefix: &str) -> Result<(), BlobError> {
        // An empty prefix would name every object in the store: a bug upstream must not be able
        // to turn into deleting everything.
        if prefix.trim_matches('/').is_empty() {
            return Err(BlobError::unavailable(Cause(
                "refusing to delete with an empty prefix".to_owned(),
            )));
        }
        let listed: Vec<Path> = self
            .store
            .list(Some(&object_path(directory_of(prefix))?))
            .map_ok(|meta| meta.location)
            .try_filter(|location| future::ready(location.as_ref().starts_with(prefix)))
            .try_collect()
            .await
            .map_err(from_write)?;
        for location in listed {
            match self.store.delete(&location).await {
                // Gone already (a racing delete): that is what was wanted.
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(error) => return Err(from_write(error)),
            }
        }
        self.medium.tidy(prefix).await;
        Ok(())
    }

    async fn list(&self, prefix: &str) -> Result<ObjectListing, BlobError> {
        // Read before the objects: an upload completing in between then shows as both its
        // staging file and its object, never as neither.
        let leftovers = self.medium.leftovers(prefix).await?;
        let wanted = prefix.to_owned();
        let objects = self
            .store
            .list(Some(&object_path(directory_of(prefix))?))
            .try_filter(move |meta| future::ready(meta.location.as_ref().starts_with(&wanted)))
            .map_ok(|meta| ListedObject {
                key: meta.location.to_string(),
                size: meta.size,
                last_modified: meta.last_modified,
            })
            .map_err(from_write);
        Ok(objects
            .chain(stream::iter(leftovers.into_iter().map(Ok)))
            .boxed())
    }

    async fn presigned_get(
        &self,
        _key: &BlobKey,
        _expires_in: Duration,
    ) -> Result<Option<String>, BlobError> {
        // Neither a directory nor memory can serve a URL by itself; the service signs its own.
        Ok(None)
    }

    async fn check_ready(&self) -> Result<(), BlobError> {
        self.medium.check_ready().await
    }
}

impl<M: Medium> ObjectBlobStore<M> {
    /// Streams `body` into a multipart upload at `key` and completes it, or aborts it.
    async fn write(&self, key: &BlobKey, body: UploadStream) -> Result<(), BlobError> {
        let upload = self.start_upload(object_path(key.as_str())?).await?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART_SIZE);
        match write_body(&mut writer, body).await {
            // `finish` aborts the upload itself when completing fails.
            Ok(()) => writer.finish().await.map(drop).map_err(from_write),
            Err(error) => {
                // Parts already handed over are written on blocking threads that an abort cannot
                // stop, and each holds the staging file open: its space would come back only when
                // the last of them ends, after this put had answered. Waiting for them first
                // means a failed put (a full disk above all) has given its space back when it
                // returns. Their own errors add nothing to `error`.
                let _settled = writer.wait_for_capacity(0).await;
                if let Err(abort) = writer.abort().await {
                    tracing::warn!(%key, error = %abort, "aborting a failed upload failed");
                }
                Err(error)
            }
        }
    }

    /// Starts a multipart upload on a blocking thread: object_store's local store creates the
    /// upload's directories (fsyncing the new ones) and its staging file synchronously inside
    /// `put_multipart`, which would otherwise stall an async worker for milliseconds.
    async fn start_upload(&self, location: Path) -> Result<Box<dyn MultipartUpload>, BlobError> {
        let store = Arc::clone(&self.store);
        let runtime = tokio::runtime::Handle::current();
        tokio::task::spawn_blocking(move || runtime.block_on(store.put_multipart(&location)))
            .await
            .map_err(BlobError::unavailable)?
            .map_err(from_write)
    }
}

/// Hands the body to `writer` as it arrives, holding back while [`PARTS_IN_FLIGHT`] parts are
/// being written. Stops at the body's first error, dropping the rest of the stream unread.
async fn write_body(writer: &mut WriteMultipart, mut body: UploadStream) -> Result<(), BlobError> {
    while let Some(chunk) = body.next().await {
        let bytes = chunk.map_err(BlobError::Body)?;
        writer
            .wait_for_capacity(PARTS_IN_FLIGHT)
            .await
            .map_err(from_write)?;
        writer.put(bytes);
    }
    Ok(())
}

/// The deepest complete directory of a prefix. object_store lists whole path segments, while
/// the port's prefixes are plain text: listing this directory and keeping what starts with the
/// text gives exactly the prefix's objects.
fn directory_of(prefix: &str) -> &str {
    prefix
        .rsplit_once('/')
        .map_or("", |(directory, _)| directory)
}

/// The object_store path of a key or prefix. Keys are built from ids only, so a refusal here
/// is a bug, reported as the store being unavailable rather than as a panic.
fn object_path(text: &str) -> Result<Path, BlobError> {
    Path::parse(text).map_err(BlobError::unavailable)
}
