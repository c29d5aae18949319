//! Conformance checks of [`BlobStore::list`], the listing garbage collection walks the store with.

use std::collections::BTreeMap;

use bytes::Bytes;
use chrono::{Duration, Utc};
use futures::{StreamExt, TryStreamExt, stream};
use lightbox_domain::ids::ImageId;

use crate::blob_store::{BlobKey, BlobStore, ListedObject};

/// Every check of `list`.
pub async fn blob_listing(store: &dyn BlobStore) {
    list_returns_exactly_the_objects_under_the_prefix(store).await;
    listing_an_empty_prefix_finds_nothing(store).await;
    deleted_objects_leave_the_listing(store).await;
}

/// The listing of `prefix`, by key.
async fn listed(store: &dyn BlobStore, prefix: &str) -> BTreeMap<String, ListedObject> {
    let objects: Vec<ListedObject> = store
        .list(prefix)
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    let count = objects.len();
    let by_key: BTreeMap<String, ListedObject> = objects
        .into_iter()
        .map(|object| (object.key.clone(), object))
        .collect();
    assert_eq!(by_key.len(), count, "list of {prefix} named a key twice");
    by_key
}

async fn put_bytes(store: &dyn BlobStore, key: &BlobKey, length: usize) {
    let body = stream::iter([Ok(Bytes::from(vec![b'x'; length]))]).boxed();
    store.put(key, body).await.unwrap();
}

/// Listing an image's directory gives exactly its objects, with their sizes and a modification
/// time of about now; another image's objects stay out. Listing the wider fan-out directory
/// finds them too, and nothing outside it.
pub async fn list_returns_exactly_the_objects_under_the_prefix(store: &dyn BlobStore) {
    let id = ImageId::generate();
    let neighbour = ImageId::generate();
    let objects = [
        (BlobKey::original(&id), 1_234),
        (BlobKey::derived(&id, "thumbnail-256.jpg"), 56),
        (BlobKey::derived(&id, "thumbnails/1024.webp"), 1),
    ];
    let before = Utc::now();
    for (key, length) in &objects {
        put_bytes(store, key, *length).await;
    }
    put_bytes(store, &BlobKey::original(&neighbour), 7).await;

    let found = listed(store, &BlobKey::image_prefix(&id)).await;
    let expected: BTreeMap<String, u64> = objects
        .iter()
        .map(|(key, length)| (key.as_str().to_owned(), *length as u64))
        .collect();
    let sizes: BTreeMap<String, u64> = found
        .iter()
        .map(|(key, object)| (key.clone(), object.size))
        .collect();
    assert_eq!(sizes, expected, "the listing of {id}'s directory");
    // Stores keep modification times to the second (S3) or coarser: allow some slack both ways.
    let slack = Duration::seconds(5);
    for object in found.values() {
        assert!(
            object.last_modified >= before - slack && object.last_modified <= Utc::now() + slack,
            "{} was last modified at {}, not about now ({before})",
            object.key,
            object.last_modified
        );
    }

    // The image's fan-out directory holds it and, on a shared store, others' objects too.
    let directory = BlobKey::image_prefix(&id);
    let fan_out = BlobKey::fan_out_prefixes()
        .find(|prefix| directory.starts_with(prefix.as_str()))
        .unwrap();
    let wider = listed(store, &fan_out).await;
    for key in expected.keys() {
        assert!(
            wider.contains_key(key),
            "{key} missing from the list of {fan_out}"
        );
    }
    assert!(
        wider.keys().all(|key| key.starts_with(fan_out.as_str())),
        "the list of {fan_out} strayed: {wider:?}"
    );

    store
        .delete_prefix(&BlobKey::image_prefix(&id))
        .await
        .unwrap();
    store
        .delete_prefix(&BlobKey::image_prefix(&neighbour))
        .await
        .unwrap();
}

/// A prefix nothing was ever put under lists nothing (and is no error).
pub async fn listing_an_empty_prefix_finds_nothing(store: &dyn BlobStore) {
    let never = BlobKey::image_prefix(&ImageId::generate());
    assert_eq!(listed(store, &never).await, BTreeMap::new());
}

/// After `delete_prefix`, the image's objects are gone from the listing.
pub async fn deleted_objects_leave_the_listing(store: &dyn BlobStore) {
    let id = ImageId::generate();
    put_bytes(store, &BlobKey::original(&id), 10).await;
    put_bytes(store, &BlobKey::derived(&id, "thumbnail-256.jpg"), 10).await;
    let prefix = BlobKey::image_prefix(&id);
    assert_eq!(listed(store, &prefix).await.len(), 2);
    store.delete_prefix(&prefix).await.unwrap();
    assert_eq!(listed(store, &prefix).await, BTreeMap::new());
}
