//! The list route's query string → a [`ListRequest`], each bad value answered with the
//! contract's code (`invalid_field`, `invalid_tags`, `invalid_limit`).
//!
//! Typed values (owner, visibility, order, limit, dates, content type) must parse when given,
//! even empty; free-text ones (`title`, tags, `cursor`) may be empty and then filter nothing.

use chrono::{DateTime, Utc};
use lightbox_domain::ids::OwnerId;
use lightbox_domain::image_format::ImageFormat;
use lightbox_domain::listing::{ListFilter, PageLimit, SortOrder, TitlePrefix};
use lightbox_domain::tags::TagFilter;
use lightbox_domain::visibility::Visibility;
use lightbox_ports::use_cases::ListRequest;

use crate::extract::QueryPairs;
use crate::problem::{ApiError, ErrorCode};

/// Builds the listing `viewer` asked for. Unknown parameters are ignored.
///
/// # Errors
/// `400` with `invalid_field`, `invalid_tags` or `invalid_limit`.
pub fn list_request(viewer: &OwnerId, query: &QueryPairs) -> Result<ListRequest, ApiError> {
    let owner = match query.first("owner") {
        Some(text) => OwnerId::parse(text).map_err(|e| invalid_field(format!("owner: {e}")))?,
        None => viewer.clone(),
    };
    let tags = TagFilter::parse(query.all("tag").chain(query.all("tags")))?;
    let title_prefix = match query.first("title") {
        Some(text) => TitlePrefix::parse(text)?,
        None => None,
    };
    let content_type = query.first("content_type").map(content_type).transpose()?;
    let visibility = query
        .first("visibility")
        .map(Visibility::parse)
        .transpose()?;
    let created_after = query
        .first("created_after")
        .map(|text| timestamp("created_after", text))
        .transpose()?;
    let created_before = query
        .first("created_before")
        .map(|text| timestamp("created_before", text))
        .transpose()?;
    let order = query
        .first("order")
        .map(SortOrder::parse)
        .transpose()?
        .unwrap_or_default();
    let limit = query
        .first("limit")
        .map(PageLimit::parse)
        .transpose()?
        .unwrap_or_default();
    let cursor = query
        .first("cursor")
        .filter(|text| !text.is_empty())
        .map(str::to_owned);
    Ok(ListRequest {
        viewer: viewer.clone(),
        filter: ListFilter {
            owner,
            tags,
            title_prefix,
            content_type,
            visibility,
            created_after,
            created_before,
        },
        order,
        limit,
        cursor,
    })
}

/// One of the four accepted types. Anything else is refused rather than matching nothing, so that
/// a typo (`image/jpg`) is reported instead of silently listing no images.
fn content_type(text: &str) -> Result<ImageFormat, ApiError> {
    ImageFormat::from_mime_type(&text.trim().to_ascii_lowercase()).ok_or_else(|| {
        invalid_field(format!(
            "content_type '{text}' is not an accepted type; use image/jpeg, image/png, image/gif or image/webp"
        ))
    })
}

/// An RFC 3339 timestamp. A `+` in an offset arrives as a space when the client did not encode
/// it, so a value that fails to parse with a space is retried with `+`.
fn timestamp(name: &str, text: &str) -> Result<DateTime<Utc>, ApiError> {
    DateTime::parse_from_rfc3339(text.trim())
        .or_else(|error| {
            if text.trim().contains(' ') {
                DateTime::parse_from_rfc3339(&text.trim().replace(' ', "+"))
            } else {
                Err(error)
            }
        })
        .map(|time| time.with_timezone(&Utc))
        .map_err(|_| {
            invalid_field(format!(
                "{name} must be an RFC 3339 timestamp such as 2026-11-25T16:00:00Z"
            ))
        })
}

fn invalid_field(detail: String) -> ApiError {
    ApiError::new(ErrorCode::InvalidField, detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alice() -> OwnerId {
        OwnerId::parse("alice").unwrap()
    }

    fn parse(query: &str) -> Result<ListRequest, ApiError> {
        list_request(&alice(), &QueryPairs::parse(query))
    }

    fn code(query: &str) -> &'static str {
        parse(query).unwrap_err().code().as_str()
    }

    #[test]
    fn defaults_list_the_callers_newest_ten() {
        let request = parse("").unwrap();
        assert_eq!(request.filter, ListFilter::for_owner(alice()));
        assert_eq!(request.order, SortOrder::Newest);
        assert_eq!(request.limit.get(), 10);
        assert_eq!(request.cursor, None);
    }

    #[test]
    fn every_parameter_is_read() {
        let request = parse(
            "owner=bob&tag=Beach&tag=sun&tags=a,b&title=Sun&content_type=image/png&visibility=public\
             &created_after=2026-01-01T00:00:00Z&created_before=2026-02-01T00:00:00%2B01:00\
             &order=oldest&limit=100&cursor=abc&unknown=1",
        )
        .unwrap();
        let filter = &request.filter;
        assert_eq!(filter.owner.as_str(), "bob");
        let tags: Vec<&str> = filter.tags.iter().map(|t| t.as_str()).collect();
        assert_eq!(tags, ["a", "b", "beach", "sun"]);
        assert_eq!(
            filter.title_prefix.as_ref().map(TitlePrefix::key),
            Some("sun")
        );
        assert_eq!(filter.content_type, Some(ImageFormat::Png));
        assert_eq!(filter.visibility, Some(Visibility::Public));
        assert_eq!(
            filter.created_after.unwrap().to_rfc3339(),
            "2026-01-01T00:00:00+00:00"
        );
        assert_eq!(
            filter.created_before.unwrap().to_rfc3339(),
            "2026-01-31T23:00:00+00:00"
        );
        assert_eq!(request.order, SortOrder::Oldest);
        assert_eq!(request.limit.get(), 100);
        assert_eq!(request.cursor.as_deref(), Some("abc"));
    }

    #[test]
    fn an_unencoded_plus_in_an_offset_is_understood() {
        let request = parse("created_after=2026-01-01T01:00:00+01:00").unwrap();
        assert_eq!(
            request.filter.created_after.unwrap().to_rfc3339(),
            "2026-01-01T00:00:00+00:00"
        );
    }

    #[test]
    fn bad_values_get_the_contracts_codes() {
        for (query, expected) in [
            ("owner=a%20b", "invalid_field"),
            ("owner=", "invalid_field"),
            ("tag=two%20words", "invalid_tags"),
            ("tags=a,%23b", "invalid_tags"),
            ("title=a%00b", "invalid_field"),
            ("content_type=image/jpg", "invalid_field"),
            ("content_type=image/svg%2Bxml", "invalid_field"),
            ("visibility=Public", "invalid_field"),
            ("visibility=", "invalid_field"),
            ("order=new", "invalid_field"),
            ("created_after=yesterday", "invalid_field"),
            ("created_before=2026-01-01", "invalid_field"),
            ("limit=0", "invalid_limit"),
            ("limit=101", "invalid_limit"),
            ("limit=ten", "invalid_limit"),
            ("limit=", "invalid_limit"),
        ] {
            assert_eq!(code(query), expected, "{query}");
        }
    }

    #[test]
    fn empty_free_text_values_filter_nothing() {
        let request = parse("title=&tag=&cursor=").unwrap();
        assert_eq!(request.filter, ListFilter::for_owner(alice()));
        assert_eq!(request.cursor, None);
    }

    #[test]
    fn repeated_scalars_take_the_first_value() {
        assert_eq!(parse("limit=5&limit=500").unwrap().limit.get(), 5);
    }
}
