//! The table's layout: attribute names, index names, and how keys are spelled.
//!
//! One table holds four kinds of items, told apart by their keys:
//!
//! | item | `PK` | `SK` |
//! |---|---|---|
//! | image | `IMG#<id>` | `IMG` |
//! | tag of an image | `IMG#<id>` | `TAG#<tag>` |
//! | usage counter of an owner | `USAGE#<owner>` | `USAGE` |
//! | idempotency claim | `IDEM#<owner>#<key>` | `IDEM` |
//!
//! Owner ids cannot contain `#`, so `IDEM#<owner>#<key>` is unambiguous without escaping the key
//! (visible ASCII, at most 255 characters: well within the 2 KiB partition key limit).
//!
//! Every index is sparse: an item is in an index only when it has the index's key attributes,
//! and only image items (or only tag items, for [`BY_OWNER_TAG`]) have them.

use chrono::{DateTime, Utc};
use lightbox_domain::ids::{ImageId, OwnerId};
use lightbox_domain::image_format::ImageFormat;
use lightbox_domain::tags::Tag;
use lightbox_domain::visibility::Visibility;
use uuid::Uuid;

/// The table's partition key.
pub(crate) const PK: &str = "PK";
/// The table's sort key.
pub(crate) const SK: &str = "SK";

/// `O#<owner>` on image items: partition key of [`BY_OWNER`] and [`BY_OWNER_TITLE`].
pub(crate) const OWNER_KEY: &str = "owner_key";
/// `<created>#<id>` ([`created_key`]) on image and tag items: the sort key of every index but
/// [`BY_OWNER_TITLE`], so each of them reads in `(created_at, id)` order.
pub(crate) const CREATED_KEY: &str = "created_key";
/// `O#<owner>#V#<visibility>` on image items: partition key of [`BY_OWNER_VISIBILITY`].
pub(crate) const OWNER_VISIBILITY_KEY: &str = "owner_visibility_key";
/// `O#<owner>#C#<content type>` on image items: partition key of [`BY_OWNER_CONTENT_TYPE`].
pub(crate) const OWNER_CONTENT_TYPE_KEY: &str = "owner_content_type_key";
/// The lower-cased title on image items that have a title: sort key of [`BY_OWNER_TITLE`].
pub(crate) const TITLE_KEY: &str = "title_key";
/// `O#<owner>#T#<tag>` on tag items: partition key of [`BY_OWNER_TAG`].
pub(crate) const OWNER_TAG_KEY: &str = "owner_tag_key";
/// Epoch seconds after which DynamoDB may delete an idempotency claim (the table's TTL).
pub(crate) const TTL: &str = "ttl";

/// An owner's images by `(created_at, id)`; projects everything.
pub(crate) const BY_OWNER: &str = "by_owner";
/// An owner's images of one visibility by `(created_at, id)`; projects everything.
pub(crate) const BY_OWNER_VISIBILITY: &str = "by_owner_visibility";
/// An owner's images of one content type by `(created_at, id)`; projects everything.
pub(crate) const BY_OWNER_CONTENT_TYPE: &str = "by_owner_content_type";
/// An owner's titled images by lower-cased title (for `begins_with`); projects everything.
pub(crate) const BY_OWNER_TITLE: &str = "by_owner_title";
/// An owner's tag items of one tag by `(created_at, id)`; projects keys only (the image items
/// are read by their keys, so a tag item never needs rewriting when its image's metadata changes).
pub(crate) const BY_OWNER_TAG: &str = "by_owner_tag";

/// Every index: its name, partition key attribute, sort key attribute, and whether it projects
/// every attribute (`true`) or the keys only (`false`).
pub(crate) const INDEXES: [(&str, &str, &str, bool); 5] = [
    (BY_OWNER, OWNER_KEY, CREATED_KEY, true),
    (BY_OWNER_VISIBILITY, OWNER_VISIBILITY_KEY, CREATED_KEY, true),
    (
        BY_OWNER_CONTENT_TYPE,
        OWNER_CONTENT_TYPE_KEY,
        CREATED_KEY,
        true,
    ),
    (BY_OWNER_TITLE, OWNER_KEY, TITLE_KEY, true),
    (BY_OWNER_TAG, OWNER_TAG_KEY, CREATED_KEY, false),
];

