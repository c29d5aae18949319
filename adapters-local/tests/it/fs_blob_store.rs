//! What only a directory can show: no staging files or empty directories are left behind by
//! aborted uploads or deletes, listings show the staging files and empty image directories a
//! crash left, readiness notices a missing directory, and reads notice files changed behind the
//! store's back.

use std::io;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use futures::{StreamExt, TryStreamExt, stream};
use lightbox_adapters_local::FsBlobStore;
use lightbox_domain::ids::ImageId;
use lightbox_ports::{BlobError, BlobKey, BlobStore, ListedObject, UploadStream};

/// Every file and directory under `root`, relative to it, sorted.
fn tree(root: &Path) -> Vec<String> {
    fn walk(root: &Path, directory: &Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(directory).unwrap() {
            let path: PathBuf = entry.unwrap().path();
            let relative = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if path.is_dir() {
                found.push(format!("{relative}/"));
                walk(root, &path, found);
            } else {
                found.push(relative);
            }
        }
    }
    let mut found = Vec::new();
    walk(root, root, &mut found);
    found.sort();
    found
}

fn body(chunks: Vec<io::Result<Bytes>>) -> UploadStream {
    stream::iter(chunks).boxed()
}

#[tokio::test]
async fn an_aborted_upload_leaves_no_staging_file_and_no_image_directory() {
    let (_directory, root, store) = fresh_store();
    let id = ImageId::generate();
    let failing = body(vec![
        Ok(Bytes::from(vec![1; 3 * 1024 * 1024])),
        Err(io::Error::other("the client went away")),
    ]);
    assert!(matches!(
        store.put(&BlobKey::original(&id), failing).await,
        Err(BlobError::Body(_))
    ));
    // Only the shared fan-out levels may stay.
    let fan_out = &id.to_string()[34..];
    let left = tree(&root);
    assert!(
        left.is_empty() || left == ["images/".to_owned(), format!("images/{fan_out}/")],
        "left behind: {left:?}"
    );
}

#[tokio::test]
async fn deleting_an_image_removes_its_directory_and_crash_leftovers() {
    let (_directory, root, store) = fresh_store();
    let id = ImageId::generate();
    for key in [
        BlobKey::original(&id),
        BlobKey::derived(&id, "thumbnails/256.jpg"),
    ] {
        store
            .put(&key, body(vec![Ok(Bytes::from_static(b"bytes"))]))
            .await
            .unwrap();
    }
    // What an upload interrupted by a crash leaves: a staging file beside the original.
    let image_directory = root.join(BlobKey::image_prefix(&id));
    std::fs::write(image_directory.join("derived.webp#1"), b"half").unwrap();

    store
        .delete_prefix(&BlobKey::image_prefix(&id))
        .await
        .unwrap();
    assert!(!image_directory.exists(), "left behind: {:?}", tree(&root));
}

/// A store in a fresh temporary directory (kept alive by the first element), rooted at `root`.
fn fresh_store() -> (tempfile::TempDir, PathBuf, FsBlobStore) {
    let directory = tempfile::tempdir().unwrap();
    let root = directory.path().join("blobs");
    let store = FsBlobStore::open(&root).unwrap();
    (directory, root, store)
}

async fn listed(store: &FsBlobStore, prefix: &str) -> Vec<ListedObject> {
    let mut objects: Vec<ListedObject> = store
        .list(prefix)
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    objects.sort_by(|a, b| a.key.cmp(&b.key));
    objects
}

