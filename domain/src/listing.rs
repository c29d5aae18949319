//! List queries: filters, order, page size and the position a page starts after.

use chrono::{DateTime, Utc};
use thiserror::Error;

use crate::ids::{ImageId, OwnerId};
use crate::image::ImageRecord;
use crate::image_format::ImageFormat;
use crate::tags::TagFilter;
use crate::text::{TextFieldError, Title, title_search_key};
use crate::visibility::Visibility;

/// How many images a page holds: 1-100, 10 by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PageLimit(u8);

/// Why a page size was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("limit must be a whole number from 1 to 100")]
pub struct InvalidPageLimit;

impl PageLimit {
    /// Largest page.
    pub const MAX: u8 = 100;
    /// Page size when none is asked for.
    pub const DEFAULT: PageLimit = PageLimit(10);

    /// Parses the query-string value.
    ///
    /// # Errors
    /// [`InvalidPageLimit`] unless the text is a whole number from 1 to 100.
    pub fn parse(text: &str) -> Result<Self, InvalidPageLimit> {
        let value: u64 = text.parse().map_err(|_| InvalidPageLimit)?;
        Self::new(value)
    }

    /// Checks a number.
    ///
    /// # Errors
    /// [`InvalidPageLimit`] outside 1-100.
    pub fn new(value: u64) -> Result<Self, InvalidPageLimit> {
        match u8::try_from(value) {
            Ok(small) if (1..=Self::MAX).contains(&small) => Ok(Self(small)),
            _ => Err(InvalidPageLimit),
        }
    }

    /// The size as a number.
    pub fn get(self) -> usize {
        usize::from(self.0)
    }
}

impl Default for PageLimit {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// The order of a listing, on `(created_at, id)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SortOrder {
    /// Most recent first (the default).
    #[default]
    Newest,
    /// Oldest first.
    Oldest,
}

/// Why an order was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("order must be 'newest' or 'oldest'")]
pub struct InvalidSortOrder;

impl SortOrder {
    /// Parses `newest` or `oldest`.
    ///
    /// # Errors
    /// [`InvalidSortOrder`] for anything else.
    pub fn parse(text: &str) -> Result<Self, InvalidSortOrder> {
        match text {
            "newest" => Ok(Self::Newest),
            "oldest" => Ok(Self::Oldest),
            _ => Err(InvalidSortOrder),
        }
    }

    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Newest => "newest",
            Self::Oldest => "oldest",
        }
    }
}

/// A case-insensitive title prefix, held as the lower-cased key titles are searched by.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TitlePrefix(String);

impl TitlePrefix {
    /// Parses a prefix like a title (trimmed, no control characters, at most 200 code points).
    /// `Ok(None)` when empty: an empty prefix filters nothing.
    ///
    /// # Errors
    /// The title's [`TextFieldError`].
    pub fn parse(raw: &str) -> Result<Option<Self>, TextFieldError> {
        Ok(Title::parse(raw)?.map(|title| Self(title_search_key(title.as_str()))))
    }

    /// The lower-cased prefix.
    pub fn key(&self) -> &str {
        &self.0
    }

    /// Whether a title matches this prefix.
    pub fn matches(&self, title: Option<&Title>) -> bool {
        title.is_some_and(|title| title.search_key().starts_with(&self.0))
    }
}

/// Which images a listing selects. `owner` is always set: it defaults to the caller.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ListFilter {
    /// Whose images.
    pub owner: OwnerId,
    /// Tags that must all be present.
    pub tags: TagFilter,
    /// Case-insensitive title prefix.
    pub title_prefix: Option<TitlePrefix>,
    /// Exact stored type.
    pub content_type: Option<ImageFormat>,
    /// Exact visibility.
    pub visibility: Option<Visibility>,
    /// Inclusive lower bound on `created_at`.
    pub created_after: Option<DateTime<Utc>>,
    /// Exclusive upper bound on `created_at`.
    pub created_before: Option<DateTime<Utc>>,
}