/// The sort key of image items.
pub(crate) const IMAGE_SK: &str = "IMG";
/// The sort key of usage counters.
pub(crate) const USAGE_SK: &str = "USAGE";
/// The sort key of idempotency claims.
pub(crate) const CLAIM_SK: &str = "IDEM";
/// What the sort key of every tag item begins with.
pub(crate) const TAG_SK_PREFIX: &str = "TAG#";

pub(crate) fn image_pk(id: &ImageId) -> String {
    format!("IMG#{id}")
}

pub(crate) fn tag_sk(tag: &Tag) -> String {
    format!("{TAG_SK_PREFIX}{tag}")
}

pub(crate) fn usage_pk(owner: &OwnerId) -> String {
    format!("USAGE#{owner}")
}

pub(crate) fn claim_pk(owner: &OwnerId, key: &str) -> String {
    format!("IDEM#{owner}#{key}")
}

pub(crate) fn owner_key(owner: &OwnerId) -> String {
    format!("O#{owner}")
}

pub(crate) fn owner_visibility_key(owner: &OwnerId, visibility: Visibility) -> String {
    format!("O#{owner}#V#{}", visibility.as_str())
}

pub(crate) fn owner_content_type_key(owner: &OwnerId, format: ImageFormat) -> String {
    format!("O#{owner}#C#{}", format.mime_type())
}

pub(crate) fn owner_tag_key(owner: &OwnerId, tag: &Tag) -> String {
    format!("O#{owner}#T#{tag}")
}

/// A position in `(created_at, id)` order as microseconds and the id's 128 bits: the form in
/// which keyset bounds are computed before they are spelled as keys.
pub(crate) type Position = (i64, u128);

/// `<created>#<id>`: 20 decimal digits then the hyphenated lower-case UUID, so that comparing
/// two keys as strings compares `(created_at, id)`. The microseconds are shifted by 2^63 into
/// `u64` (flipping the sign bit), which maps the whole `i64` range, times before 1970 included,
/// onto zero-padded numbers in the same order; hyphenated lower-case UUIDs already sort like
/// their bytes.
pub(crate) fn created_key((micros, id): Position) -> String {
    // Reinterpreting the bits is the point: with the sign bit flipped, the i64 order becomes the
    // u64 order.
    let shifted = (micros as u64) ^ (1 << 63);
    format!("{shifted:020}#{}", Uuid::from_u128(id).hyphenated())
}

/// The position of a record in `(created_at, id)` order.
pub(crate) fn position_of(created_at: DateTime<Utc>, id: &ImageId) -> Position {
    (created_at.timestamp_micros(), id.as_uuid().as_u128())
}

/// The next position after `position`, if any.
pub(crate) fn successor((micros, id): Position) -> Option<Position> {
    match id.checked_add(1) {
        Some(next) => Some((micros, next)),
        None => micros.checked_add(1).map(|next| (next, 0)),
    }
}

/// The position just before `position`, if any.
pub(crate) fn predecessor((micros, id): Position) -> Option<Position> {
    match id.checked_sub(1) {
        Some(previous) => Some((micros, previous)),
        None => micros.checked_sub(1).map(|previous| (previous, u128::MAX)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_keys_sort_like_positions() {
        let ids = [0, 1, 0x0123_4567_89ab_cdef, u128::MAX - 1, u128::MAX];
        let times = [
            i64::MIN,
            -1_000_000,
            -1,
            0,
            1,
            1_700_000_000_000_000,
            i64::MAX,
        ];
        let mut positions: Vec<Position> = times
            .iter()
            .flat_map(|&time| ids.iter().map(move |&id| (time, id)))
            .collect();
        positions.sort_unstable();
        let keys: Vec<String> = positions.iter().copied().map(created_key).collect();
        assert!(keys.windows(2).all(|pair| pair[0] < pair[1]), "{keys:#?}");
        assert!(keys.iter().all(|key| key.len() == 57));
    }

    #[test]
    fn neighbours_step_over_the_id_range() {
        assert_eq!(successor((5, u128::MAX)), Some((6, 0)));
        assert_eq!(predecessor((5, 0)), Some((4, u128::MAX)));
        assert_eq!(successor((i64::MAX, u128::MAX)), None);
        assert_eq!(predecessor((i64::MIN, 0)), None);
        assert_eq!(successor((5, 7)), Some((5, 8)));
    }
}
