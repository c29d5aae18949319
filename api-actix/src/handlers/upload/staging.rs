//! Streaming the `file` part into the store while it arrives.
//!
//! actix's multipart `Field` is `!Send` (it lives on its worker thread), but the use case takes a
//! `Send` stream, since blob stores may hand it to other tasks. A small bounded channel bridges
//! the two: this task pumps the field into the channel while the use case reads the other end,
//! both polled together here. The channel holds a few chunks, so memory stays bounded and a slow
//! store slows the client down instead of buffering the file.

use futures::channel::mpsc;
use futures::future::{self, Either};
use futures::{SinkExt, StreamExt};
use lightbox_ports::ImageService;
use lightbox_ports::use_cases::{StagedUpload, UploadBody, UploadBodyError, UploadError};

use super::form::describe_body_error;

/// Chunks in flight between the client's body and the store.
const CHANNEL_CHUNKS: usize = 4;

/// Stores the file part, checking it on the way. Returns as soon as the use case has decided:
/// when it refuses the file early (too large, wrong type, too many pixels), the rest of the part
/// is not read.
pub async fn stage_file(
    service: &ImageService,
    field: actix_multipart::Field,
) -> Result<StagedUpload, UploadError> {
    let (sender, receiver) = mpsc::channel(CHANNEL_CHUNKS);
    let body: UploadBody = receiver.boxed();
    let staging = service.stage_upload(body);
    let pumping = pump(field, sender);
    futures::pin_mut!(staging, pumping);
    match future::select(staging, pumping).await {
        // Staging can only succeed after the stream ended, i.e. after the pump finished; when it
        // failed first, the unfinished pump (and with it the rest of the part) is dropped.
        Either::Left((staged, _unfinished_pump)) => staged,
        Either::Right(((), staging)) => staging.await,
    }
}

/// Moves the part's bytes into the channel until the part ends, it fails (the failure is passed
/// on, so the store keeps nothing), or the use case stops listening.
async fn pump(
    mut field: actix_multipart::Field,
    mut sender: mpsc::Sender<Result<bytes::Bytes, UploadBodyError>>,
) {
    while let Some(item) = field.next().await {
        let item = item.map_err(|error| UploadBodyError(describe_body_error(&error)));
        let failed = item.is_err();
        if sender.send(item).await.is_err() || failed {
            return;
        }
    }
    // Dropping the sender ends the stream: the use case sees the end of the file.
}
