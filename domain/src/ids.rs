//! Identifiers: image ids (UUIDv7, time-ordered) and owner ids (the caller's identity).

use std::fmt;
use std::str::FromStr;

use thiserror::Error;
use uuid::Uuid;

/// An image's id: a UUID, generated as v7 so ids sort by creation time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ImageId(Uuid);

/// Why a string is not an image id.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("'{0}' is not a valid image id (a UUID)")]
pub struct InvalidImageId(String);

impl ImageId {
    /// A fresh, time-ordered id.
    pub fn generate() -> Self {
        Self(Uuid::now_v7())
    }

    /// Wraps an existing UUID (read back from storage or a cursor).
    pub fn from_uuid(uuid: Uuid) -> Self {
        Self(uuid)
    }

    /// The id as a UUID.
    pub fn as_uuid(&self) -> &Uuid {
        &self.0
    }

    /// The 16 bytes of the UUID, for compact encodings such as cursors.
    pub fn as_bytes(&self) -> &[u8; 16] {
        self.0.as_bytes()
    }

    /// Parses the hyphenated form (any letter case). Other UUID spellings (braces, urn:, simple)
    /// are refused so that every id has exactly one URL.
    ///
    /// # Errors
    /// [`InvalidImageId`] when the text is not a hyphenated UUID.
    pub fn parse(text: &str) -> Result<Self, InvalidImageId> {
        if text.len() != 36 {
            return Err(InvalidImageId(truncate_for_message(text)));
        }
        Uuid::try_parse(text)
            .map(Self)
            .map_err(|_| InvalidImageId(truncate_for_message(text)))
    }
}

impl fmt::Display for ImageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

impl FromStr for ImageId {
    type Err = InvalidImageId;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// The owner of an image, i.e. the identity of a caller: 1-128 characters of
/// `A-Z a-z 0-9 . _ @ : -`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OwnerId(String);

/// Why a string is not an owner id.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InvalidOwnerId {
    #[error("the user id is empty")]
    Empty,
    #[error("the user id is longer than {max} characters", max = OwnerId::MAX_LEN)]
    TooLong,
    #[error("the user id may only contain A-Z a-z 0-9 . _ @ : -")]
    BadCharacter,
}

impl OwnerId {
    /// Longest accepted id, in characters (all ASCII, so also bytes).
    pub const MAX_LEN: usize = 128;

    /// Parses an id exactly as given: no trimming, so that one user has one spelling.
    ///
    /// # Errors
    /// [`InvalidOwnerId`] naming the broken rule.
    pub fn parse(text: &str) -> Result<Self, InvalidOwnerId> {
        if text.is_empty() {
            return Err(InvalidOwnerId::Empty);
        }
        if text.len() > Self::MAX_LEN {
            return Err(InvalidOwnerId::TooLong);
        }
        let allowed =
            |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '@' | ':' | '-');
        if !text.chars().all(allowed) {
            return Err(InvalidOwnerId::BadCharacter);
        }
        Ok(Self(text.to_owned()))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OwnerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Keeps error messages short when a client sends a huge bogus id.
fn truncate_for_message(text: &str) -> String {
    const SHOWN: usize = 64;
    match text.char_indices().nth(SHOWN) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_are_v7_and_round_trip() {
        let id = ImageId::generate();
        assert_eq!(id.as_uuid().get_version_num(), 7);
        assert_eq!(ImageId::parse(&id.to_string()), Ok(id));
    }

    #[test]
    fn image_id_accepts_only_the_hyphenated_form() {
        let id = ImageId::generate();
        let upper = id.to_string().to_uppercase();
        assert_eq!(ImageId::parse(&upper), Ok(id));
        assert!(ImageId::parse(&id.as_uuid().simple().to_string()).is_err());
        assert!(ImageId::parse("not-a-uuid").is_err());
        assert!(ImageId::parse("").is_err());
        assert!(ImageId::parse(&format!("{{{id}}}")).is_err());
    }

    #[test]
    fn owner_id_rules() {
        assert!(OwnerId::parse("user-123").is_ok());
        assert!(OwnerId::parse("a.b_c@d:e-F9").is_ok());
        assert_eq!(OwnerId::parse(""), Err(InvalidOwnerId::Empty));
        assert_eq!(
            OwnerId::parse(&"a".repeat(129)),
            Err(InvalidOwnerId::TooLong)
        );
        assert!(OwnerId::parse(&"a".repeat(128)).is_ok());
        assert_eq!(OwnerId::parse("a b"), Err(InvalidOwnerId::BadCharacter));
        assert_eq!(OwnerId::parse("ü"), Err(InvalidOwnerId::BadCharacter));
        assert_eq!(OwnerId::parse("a/b"), Err(InvalidOwnerId::BadCharacter));
    }

    #[test]
    fn long_bogus_ids_are_shortened_in_messages() {
        let err = ImageId::parse(&"x".repeat(10_000)).unwrap_err();
        assert!(err.to_string().len() < 200);
    }
}
