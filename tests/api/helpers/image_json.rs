//! The shape of the contract's Image resource: every field present with its exact JSON type.

use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

const FIELDS: [&str; 18] = [
    "id",
    "owner_id",
    "title",
    "description",
    "tags",
    "visibility",
    "content_type",
    "size_bytes",
    "width",
    "height",
    "sha256",
    "original_filename",
    "created_at",
    "updated_at",
    "version",
    "blurhash",
    "url",
    "url_expires_at",
];

/// Asserts every field of the Image resource is there with the contract's type.
pub fn assert_image_shape(image: &Value) {
    for field in FIELDS {
        assert!(image.get(field).is_some(), "Image lacks `{field}`: {image}");
    }
    let id = image["id"].as_str().expect("`id` is a string");
    let uuid = Uuid::parse_str(id).unwrap_or_else(|e| panic!("`id` {id} is not a UUID: {e}"));
    assert_eq!(uuid.get_version_num(), 7, "`id` {id} is a UUIDv7");
    assert_eq!(
        id,
        uuid.hyphenated().to_string(),
        "`id` is lower-case hyphenated"
    );
    assert!(image["owner_id"].is_string(), "`owner_id`: {image}");
    for nullable in ["title", "description", "original_filename", "blurhash"] {
        assert!(
            image[nullable].is_string() || image[nullable].is_null(),
            "`{nullable}` is a string or null: {image}"
        );
    }
    let tags = image["tags"].as_array().expect("`tags` is an array");
    assert!(tags.iter().all(Value::is_string), "`tags` holds strings");
    assert!(
        matches!(image["visibility"].as_str(), Some("private" | "public")),
        "`visibility`: {image}"
    );
    assert!(
        matches!(
            image["content_type"].as_str(),
            Some("image/jpeg" | "image/png" | "image/gif" | "image/webp")
        ),
        "`content_type`: {image}"
    );
    for number in ["size_bytes", "width", "height", "version"] {
        assert!(
            image[number].is_u64(),
            "`{number}` is an unsigned integer: {image}"
        );
    }
    assert!(
        image["version"].as_u64() >= Some(1),
        "`version` starts at 1"
    );
    let sha = image["sha256"].as_str().expect("`sha256` is a string");
    assert!(
        sha.len() == 64
            && sha
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
        "`sha256` is 64 lower-case hex digits: {sha}"
    );
    assert_timestamp_format(image["created_at"].as_str().expect("`created_at` string"));
    assert_timestamp_format(image["updated_at"].as_str().expect("`updated_at` string"));
    let url = image["url"].as_str().expect("`url` is a string");
    assert!(
        url.starts_with("http://") || url.starts_with("https://"),
        "`url` is absolute: {url}"
    );
    let expires = image["url_expires_at"]
        .as_str()
        .expect("`url_expires_at` string");
    DateTime::parse_from_rfc3339(expires)
        .unwrap_or_else(|e| panic!("`url_expires_at` {expires} is not RFC 3339: {e}"));
}

/// `2026-11-25T16:00:00.123456Z`: RFC 3339, UTC as `Z`, exactly six fractional digits.
pub fn assert_timestamp_format(text: &str) {
    let bytes = text.as_bytes();
    let digit_positions = [
        0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22, 23, 24, 25,
    ];
    let well_formed = bytes.len() == 27
        && digit_positions.iter().all(|&i| bytes[i].is_ascii_digit())
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes[10] == b'T'
        && bytes[13] == b':'
        && bytes[16] == b':'
        && bytes[19] == b'.'
        && bytes[26] == b'Z';
    assert!(
        well_formed,
        "timestamp `{text}` is not YYYY-MM-DDTHH:MM:SS.ffffffZ"
    );
    parse_timestamp(text);
}

/// Parses an RFC 3339 timestamp the server returned.
pub fn parse_timestamp(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap_or_else(|e| panic!("`{text}` is not RFC 3339: {e}"))
        .with_timezone(&Utc)
}
