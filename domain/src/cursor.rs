//! Opaque, tamper-evident list cursors, bound to the filters and order they were made for.
//!
//! A cursor carries the position of the last image of a page, `(created_at, id)`, and an HMAC over
//! that position, the order and the canonical filter. A cursor reused with other filters, altered in
//! any byte, or made with another key fails to verify, so a client can neither forge a position nor
//! carry a cursor from one listing to another.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use hmac::Mac;
use thiserror::Error;
use uuid::Uuid;

use crate::ids::{ImageId, OwnerId};
use crate::listing::{ListFilter, PagePosition, SortOrder};
use crate::signing::SigningKey;

const VERSION: u8 = 1;
const MAC_LEN: usize = 16;
/// version, order, created_at (i64 micros), id, truncated MAC: 42 bytes, a multiple of 3 so that
/// the base64 text has no padding bits a client could flip unnoticed.
const ENCODED_LEN: usize = 1 + 1 + 8 + 16 + MAC_LEN;

/// Why a cursor was refused. Deliberately says no more: every failure is "not a cursor for this".
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("the cursor is malformed, altered, or was made for other filters")]
pub struct InvalidCursor;

/// What a cursor is bound to: who lists, with which filter, in which order.
#[derive(Debug, Clone, Copy)]
pub struct CursorScope<'a> {
    /// The caller; a cursor does not travel between users.
    pub viewer: &'a OwnerId,
    /// The filter as the client asked for it.
    pub filter: &'a ListFilter,
    /// The order.
    pub order: SortOrder,
}

/// Encodes the position to continue after.
pub fn encode(position: &PagePosition, scope: CursorScope<'_>, key: &SigningKey) -> String {
    let mut bytes = Vec::with_capacity(ENCODED_LEN);
    bytes.push(VERSION);
    bytes.push(order_byte(scope.order));
    bytes.extend_from_slice(&position.created_at.timestamp_micros().to_be_bytes());
    bytes.extend_from_slice(position.id.as_bytes());
    let mac = mac_of(&bytes, scope, key);
    bytes.extend_from_slice(&mac);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes and verifies a cursor for this scope.
///
/// # Errors
/// [`InvalidCursor`] for anything that is not a cursor this server made for this scope.
pub fn decode(
    text: &str,
    scope: CursorScope<'_>,
    key: &SigningKey,
) -> Result<PagePosition, InvalidCursor> {
    if text.len() != ENCODED_LEN / 3 * 4 {
        return Err(InvalidCursor);
    }
    let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| InvalidCursor)?;
    let (body, mac) = bytes
        .split_at_checked(ENCODED_LEN - MAC_LEN)
        .ok_or(InvalidCursor)?;
    if mac.len() != MAC_LEN {
        return Err(InvalidCursor);
    }
    let mut expected = key.cursor_mac();
    feed(&mut expected, body, scope);
    expected
        .verify_truncated_left(mac)
        .map_err(|_| InvalidCursor)?;

    // Only now, with the bytes proven ours, is the layout trusted.
    let [version, order, rest @ ..] = body else {
        return Err(InvalidCursor);
    };
    if *version != VERSION || *order != order_byte(scope.order) {
        return Err(InvalidCursor);
    }
    let (micros, id) = rest.split_at_checked(8).ok_or(InvalidCursor)?;
    let micros = i64::from_be_bytes(micros.try_into().map_err(|_| InvalidCursor)?);
    let created_at = DateTime::<Utc>::from_timestamp_micros(micros).ok_or(InvalidCursor)?;
    let id = Uuid::from_slice(id).map_err(|_| InvalidCursor)?;
    Ok(PagePosition {
        created_at,
        id: ImageId::from_uuid(id),
    })
}

fn order_byte(order: SortOrder) -> u8 {
    match order {
        SortOrder::Newest => 0,
        SortOrder::Oldest => 1,
    }
}

fn mac_of(body: &[u8], scope: CursorScope<'_>, key: &SigningKey) -> [u8; MAC_LEN] {
    let mut mac = key.cursor_mac();
    feed(&mut mac, body, scope);
    let full = mac.finalize().into_bytes();
    let mut truncated = [0; MAC_LEN];
    truncated.copy_from_slice(&full[..MAC_LEN]);
    truncated
}

