//! Turning an object_store read into the port's byte stream.
//!
//! object_store reads local files 8 KiB per blocking task; a served image would take hundreds of
//! thread-pool hops, so files are read here in larger chunks instead.

use std::io::{self, SeekFrom};
use std::ops::Range;

use bytes::BytesMut;
use futures::{StreamExt, TryStreamExt, stream};
use lightbox_ports::ByteStream;
use object_store::{GetResult, GetResultPayload};
use tokio::io::{AsyncReadExt, AsyncSeekExt};

use super::errors::{from_io, from_read};

/// Bytes read from a file at a time: one blocking task each.
const FILE_CHUNK: usize = 64 * 1024;

/// The bytes of `result`, exactly its range.
pub(super) fn content_stream(result: GetResult) -> ByteStream {
    match result.payload {
        GetResultPayload::File(file, _path) => file_stream(file, result.range),
        GetResultPayload::Stream(bytes) => bytes.map_err(from_read).boxed(),
    }
}

fn file_stream(file: std::fs::File, range: Range<u64>) -> ByteStream {
    let opened = async move {
        let mut file = tokio::fs::File::from_std(file);
        file.seek(SeekFrom::Start(range.start)).await?;
        Ok::<_, io::Error>(file.take(range.end - range.start))
    };
    stream::once(opened)
        .map_ok(|reader| {
            stream::try_unfold(reader, |mut reader| async move {
                let mut chunk = BytesMut::with_capacity(FILE_CHUNK);
                if reader.read_buf(&mut chunk).await? > 0 {
                    return Ok(Some((chunk.freeze(), reader)));
                }
                // The length was announced from the file's size when it was opened; a file
                // ending early was truncated behind the store's back, and a silently short body
                // would be served as if it were whole.
                if reader.limit() > 0 {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "the stored file is shorter than its recorded size",
                    ));
                }
                Ok(None)
            })
        })
        .try_flatten()
        .map_err(from_io)
        .boxed()
}
