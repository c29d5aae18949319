//! The blob store port: where image bytes (originals and derived files) live.
//!
//! # Contract
//! Every implementation MUST:
//! - make `put` atomic and durable: when it returns `Ok`, the whole object is stored and survives
//!   a crash; when it returns `Err` (including because the body stream yielded an error), nothing
//!   is visible at the key, not even a partial object;
//! - read the body stream as it arrives, never requiring the whole body in memory first, and stop
//!   reading at the body's first error;
//! - return [`BlobError::NotFound`] from `get` for a missing key, and treat `delete` of a missing
//!   key as success;
//! - serve exactly the bytes `start..=end` when `get` is given a range that lies inside the object;
//! - list every object under a prefix, and also what a write that never completed left behind
//!   where the store keeps such leftovers (a staging file after a crash), so garbage collection
//!   can see and remove them;
//! - translate backend-specific errors into [`BlobError`], keeping the cause for logs.

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures::stream::BoxStream;
use lightbox_domain::ids::ImageId;
use lightbox_domain::range::ByteRange;

use crate::failure::BackendFailure;

/// The bytes of an upload, as they arrive. An `Err` item aborts the `put`.
pub type UploadStream = BoxStream<'static, Result<Bytes, std::io::Error>>;

/// The bytes of a stored object, as they are read.
pub type ByteStream = BoxStream<'static, Result<Bytes, BlobError>>;

/// What [`BlobStore::list`] yields.
pub type ObjectListing = BoxStream<'static, Result<ListedObject, BlobError>>;

/// An object (or a leftover of an unfinished write) found by listing the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedObject {
    /// Its full key, or for a leftover the key-like path of the leftover (a staging file such
    /// as `images/ab/<id>/original#3`, or an empty image directory as `images/ab/<id>/`):
    /// either way it begins with the image's directory.
    pub key: String,
    /// Its size in bytes.
    pub size: u64,
    /// When it was last written.
    pub last_modified: DateTime<Utc>,
}

/// Where an object lives in the store. Keys are made from image ids only, never from anything a
/// client chose (such as a file name), so a client cannot steer where bytes land.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BlobKey(String);

impl BlobKey {
    /// The directory of everything stored for one image: `images/<xx>/<id>/`, where `<xx>` is the
    /// id's last two hex digits. UUIDv7 ids begin with the time, so fanning out on the end spreads
    /// images evenly over 256 directories instead of piling one day's uploads into one.
    pub fn image_prefix(id: &ImageId) -> String {
        let text = id.to_string();
        let fan_out = &text[text.len() - 2..];
        format!("images/{fan_out}/{text}/")
    }

    /// The image whose directory `key` (a [`ListedObject`]'s) lies in, if it has the shape
    /// `images/<xx>/<id>/<name>` with `<xx>` the id's fan-out, or is that directory itself.
    pub fn image_of(key: &str) -> Option<ImageId> {
        let mut parts = key.splitn(4, '/');
        // The fourth part (the name within the directory) is present, possibly empty.
        let (Some("images"), Some(fan_out), Some(text), Some(_)) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        let id: ImageId = text.parse().ok()?;
        // Compared with the text as listed, so that only the canonical spelling counts.
        (Self::image_prefix(&id) == format!("images/{fan_out}/{text}/")).then_some(id)
    }

    /// The directory prefixes every image lies under, `images/00/` to `images/ff/`: listing
    /// them one by one walks the whole store in 256 bounded steps.
    pub fn fan_out_prefixes() -> impl Iterator<Item = String> {
        (0..=u8::MAX).map(|byte| format!("images/{byte:02x}/"))
    }

    /// The uploaded bytes of an image.
    pub fn original(id: &ImageId) -> Self {
        Self(format!("{}original", Self::image_prefix(id)))
    }

    /// A file derived from an image (e.g. a thumbnail), stored beside its original so that
    /// deleting the image's prefix removes it too.
    pub fn derived(id: &ImageId, name: &str) -> Self {
        Self(format!("{}{name}", Self::image_prefix(id)))
    }

    /// The key as a path-like string with `/` separators.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BlobKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An object being read.
pub struct BlobContent {
    /// Its bytes (only the requested range when one was given).
    pub stream: ByteStream,
    /// How many bytes `stream` yields.
    pub length: u64,
}

impl fmt::Debug for BlobContent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlobContent")
            .field("length", &self.length)
            .finish_non_exhaustive()
    }
}

