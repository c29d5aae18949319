//! Tags: normalized labels on an image, and the set of them an image carries.
//!
//! A tag is trimmed and lower-cased, then must be 1-50 code points of Unicode letters or digits
//! (`char::is_alphanumeric`), `-` or `_`. An image has at most 20 distinct tags, kept sorted.

use std::collections::BTreeSet;
use std::fmt;

use thiserror::Error;

/// One normalized tag.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tag(String);

/// Why a tag or a tag list was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TagError {
    #[error("tag '{tag}' is {length} characters long; the limit is {max}", max = Tag::MAX_CHARS)]
    TooLong { tag: String, length: usize },
    #[error("tag '{tag}' may only contain letters, digits, '-' and '_'")]
    BadCharacter { tag: String },
    #[error("{count} tags given; the limit is {max}", max = Tags::MAX_COUNT)]
    TooMany { count: usize },
}

impl Tag {
    /// Longest accepted tag, in code points.
    pub const MAX_CHARS: usize = 50;

    /// Normalizes one raw tag. `Ok(None)` when it is empty after trimming (empty items are ignored).
    ///
    /// # Errors
    /// [`TagError::TooLong`] or [`TagError::BadCharacter`].
    pub fn parse(raw: &str) -> Result<Option<Self>, TagError> {
        let normalized = raw.trim().to_lowercase();
        if normalized.is_empty() {
            return Ok(None);
        }
        let valid = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
        if !normalized.chars().all(valid) {
            return Err(TagError::BadCharacter {
                tag: shorten(&normalized),
            });
        }
        let length = normalized.chars().count();
        if length > Self::MAX_CHARS {
            return Err(TagError::TooLong {
                tag: shorten(&normalized),
                length,
            });
        }
        Ok(Some(Self(normalized)))
    }

    /// The tag as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The distinct tags of an image (at most 20), sorted.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Tags(BTreeSet<Tag>);

impl Tags {
    /// Most tags an image may carry, counted after duplicates merge.
    pub const MAX_COUNT: usize = 20;

    /// No tags.
    pub fn empty() -> Self {
        Self::default()
    }

    /// Parses tag inputs as clients send them: each input may itself be a comma-separated list;
    /// items are normalized, empty items ignored and duplicates merged.
    ///
    /// # Errors
    /// The first invalid tag's [`TagError`], or [`TagError::TooMany`].
    pub fn parse<'a>(inputs: impl IntoIterator<Item = &'a str>) -> Result<Self, TagError> {
        let set = parse_tag_set(inputs)?;
        if set.len() > Self::MAX_COUNT {
            return Err(TagError::TooMany { count: set.len() });
        }
        Ok(Self(set))
    }

    /// Builds from already-normalized tags (e.g. read back from storage).
    ///
    /// # Errors
    /// [`TagError::TooMany`] when more than the limit are given.
    pub fn from_tags(tags: impl IntoIterator<Item = Tag>) -> Result<Self, TagError> {
        let set: BTreeSet<Tag> = tags.into_iter().collect();
        if set.len() > Self::MAX_COUNT {
            return Err(TagError::TooMany { count: set.len() });
        }
        Ok(Self(set))
    }

    /// The tags in sorted order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &Tag> {
        self.0.iter()
    }

    /// Whether every tag of `wanted` is on this image.
    pub fn contains_all(&self, wanted: &TagFilter) -> bool {
        wanted.0.is_subset(&self.0)
    }

    /// How many tags there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The tags a list query asks for (all must match). Normalized like image tags; no count limit
/// beyond what makes sense for a query string, so it is a separate type from [`Tags`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct TagFilter(BTreeSet<Tag>);

