//! The operations of the model test, drawn from small vocabularies so that filters often match.

use proptest::option;
use proptest::prelude::*;

/// The two callers.
pub const USERS: [&str; 2] = ["alice", "bob"];
/// Titles that share prefixes in several cases.
pub const TITLES: [&str; 6] = [
    "Sunset",
    "sunrise",
    "Beach day",
    "beach",
    "Moon",
    "mountain",
];
/// Title-prefix filters, in mixed case.
pub const PREFIXES: [&str; 8] = ["s", "SUN", "sunr", "b", "beach D", "m", "MOO", "x"];
/// Tags, as stored (lower case).
pub const TAGS: [&str; 4] = ["beach", "sunset", "city", "night"];
/// The accepted formats, as `content_type`.
pub const FORMATS: [&str; 4] = ["image/png", "image/jpeg", "image/gif", "image/webp"];

/// One step of a scenario.
#[derive(Debug, Clone)]
pub enum Op {
    Upload(Upload),
    Update(Update),
    Delete {
        /// Index into every image uploaded so far (deleted ones included), modulo their count.
        target: usize,
        by_owner: bool,
    },
    List(ListQuery),
}

/// An upload of a small distinct image.
#[derive(Debug, Clone)]
pub struct Upload {
    pub user: usize,
    pub title: Option<usize>,
    /// Bit set over [`TAGS`].
    pub tags: u8,
    pub public: bool,
    pub format: usize,
}

/// A PUT or PATCH by the owner or by the other user.
#[derive(Debug, Clone)]
pub struct Update {
    /// Index into every image uploaded so far (deleted ones included), modulo their count.
    pub target: usize,
    pub by_owner: bool,
    /// `Some(None)` clears the title.
    pub title: Option<Option<usize>>,
    pub tags: Option<u8>,
    pub public: Option<bool>,
}

/// A listing with random filters and page size.
#[derive(Debug, Clone)]
pub struct ListQuery {
    pub viewer: usize,
    pub owner: Option<usize>,
    /// Bit set over [`TAGS`].
    pub tags: u8,
    /// Send the tags upper-cased (the filter is normalized like upload's).
    pub shout: bool,
    /// Send `tags=a,b` rather than repeated `tag=`.
    pub joined: bool,
    pub title: Option<usize>,
    pub public: Option<bool>,
    pub format: Option<usize>,
    pub oldest: bool,
    pub limit: usize,
}

/// The tags of a bit set, in [`TAGS`] order.
pub fn tags_of(bits: u8) -> Vec<&'static str> {
    TAGS.iter()
        .enumerate()
        .filter(|(index, _)| bits & (1 << index) != 0)
        .map(|(_, tag)| *tag)
        .collect()
}

/// Any operation, uploads and listings being the most frequent.
pub fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => upload(),
        2 => update(),
        1 => delete(),
        4 => list().prop_map(Op::List),
    ]
}

fn upload() -> impl Strategy<Value = Op> {
    (
        0..USERS.len(),
        option::of(0..TITLES.len()),
        0u8..16,
        any::<bool>(),
        0..FORMATS.len(),
    )
        .prop_map(|(user, title, tags, public, format)| {
            Op::Upload(Upload {
                user,
                title,
                tags,
                public,
                format,
            })
        })
}

fn update() -> impl Strategy<Value = Op> {
    (
        any::<usize>(),
        proptest::bool::weighted(0.8),
        option::of(option::of(0..TITLES.len())),
        option::of(0u8..16),
        option::of(any::<bool>()),
    )
        .prop_map(|(target, by_owner, title, tags, public)| {
            Op::Update(Update {
                target,
                by_owner,
                title,
                tags,
                public,
            })
        })
}

fn delete() -> impl Strategy<Value = Op> {
    (any::<usize>(), proptest::bool::weighted(0.8))
        .prop_map(|(target, by_owner)| Op::Delete { target, by_owner })
}

fn list() -> impl Strategy<Value = ListQuery> {
    (
        // Each filter is absent more often than not, so that listings are rarely empty.
        (0..USERS.len(), option::weighted(0.4, 0..USERS.len())),
        (
            prop_oneof![3 => Just(0u8), 2 => 0u8..16],
            any::<bool>(),
            any::<bool>(),
        ),
        option::weighted(0.4, 0..PREFIXES.len()),
        option::weighted(0.3, any::<bool>()),
        option::weighted(0.25, 0..FORMATS.len()),
        any::<bool>(),
        1usize..=7,
    )
        .prop_map(
            |((viewer, owner), (tags, shout, joined), title, public, format, oldest, limit)| {
                ListQuery {
                    viewer,
                    owner,
                    tags,
                    shout,
                    joined,
                    title,
                    public,
                    format,
                    oldest,
                    limit,
                }
            },
        )
}
