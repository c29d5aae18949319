//! A flat mirror of an `ImageRecord` in plain strings and numbers, shared by the adapters: what
//! a row or an item holds, and (serialized) the snapshot an idempotency claim keeps. The way back
//! into the domain goes through the domain's own parsers, so a stored value that does not parse
//! back to exactly what was stored is reported as corruption, never a panic.
//!
//! Snapshots are stored serialized: a field added later must be `#[serde(default)]` so that old
//! snapshots still read.

use std::fmt::Display;

use chrono::{DateTime, Utc};
use lightbox_domain::blurhash::Blurhash;
use lightbox_domain::filename::OriginalFilename;
use lightbox_domain::ids::{ImageId, OwnerId};
use lightbox_domain::image::{EditableMetadata, ImageRecord, Sha256Digest, StoredContent, Version};
use lightbox_domain::image_format::ImageFormat;
use lightbox_domain::tags::{Tag, Tags};
use lightbox_domain::text::{Description, Title};
use lightbox_domain::visibility::Visibility;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// An image as storage holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredImage {
    pub id: Uuid,
    pub owner_id: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub visibility: String,
    pub content_type: String,
    pub size_bytes: u64,
    pub width: u32,
    pub height: u32,
    pub sha256: String,
    pub original_filename: Option<String>,
    /// Microseconds since the Unix epoch.
    pub created_at: i64,
    /// Microseconds since the Unix epoch.
    pub updated_at: i64,
    pub version: u64,
    pub blurhash: Option<String>,
    /// Sorted, as `Tags` keeps them.
    #[serde(default)]
    pub tags: Vec<String>,
}

/// A stored value that does not parse back into the domain.
#[derive(Debug, thiserror::Error)]
#[error("{what} is corrupt: {problem}")]
pub struct Corrupt {
    pub what: String,
    pub problem: String,
}

impl StoredImage {
    /// The mirror of `record`.
    pub fn from_record(record: &ImageRecord) -> Self {
        let metadata = &record.metadata;
        Self {
            id: *record.id.as_uuid(),
            owner_id: record.owner.as_str().to_owned(),
            title: metadata.title.as_ref().map(|t| t.as_str().to_owned()),
            description: metadata.description.as_ref().map(|d| d.as_str().to_owned()),
            visibility: metadata.visibility.as_str().to_owned(),
            content_type: record.content.format.mime_type().to_owned(),
            size_bytes: record.content.size_bytes,
            width: record.content.width,
            height: record.content.height,
            sha256: record.content.sha256.to_hex(),
            original_filename: record
                .original_filename
                .as_ref()
                .map(|name| name.as_str().to_owned()),
            created_at: record.created_at.timestamp_micros(),
            updated_at: record.updated_at.timestamp_micros(),
            version: record.version.get(),
            blurhash: record
                .blurhash
                .as_ref()
                .map(|hash| hash.as_str().to_owned()),
            tags: metadata
                .tags
                .iter()
                .map(|tag| tag.as_str().to_owned())
                .collect(),
        }
    }

    /// The domain record, rebuilt through the domain's parsers.
    ///
    /// # Errors
    /// [`Corrupt`] naming the first field that does not parse back to what is stored.
    pub fn into_record(self) -> Result<ImageRecord, Corrupt> {
        let corrupt = |field: &str, problem: &dyn Display| Corrupt {
            what: format!("stored image {}", self.id),
            problem: format!("{field}: {problem}"),
        };
        let owner = OwnerId::parse(&self.owner_id).map_err(|e| corrupt("owner_id", &e))?;
        let title = exact_text(self.title.as_deref(), Title::parse, Title::as_str)
            .map_err(|e| corrupt("title", &e))?;
        let description = exact_text(
            self.description.as_deref(),
            Description::parse,
            Description::as_str,
        )
        .map_err(|e| corrupt("description", &e))?;
        let original_filename = exact_text(
            self.original_filename.as_deref(),
            |name| Ok::<_, &str>(OriginalFilename::sanitize(name)),
            OriginalFilename::as_str,
        )
        .map_err(|e| corrupt("original_filename", &e))?;
        let tags = parse_tags(&self.tags).map_err(|e| corrupt("tags", &e))?;
        let visibility =
            Visibility::parse(&self.visibility).map_err(|e| corrupt("visibility", &e))?;
        let format = ImageFormat::from_mime_type(&self.content_type)
            .ok_or_else(|| corrupt("content_type", &"not an accepted image type"))?;
        let sha256 = Sha256Digest::parse_hex(&self.sha256).map_err(|e| corrupt("sha256", &e))?;
        let created_at =
            timestamp(self.created_at).ok_or_else(|| corrupt("created_at", &"out of range"))?;
        let updated_at =
            timestamp(self.updated_at).ok_or_else(|| corrupt("updated_at", &"out of range"))?;
        let blurhash = self
            .blurhash
            .as_deref()
            .map(Blurhash::parse)
            .transpose()
            .map_err(|e| corrupt("blurhash", &e))?;
        Ok(ImageRecord {
            id: ImageId::from_uuid(self.id),
            owner,
            metadata: EditableMetadata {
                title,
                description,
                tags,
                visibility,
            },
            content: StoredContent {
                format,
                size_bytes: self.size_bytes,
                width: self.width,
                height: self.height,
                sha256,
            },
            original_filename,
            created_at,
            updated_at,
            version: Version::new(self.version),
            blurhash,
        })
    }
}

/// Parses an optional stored text, requiring the parser to give back exactly what was stored
/// (a stored value is already normalized, so any change means it was not written by us).
fn exact_text<T, E: Display>(
    stored: Option<&str>,
    parse: impl Fn(&str) -> Result<Option<T>, E>,
    text: impl Fn(&T) -> &str,
) -> Result<Option<T>, String> {
    let Some(stored) = stored else {
        return Ok(None);
    };
    match parse(stored) {
        Ok(Some(value)) if text(&value) == stored => Ok(Some(value)),
        Ok(_) => Err("does not read back as stored".to_owned()),
        Err(error) => Err(error.to_string()),
    }
}

fn parse_tags(stored: &[String]) -> Result<Tags, String> {
    let mut tags = Vec::with_capacity(stored.len());
    for text in stored {
        match Tag::parse(text) {
            Ok(Some(tag)) if tag.as_str() == text => tags.push(tag),
            Ok(_) => return Err(format!("'{text}' is not a normalized tag")),
            Err(error) => return Err(error.to_string()),
        }
    }
    Tags::from_tags(tags).map_err(|error| error.to_string())
}

fn timestamp(micros: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp_micros(micros)
}