impl ListFilter {
    /// A filter selecting every image of `owner`.
    pub fn for_owner(owner: OwnerId) -> Self {
        Self {
            owner,
            tags: TagFilter::default(),
            title_prefix: None,
            content_type: None,
            visibility: None,
            created_after: None,
            created_before: None,
        }
    }

    /// The filter as `viewer` may run it: a caller who is not the owner sees only public images.
    /// `None` when nothing can match (another owner's private images were asked for).
    pub fn restricted_to(mut self, viewer: &OwnerId) -> Option<Self> {
        if &self.owner == viewer {
            return Some(self);
        }
        match self.visibility {
            Some(Visibility::Private) => None,
            Some(Visibility::Public) | None => {
                self.visibility = Some(Visibility::Public);
                Some(self)
            }
        }
    }

    /// Whether `image` is one this filter selects. Storage answers from indexes; this is the same
    /// rule in memory, for re-checking what an index returned and for test models.
    pub fn matches(&self, image: &ImageRecord) -> bool {
        image.owner == self.owner
            && image.metadata.tags.contains_all(&self.tags)
            && self
                .title_prefix
                .as_ref()
                .is_none_or(|prefix| prefix.matches(image.metadata.title.as_ref()))
            && self
                .content_type
                .is_none_or(|format| image.content.format == format)
            && self
                .visibility
                .is_none_or(|visibility| image.metadata.visibility == visibility)
            && self
                .created_after
                .is_none_or(|after| image.created_at >= after)
            && self
                .created_before
                .is_none_or(|before| image.created_at < before)
    }

    /// A canonical byte string of the filter, which cursors are bound to.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        // Each field is length-prefixed so that no two different filters share a spelling.
        let mut out = Vec::with_capacity(128);
        let mut field = |bytes: &[u8]| {
            out.extend_from_slice(&(bytes.len() as u64).to_be_bytes());
            out.extend_from_slice(bytes);
        };
        field(self.owner.as_str().as_bytes());
        let tags: Vec<&str> = self.tags.iter().map(|tag| tag.as_str()).collect();
        field(tags.join(",").as_bytes());
        field(
            self.title_prefix
                .as_ref()
                .map_or("\u{0}none", |p| p.key())
                .as_bytes(),
        );
        field(self.content_type.map_or("", |f| f.mime_type()).as_bytes());
        field(self.visibility.map_or("", |v| v.as_str()).as_bytes());
        let micros = |t: Option<DateTime<Utc>>| {
            t.map_or(String::new(), |t| t.timestamp_micros().to_string())
        };
        field(micros(self.created_after).as_bytes());
        field(micros(self.created_before).as_bytes());
        out
    }
}

/// Where a page starts: strictly after this `(created_at, id)` in the listing's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PagePosition {
    /// `created_at` of the last image of the previous page.
    pub created_at: DateTime<Utc>,
    /// Its id, which breaks ties between equal timestamps.
    pub id: ImageId,
}