fn feed(mac: &mut hmac::Hmac<sha2::Sha256>, body: &[u8], scope: CursorScope<'_>) {
    mac.update(body);
    let viewer = scope.viewer.as_str().as_bytes();
    mac.update(&(viewer.len() as u64).to_be_bytes());
    mac.update(viewer);
    mac.update(&scope.filter.canonical_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::listing::TitlePrefix;
    use proptest::prelude::*;

    fn key(byte: u8) -> SigningKey {
        SigningKey::new(&[byte; 32]).unwrap()
    }

    fn alice() -> OwnerId {
        OwnerId::parse("alice").unwrap()
    }

    fn position(micros: i64, id: [u8; 16]) -> PagePosition {
        PagePosition {
            created_at: DateTime::from_timestamp_micros(micros).unwrap(),
            id: ImageId::from_uuid(Uuid::from_bytes(id)),
        }
    }

    #[test]
    fn a_cursor_is_bound_to_viewer_filter_order_and_key() {
        let viewer = alice();
        let filter = ListFilter::for_owner(viewer.clone());
        let scope = CursorScope {
            viewer: &viewer,
            filter: &filter,
            order: SortOrder::Newest,
        };
        let pos = position(1_764_000_000_000_000, [7; 16]);
        let text = encode(&pos, scope, &key(1));
        assert_eq!(decode(&text, scope, &key(1)), Ok(pos));

        assert_eq!(decode(&text, scope, &key(2)), Err(InvalidCursor));
        let oldest = CursorScope {
            order: SortOrder::Oldest,
            ..scope
        };
        assert_eq!(decode(&text, oldest, &key(1)), Err(InvalidCursor));
        let mut titled = filter.clone();
        titled.title_prefix = TitlePrefix::parse("x").unwrap();
        let other_filter = CursorScope {
            filter: &titled,
            ..scope
        };
        assert_eq!(decode(&text, other_filter, &key(1)), Err(InvalidCursor));
        let bob = OwnerId::parse("bob").unwrap();
        let other_viewer = CursorScope {
            viewer: &bob,
            ..scope
        };
        assert_eq!(decode(&text, other_viewer, &key(1)), Err(InvalidCursor));
    }

    #[test]
    fn garbage_is_refused() {
        let viewer = alice();
        let filter = ListFilter::for_owner(viewer.clone());
        let scope = CursorScope {
            viewer: &viewer,
            filter: &filter,
            order: SortOrder::Newest,
        };
        for text in ["", "abc", "%%%", &"A".repeat(56), &"A".repeat(10_000)] {
            assert_eq!(decode(text, scope, &key(1)), Err(InvalidCursor), "{text}");
        }
    }

    proptest! {
        #[test]
        fn round_trips(micros in -62_000_000_000_000_000i64..250_000_000_000_000_000, id in any::<[u8; 16]>(), oldest in any::<bool>()) {
            let viewer = alice();
            let filter = ListFilter::for_owner(viewer.clone());
            let order = if oldest { SortOrder::Oldest } else { SortOrder::Newest };
            let scope = CursorScope { viewer: &viewer, filter: &filter, order };
            let pos = position(micros, id);
            prop_assert_eq!(decode(&encode(&pos, scope, &key(3)), scope, &key(3)), Ok(pos));
        }

        #[test]
        fn any_altered_byte_is_rejected(index in 0usize..ENCODED_LEN, flip in 1u8..=255, micros in 0i64..4_000_000_000_000_000) {
            let viewer = alice();
            let filter = ListFilter::for_owner(viewer.clone());
            let scope = CursorScope { viewer: &viewer, filter: &filter, order: SortOrder::Newest };
            let text = encode(&position(micros, [9; 16]), scope, &key(4));
            let mut bytes = URL_SAFE_NO_PAD.decode(&text).unwrap();
            bytes[index] ^= flip;
            let altered = URL_SAFE_NO_PAD.encode(&bytes);
            prop_assert_eq!(decode(&altered, scope, &key(4)), Err(InvalidCursor));
        }

        #[test]
        fn any_altered_character_is_rejected(index in 0usize..56, replacement in "[A-Za-z0-9_-]") {
            let viewer = alice();
            let filter = ListFilter::for_owner(viewer.clone());
            let scope = CursorScope { viewer: &viewer, filter: &filter, order: SortOrder::Newest };
            let text = encode(&position(1, [1; 16]), scope, &key(5));
            let mut chars: Vec<char> = text.chars().collect();
            let replacement = replacement.chars().next().unwrap();
            prop_assume!(chars[index] != replacement);
            chars[index] = replacement;
            let altered: String = chars.into_iter().collect();
            prop_assert_eq!(decode(&altered, scope, &key(5)), Err(InvalidCursor));
        }

        #[test]
        fn decoding_never_panics(text in "\\PC{0,80}") {
            let viewer = alice();
            let filter = ListFilter::for_owner(viewer.clone());
            let scope = CursorScope { viewer: &viewer, filter: &filter, order: SortOrder::Newest };
            let _ = decode(&text, scope, &key(6));
        }
    }
}
