//! Moving bytes between the port's streams and the SDK's bodies.

use std::path::{Path, PathBuf};

use aws_sdk_s3::primitives::{ByteStream as SdkByteStream, Length};
use bytes::{Bytes, BytesMut};
use futures::{StreamExt, stream};
use lightbox_ports::failure::Cause;
use lightbox_ports::{BlobError, ByteStream, UploadStream};
use tempfile::NamedTempFile;
use tokio::io::AsyncWriteExt;

/// The most one `PutObject` may carry (5 GiB). Uploads are limited far below this upstream;
/// the check only keeps a bug from growing the spool without bound.
const MAX_SINGLE_PUT: u64 = 5 * 1024 * 1024 * 1024;

/// Bytes of an upload held in memory; a longer body is spooled to a temporary file. A photo of a
/// few hundred KB stays in memory, while 32 concurrent uploads of 10 MiB hold 32 times this
/// instead of 320 MiB (docs/performance.md).
const IN_MEMORY_UPLOAD: usize = 1024 * 1024;

/// Bytes the SDK reads from a spool file at a time while sending it.
const SPOOL_READ_BUFFER: usize = 64 * 1024;

/// A whole upload body, ready to be sent with one `PutObject`.
pub(super) enum CollectedUpload {
    InMemory(Bytes),
    /// Deleted when dropped, so it must outlive the `PutObject` (the SDK reopens the path to
    /// retry).
    Spooled {
        file: NamedTempFile,
        length: u64,
    },
}

impl CollectedUpload {
    pub(super) fn length(&self) -> u64 {
        match self {
            Self::InMemory(bytes) => bytes.len() as u64,
            Self::Spooled { length, .. } => *length,
        }
    }

    /// The body to send. A spooled one is read from its file as it is sent.
    pub(super) async fn body(&self) -> Result<SdkByteStream, BlobError> {
        match self {
            Self::InMemory(bytes) => Ok(SdkByteStream::from(bytes.clone())),
            Self::Spooled { file, length } => SdkByteStream::read_from()
                .path(file.path())
                .length(Length::Exact(*length))
                .buffer_size(SPOOL_READ_BUFFER)
                .build()
                .await
                .map_err(BlobError::unavailable),
        }
    }
}

/// The whole upload body, read until its end or its first error (and not one item further).
///
/// A single `PutObject` needs the length up front, so the body is gathered first: in memory up
/// to [`IN_MEMORY_UPLOAD`], in a temporary file beyond, so that memory stays
/// bounded however many large uploads arrive at once.
pub(super) async fn collect_upload(
    mut body: UploadStream,
    spool_dir: &Path,
) -> Result<CollectedUpload, BlobError> {
    let mut buffer = BytesMut::new();
    let mut spool: Option<Spool> = None;
    let mut length: u64 = 0;
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(BlobError::Body)?;
        length = length.saturating_add(chunk.len() as u64);
        if length > MAX_SINGLE_PUT {
            return Err(BlobError::unavailable(Cause(
                "the upload exceeds S3's single PUT limit of 5 GiB".to_owned(),
            )));
        }
        match &mut spool {
            Some(spool) => spool.write(&chunk).await?,
            None if buffer.len() + chunk.len() <= IN_MEMORY_UPLOAD => {
                buffer.extend_from_slice(&chunk);
            }
            None => {
                let mut started = Spool::create(spool_dir.to_owned()).await?;
                started.write(&std::mem::take(&mut buffer)).await?;
                started.write(&chunk).await?;
                spool = Some(started);
            }
        }
    }
    match spool {
        None => Ok(CollectedUpload::InMemory(buffer.freeze())),
        Some(spool) => Ok(CollectedUpload::Spooled {
            file: spool.finish().await?,
            length,
        }),
    }
}

/// A temporary file being filled with an upload body.
struct Spool {
    named: NamedTempFile,
    writer: tokio::fs::File,
}

impl Spool {
    /// A new file in `directory`, created on a blocking thread.
    async fn create(directory: PathBuf) -> Result<Self, BlobError> {
        let named = tokio::task::spawn_blocking(move || NamedTempFile::new_in(directory))
            .await
            .map_err(BlobError::unavailable)?
            .map_err(spool_failed)?;
        let writer = tokio::fs::File::from_std(named.reopen().map_err(spool_failed)?);
        Ok(Self { named, writer })
    }

    async fn write(&mut self, bytes: &[u8]) -> Result<(), BlobError> {
        self.writer.write_all(bytes).await.map_err(spool_failed)
    }

    /// The file, once everything written has reached it. It needs no fsync: it is read back by
    /// this process and deleted, never relied on after a crash.
    async fn finish(mut self) -> Result<NamedTempFile, BlobError> {
        self.writer.flush().await.map_err(spool_failed)?;
        Ok(self.named)
    }
}

/// The spool could not be written (the temporary directory is full or missing): the upload
/// cannot reach S3 now, which is the service being unavailable, not the client's fault.
fn spool_failed(error: std::io::Error) -> BlobError {
    BlobError::unavailable(Cause(format!(
        "spooling an upload to a temporary file failed: {error}"
    )))
}

/// The SDK's response body as the port's stream of chunks.
pub(super) fn content_stream(body: aws_sdk_s3::primitives::ByteStream) -> ByteStream {
    stream::unfold(body, |mut body| async move {
        let item = body.next().await?;
        Some((item.map_err(BlobError::unavailable), body))
    })
    .boxed()
}
