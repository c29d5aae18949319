//! Who may see an image besides its owner.

use std::fmt;
use std::str::FromStr;

use thiserror::Error;

/// `private` (only the owner) or `public` (anyone with identity may view it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Visibility {
    #[default]
    Private,
    Public,
}

/// Why a string is not a visibility.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("visibility must be 'private' or 'public'")]
pub struct InvalidVisibility;

impl Visibility {
    /// The wire and storage spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Private => "private",
            Self::Public => "public",
        }
    }

    /// Parses the exact lower-case spelling.
    ///
    /// # Errors
    /// [`InvalidVisibility`] for anything else.
    pub fn parse(text: &str) -> Result<Self, InvalidVisibility> {
        match text {
            "private" => Ok(Self::Private),
            "public" => Ok(Self::Public),
            _ => Err(InvalidVisibility),
        }
    }
}

impl FromStr for Visibility {
    type Err = InvalidVisibility;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for Visibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_other_spellings() {
        for v in [Visibility::Private, Visibility::Public] {
            assert_eq!(Visibility::parse(v.as_str()), Ok(v));
        }
        assert_eq!(Visibility::default(), Visibility::Private);
        assert!(Visibility::parse("Public").is_err());
        assert!(Visibility::parse("").is_err());
    }
}
