//! Free-text fields: the title and the description of an image.
//!
//! Both are trimmed, measured in Unicode code points, and refuse control characters (Unicode Cc),
//! except that a description may hold line breaks and tabs. An empty value means "none".

use std::fmt;

use thiserror::Error;

/// Why a text field was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TextFieldError {
    #[error("{field} is {length} characters long; the limit is {max}")]
    TooLong {
        field: &'static str,
        length: usize,
        max: usize,
    },
    #[error("{field} contains a control character (U+{code:04X})")]
    ControlCharacter { field: &'static str, code: u32 },
}

impl TextFieldError {
    /// The name of the field that was refused.
    pub fn field(&self) -> &'static str {
        match self {
            Self::TooLong { field, .. } | Self::ControlCharacter { field, .. } => field,
        }
    }
}

/// An image title: at most 200 code points, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Title(String);

/// An image description: at most 2000 code points; `\n` and `\t` are its only control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Description(String);

impl Title {
    /// Longest accepted title, in code points.
    pub const MAX_CHARS: usize = 200;

    /// Parses a raw title. `Ok(None)` when it is empty after trimming.
    ///
    /// # Errors
    /// [`TextFieldError`] when it is too long or holds a control character.
    pub fn parse(raw: &str) -> Result<Option<Self>, TextFieldError> {
        parse_text(raw, "title", Self::MAX_CHARS, &[]).map(|text| text.map(Self))
    }

    /// The title as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key that case-insensitive prefix search runs on: the lower-cased title.
    pub fn search_key(&self) -> String {
        title_search_key(&self.0)
    }
}

impl Description {
    /// Longest accepted description, in code points.
    pub const MAX_CHARS: usize = 2000;

    /// Parses a raw description. `Ok(None)` when it is empty after trimming.
    ///
    /// # Errors
    /// [`TextFieldError`] when it is too long or holds a control character other than `\n`/`\t`.
    pub fn parse(raw: &str) -> Result<Option<Self>, TextFieldError> {
        parse_text(raw, "description", Self::MAX_CHARS, &['\n', '\t']).map(|text| text.map(Self))
    }

    /// The description as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Title {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for Description {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Lower-cases text the way titles and title prefixes are compared: full Unicode lower-casing,
/// so that `Äpfel` and `äPFEL` share a key.
pub fn title_search_key(text: &str) -> String {
    text.to_lowercase()
}

fn parse_text(
    raw: &str,
    field: &'static str,
    max: usize,
    allowed_controls: &[char],
) -> Result<Option<String>, TextFieldError> {
    let trimmed = raw.trim();
    if let Some(bad) = trimmed
        .chars()
        .find(|c| c.is_control() && !allowed_controls.contains(c))
    {
        return Err(TextFieldError::ControlCharacter {
            field,
            code: u32::from(bad),
        });
    }
    let length = trimmed.chars().count();
    if length > max {
        return Err(TextFieldError::TooLong { field, length, max });
    }
    Ok((!trimmed.is_empty()).then(|| trimmed.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn titles_are_trimmed_and_empty_is_none() {
        assert_eq!(
            Title::parse("  Sunset \n").unwrap().unwrap().as_str(),
            "Sunset"
        );
        assert_eq!(Title::parse("   ").unwrap(), None);
        assert_eq!(Title::parse("").unwrap(), None);
    }

    #[test]
    fn lengths_count_code_points_after_trimming() {
        let exactly = "é".repeat(200);
        assert!(Title::parse(&format!("  {exactly}  ")).unwrap().is_some());
        let over = "é".repeat(201);
        assert_eq!(
            Title::parse(&over),
            Err(TextFieldError::TooLong {
                field: "title",
                length: 201,
                max: 200
            })
        );
        assert!(Description::parse(&"x".repeat(2000)).is_ok());
        assert!(Description::parse(&"x".repeat(2001)).is_err());
    }

    #[test]
    fn control_characters_are_refused_except_newline_and_tab_in_descriptions() {
        assert!(Title::parse("a\nb").is_err());
        assert!(Title::parse("a\tb").is_err());
        assert!(Title::parse("a\u{0}b").is_err());
        assert!(Title::parse("a\u{7f}b").is_err());
        assert!(Title::parse("a\u{85}b").is_err());
        assert!(
            Description::parse("line one\n\tline two")
                .unwrap()
                .is_some()
        );
        assert_eq!(
            Description::parse("a\rb"),
            Err(TextFieldError::ControlCharacter {
                field: "description",
                code: 0x0d
            })
        );
    }

    #[test]
    fn search_key_lowercases_unicode() {
        let title = Title::parse("Äpfel IM Garten").unwrap().unwrap();
        assert_eq!(title.search_key(), "äpfel im garten");
    }

    proptest! {
        #[test]
        fn parsing_a_parsed_title_is_identity(raw in "\\PC{0,250}") {
            if let Ok(Some(title)) = Title::parse(&raw) {
                prop_assert_eq!(Title::parse(title.as_str()), Ok(Some(title.clone())));
            }
        }
    }
}