/// One page request: filter, order, size, and where to start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    /// Which images.
    pub filter: ListFilter,
    /// In which order.
    pub order: SortOrder,
    /// How many at most.
    pub limit: PageLimit,
    /// Start after this position; `None` for the first page.
    pub after: Option<PagePosition>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owner(name: &str) -> OwnerId {
        OwnerId::parse(name).unwrap()
    }

    #[test]
    fn page_limits() {
        assert_eq!(PageLimit::parse("1").unwrap().get(), 1);
        assert_eq!(PageLimit::parse("100").unwrap().get(), 100);
        assert_eq!(PageLimit::default().get(), 10);
        for bad in [
            "0",
            "101",
            "-1",
            "",
            "ten",
            "1.5",
            "99999999999999999999999",
            "+5 ",
        ] {
            assert!(PageLimit::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn orders() {
        assert_eq!(SortOrder::parse("newest"), Ok(SortOrder::Newest));
        assert_eq!(SortOrder::parse("oldest"), Ok(SortOrder::Oldest));
        assert!(SortOrder::parse("Newest").is_err());
    }

    #[test]
    fn title_prefix_matches_case_insensitively() {
        let prefix = TitlePrefix::parse(" SUN ").unwrap().unwrap();
        let sunset = Title::parse("Sunset").unwrap();
        let moon = Title::parse("Moon").unwrap();
        assert!(prefix.matches(sunset.as_ref()));
        assert!(!prefix.matches(moon.as_ref()));
        assert!(!prefix.matches(None));
        assert_eq!(TitlePrefix::parse("  ").unwrap(), None);
    }

    #[test]
    fn other_owners_see_only_public_images() {
        let alice = owner("alice");
        let bob = owner("bob");
        let own = ListFilter::for_owner(alice.clone());
        assert_eq!(own.clone().restricted_to(&alice), Some(own.clone()));
        let seen_by_bob = own.clone().restricted_to(&bob).unwrap();
        assert_eq!(seen_by_bob.visibility, Some(Visibility::Public));
        let mut private = own;
        private.visibility = Some(Visibility::Private);
        assert_eq!(private.restricted_to(&bob), None);
    }

    #[test]
    fn a_filter_matches_by_every_part() {
        use crate::image::{EditableMetadata, Sha256Digest, StoredContent};
        use crate::tags::Tags;
        let alice = owner("alice");
        let image = ImageRecord::new(
            ImageId::generate(),
            alice.clone(),
            EditableMetadata {
                title: Title::parse("Sunset").unwrap(),
                tags: Tags::parse(["beach,sea"]).unwrap(),
                visibility: Visibility::Public,
                ..EditableMetadata::default()
            },
            StoredContent {
                format: ImageFormat::Png,
                size_bytes: 1,
                width: 1,
                height: 1,
                sha256: Sha256Digest::from_bytes([0; 32]),
            },
            None,
            chrono::Utc::now(),
        );
        let all = ListFilter::for_owner(alice.clone());
        assert!(all.matches(&image));
        type Narrowing = fn(&mut ListFilter);
        let cases: [(&str, Narrowing); 7] = [
            ("owner", |f| f.owner = OwnerId::parse("bob").unwrap()),
            ("tag", |f| f.tags = TagFilter::parse(["city"]).unwrap()),
            ("title", |f| {
                f.title_prefix = TitlePrefix::parse("moon").unwrap()
            }),
            ("type", |f| f.content_type = Some(ImageFormat::Jpeg)),
            ("visibility", |f| f.visibility = Some(Visibility::Private)),
            ("after", |f| {
                f.created_after = Some(chrono::Utc::now() + chrono::TimeDelta::hours(1))
            }),
            ("before", |f| {
                f.created_before = Some(chrono::DateTime::UNIX_EPOCH)
            }),
        ];
        for (part, narrow) in cases {
            let mut filter = all.clone();
            narrow(&mut filter);
            assert!(!filter.matches(&image), "{part} must exclude the image");
        }
        let mut exact = all;
        exact.tags = TagFilter::parse(["SEA"]).unwrap();
        exact.title_prefix = TitlePrefix::parse("sun").unwrap();
        exact.created_before = Some(image.created_at + chrono::TimeDelta::microseconds(1));
        exact.created_after = Some(image.created_at);
        assert!(exact.matches(&image));
    }

    #[test]
    fn canonical_bytes_differ_for_different_filters() {
        let base = ListFilter::for_owner(owner("alice"));
        let mut tagged = base.clone();
        tagged.tags = TagFilter::parse(["a"]).unwrap();
        let mut titled = base.clone();
        titled.title_prefix = TitlePrefix::parse("a").unwrap();
        let mut other = base.clone();
        other.owner = owner("alicea");
        let all = [&base, &tagged, &titled, &other].map(ListFilter::canonical_bytes);
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }
}
