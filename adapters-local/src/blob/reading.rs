//! Turning an object_store read into the port's byte stream.
//!
//! object_store reads local files 8 KiB per blocking task; a served image would take dozens of
//! thread-pool hops, so files are read here in large chunks instead, each straight into the
//! buffer that is sent (one copy from the page cache, no intermediate buffer).

use std::io::{self, Read, Seek, SeekFrom};
use std::ops::Range;

use bytes::Bytes;
use futures::{StreamExt, TryStreamExt, stream};
use lightbox_ports::ByteStream;
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

fn file_stream(file: std::fs::File, range: Range<u64>) -> ByteStream {
    stream::try_unfold((file, range), |(file, range)| async move {
        if range.is_empty() {
            return Ok(None);
        }
        let length = (range.end - range.start).min(FILE_CHUNK);
        let (file, chunk) = tokio::task::spawn_blocking(move || {
            // `read_to_end` fills the spare capacity without zeroing it first.
            let mut chunk = Vec::with_capacity(usize::try_from(length).map_err(io::Error::other)?);
            (&file).seek(SeekFrom::Start(range.start))?;
            (&file).take(length).read_to_end(&mut chunk)?;
            // The length was announced from the file's size when it was opened; a file ending
            // early was truncated behind the store's back, and a silently short body would be
            // served as if it were whole.
            if (chunk.len() as u64) < length {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the stored file is shorter than its recorded size",
                ));
            }
            Ok((file, chunk))
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
