//! Conditional request headers (RFC 9110 §13): `If-None-Match`, `If-Match`, `If-Range`,
//! `If-Modified-Since`, parsed leniently where a mistake only costs a full answer and strictly
//! where it guards a write (a malformed `If-Match` never matches, so it cannot bypass the guard).

use std::time::SystemTime;

use actix_web::http::header::{self, HeaderMap, HeaderName, HttpDate};
use lightbox_domain::image::Version;

/// One entity tag: `"opaque"` or `W/"opaque"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityTag {
    /// Whether it is a weak tag.
    pub weak: bool,
    /// The text between the quotes.
    pub opaque: String,
}

/// A list-valued conditional header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagList {
    /// `*`: any current representation.
    Any,
    /// The well-formed tags of the header; malformed items are left out, so they match nothing.
    Tags(Vec<EntityTag>),
}

/// Parses every line of a list-valued conditional header; `None` when the header is absent.
pub fn tag_list(headers: &HeaderMap, name: &HeaderName) -> Option<TagList> {
    let mut lines = headers.get_all(name).peekable();
    lines.peek()?;
    let mut tags = Vec::new();
    for line in lines {
        // A non-ASCII line is malformed: it contributes no tag, so it matches nothing.
        let Ok(text) = line.to_str() else { continue };
        if text.trim() == "*" {
            return Some(TagList::Any);
        }
        tags.extend(parse_tags(text));
    }
    Some(TagList::Tags(tags))
}

/// Parses `"a", W/"b", "c"`. Commas may appear inside quotes, so this scans rather than splits;
/// scanning stops at the first malformed item.
pub fn parse_tags(text: &str) -> Vec<EntityTag> {
    let mut tags = Vec::new();
    let mut rest = text;
    loop {
        rest = rest.trim_start_matches([' ', '\t', ',']);
        if rest.is_empty() {
            return tags;
        }
        let weak = rest.starts_with("W/");
        if weak {
            rest = &rest[2..];
        }
        let Some(quoted) = rest.strip_prefix('"') else {
            return tags;
        };
        let Some(end) = quoted.find('"') else {
            return tags;
        };
        tags.push(EntityTag {
            weak,
            opaque: quoted[..end].to_owned(),
        });
        rest = &quoted[end + 1..];
    }
}

/// `If-None-Match` against the current strong tag `opaque`: weak comparison, so `W/"x"` matches
/// `"x"`. `false` when the header is absent.
pub fn if_none_match_matches(headers: &HeaderMap, opaque: &str) -> bool {
    match tag_list(headers, &header::IF_NONE_MATCH) {
        None => false,
        Some(TagList::Any) => true,
        Some(TagList::Tags(tags)) => tags.iter().any(|tag| tag.opaque == opaque),
    }
}

/// `If-Modified-Since`, which only counts when `If-None-Match` is absent: true when the
/// representation has not changed since the given date (one-second resolution).
pub fn not_modified_since(headers: &HeaderMap, last_modified: SystemTime) -> bool {
    if headers.contains_key(header::IF_NONE_MATCH) {
        return false;
    }
    let Some(since) = headers
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|value| value.to_str().ok())
        .and_then(|text| text.parse::<HttpDate>().ok())
    else {
        return false;
    };
    // HTTP dates have whole seconds; comparing at that resolution keeps an exact echo of our
    // own Last-Modified a match.
    let since = SystemTime::from(since);
    let whole = |t: SystemTime| {
        t.duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    };
    whole(last_modified) <= whole(since)
}

/// `If-Range`: whether a `Range` may be honoured. Absent → yes; an entity tag → only if it is
/// strong and equal to the current one; a date → only if it equals `Last-Modified` exactly.
pub fn if_range_allows(headers: &HeaderMap, opaque: &str, last_modified: &str) -> bool {
    let Some(value) = headers.get(header::IF_RANGE) else {
        return true;
    };
    let Ok(text) = value.to_str() else {
        return false;
    };
    let text = text.trim();
    if text.starts_with('"') || text.starts_with("W/") {
        return matches!(parse_tags(text).as_slice(), [tag] if !tag.weak && tag.opaque == opaque);
    }
    text == last_modified
}

