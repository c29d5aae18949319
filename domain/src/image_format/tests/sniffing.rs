//! Refused kinds through the public API: named correctly, and refused within the first bytes.

use super::{bytes_before_error, check};
use crate::image_format::{InspectError, UnsupportedFormat};

#[test]
fn each_refused_kind_is_named() {
    let cases: &[(&[u8], UnsupportedFormat)] = &[
        (
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>",
            UnsupportedFormat::Svg,
        ),
        (
            b"<?xml version=\"1.0\"?>\n<svg></svg>",
            UnsupportedFormat::Svg,
        ),
        (
            b"<?xml version=\"1.0\"?>\n<rss></rss>",
            UnsupportedFormat::Xml,
        ),
        (b"<!DOCTYPE html>\n<html></html>", UnsupportedFormat::Html),
        (b"BM\x3A\0\0\0\0\0\0\0", UnsupportedFormat::Bmp),
        (b"II*\0\x08\0\0\0", UnsupportedFormat::Tiff),
        (b"MM\0*\0\0\0\x08", UnsupportedFormat::Tiff),
        (b"%PDF-1.7\n", UnsupportedFormat::Pdf),
        (b"\0\0\0\x20ftypavif\0\0\0\0", UnsupportedFormat::Avif),
        (b"\0\0\0\x18ftypheic\0\0\0\0", UnsupportedFormat::Heif),
        (b"\0\0\x01\0\x01\0\x10\x10\0\0", UnsupportedFormat::Ico),
        (b"PK\x03\x04", UnsupportedFormat::Unknown),
    ];
    for &(bytes, kind) in cases {
        assert_eq!(
            check(bytes),
            Err(InspectError::Unsupported(kind)),
            "{bytes:?}"
        );
    }
}

#[test]
fn binary_kinds_are_refused_within_twelve_bytes() {
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.resize(1000, b'x');
    assert_eq!(bytes_before_error(&pdf).map(|(at, _)| at), Some(5));
    let mut avif = b"\0\0\0\x20ftypavif".to_vec();
    avif.resize(1000, 0);
    assert_eq!(bytes_before_error(&avif).map(|(at, _)| at), Some(12));
    let mut zip = b"PK\x03\x04".to_vec();
    zip.resize(1000, 0);
    assert!(bytes_before_error(&zip).is_some_and(|(at, _)| at <= 12));
}

#[test]
fn text_kinds_are_refused_within_the_window() {
    let mut xml = b"<?xml version=\"1.0\"?>".to_vec();
    xml.resize(10_000, b' ');
    assert_eq!(
        bytes_before_error(&xml),
        Some((256, InspectError::Unsupported(UnsupportedFormat::Xml)))
    );
}

#[test]
fn short_uploads_are_judged_on_what_is_there() {
    assert_eq!(check(b"GIF"), Err(InspectError::Truncated));
    assert_eq!(check(b"\x89PNG"), Err(InspectError::Truncated));
    assert_eq!(
        check(b"<s"),
        Err(InspectError::Unsupported(UnsupportedFormat::Unknown))
    );
    assert_eq!(
        check(b"BM"),
        Err(InspectError::Unsupported(UnsupportedFormat::Bmp))
    );
    assert_eq!(
        check(b"x"),
        Err(InspectError::Unsupported(UnsupportedFormat::Unknown))
    );
}
