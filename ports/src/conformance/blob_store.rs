//! Conformance checks of the [`BlobStore`] contract.

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use bytes::Bytes;
use futures::{StreamExt, TryStreamExt, stream};
use lightbox_domain::ids::ImageId;
use lightbox_domain::range::ByteRange;

use crate::blob_store::{BlobError, BlobKey, BlobStore, UploadStream};

/// Every check of the [`BlobStore`] contract.
pub async fn blob_store_conformance(store: &dyn BlobStore) {
    store_is_ready(store).await;
    put_and_get_round_trip(store).await;
    ranges_serve_exactly_their_bytes(store).await;
    failed_put_leaves_nothing(store).await;
    missing_objects_are_not_found(store).await;
    delete_prefix_removes_originals_and_derived_files(store).await;
    puts_run_concurrently(store).await;
    super::blob_listing(store).await;
}

/// Bytes that do not repeat at any power-of-two period, so a misplaced chunk shows.
fn pattern(length: usize) -> Vec<u8> {
    (0..length).map(|i| (i * 31 + i / 251) as u8).collect()
}

/// The body of an upload, in `chunk`-sized pieces.
fn body_of(bytes: &[u8], chunk: usize) -> UploadStream {
    let chunks: Vec<io::Result<Bytes>> = bytes
        .chunks(chunk)
        .map(|piece| Ok(Bytes::copy_from_slice(piece)))
        .collect();
    stream::iter(chunks).boxed()
}

async fn read_all(store: &dyn BlobStore, key: &BlobKey, range: Option<ByteRange>) -> Vec<u8> {
    let content = store.get(key, range).await.unwrap();
    let chunks: Vec<Bytes> = content.stream.try_collect().await.unwrap();
    let bytes = chunks.concat();
    assert_eq!(
        content.length,
        bytes.len() as u64,
        "the announced length of {key} ({range:?}) differs from the bytes served"
    );
    bytes
}

async fn assert_missing(store: &dyn BlobStore, key: &BlobKey) {
    match store.get(key, None).await {
        Err(BlobError::NotFound) => {}
        Err(other) => panic!("get {key}: expected NotFound, got {other:?}"),
        Ok(content) => panic!(
            "get {key}: expected NotFound, got an object of {} bytes",
            content.length
        ),
    }
}

/// `check_ready` answers `Ok` on a working store.
pub async fn store_is_ready(store: &dyn BlobStore) {
    store.check_ready().await.unwrap();
    store
        .presigned_get(
            &BlobKey::original(&ImageId::generate()),
            Duration::from_secs(60),
        )
        .await
        .unwrap();
}

/// What is put is what is got: tiny, odd-sized, and multi-megabyte bodies in many chunks.
pub async fn put_and_get_round_trip(store: &dyn BlobStore) {
    for (length, chunk) in [(1, 1), (1000, 7), (3 * 1024 * 1024 + 17, 64 * 1024 + 3)] {
        let key = BlobKey::original(&ImageId::generate());
        let bytes = pattern(length);
        store.put(&key, body_of(&bytes, chunk)).await.unwrap();
        assert_eq!(
            read_all(store, &key, None).await,
            bytes,
            "round trip of {length} bytes"
        );
    }
}

/// A range inside the object serves exactly `start..=end`.
pub async fn ranges_serve_exactly_their_bytes(store: &dyn BlobStore) {
    let key = BlobKey::original(&ImageId::generate());
    // Large enough that a store reading in chunks (the directory reads 512 KiB at a time) serves
    // some ranges from more than one.
    let bytes = pattern(1_200_000);
    store.put(&key, body_of(&bytes, 65_536)).await.unwrap();
    let last = bytes.len() as u64 - 1;
    for (start, end) in [
        (0, 0),
        (0, 99),
        (1, 1),
        (65_535, 65_537),
        (524_287, 524_288),
        (100, 1_100_000),
        (last, last),
        (0, last),
        (100, last),
    ] {
        let served = read_all(store, &key, Some(ByteRange { start, end })).await;
        assert_eq!(
            served,
            bytes[start as usize..=end as usize],
            "range {start}-{end}"
        );
    }
}

/// A body that fails makes `put` fail with `Body`, stops the reading there, and leaves nothing
/// at the key, even after a part of the bytes was written.
pub async fn failed_put_leaves_nothing(store: &dyn BlobStore) {
    let key = BlobKey::original(&ImageId::generate());
    let read_after_error = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&read_after_error);
    let body: UploadStream = stream::iter(vec![
        Ok(Bytes::from(pattern(10))),
        // Larger than any sensible part size, so that some bytes reach the store.
        Ok(Bytes::from(pattern(6 * 1024 * 1024))),
        Err(io::Error::other("the client went away")),
    ])
    .chain(stream::once(async move {
        flag.store(true, Ordering::SeqCst);
        Ok(Bytes::from_static(b"never read"))
    }))
    .boxed();
    match store.put(&key, body).await {
        Err(BlobError::Body(_)) => {}
        other => panic!("a failing body must fail the put with Body, got {other:?}"),
    }
    assert!(
        !read_after_error.load(Ordering::SeqCst),
        "the body was read past its first error"
    );
    assert_missing(store, &key).await;
}

/// A missing key is `NotFound`, with or without a range.
pub async fn missing_objects_are_not_found(store: &dyn BlobStore) {
    let key = BlobKey::original(&ImageId::generate());
    assert_missing(store, &key).await;
    match store.get(&key, Some(ByteRange { start: 0, end: 9 })).await {
        Err(BlobError::NotFound) => {}
        other => panic!("ranged get of a missing key: expected NotFound, got {other:?}"),
    }
}

/// Deleting an image's prefix removes its original and derived files, leaves other images'
/// objects alone, and succeeds again when there is nothing left (or never was anything).
pub async fn delete_prefix_removes_originals_and_derived_files(store: &dyn BlobStore) {
    let id = ImageId::generate();
    let neighbour = ImageId::generate();
    let doomed = [
        BlobKey::original(&id),
        BlobKey::derived(&id, "thumbnail-256.jpg"),
        BlobKey::derived(&id, "thumbnail-1024.webp"),
    ];
    for key in &doomed {
        store.put(key, body_of(b"doomed", 3)).await.unwrap();
    }
    let kept = BlobKey::original(&neighbour);
    store.put(&kept, body_of(b"kept", 4)).await.unwrap();

    store
        .delete_prefix(&BlobKey::image_prefix(&id))
        .await
        .unwrap();
    for key in &doomed {
        assert_missing(store, key).await;
    }
    assert_eq!(read_all(store, &kept, None).await, b"kept");

    store
        .delete_prefix(&BlobKey::image_prefix(&id))
        .await
        .unwrap();
    store
        .delete_prefix(&BlobKey::image_prefix(&ImageId::generate()))
        .await
        .unwrap();
    store
        .delete_prefix(&BlobKey::image_prefix(&neighbour))
        .await
        .unwrap();
    assert_missing(store, &kept).await;
}

/// Uploads to different keys at once all land intact.
pub async fn puts_run_concurrently(store: &dyn BlobStore) {
    let uploads: Vec<(BlobKey, Vec<u8>)> = (0..8)
        .map(|i| {
            (
                BlobKey::original(&ImageId::generate()),
                pattern(100_000 + i * 1013),
            )
        })
        .collect();
    let puts = uploads
        .iter()
        .map(|(key, bytes)| store.put(key, body_of(bytes, 8192)));
    for outcome in futures::future::join_all(puts).await {
        outcome.unwrap();
    }
    for (key, bytes) in &uploads {
        assert_eq!(&read_all(store, key, None).await, bytes);
    }
}
