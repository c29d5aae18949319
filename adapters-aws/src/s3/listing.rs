//! Listing a prefix of the bucket (`ListObjectsV2`, page by page as the stream is read).
//!
//! S3 keeps no leftovers of unfinished writes that a listing could show: `put` is one atomic
//! `PutObject`, and even an incomplete multipart upload (from another tool, or a future `put`)
//! is invisible to listings and reads. Those are cleaned by the bucket lifecycle rule
//! `AbortIncompleteMultipartUpload` that `provision` sets, not by garbage collection.

use aws_sdk_s3::operation::list_objects_v2::ListObjectsV2Output;
use aws_sdk_s3::primitives::DateTime as SdkDateTime;
use aws_sdk_s3::types::Object;
use chrono::{DateTime, Utc};
use futures::{StreamExt, stream};
use lightbox_ports::failure::Cause;
use lightbox_ports::{BlobError, ListedObject, ObjectListing};

use super::S3BlobStore;
use super::errors::from_sdk;

impl S3BlobStore {
    /// Every object under `prefix`; a page is requested only when the previous one is used up.
    pub(super) fn listing(&self, prefix: &str) -> ObjectListing {
        let pages = self
            .client
            .list_objects_v2()
            .bucket(&self.bucket)
            .prefix(prefix)
            .into_paginator()
            .send();
        stream::unfold(pages, |mut pages| async move {
            let page = pages.next().await?;
            Some((page, pages))
        })
        .flat_map(|page| match page {
            Ok(page) => stream::iter(objects_of(page)).left_stream(),
            Err(error) => stream::iter([Err(from_sdk("ListObjectsV2", error))]).right_stream(),
        })
        .boxed()
    }
}

fn objects_of(page: ListObjectsV2Output) -> Vec<Result<ListedObject, BlobError>> {
    page.contents
        .unwrap_or_default()
        .into_iter()
        .map(listed)
        .collect()
}

/// The port's view of a listed object. S3 always sends the key, size and modification time;
/// an answer without them is reported rather than guessed at.
fn listed(object: Object) -> Result<ListedObject, BlobError> {
    let missing = |field: &str| {
        BlobError::unavailable(Cause(format!(
            "S3 listed an object (key {:?}) without its {field}",
            object.key().unwrap_or_default()
        )))
    };
    let key = object.key().ok_or_else(|| missing("key"))?.to_owned();
    let size = object
        .size()
        .and_then(|size| u64::try_from(size).ok())
        .ok_or_else(|| missing("size"))?;
    let last_modified = object
        .last_modified()
        .and_then(chrono_of)
        .ok_or_else(|| missing("modification time"))?;
    Ok(ListedObject {
        key,
        size,
        last_modified,
    })
}

/// The SDK's timestamp as chrono's, `None` when it is outside chrono's range.
fn chrono_of(time: &SdkDateTime) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(time.secs(), time.subsec_nanos())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sdk_timestamps_convert_to_the_same_instant() {
        let time = SdkDateTime::from_secs_and_nanos(1_764_000_000, 123_456_789);
        let converted = chrono_of(&time).expect("in range");
        assert_eq!(converted.timestamp(), 1_764_000_000);
        assert_eq!(converted.timestamp_subsec_nanos(), 123_456_789);
    }
}
