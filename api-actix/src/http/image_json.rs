//! The Image resource as clients see it (the contract's JSON), built from a record and a fresh
//! signed link to its bytes.

use chrono::{DateTime, SecondsFormat, Utc};
use lightbox_domain::image::ImageRecord;
use lightbox_domain::visibility::Visibility;
use lightbox_ports::ImageService;
use lightbox_ports::use_cases::LinkTarget;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An image's metadata and a time-limited link to its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ImageResource {
    /// UUID (v7: time-ordered).
    #[schema(example = "0193c0a4-7b1e-7c3a-9d2f-3b4c5d6e7f80")]
    pub id: String,
    /// Who uploaded it.
    #[schema(example = "user-123")]
    pub owner_id: String,
    /// Title, trimmed; null when none.
    pub title: Option<String>,
    /// Description, trimmed; null when none.
    pub description: Option<String>,
    /// Normalized tags, sorted.
    #[schema(example = json!(["beach", "sunset"]))]
    pub tags: Vec<String>,
    /// Who may see it besides its owner.
    pub visibility: VisibilityName,
    /// Sniffed from the bytes, never from the client.
    #[schema(example = "image/jpeg")]
    pub content_type: String,
    /// Size of the stored bytes.
    pub size_bytes: u64,
    /// Width as displayed (after orientation).
    pub width: u32,
    /// Height as displayed (after orientation).
    pub height: u32,
    /// Lower-case hex SHA-256 of the stored bytes.
    pub sha256: String,
    /// The client's file name, sanitized; informational only.
    pub original_filename: Option<String>,
    /// RFC 3339, UTC, microseconds.
    #[schema(example = "2026-11-25T16:00:00.123456Z")]
    pub created_at: String,
    /// RFC 3339, UTC, microseconds.
    #[schema(example = "2026-11-25T16:00:00.123456Z")]
    pub updated_at: String,
    /// +1 on every metadata change.
    #[schema(example = 1)]
    pub version: u64,
    /// A compact placeholder for feeds, or null.
    pub blurhash: Option<String>,
    /// Time-limited absolute URL to the bytes, usable without identity.
    pub url: String,
    /// When `url` stops working (RFC 3339).
    pub url_expires_at: String,
}

/// `private` or `public`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum VisibilityName {
    /// Only the owner.
    Private,
    /// Anyone with identity.
    Public,
}

impl From<Visibility> for VisibilityName {
    fn from(visibility: Visibility) -> Self {
        match visibility {
            Visibility::Private => Self::Private,
            Visibility::Public => Self::Public,
        }
    }
}

/// The JSON of `image`, with a fresh link under `base` (see [`base_url`]).
///
/// [`base_url`]: super::base_url::base_url
pub async fn image_resource(
    service: &ImageService,
    image: &ImageRecord,
    base: &str,
) -> ImageResource {
    let link = service.content_link(image).await;
    let url = match link.target {
        LinkTarget::Absolute(url) => url,
        LinkTarget::ServiceContent {
            id,
            expires,
            signature,
        } => format!(
            "{base}/api/v1/images/{id}/content?expires={expires}&signature={}",
            signature.as_str()
        ),
    };
    let metadata = &image.metadata;
    ImageResource {
        id: image.id.to_string(),
        owner_id: image.owner.to_string(),
        title: metadata.title.as_ref().map(|t| t.as_str().to_owned()),
        description: metadata.description.as_ref().map(|d| d.as_str().to_owned()),
        tags: metadata
            .tags
            .iter()
            .map(|tag| tag.as_str().to_owned())
            .collect(),
        visibility: metadata.visibility.into(),
        content_type: image.content.format.mime_type().to_owned(),
        size_bytes: image.content.size_bytes,
        width: image.content.width,
        height: image.content.height,
        sha256: image.content.sha256.to_hex(),
        original_filename: image
            .original_filename
            .as_ref()
            .map(|f| f.as_str().to_owned()),
        created_at: timestamp(image.created_at),
        updated_at: timestamp(image.updated_at),
        version: image.version.get(),
        blurhash: image.blurhash.as_ref().map(|hash| hash.as_str().to_owned()),
        url,
        url_expires_at: timestamp(link.expires_at),
    }
}

/// RFC 3339 in UTC with exactly six fractional digits and `Z`, e.g. `2026-11-25T16:00:00.123456Z`.
pub fn timestamp(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Micros, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_always_have_six_digits_and_z() {
        let whole = DateTime::from_timestamp(1_795_622_400, 0).unwrap();
        assert_eq!(timestamp(whole), "2026-11-25T16:00:00.000000Z");
        let micros = DateTime::from_timestamp_micros(1_795_622_400_123_456).unwrap();
        assert_eq!(timestamp(micros), "2026-11-25T16:00:00.123456Z");
    }
}
