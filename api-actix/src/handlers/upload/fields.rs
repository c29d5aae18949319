//! The text parts of an upload (`title`, `description`, `tags`, `visibility`), collected as they
//! come and validated together once the whole body has been read.

use lightbox_domain::filename::OriginalFilename;
use lightbox_domain::idempotency::IdempotencyKey;
use lightbox_domain::ids::OwnerId;
use lightbox_domain::image::EditableMetadata;
use lightbox_domain::tags::Tags;
use lightbox_domain::text::{Description, Title};
use lightbox_domain::visibility::Visibility;
use lightbox_ports::use_cases::UploadRequest;

use crate::problem::ApiError;

/// The text parts received so far. A repeated `title`, `description` or `visibility` keeps its
/// first value; every `tags` part counts.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TextFields {
    title: Option<String>,
    description: Option<String>,
    tags: Vec<String>,
    visibility: Option<String>,
}

impl TextFields {
    /// Whether a part of this name is one of the text fields (others are ignored).
    pub fn wants(name: &str) -> bool {
        matches!(name, "title" | "description" | "tags" | "visibility")
    }

    /// Records a text part.
    pub fn accept(&mut self, name: &str, value: String) {
        match name {
            "title" => {
                self.title.get_or_insert(value);
            }
            "description" => {
                self.description.get_or_insert(value);
            }
            "tags" => self.tags.push(value),
            "visibility" => {
                self.visibility.get_or_insert(value);
            }
            _ => {}
        }
    }

    /// Validates everything into the use case's request.
    ///
    /// # Errors
    /// `invalid_field` for a bad title, description or visibility; `invalid_tags`.
    pub fn into_request(
        self,
        owner: OwnerId,
        original_filename: Option<OriginalFilename>,
        idempotency_key: Option<IdempotencyKey>,
    ) -> Result<UploadRequest, ApiError> {
        let title = self
            .title
            .as_deref()
            .map(Title::parse)
            .transpose()?
            .flatten();
        let description = self
            .description
            .as_deref()
            .map(Description::parse)
            .transpose()?
            .flatten();
        let tags = Tags::parse(self.tags.iter().map(String::as_str))?;
        let visibility = self
            .visibility
            .as_deref()
            .map(Visibility::parse)
            .transpose()?
            .unwrap_or_default();
        Ok(UploadRequest {
            owner,
            metadata: EditableMetadata {
                title,
                description,
                tags,
                visibility,
            },
            original_filename,
            idempotency_key,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(fields: &[(&str, &str)]) -> Result<UploadRequest, ApiError> {
        let mut collected = TextFields::default();
        for (name, value) in fields {
            collected.accept(name, (*value).to_owned());
        }
        collected.into_request(OwnerId::parse("alice").unwrap(), None, None)
    }

    #[test]
    fn fields_are_validated_together_with_defaults() {
        let plain = request(&[]).unwrap();
        assert_eq!(plain.metadata, EditableMetadata::default());
        let full = request(&[
            ("title", " Sunset "),
            ("title", "ignored"),
            ("description", "line\nbreak"),
            ("tags", "Beach, sun"),
            ("tags", "beach"),
            ("visibility", "public"),
        ])
        .unwrap();
        assert_eq!(full.metadata.title.unwrap().as_str(), "Sunset");
        assert_eq!(full.metadata.description.unwrap().as_str(), "line\nbreak");
        let tags: Vec<&str> = full.metadata.tags.iter().map(|t| t.as_str()).collect();
        assert_eq!(tags, ["beach", "sun"]);
        assert_eq!(full.metadata.visibility, Visibility::Public);
    }

    #[test]
    fn bad_fields_get_their_codes() {
        let code = |fields: &[(&str, &str)]| request(fields).unwrap_err().code().as_str();
        assert_eq!(code(&[("title", "a\u{7}b")]), "invalid_field");
        assert_eq!(code(&[("description", &"x".repeat(2001))]), "invalid_field");
        assert_eq!(code(&[("visibility", "hidden")]), "invalid_field");
        assert_eq!(code(&[("visibility", "")]), "invalid_field");
        assert_eq!(code(&[("tags", "no spaces")]), "invalid_tags");
    }
}
