//! Values the conformance checks build records, owners and claims from.

use chrono::{DateTime, Duration, TimeZone, Utc};
use lightbox_domain::blurhash::Blurhash;
use lightbox_domain::filename::OriginalFilename;
use lightbox_domain::idempotency::IdempotencyKey;
use lightbox_domain::ids::{ImageId, OwnerId};
use lightbox_domain::image::{
    EditableMetadata, ImageRecord, Sha256Digest, StoredContent, Version, storage_timestamp,
};
use lightbox_domain::image_format::ImageFormat;
use lightbox_domain::tags::Tags;
use lightbox_domain::text::{Description, Title};
use lightbox_domain::visibility::Visibility;

use crate::image_repository::IdempotencyClaim;

/// An owner no other check (or run) uses.
pub(super) fn unique_owner(label: &str) -> OwnerId {
    OwnerId::parse(&format!("conformance-{label}-{}", ImageId::generate())).unwrap()
}

/// A fixed instant with a non-zero microsecond part, so that precision loss shows.
pub(super) fn base_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 4, 5, 6, 7).unwrap() + Duration::microseconds(123_456)
}

/// "Now", at storage precision: claims expire relative to it, and using the real time keeps
/// checks running at once on a shared store from expiring each other's claims.
pub(super) fn now() -> DateTime<Utc> {
    storage_timestamp(Utc::now())
}

/// A plain private PNG record with no optional field set.
pub(super) fn sparse_record(owner: &OwnerId, created_at: DateTime<Utc>) -> ImageRecord {
    let content = StoredContent {
        format: ImageFormat::Png,
        size_bytes: 1_000,
        width: 10,
        height: 20,
        sha256: Sha256Digest::from_bytes([7; 32]),
    };
    ImageRecord::new(
        ImageId::generate(),
        owner.clone(),
        EditableMetadata::default(),
        content,
        None,
        created_at,
    )
}

/// A record with every field set to something a careless store would mangle: a Unicode title,
/// a multi-line description, the most tags allowed, a size beyond 32 bits, a later update time.
pub(super) fn full_record(owner: &OwnerId) -> ImageRecord {
    let tag_names: Vec<String> = ["été_2026", "東京", "x-1", "a_b"]
        .into_iter()
        .map(str::to_owned)
        .chain((0..16).map(|i| format!("tag{i:02}")))
        .collect();
    let tags = Tags::parse(tag_names.iter().map(String::as_str)).unwrap();
    assert_eq!(tags.len(), Tags::MAX_COUNT);
    let mut record = sparse_record(owner, base_time());
    record.metadata = EditableMetadata {
        title: Title::parse("Äpfel im Garten — 東京 🌸").unwrap(),
        description: Description::parse("First line\n\tsecond line, with “quotes” and ü").unwrap(),
        tags,
        visibility: Visibility::Public,
    };
    record.content = StoredContent {
        format: ImageFormat::WebP,
        size_bytes: 5_000_000_123,
        width: 4032,
        height: 3024,
        sha256: Sha256Digest::from_bytes(core::array::from_fn(|i| i as u8 * 8)),
    };
    record.original_filename = OriginalFilename::sanitize("Ünïcødé 写真.webp");
    record.updated_at = base_time() + Duration::milliseconds(1500) + Duration::microseconds(7);
    record.version = Version::new(3);
    record.blurhash = Some(Blurhash::parse("LEHV6nWB2yk8pyo0adR*.7kCMdnj").unwrap());
    record
}

/// A claim on `key` for `owner`, live for anything created at or after `not_before`.
pub(super) fn claim(
    owner: &OwnerId,
    key: &str,
    fingerprint: u8,
    not_before: DateTime<Utc>,
) -> IdempotencyClaim {
    IdempotencyClaim {
        owner: owner.clone(),
        key: IdempotencyKey::parse(key).unwrap(),
        fingerprint: [fingerprint; 32],
        not_before,
    }
}
