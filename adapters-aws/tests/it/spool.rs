//! Large uploads wait for their `PutObject` in a temporary file, not in memory, and the file is
//! gone once the put has answered, whether it succeeded or not.

use std::io;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use bytes::Bytes;
use futures::{StreamExt, TryStreamExt, stream};
use lightbox_adapters_aws::{S3BlobStore, provision_with};
use lightbox_domain::ids::ImageId;
use lightbox_ports::{BlobError, BlobKey, BlobStore, UploadStream};

use super::support::{sdk_config, unique_settings};

/// A store on a fresh bucket whose spool is `spool_dir`.
async fn store_spooling_to(spool_dir: &Path) -> S3BlobStore {
    let sdk = sdk_config().await;
    let settings = unique_settings("spool");
    provision_with(&sdk, &settings).await.unwrap();
    let client = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&sdk)
            .force_path_style(true)
            .build(),
    );
    S3BlobStore::new(client, settings.bucket).with_spool_dir(spool_dir.to_owned())
}

fn files_in(directory: &Path) -> Vec<String> {
    std::fs::read_dir(directory)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

/// `length` bytes of a pattern in chunks of 64 KiB, then `tail` (an error, say).
fn body(length: usize, tail: Option<io::Error>) -> (Vec<u8>, UploadStream) {
    let bytes: Vec<u8> = (0..length).map(|i| (i % 251) as u8).collect();
    let chunks: Vec<io::Result<Bytes>> = bytes
        .chunks(64 * 1024)
        .map(|piece| Ok(Bytes::copy_from_slice(piece)))
        .chain(tail.map(Err))
        .collect();
    (bytes, stream::iter(chunks).boxed())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_upload_is_spooled_sent_whole_and_its_file_removed() {
    let spool = tempfile::tempdir().unwrap();
    let store = store_spooling_to(spool.path()).await;
    let key = BlobKey::original(&ImageId::generate());
    let (bytes, upload) = body(3 * 1024 * 1024 + 5, None);
    // Watch the spool while the put runs: the body must go through a file.
    let spooled = Arc::new(AtomicBool::new(false));
    let watcher = {
        let spooled = Arc::clone(&spooled);
        let directory = spool.path().to_owned();
        tokio::spawn(async move {
            loop {
                if !files_in(&directory).is_empty() {
                    spooled.store(true, Ordering::SeqCst);
                    return;
                }
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        })
    };
    store.put(&key, upload).await.unwrap();
    watcher.abort();
    assert!(
        spooled.load(Ordering::SeqCst),
        "a 3 MiB upload never appeared in the spool directory"
    );
    assert_eq!(files_in(spool.path()), Vec::<String>::new());
    let content = store.get(&key, None).await.unwrap();
    assert_eq!(content.length, bytes.len() as u64);
    let served: Vec<Bytes> = content.stream.try_collect().await.unwrap();
    assert_eq!(served.concat(), bytes);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_upload_that_fails_leaves_no_spool_file_and_no_object() {
    let spool = tempfile::tempdir().unwrap();
    let store = store_spooling_to(spool.path()).await;
    let key = BlobKey::original(&ImageId::generate());
    let (_, upload) = body(
        2 * 1024 * 1024,
        Some(io::Error::other("the client went away")),
    );
    assert!(matches!(
        store.put(&key, upload).await,
        Err(BlobError::Body(_))
    ));
    assert_eq!(files_in(spool.path()), Vec::<String>::new());
    assert!(matches!(
        store.get(&key, None).await,
        Err(BlobError::NotFound)
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spool_that_cannot_be_written_is_the_store_unavailable() {
    let spool = tempfile::tempdir().unwrap();
    let missing = spool.path().join("gone");
    let store = store_spooling_to(&missing).await;
    let key = BlobKey::original(&ImageId::generate());
    let (_, upload) = body(2 * 1024 * 1024, None);
    assert!(matches!(
        store.put(&key, upload).await,
        Err(BlobError::Unavailable(_))
    ));
    // A small upload never needs the spool.
    let (bytes, upload) = body(100_000, None);
    store.put(&key, upload).await.unwrap();
    let served: Vec<Bytes> = store
        .get(&key, None)
        .await
        .unwrap()
        .stream
        .try_collect()
        .await
        .unwrap();
    assert_eq!(served.concat(), bytes);
}
