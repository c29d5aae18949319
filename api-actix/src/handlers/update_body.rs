//! The JSON body of `PUT|PATCH /api/v1/images/{id}` and its conversion to a [`MetadataPatch`].
//!
//! Shape errors (bad JSON, unknown fields, wrong JSON types) are `invalid_body`; well-typed but
//! invalid values are `invalid_field` / `invalid_tags`. An absent field stays as it is; `null`
//! clears `title` or `description`.

use lightbox_domain::image::MetadataPatch;
use lightbox_domain::tags::{Tag, Tags};
use lightbox_domain::text::{Description, Title};
use lightbox_domain::visibility::Visibility;
use serde::{Deserialize, Deserializer};
use utoipa::ToSchema;

use crate::http::image_json::VisibilityName;
use crate::problem::{ApiError, ErrorCode};

/// A metadata change; every member is optional.
#[derive(Debug, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MetadataUpdate {
    /// New title (trimmed, ≤ 200 chars), or null to clear it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, nullable)]
    pub title: Option<Option<String>>,
    /// New description (trimmed, ≤ 2000 chars), or null to clear it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, nullable)]
    pub description: Option<Option<String>>,
    /// The new tags, replacing all of them (`[]` removes every tag).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Vec<String>>)]
    pub tags: Option<Option<Vec<String>>>,
    /// `private` or `public`.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<VisibilityName>)]
    pub visibility: Option<Option<String>>,
}

/// Tells a member given as `null` (`Some(None)`) from an absent one (`None`, via `default`).
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

impl MetadataUpdate {
    /// Parses the body text.
    ///
    /// # Errors
    /// `400 invalid_body` for anything that is not a JSON object of the right shape.
    pub fn from_json(body: &[u8]) -> Result<Self, ApiError> {
        let invalid = |error: serde_json::Error| {
            ApiError::new(
                ErrorCode::InvalidBody,
                format!("the body is not a valid update: {error}"),
            )
        };
        // serde would also accept a struct written as an array (`[]`); only an object is an update.
        let value: serde_json::Value = serde_json::from_slice(body).map_err(invalid)?;
        if !value.is_object() {
            return Err(ApiError::new(
                ErrorCode::InvalidBody,
                "the body must be a JSON object",
            ));
        }
        serde_json::from_value(value).map_err(invalid)
    }

    /// Validates the values into a patch.
    ///
    /// # Errors
    /// `invalid_field` / `invalid_tags` for bad values; `invalid_body` for `null` where a value
    /// cannot be cleared.
    pub fn into_patch(self) -> Result<MetadataPatch, ApiError> {
        let title = self
            .title
            .map(|title| title.map_or(Ok(None), |text| Title::parse(&text)))
            .transpose()?;
        let description = self
            .description
            .map(|description| description.map_or(Ok(None), |text| Description::parse(&text)))
            .transpose()?;
        let tags = match self.tags {
            None => None,
            Some(None) => return Err(not_nullable("tags", "use [] to remove every tag")),
            Some(Some(items)) => Some(parse_tags(&items)?),
        };
        let visibility = match self.visibility {
            None => None,
            Some(None) => return Err(not_nullable("visibility", "use \"private\" or \"public\"")),
            Some(Some(text)) => Some(Visibility::parse(&text)?),
        };
        Ok(MetadataPatch {
            title,
            description,
            tags,
            visibility,
        })
    }
}

/// Each array item is one tag (a comma inside an item is refused like any other bad character);
/// empty items are ignored and duplicates merge, as on upload.
fn parse_tags(items: &[String]) -> Result<Tags, ApiError> {
    let mut tags = Vec::with_capacity(items.len());
    for item in items {
        if let Some(tag) = Tag::parse(item)? {
            tags.push(tag);
        }
    }
    Ok(Tags::from_tags(tags)?)
}

fn not_nullable(field: &str, hint: &str) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidBody,
        format!("{field} cannot be null; {hint}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patch(json: &str) -> Result<MetadataPatch, ApiError> {
        MetadataUpdate::from_json(json.as_bytes())?.into_patch()
    }

    fn code(json: &str) -> &'static str {
        patch(json).unwrap_err().code().as_str()
    }

    #[test]
    fn absent_and_null_are_told_apart() {
        assert_eq!(patch("{}").unwrap(), MetadataPatch::default());
        let cleared = patch(r#"{"title": null, "description": null}"#).unwrap();
        assert_eq!(cleared.title, Some(None));
        assert_eq!(cleared.description, Some(None));
        assert_eq!(cleared.tags, None);
    }

    #[test]
    fn values_are_trimmed_and_normalized() {
        let set = patch(r#"{"title": " Sunset ", "description": "", "tags": ["Beach", "beach", ""], "visibility": "public"}"#)
            .unwrap();
        assert_eq!(set.title.unwrap().unwrap().as_str(), "Sunset");
        assert_eq!(set.description, Some(None));
        let tags: Vec<String> = set
            .tags
            .unwrap()
            .iter()
            .map(|t| t.as_str().to_owned())
            .collect();
        assert_eq!(tags, ["beach"]);
        assert_eq!(set.visibility, Some(Visibility::Public));
    }

    #[test]
    fn shape_errors_are_invalid_body() {
        for json in [
            "",
            "not json",
            "[]",
            "null",
            "\"x\"",
            r#"{"title": 5}"#,
            r#"{"tags": "a,b"}"#,
            r#"{"tags": [1]}"#,
            r#"{"visibility": true}"#,
            r#"{"colour": "red"}"#,
            r#"{"tags": null}"#,
            r#"{"visibility": null}"#,
            r#"{"title": "a""#,
        ] {
            assert_eq!(code(json), "invalid_body", "{json}");
        }
    }

    #[test]
    fn bad_values_are_invalid_field_or_invalid_tags() {
        assert_eq!(
            code(&format!(r#"{{"title": "{}"}}"#, "x".repeat(201))),
            "invalid_field"
        );
        assert_eq!(code(r#"{"title": "a\u0001b"}"#), "invalid_field");
        assert_eq!(code(r#"{"visibility": "secret"}"#), "invalid_field");
        assert_eq!(code(r#"{"tags": ["two words"]}"#), "invalid_tags");
        assert_eq!(code(r#"{"tags": ["a,b"]}"#), "invalid_tags");
        let many: Vec<String> = (0..21).map(|i| format!("\"t{i}\"")).collect();
        assert_eq!(
            code(&format!(r#"{{"tags": [{}]}}"#, many.join(","))),
            "invalid_tags"
        );
    }
}