#[tokio::test]
async fn listings_show_crash_leftovers_until_the_image_is_deleted() {
    let (_directory, root, store) = fresh_store();
    let id = ImageId::generate();
    let prefix = BlobKey::image_prefix(&id);
    store
        .put(
            &BlobKey::derived(&id, "thumbnails/256.jpg"),
            body(vec![Ok(Bytes::from_static(b"thumb"))]),
        )
        .await
        .unwrap();
    // What a crash in the middle of uploading the original leaves: its staging file only, which
    // object_store's own listing does not show.
    let started = chrono::Utc::now();
    std::fs::write(root.join(&prefix).join("original#3"), b"half of it").unwrap();
    // A neighbour's leftover, under another image's directory, stays out of this listing.
    let neighbour = ImageId::generate();
    let neighbour_directory = root.join(BlobKey::image_prefix(&neighbour));
    std::fs::create_dir_all(&neighbour_directory).unwrap();
    std::fs::write(neighbour_directory.join("original#1"), b"x").unwrap();

    let found = listed(&store, &prefix).await;
    let keys: Vec<&str> = found.iter().map(|object| object.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            format!("{prefix}original#3"),
            format!("{prefix}thumbnails/256.jpg")
        ]
    );
    assert_eq!(found[0].size, 10);
    assert_eq!(found[1].size, 5);
    let age = (found[0].last_modified - started).num_seconds().abs();
    assert!(age < 5, "the leftover's time is {}", found[0].last_modified);
    for object in &found {
        assert_eq!(BlobKey::image_of(&object.key), Some(id), "{}", object.key);
    }
    // The whole store, as garbage collection walks it: the neighbour's leftover shows there.
    let mut everything = Vec::new();
    for fan_out in BlobKey::fan_out_prefixes() {
        everything.extend(listed(&store, &fan_out).await);
    }
    assert_eq!(everything.len(), 3, "{everything:?}");

    store.delete_prefix(&prefix).await.unwrap();
    assert!(
        !root.join(&prefix).exists(),
        "left behind: {:?}",
        tree(&root)
    );
    assert_eq!(listed(&store, &prefix).await, []);
    // A prefix whose directory does not exist lists nothing, and is no error.
    assert_eq!(listed(&store, "images/zz/").await, []);
}

#[tokio::test]
async fn an_empty_image_directory_is_listed_as_a_leftover_until_its_image_is_deleted() {
    let (_directory, root, store) = fresh_store();
    let id = ImageId::generate();
    let prefix = BlobKey::image_prefix(&id);
    // What a crash between creating the directory and writing into it leaves.
    std::fs::create_dir_all(root.join(&prefix)).unwrap();
    // A directory with a file in it is not empty, and is not listed for itself.
    let other = ImageId::generate();
    store
        .put(
            &BlobKey::original(&other),
            body(vec![Ok(Bytes::from_static(b"x"))]),
        )
        .await
        .unwrap();

    let found = listed(&store, &prefix).await;
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].key, prefix);
    assert_eq!(found[0].size, 0);
    assert_eq!(BlobKey::image_of(&found[0].key), Some(id));
    let other_keys: Vec<String> = listed(&store, &BlobKey::image_prefix(&other))
        .await
        .into_iter()
        .map(|object| object.key)
        .collect();
    assert_eq!(other_keys, [BlobKey::original(&other).as_str().to_owned()]);

    store.delete_prefix(&prefix).await.unwrap();
    assert!(
        !root.join(&prefix).exists(),
        "left behind: {:?}",
        tree(&root)
    );
    assert_eq!(listed(&store, &prefix).await, []);
}

#[tokio::test]
async fn a_leftover_is_deleted_by_its_listed_key_and_the_image_stays() {
    let (_directory, root, store) = fresh_store();
    let id = ImageId::generate();
    let prefix = BlobKey::image_prefix(&id);
    let original = BlobKey::original(&id);
    store
        .put(&original, body(vec![Ok(Bytes::from_static(b"whole"))]))
        .await
        .unwrap();
    // A thumbnail upload of a live image cut off by a crash.
    std::fs::write(root.join(&prefix).join("thumbnail-256.jpg#7"), b"half").unwrap();
    let leftover = format!("{prefix}thumbnail-256.jpg#7");
    let keys = |objects: Vec<ListedObject>| -> Vec<String> {
        objects.into_iter().map(|object| object.key).collect()
    };
    assert_eq!(
        keys(listed(&store, &prefix).await),
        [original.as_str().to_owned(), leftover.clone()]
    );

    store.delete_prefix(&leftover).await.unwrap();
    assert_eq!(
        keys(listed(&store, &prefix).await),
        [original.as_str().to_owned()]
    );
    let content = store.get(&original, None).await.unwrap();
    assert_eq!(content.length, 5);
}

