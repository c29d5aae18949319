//! Turning a stored object into the port's byte stream.
//!
//! object_store reads local files 8 KiB per blocking task, after opening them in a task of
//! their own; a served image would take dozens of thread-pool hops, so files are opened and
//! read here in large chunks instead, each straight into the buffer that is sent (one copy from
//! the page cache, no intermediate buffer).

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::ops::Range;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use futures::{StreamExt, TryStreamExt, stream};
use lightbox_ports::{BlobContent, BlobError, ByteStream};
use object_store::{GetResult, GetResultPayload};

use super::errors::{from_io, from_read};

/// Bytes read from a file at a time, one blocking task each: a typical photo (a few hundred KB)
/// is one read, and a 10 MiB one holds at most this much per response in memory.
const FILE_CHUNK: u64 = 512 * 1024;

/// The bytes of `result`, exactly its range.
pub(super) fn content_stream(result: GetResult) -> ByteStream {
    match result.payload {
        GetResultPayload::File(file, _path) => file_stream(file, result.range),
        GetResultPayload::Stream(bytes) => bytes.map_err(from_read).boxed(),
    }
}

/// The content of the file at `path`, `range` of it (end excluded) or all of it: opened, checked
/// and its first chunk read in one blocking task, so a file of up to [`FILE_CHUNK`] costs a
/// single hop to the blocking pool. Behaves as object_store's local `get`: a missing file or a
/// directory is `NotFound`, and a range is cut at the end of the file.
pub(super) async fn read_file(
    path: PathBuf,
    range: Option<Range<u64>>,
) -> Result<BlobContent, BlobError> {
    let (file, first, range) = tokio::task::spawn_blocking(move || open_and_read(&path, range))
        .await
        .map_err(BlobError::unavailable)??;
    let length = range.end - range.start;
    let rest = range.start + first.len() as u64..range.end;
    let first = stream::iter((!first.is_empty()).then(|| Ok(Bytes::from(first))));
    Ok(BlobContent {
        stream: first.chain(file_stream(file, rest)).boxed(),
        length,
    })
}

/// The blocking part of [`read_file`]: the open file, its first chunk and the range served.
fn open_and_read(
    path: &Path,
    range: Option<Range<u64>>,
) -> Result<(File, Vec<u8>, Range<u64>), BlobError> {
    let file = File::open(path).map_err(from_open)?;
    let metadata = file.metadata().map_err(from_open)?;
    if metadata.is_dir() {
        return Err(BlobError::NotFound);
    }
    let size = metadata.len();
    let range = match range {
        None => 0..size,
        // The caller resolved the range against the recorded size: a start past the file's end
        // means the file was cut short behind the store's back.
        Some(range) if range.start >= size && !range.is_empty() => {
            return Err(from_io(shorter_than_recorded()));
        }
        Some(range) => range.start..range.end.min(size),
    };
    let first = read_chunk(
        &file,
        range.start,
        (range.end - range.start).min(FILE_CHUNK),
    )
    .map_err(from_io)?;
    Ok((file, first, range))
}

/// A missing file is a missing object; anything else is the store failing.
fn from_open(error: io::Error) -> BlobError {
    if error.kind() == io::ErrorKind::NotFound {
        BlobError::NotFound
    } else {
        from_io(error)
    }
}

/// The rest of an open file, `range` of it, in chunks of [`FILE_CHUNK`], one blocking task each.
fn file_stream(file: File, range: Range<u64>) -> ByteStream {
    stream::try_unfold((file, range), |(file, range)| async move {
        if range.is_empty() {
            return Ok(None);
        }
        let length = (range.end - range.start).min(FILE_CHUNK);
        let (file, chunk) = tokio::task::spawn_blocking(move || {
            read_chunk(&file, range.start, length).map(|chunk| (file, chunk))
        })
        .await
        .map_err(io::Error::other)??;
        Ok(Some((
            Bytes::from(chunk),
            (file, range.start + length..range.end),
        )))
    })
    .map_err(from_io)
    .boxed()
}

/// Exactly `length` bytes of `file` from `start`, read straight into the buffer that is sent.
fn read_chunk(mut file: &File, start: u64, length: u64) -> io::Result<Vec<u8>> {
    // `read_to_end` fills the spare capacity without zeroing it first.
    let mut chunk = Vec::with_capacity(usize::try_from(length).map_err(io::Error::other)?);
    file.seek(SeekFrom::Start(start))?;
    file.take(length).read_to_end(&mut chunk)?;
    // The length was announced from the file's size when it was opened; a file ending early was
    // truncated behind the store's back, and a silently short body would be served as if it
    // were whole.
    if (chunk.len() as u64) < length {
        return Err(shorter_than_recorded());
    }
    Ok(chunk)
}

fn shorter_than_recorded() -> io::Error {
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        "the stored file is shorter than its recorded size",
    )
}
