//! Time-limited links to an image's bytes: the `url` of every Image.
//!
//! A store that signs its own URLs (S3) gives a presigned URL; otherwise the service signs a
//! link to its own `/content` route with an HMAC, which the `content` use case verifies.

use chrono::{DateTime, TimeDelta, Utc};
use lightbox_domain::ids::ImageId;
use lightbox_domain::image::ImageRecord;
use lightbox_domain::signing::{ContentVariant, SignedContent, SignedUrlError, UrlSignature};

use crate::blob_store::BlobKey;
use crate::use_cases::ImageService;
use crate::use_cases::errors::StorageError;

/// Where a link points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// An absolute URL made by the blob store (S3 presigned GET).
    Absolute(String),
    /// The service's own content route; the HTTP layer makes it absolute.
    ServiceContent {
        /// The image.
        id: ImageId,
        /// Unix seconds of expiry.
        expires: i64,
        /// The HMAC over id, expiry and variant.
        signature: UrlSignature,
    },
}

/// A link and when it stops working.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentLink {
    /// Where it points.
    pub target: LinkTarget,
    /// When it expires.
    pub expires_at: DateTime<Utc>,
}

impl ImageService {
    /// A fresh link to an image's stored bytes, valid for the configured lifetime.
    ///
    /// # Errors
    /// [`StorageError`] when the blob store fails to presign.
    pub async fn content_link(&self, image: &ImageRecord) -> Result<ContentLink, StorageError> {
        let ttl = self.settings.url_ttl;
        let now = self.clock.now();
        let lifetime = TimeDelta::from_std(ttl).unwrap_or(TimeDelta::hours(1));
        // Whole seconds, so the expiry in the URL and the one reported in JSON agree exactly.
        let expires = now.timestamp().saturating_add(lifetime.num_seconds());
        let expires_at = DateTime::<Utc>::from_timestamp(expires, 0).unwrap_or(now);
        if let Some(url) = self
            .blobs
            .presigned_get(&BlobKey::original(&image.id), ttl)
            .await?
        {
            return Ok(ContentLink {
                target: LinkTarget::Absolute(url),
                expires_at,
            });
        }
        let grant = SignedContent {
            id: image.id,
            variant: ContentVariant::Original,
            expires,
        };
        Ok(ContentLink {
            target: LinkTarget::ServiceContent {
                id: image.id,
                expires,
                signature: grant.sign(&self.settings.signing_key),
            },
            expires_at,
        })
    }

    pub(crate) fn verify_grant(
        &self,
        grant: &SignedContent,
        signature: &str,
    ) -> Result<(), SignedUrlError> {
        grant.verify(signature, &self.settings.signing_key, self.clock.now())
    }
}