#[tokio::test]
async fn the_store_is_not_ready_without_its_directory() {
    let (_directory, root, store) = fresh_store();
    store.check_ready().await.unwrap();
    assert!(
        tree(&root).is_empty(),
        "the readiness probe was left behind"
    );

    std::fs::remove_dir(&root).unwrap();
    let error = store.check_ready().await.unwrap_err();
    assert!(matches!(error, BlobError::Unavailable(_)));
    let cause = std::error::Error::source(&error)
        .map(ToString::to_string)
        .unwrap_or_default();
    assert!(cause.contains("blob directory"), "{cause}");
    // Readiness must not paper over the problem by recreating the directory.
    assert!(!root.exists());
}

/// Stores `length` bytes and returns the key and the file that holds them.
async fn stored_file(store: &FsBlobStore, root: &Path, length: usize) -> (BlobKey, PathBuf) {
    let key = BlobKey::original(&ImageId::generate());
    let bytes = Bytes::from(vec![7; length]);
    store.put(&key, body(vec![Ok(bytes)])).await.unwrap();
    let file = root.join(key.as_str());
    assert_eq!(std::fs::metadata(&file).unwrap().len(), length as u64);
    (key, file)
}

/// A file cut short after the store announced its length never yields a short body: what was
/// read at the open is served whole, and a cut that falls in a later read fails the stream.
#[tokio::test]
async fn a_file_truncated_behind_the_stores_back_never_serves_a_short_body() {
    let (_directory, root, store) = fresh_store();
    for (length, cut_to, whole) in [(300_000, 1_000, true), (2_000_000, 1_000_000, false)] {
        let (key, file) = stored_file(&store, &root, length).await;
        let content = store.get(&key, None).await.unwrap();
        assert_eq!(content.length, length as u64);
        std::fs::OpenOptions::new()
            .write(true)
            .open(&file)
            .unwrap()
            .set_len(cut_to)
            .unwrap();
        let read: Result<Vec<Bytes>, BlobError> = content.stream.try_collect().await;
        let served = read.map(|chunks| chunks.concat().len());
        if whole {
            assert_eq!(served.unwrap(), length, "{length} bytes cut to {cut_to}");
        } else {
            assert!(
                served.is_err(),
                "{length} bytes cut to {cut_to}: served {served:?} without an error"
            );
        }
    }
}

/// A range that starts beyond the end of a file cut short is an error, not an empty body.
#[tokio::test]
async fn a_range_beyond_a_truncated_file_is_an_error() {
    let (_directory, root, store) = fresh_store();
    let (key, file) = stored_file(&store, &root, 10_000).await;
    std::fs::OpenOptions::new()
        .write(true)
        .open(&file)
        .unwrap()
        .set_len(100)
        .unwrap();
    let range = lightbox_domain::range::ByteRange {
        start: 5_000,
        end: 5_999,
    };
    let outcome = store.get(&key, Some(range)).await;
    assert!(
        matches!(outcome, Err(BlobError::Unavailable(_))),
        "got {:?}",
        outcome.map(|content| content.length)
    );
}

/// A directory where the object's file should be is no object.
#[tokio::test]
async fn a_directory_at_an_objects_path_is_not_found() {
    let (_directory, root, store) = fresh_store();
    let key = BlobKey::original(&ImageId::generate());
    std::fs::create_dir_all(root.join(key.as_str())).unwrap();
    assert!(matches!(
        store.get(&key, None).await,
        Err(BlobError::NotFound)
    ));
}
