//! Moving bytes between the port's streams and the SDK's bodies.

use bytes::{Bytes, BytesMut};
use futures::{StreamExt, stream};
use lightbox_ports::failure::Cause;
use lightbox_ports::{BlobError, ByteStream, UploadStream};

/// The most one `PutObject` may carry (5 GiB). Uploads are limited far below this upstream;
/// the check only keeps a bug from growing the buffer without bound.
const MAX_SINGLE_PUT: usize = 5 * 1024 * 1024 * 1024;

/// The whole upload body, read until its end or its first error (and not one item further).
///
/// Buffering departs from the port's "never the whole body in memory" rule on purpose: a single
/// `PutObject` needs its length up front, and at ~10 MiB per image the buffer is small (see the
/// module documentation of `s3` for why multipart would not help).
pub(super) async fn collect_upload(mut body: UploadStream) -> Result<Bytes, BlobError> {
    let mut buffer = BytesMut::new();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(BlobError::Body)?;
        if buffer.len().saturating_add(chunk.len()) > MAX_SINGLE_PUT {
            return Err(BlobError::unavailable(Cause(
                "the upload exceeds S3's single PUT limit of 5 GiB".to_owned(),
            )));
        }
        buffer.extend_from_slice(&chunk);
    }
    Ok(buffer.freeze())
}

/// The SDK's response body as the port's stream of chunks.
pub(super) fn content_stream(body: aws_sdk_s3::primitives::ByteStream) -> ByteStream {
    stream::unfold(body, |mut body| async move {
        let item = body.next().await?;
        Some((item.map_err(BlobError::unavailable), body))
    })
    .boxed()
}