/// What went wrong in the blob store.
#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    /// No object at the key.
    #[error("no object at that key")]
    NotFound,
    /// The upload body yielded an error; the object was not stored.
    #[error("the upload body failed: {0}")]
    Body(#[source] std::io::Error),
    /// The store is out of space; the object was not stored.
    #[error("the blob store is out of space")]
    InsufficientStorage,
    /// The store could not be reached or refused the operation.
    #[error(transparent)]
    Unavailable(#[from] BackendFailure),
}

impl BlobError {
    /// Wraps any backend error as [`BlobError::Unavailable`].
    pub fn unavailable(source: impl Into<crate::failure::BoxError>) -> Self {
        Self::Unavailable(BackendFailure::new(crate::failure::BLOB_STORE, source))
    }
}

/// Stores and serves bytes.
#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait BlobStore: Send + Sync + 'static {
    /// Stores the whole of `body` at `key`, atomically and durably (see the module contract).
    ///
    /// # Errors
    /// [`BlobError::Body`] when the body stream failed, [`BlobError::InsufficientStorage`] when
    /// the store is full, [`BlobError::Unavailable`] otherwise. In every case nothing is stored.
    async fn put(&self, key: &BlobKey, body: UploadStream) -> Result<(), BlobError>;

    /// Opens the object at `key`, or just `range` of it.
    ///
    /// # Errors
    /// [`BlobError::NotFound`] when there is no such object; [`BlobError::Unavailable`] otherwise.
    async fn get(&self, key: &BlobKey, range: Option<ByteRange>) -> Result<BlobContent, BlobError>;

    /// Removes every object whose key starts with `prefix` (an image's directory). Removing
    /// nothing is a success.
    ///
    /// # Errors
    /// [`BlobError::Unavailable`] when the store cannot be reached.
    async fn delete_prefix(&self, prefix: &str) -> Result<(), BlobError>;

    /// Every object whose key starts with `prefix` (a directory prefix ending in `/`), in no
    /// particular order, with the leftovers of unfinished writes the store keeps (see the module
    /// contract). Listing nothing is an empty stream.
    ///
    /// # Errors
    /// [`BlobError::Unavailable`] when the store cannot be reached, at once or as an item.
    async fn list(&self, prefix: &str) -> Result<ObjectListing, BlobError>;

    /// A URL a client can GET the object from without identity, valid for `expires_in`, when the
    /// store can sign URLs itself (S3). `Ok(None)` when it cannot (the filesystem), and the service
    /// signs its own `/content` URL instead.
    ///
    /// # Errors
    /// [`BlobError::Unavailable`] when signing fails.
    async fn presigned_get(
        &self,
        key: &BlobKey,
        expires_in: Duration,
    ) -> Result<Option<String>, BlobError>;

    /// Whether the store answers and accepts writes, for `/ready`.
    ///
    /// # Errors
    /// [`BlobError::Unavailable`] naming the cause.
    async fn check_ready(&self) -> Result<(), BlobError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_derive_from_the_id_only() {
        let id = ImageId::generate();
        let text = id.to_string();
        let original = BlobKey::original(&id);
        assert_eq!(
            original.as_str(),
            format!("images/{}/{text}/original", &text[34..])
        );
        assert!(original.as_str().starts_with(&BlobKey::image_prefix(&id)));
        assert!(
            BlobKey::derived(&id, "thumbnail-256.jpg")
                .as_str()
                .starts_with(&BlobKey::image_prefix(&id))
        );
    }

    #[test]
    fn listed_keys_name_their_image_only_in_their_own_directory() {
        let id = ImageId::generate();
        let prefix = BlobKey::image_prefix(&id);
        for key in [
            BlobKey::original(&id).as_str().to_owned(),
            format!("{prefix}thumbnail-256.jpg"),
            format!("{prefix}original#3"),
            prefix.clone(),
        ] {
            assert_eq!(BlobKey::image_of(&key), Some(id), "{key}");
        }
        let text = id.to_string();
        let wrong_fan_out = if text.ends_with("00") { "01" } else { "00" };
        for key in [
            prefix.trim_end_matches('/').to_owned(),
            format!("images/{wrong_fan_out}/{text}/original"),
            format!("other/{}/{text}/original", &text[34..]),
            format!("images/{}/not-an-id/original", &text[34..]),
            ".ready-probe-1".to_owned(),
        ] {
            assert_eq!(BlobKey::image_of(&key), None, "{key}");
        }
    }

    #[test]
    fn the_fan_out_prefixes_cover_every_image_directory() {
        let prefixes: Vec<String> = BlobKey::fan_out_prefixes().collect();
        assert_eq!(prefixes.len(), 256);
        for _ in 0..64 {
            let id = ImageId::generate();
            let directory = BlobKey::image_prefix(&id);
            assert_eq!(
                prefixes
                    .iter()
                    .filter(|p| directory.starts_with(p.as_str()))
                    .count(),
                1,
                "{directory}"
            );
        }
    }
}
