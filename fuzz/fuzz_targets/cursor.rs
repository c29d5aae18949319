//! Fuzzes list cursors: decoding any text under a fixed key and scope, and the round trip of
//! any position.
//!
//! Properties: nothing panics; a text that decodes is exactly what encoding its position gives
//! (so a cursor has one spelling, and a decoded position re-encodes to an equal one); every
//! position in chrono's range round-trips; a cursor is refused with one character changed, in
//! the other order, and under another key.
#![no_main]

use std::sync::LazyLock;

use chrono::DateTime;
use libfuzzer_sys::fuzz_target;
use lightbox_domain::cursor::{decode, encode};
use lightbox_domain::ids::ImageId;
use lightbox_domain::listing::{PagePosition, SortOrder};
use lightbox_domain::signing::SigningKey;
use lightbox_fuzz::cursor_scope::Scope;
use uuid::Uuid;

/// The URL-safe base64 alphabet, which a changed character is drawn from.
const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Built once: deriving the keys on every run would cost more than the decoding under test.
static SCOPE: LazyLock<Scope> = LazyLock::new(Scope::fixed);

/// A second key, under which no cursor made with the scope's key may verify.
static OTHER_KEY: LazyLock<SigningKey> = LazyLock::new(|| {
    SigningKey::new(b"lightbox fuzz: another key, 32 bytes").expect("a long enough secret")
});

fuzz_target!(|data: &[u8]| {
    let scope = &*SCOPE;
    let text = String::from_utf8_lossy(data);
    for order in [SortOrder::Newest, SortOrder::Oldest] {
        if let Ok(position) = decode(&text, scope.cursor_scope(order), &scope.key) {
            let again = encode(&position, scope.cursor_scope(order), &scope.key);
            assert_eq!(again, text, "a decoded cursor re-encodes to itself");
            assert_eq!(
                decode(&again, scope.cursor_scope(order), &scope.key),
                Ok(position)
            );
        }
    }
    round_trip(data, scope);
});

/// Reads a position and an alteration from the input's first 27 bytes; checks that the position
/// round-trips and that the altered cursor is refused.
fn round_trip(data: &[u8], scope: &Scope) {
    let Some((micros, rest)) = data.split_first_chunk::<8>() else {
        return;
    };
    let Some((id, rest)) = rest.split_first_chunk::<16>() else {
        return;
    };
    let Some(&[flags, at, with]) = rest.first_chunk::<3>() else {
        return;
    };
    let Some(created_at) = DateTime::from_timestamp_micros(i64::from_be_bytes(*micros)) else {
        return;
    };
    let position = PagePosition {
        created_at,
        id: ImageId::from_uuid(Uuid::from_bytes(*id)),
    };
    let order = if flags & 1 == 0 {
        SortOrder::Newest
    } else {
        SortOrder::Oldest
    };
    let cursor = encode(&position, scope.cursor_scope(order), &scope.key);
    assert_eq!(
        decode(&cursor, scope.cursor_scope(order), &scope.key),
        Ok(position)
    );
    let other_order = match order {
        SortOrder::Newest => SortOrder::Oldest,
        SortOrder::Oldest => SortOrder::Newest,
    };
    assert!(
        decode(&cursor, scope.cursor_scope(other_order), &scope.key).is_err(),
        "a cursor crossed orders"
    );
    assert!(
        decode(&cursor, scope.cursor_scope(order), &OTHER_KEY).is_err(),
        "a cursor verified under another key"
    );
    let mut altered = cursor.into_bytes();
    let index = usize::from(at) % altered.len();
    let replacement = ALPHABET[usize::from(with) % ALPHABET.len()];
    if altered[index] == replacement {
        return;
    }
    altered[index] = replacement;
    let altered = String::from_utf8_lossy(&altered);
    assert!(
        decode(&altered, scope.cursor_scope(order), &scope.key).is_err(),
        "an altered cursor {altered} was accepted"
    );
}
