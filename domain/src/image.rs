//! The image entity: its stored facts, its metadata, and the rules for changing that metadata.

use chrono::{DateTime, SubsecRound, Utc};
use thiserror::Error;

use crate::blurhash::Blurhash;
use crate::filename::OriginalFilename;
use crate::ids::{ImageId, OwnerId};
use crate::image_format::ImageFormat;
use crate::tags::Tags;
use crate::text::{Description, Title};
use crate::visibility::Visibility;

/// The metadata version: 1 at upload, +1 on every change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Version(u64);

impl Version {
    /// The version of a new upload.
    pub const FIRST: Version = Version(1);

    /// Wraps a stored or client-sent version.
    pub fn new(value: u64) -> Self {
        Self(value)
    }

    /// The number.
    pub fn get(self) -> u64 {
        self.0
    }

    /// The version after one change.
    pub fn next(self) -> Self {
        Self(self.0.saturating_add(1))
    }
}

/// A SHA-256 digest, shown as lower-case hex.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Sha256Digest([u8; 32]);

/// Why text is not a SHA-256 hex digest.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("not a SHA-256 hex digest")]
pub struct InvalidDigest;

impl Sha256Digest {
    /// Wraps raw digest bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// Parses 64 hex characters.
    ///
    /// # Errors
    /// [`InvalidDigest`] otherwise.
    pub fn parse_hex(text: &str) -> Result<Self, InvalidDigest> {
        let mut bytes = [0; 32];
        hex::decode_to_slice(text, &mut bytes).map_err(|_| InvalidDigest)?;
        Ok(Self(bytes))
    }

    /// The lower-case hex form.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

/// Facts about the stored bytes, fixed at upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredContent {
    /// Type sniffed from the bytes.
    pub format: ImageFormat,
    /// Size of the stored bytes.
    pub size_bytes: u64,
    /// Width as displayed (after orientation).
    pub width: u32,
    /// Height as displayed (after orientation).
    pub height: u32,
    /// Digest of the stored bytes.
    pub sha256: Sha256Digest,
}

/// The metadata a user may change.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EditableMetadata {
    /// Optional title.
    pub title: Option<Title>,
    /// Optional description.
    pub description: Option<Description>,
    /// Normalized tags.
    pub tags: Tags,
    /// Who may see it.
    pub visibility: Visibility,
}

/// One stored image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRecord {
    /// Its id.
    pub id: ImageId,
    /// Who uploaded it.
    pub owner: OwnerId,
    /// Editable metadata.
    pub metadata: EditableMetadata,
    /// Facts about the bytes.
    pub content: StoredContent,
    /// The client's file name, sanitized; informational only.
    pub original_filename: Option<OriginalFilename>,
    /// Upload time (microsecond precision, so it survives every store unchanged).
    pub created_at: DateTime<Utc>,
    /// Time of the last metadata change.
    pub updated_at: DateTime<Utc>,
    /// Metadata version.
    pub version: Version,
    /// A compact placeholder for feeds, when computed.
    pub blurhash: Option<Blurhash>,
}

/// The precision every stored timestamp has.
pub fn storage_timestamp(time: DateTime<Utc>) -> DateTime<Utc> {
    time.trunc_subsecs(6)
}

impl ImageRecord {
    /// A new image at version 1, created `now`.
    pub fn new(
        id: ImageId,
        owner: OwnerId,
        metadata: EditableMetadata,
        content: StoredContent,
        original_filename: Option<OriginalFilename>,
        now: DateTime<Utc>,
    ) -> Self {
        let now = storage_timestamp(now);
        Self {
            id,
            owner,
            metadata,
            content,
            original_filename,
            created_at: now,
            updated_at: now,
            version: Version::FIRST,
            blurhash: None,
        }
    }

    /// Whether `viewer` may see this image: its owner always, anyone when it is public.
    pub fn is_visible_to(&self, viewer: &OwnerId) -> bool {
        &self.owner == viewer || self.metadata.visibility == Visibility::Public
    }

    /// Applies a change. Returns the updated record, or `None` when the patch changes nothing
    /// (the version then stays as it is).
    pub fn apply(&self, patch: &MetadataPatch, now: DateTime<Utc>) -> Option<Self> {
        let mut metadata = self.metadata.clone();
        if let Some(title) = &patch.title {
            metadata.title = title.clone();
        }
        if let Some(description) = &patch.description {
            metadata.description = description.clone();
        }
        if let Some(tags) = &patch.tags {
            metadata.tags = tags.clone();
        }
        if let Some(visibility) = patch.visibility {
            metadata.visibility = visibility;
        }
        if metadata == self.metadata {
            return None;
        }
        Some(Self {
            metadata,
            updated_at: storage_timestamp(now).max(self.updated_at),
            version: self.version.next(),
            ..self.clone()
        })
    }
}

/// A metadata change: `None` leaves a field as it is; `Some(None)` clears an optional one.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MetadataPatch {
    /// New title, or cleared.
    pub title: Option<Option<Title>>,
    /// New description, or cleared.
    pub description: Option<Option<Description>>,
    /// New tags.
    pub tags: Option<Tags>,
    /// New visibility.
    pub visibility: Option<Visibility>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> ImageRecord {
        ImageRecord::new(
            ImageId::generate(),
            OwnerId::parse("alice").unwrap(),
            EditableMetadata {
                title: Title::parse("Sunset").unwrap(),
                ..EditableMetadata::default()
            },
            StoredContent {
                format: ImageFormat::Png,
                size_bytes: 10,
                width: 1,
                height: 1,
                sha256: Sha256Digest::from_bytes([0; 32]),
            },
            None,
            Utc::now(),
        )
    }

    #[test]
    fn timestamps_are_kept_to_microseconds() {
        let r = record();
        assert_eq!(r.created_at.timestamp_subsec_nanos() % 1000, 0);
        assert_eq!(r.version, Version::FIRST);
    }

    #[test]
    fn a_change_bumps_the_version_and_a_no_op_does_not() {
        let r = record();
        let same = MetadataPatch {
            title: Some(Title::parse("Sunset").unwrap()),
            ..MetadataPatch::default()
        };
        assert_eq!(r.apply(&same, Utc::now()), None);
        assert_eq!(r.apply(&MetadataPatch::default(), Utc::now()), None);

        let clear = MetadataPatch {
            title: Some(None),
            ..MetadataPatch::default()
        };
        let changed = r.apply(&clear, Utc::now()).unwrap();
        assert_eq!(changed.metadata.title, None);
        assert_eq!(changed.version, Version::new(2));
        assert!(changed.updated_at >= r.updated_at);
        assert_eq!(changed.created_at, r.created_at);
    }

    #[test]
    fn visibility_rules() {
        let mut r = record();
        let bob = OwnerId::parse("bob").unwrap();
        assert!(r.is_visible_to(&r.owner.clone()));
        assert!(!r.is_visible_to(&bob));
        r.metadata.visibility = Visibility::Public;
        assert!(r.is_visible_to(&bob));
    }

    #[test]
    fn digests_round_trip_through_hex() {
        let d = Sha256Digest::from_bytes([0xab; 32]);
        assert_eq!(Sha256Digest::parse_hex(&d.to_hex()), Ok(d));
        assert!(Sha256Digest::parse_hex("xyz").is_err());
    }
}