impl TagFilter {
    /// Parses filter inputs exactly like image tags (comma lists, repeats, normalization).
    ///
    /// # Errors
    /// The first invalid tag's [`TagError`], or [`TagError::TooMany`] past 20 distinct tags,
    /// since no image can match more.
    pub fn parse<'a>(inputs: impl IntoIterator<Item = &'a str>) -> Result<Self, TagError> {
        let set = parse_tag_set(inputs)?;
        if set.len() > Tags::MAX_COUNT {
            return Err(TagError::TooMany { count: set.len() });
        }
        Ok(Self(set))
    }

    /// The wanted tags in sorted order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &Tag> {
        self.0.iter()
    }

    /// Whether no tag is asked for.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

fn parse_tag_set<'a>(inputs: impl IntoIterator<Item = &'a str>) -> Result<BTreeSet<Tag>, TagError> {
    let mut set = BTreeSet::new();
    for input in inputs {
        for item in input.split(',') {
            if let Some(tag) = Tag::parse(item)? {
                set.insert(tag);
            }
        }
    }
    Ok(set)
}

fn shorten(text: &str) -> String {
    const SHOWN: usize = 60;
    match text.char_indices().nth(SHOWN) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn names(tags: &Tags) -> Vec<&str> {
        tags.iter().map(Tag::as_str).collect()
    }

    #[test]
    fn comma_lists_and_repeats_merge_sorted() {
        let tags = Tags::parse([" Sunset , beach", "BEACH", "a,,b", ""]).unwrap();
        assert_eq!(names(&tags), ["a", "b", "beach", "sunset"]);
    }

    #[test]
    fn unicode_letters_digits_dash_underscore_are_allowed() {
        let tags = Tags::parse(["Été_2026", "東京", "x-1"]).unwrap();
        assert_eq!(names(&tags), ["x-1", "été_2026", "東京"]);
    }

    #[test]
    fn bad_characters_and_lengths_are_refused() {
        assert!(matches!(
            Tags::parse(["two words"]),
            Err(TagError::BadCharacter { .. })
        ));
        assert!(matches!(
            Tags::parse(["a.b"]),
            Err(TagError::BadCharacter { .. })
        ));
        assert!(matches!(
            Tags::parse(["#tag"]),
            Err(TagError::BadCharacter { .. })
        ));
        assert!(Tags::parse([&"é".repeat(50)[..]]).is_ok());
        assert!(matches!(
            Tags::parse([&"é".repeat(51)[..]]),
            Err(TagError::TooLong { length: 51, .. })
        ));
    }

    #[test]
    fn the_count_limit_applies_after_merging() {
        let twenty: Vec<String> = (0..20).map(|i| format!("t{i}")).collect();
        let mut with_dupes: Vec<&str> = twenty.iter().map(String::as_str).collect();
        with_dupes.extend(["T0", "t1 "]);
        assert_eq!(Tags::parse(with_dupes).unwrap().len(), 20);
        let twenty_one = format!("{},extra", twenty.join(","));
        assert_eq!(
            Tags::parse([twenty_one.as_str()]),
            Err(TagError::TooMany { count: 21 })
        );
    }

    #[test]
    fn filters_normalize_like_tags_and_match_subsets() {
        let image = Tags::parse(["beach,sunset,holiday"]).unwrap();
        assert!(image.contains_all(&TagFilter::parse(["Beach", "SUNSET"]).unwrap()));
        assert!(!image.contains_all(&TagFilter::parse(["beach,city"]).unwrap()));
        assert!(image.contains_all(&TagFilter::default()));
    }

    proptest! {
        #[test]
        fn normalization_is_idempotent(raw in prop::collection::vec("\\PC{0,12}", 0..8)) {
            let inputs: Vec<&str> = raw.iter().map(String::as_str).collect();
            if let Ok(tags) = Tags::parse(inputs) {
                let again: Vec<&str> = tags.iter().map(Tag::as_str).collect();
                prop_assert_eq!(Tags::parse(again), Ok(tags.clone()));
            }
        }

        #[test]
        fn parsing_never_panics(raw in "\\PC*") {
            let _ = Tags::parse([raw.as_str()]);
            let _ = TagFilter::parse([raw.as_str()]);
        }
    }
}
