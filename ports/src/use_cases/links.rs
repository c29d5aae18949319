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
    /// A store that fails to presign gets the service's own link instead: links are made after
    /// a write has been committed, and failing then would tell the client that an upload or an
    /// update which happened did not (and invite a duplicate upload on retry).
    pub async fn content_link(&self, image: &ImageRecord) -> ContentLink {
        let ttl = self.settings.url_ttl;
        let now = self.clock.now();
        let lifetime = TimeDelta::from_std(ttl).unwrap_or(TimeDelta::hours(1));
        // Whole seconds, so the expiry in the URL and the one reported in JSON agree exactly.
        let expires = now.timestamp().saturating_add(lifetime.num_seconds());
        let expires_at = DateTime::<Utc>::from_timestamp(expires, 0).unwrap_or(now);
        match self
            .blobs
            .presigned_get(&BlobKey::original(&image.id), ttl)
            .await
        {
            Ok(Some(url)) => {
                return ContentLink {
                    target: LinkTarget::Absolute(url),
                    expires_at,
                };
            }
            Ok(None) => {}
            Err(error) => {
                let id = image.id;
                tracing::warn!(%id, error = %error, "presigning failed; linking to the service's own content route");
            }
        }
        let grant = SignedContent {
            id: image.id,
            variant: ContentVariant::Original,
            expires,
        };
        ContentLink {
            target: LinkTarget::ServiceContent {
                id: image.id,
                expires,
                signature: grant.sign(&self.settings.signing_key),
            },
            expires_at,
        }
    }

    pub(crate) fn verify_grant(
        &self,
        grant: &SignedContent,
        signature: &str,
    ) -> Result<(), SignedUrlError> {
        grant.verify(signature, &self.settings.signing_key, self.clock.now())
    }
}