/// `If-Match` for a metadata update, as the versions the client accepts: `None` when absent or
/// `*` (no guard). Strong comparison: weak tags, and tags that are not a version number, never
/// match, so a malformed header yields an empty list and the update answers 412.
pub fn if_match_versions(headers: &HeaderMap) -> Option<Vec<Version>> {
    match tag_list(headers, &header::IF_MATCH)? {
        TagList::Any => None,
        TagList::Tags(tags) => Some(
            tags.iter()
                .filter(|tag| !tag.weak)
                .filter(|tag| {
                    !tag.opaque.is_empty() && tag.opaque.bytes().all(|b| b.is_ascii_digit())
                })
                .filter_map(|tag| tag.opaque.parse::<u64>().ok())
                .map(Version::new)
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use actix_web::http::header::HeaderValue;

    use super::*;

    fn headers(name: HeaderName, values: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for value in values {
            map.append(name.clone(), HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn tag_lists_parse_weak_tags_quotes_and_commas() {
        let tags = parse_tags(r#""a", W/"b",  "c,d" ,"e""#);
        let seen: Vec<(bool, &str)> = tags.iter().map(|t| (t.weak, t.opaque.as_str())).collect();
        assert_eq!(
            seen,
            [(false, "a"), (true, "b"), (false, "c,d"), (false, "e")]
        );
        assert_eq!(parse_tags("garbage, \"a\""), []);
        assert_eq!(parse_tags(r#""a", garbage"#).len(), 1);
        assert_eq!(parse_tags(r#""unterminated"#), []);
    }

    #[test]
    fn if_none_match_uses_weak_comparison_lists_and_star() {
        let etag = "abc123";
        for matching in [
            r#""abc123""#,
            r#"W/"abc123""#,
            r#""x", "abc123""#,
            "*",
            r#" "abc123" "#,
        ] {
            assert!(
                if_none_match_matches(&headers(header::IF_NONE_MATCH, &[matching]), etag),
                "{matching}"
            );
        }
        for other in [r#""abc""#, "abc123", r#""x", W/"y""#, ""] {
            assert!(
                !if_none_match_matches(&headers(header::IF_NONE_MATCH, &[other]), etag),
                "{other}"
            );
        }
        let two_lines = headers(header::IF_NONE_MATCH, &[r#""x""#, r#""abc123""#]);
        assert!(if_none_match_matches(&two_lines, etag));
        assert!(!if_none_match_matches(&HeaderMap::new(), etag));
    }

    #[test]
    fn if_match_is_strong_and_malformed_values_never_match() {
        let versions = |value: &str| {
            if_match_versions(&headers(header::IF_MATCH, &[value]))
                .map(|v| v.into_iter().map(Version::get).collect::<Vec<_>>())
        };
        assert_eq!(if_match_versions(&HeaderMap::new()), None);
        assert_eq!(versions("*"), None);
        assert_eq!(versions(r#""3""#), Some(vec![3]));
        assert_eq!(versions(r#""1", "2""#), Some(vec![1, 2]));
        assert_eq!(versions(r#"W/"3""#), Some(vec![]));
        assert_eq!(versions("3"), Some(vec![]));
        assert_eq!(versions(r#""abc""#), Some(vec![]));
        assert_eq!(versions(r#""-1""#), Some(vec![]));
        assert_eq!(versions(r#""""#), Some(vec![]));
    }

    #[test]
    fn if_range_needs_an_exact_strong_tag_or_date() {
        let lm = "Wed, 25 Nov 2026 16:00:00 GMT";
        assert!(if_range_allows(&HeaderMap::new(), "a", lm));
        assert!(if_range_allows(
            &headers(header::IF_RANGE, &[r#""a""#]),
            "a",
            lm
        ));
        assert!(!if_range_allows(
            &headers(header::IF_RANGE, &[r#"W/"a""#]),
            "a",
            lm
        ));
        assert!(!if_range_allows(
            &headers(header::IF_RANGE, &[r#""b""#]),
            "a",
            lm
        ));
        assert!(if_range_allows(&headers(header::IF_RANGE, &[lm]), "a", lm));
        assert!(!if_range_allows(
            &headers(header::IF_RANGE, &["Thu, 26 Nov 2026 16:00:00 GMT"]),
            "a",
            lm
        ));
    }

    #[test]
    fn if_modified_since_counts_only_without_if_none_match() {
        let modified = SystemTime::UNIX_EPOCH + std::time::Duration::from_millis(1_000_500);
        let since = headers(
            header::IF_MODIFIED_SINCE,
            &["Thu, 01 Jan 1970 00:16:40 GMT"],
        );
        assert!(not_modified_since(&since, modified));
        let earlier = headers(
            header::IF_MODIFIED_SINCE,
            &["Thu, 01 Jan 1970 00:16:39 GMT"],
        );
        assert!(!not_modified_since(&earlier, modified));
        let mut both = since.clone();
        both.insert(header::IF_NONE_MATCH, HeaderValue::from_static(r#""x""#));
        assert!(!not_modified_since(&both, modified));
    }
}
