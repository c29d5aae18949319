//! The blob store port on S3: one object per key in one bucket.
//!
//! `put` gathers the upload (in memory, or in a temporary file when it is large) and writes it
//! with one `PutObject`, which S3 makes atomic: an object appears whole or not at all, so an
//! aborted upload leaves nothing behind. Multipart upload is not needed: images are at most
//! ~10 MiB, far below S3's 5 GiB single-PUT limit, and with S3's 5 MiB minimum part size an
//! upload would be two parts at most, buying nothing but the extra calls (and the incomplete
//! uploads to clean up) that multipart brings.

mod body;
mod errors;
mod listing;

pub use errors::BACKEND_NAME;

use std::path::PathBuf;
use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_s3::Client;
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::types::{Delete, ObjectIdentifier};
use futures::TryStreamExt;
use lightbox_domain::range::ByteRange;
use lightbox_ports::failure::Cause;
use lightbox_ports::{BlobContent, BlobError, BlobKey, BlobStore, ObjectListing, UploadStream};

use body::{collect_upload, content_stream};
use errors::{from_sdk, is_not_found};

/// Keys per `DeleteObjects` call: S3's maximum.
const DELETE_BATCH: usize = 1000;

/// A [`BlobStore`] keeping objects in one S3 bucket.
#[derive(Debug, Clone)]
pub struct S3BlobStore {
    client: Client,
    bucket: String,
    /// Where large uploads wait, as files, for their `PutObject`.
    spool_dir: PathBuf,
}

impl S3BlobStore {
    /// A store over `bucket`, which must exist (see [`crate::provision`]). Large uploads are
    /// spooled to the system's temporary directory (`TMPDIR`).
    pub fn new(client: Client, bucket: String) -> Self {
        Self {
            client,
            bucket,
            spool_dir: std::env::temp_dir(),
        }
    }

    /// The same store spooling large uploads to `directory` instead.
    #[must_use]
    pub fn with_spool_dir(self, directory: PathBuf) -> Self {
        Self {
            spool_dir: directory,
            ..self
        }
    }
}

#[async_trait]
impl BlobStore for S3BlobStore {
    async fn put(&self, key: &BlobKey, body: UploadStream) -> Result<(), BlobError> {
        // Nothing is sent before the body ended well, so a failed body writes nothing.
        let upload = collect_upload(body, &self.spool_dir).await?;
        let length = i64::try_from(upload.length()).map_err(BlobError::unavailable)?;
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            // Keys are fresh UUIDv7s: an existing object means a bug upstream, and overwriting
            // another image's bytes would be worse than failing this upload.
            .if_none_match("*")
            .content_length(length)
            .body(upload.body().await?)
            .send()
            .await
            .map_err(|error| from_sdk("PutObject", error))?;
        Ok(())
    }

    async fn get(&self, key: &BlobKey, range: Option<ByteRange>) -> Result<BlobContent, BlobError> {
        let output = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .set_range(range.map(|range| format!("bytes={}-{}", range.start, range.end)))
            .send()
            .await
            .map_err(|error| {
                if is_not_found(&error) {
                    BlobError::NotFound
                } else {
                    from_sdk("GetObject", error)
                }
            })?;
        let length = output
            .content_length()
            .and_then(|length| u64::try_from(length).ok())
            .ok_or_else(|| {
                BlobError::unavailable(Cause(format!(
                    "S3 answered GetObject of {key} without a Content-Length"
                )))
            })?;
        Ok(BlobContent {
            stream: content_stream(output.body),
            length,
        })
    }

    async fn delete_prefix(&self, prefix: &str) -> Result<(), BlobError> {
        // An empty prefix would name every object in the bucket: a bug upstream must not be able
        // to turn into deleting everything.
        if prefix.trim_matches('/').is_empty() {
            return Err(BlobError::unavailable(Cause(
                "refusing to delete with an empty prefix".to_owned(),
            )));
        }
        let keys: Vec<String> = self
            .listing(prefix)
            .map_ok(|object| object.key)
            .try_collect()
            .await?;
        for batch in keys.chunks(DELETE_BATCH) {
            self.delete_batch(batch).await?;
        }
        Ok(())
    }

    async fn list(&self, prefix: &str) -> Result<ObjectListing, BlobError> {
        Ok(self.listing(prefix))
    }

    async fn presigned_get(
        &self,
        key: &BlobKey,
        expires_in: Duration,
    ) -> Result<Option<String>, BlobError> {
        let config = PresigningConfig::expires_in(expires_in).map_err(BlobError::unavailable)?;
        let request = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .presigned(config)
            .await
            .map_err(|error| from_sdk("presign GetObject", error))?;
        Ok(Some(request.uri().to_owned()))
    }

    async fn check_ready(&self) -> Result<(), BlobError> {
        self.client
            .head_bucket()
            .bucket(&self.bucket)
            .send()
            .await
            .map_err(|error| from_sdk("HeadBucket", error))?;
        Ok(())
    }
}

impl S3BlobStore {
    /// Deletes up to [`DELETE_BATCH`] keys in one call. Keys already gone count as deleted.
    async fn delete_batch(&self, keys: &[String]) -> Result<(), BlobError> {
        let objects = keys
            .iter()
            .map(|key| ObjectIdentifier::builder().key(key).build())
            .collect::<Result<Vec<_>, _>>()
            .map_err(BlobError::unavailable)?;
        let delete = Delete::builder()
            .set_objects(Some(objects))
            // Quiet mode reports only the failures, which are all this needs to look at.
            .quiet(true)
            .build()
            .map_err(BlobError::unavailable)?;
        let output = self
            .client
            .delete_objects()
            .bucket(&self.bucket)
            .delete(delete)
            .send()
            .await
            .map_err(|error| from_sdk("DeleteObjects", error))?;
        if let Some(failure) = output.errors().first() {
            return Err(BlobError::unavailable(Cause(format!(
                "S3 refused to delete {} of {} objects, the first {:?} with {:?}",
                output.errors().len(),
                keys.len(),
                failure.key().unwrap_or_default(),
                failure.code().unwrap_or_default(),
            ))));
        }
        Ok(())
    }
}
