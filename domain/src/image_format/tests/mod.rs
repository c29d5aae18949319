//! Tests of the public inspection API, grouped by format, over files built by hand in `build`.
//!
//! Hand-built files keep every byte visible in the test that relies on it, with no binary
//! fixtures to drift out of sync with the assertions.

mod build;
mod gif;
mod jpeg;
mod png;
mod props;
mod sniffing;
mod webp;

use super::{ImageInfo, ImageInspector, InspectError, inspect};
use crate::limits::UploadLimits;

/// Inspects `bytes` with the default limits in one piece.
fn check(bytes: &[u8]) -> Result<ImageInfo, InspectError> {
    inspect(bytes, UploadLimits::DEFAULT)
}

/// Feeds `bytes` in pieces whose sizes cycle through `sizes` (0 counts as 1), then finishes.
fn check_in_pieces(
    bytes: &[u8],
    sizes: &[usize],
    limits: UploadLimits,
) -> Result<ImageInfo, InspectError> {
    let mut inspector = ImageInspector::new(limits);
    let mut rest = bytes;
    let mut turn = 0;
    while !rest.is_empty() {
        let size = sizes.get(turn % sizes.len().max(1)).copied().unwrap_or(1);
        let (piece, later) = rest.split_at(size.clamp(1, rest.len()));
        // Errors are sticky, so carrying on after one must not change the verdict.
        let _ = inspector.feed(piece);
        rest = later;
        turn += 1;
    }
    inspector.finish()
}

/// Feeds `bytes` one at a time and reports how many went in before `feed` first failed.
fn bytes_before_error(bytes: &[u8]) -> Option<(usize, InspectError)> {
    let mut inspector = ImageInspector::new(UploadLimits::DEFAULT);
    bytes
        .iter()
        .enumerate()
        .find_map(|(at, byte)| inspector.feed(&[*byte]).err().map(|e| (at + 1, e)))
}

/// The info for `bytes`, which the test expects to be accepted under the default limits.
fn accepted(bytes: &[u8]) -> ImageInfo {
    match check(bytes) {
        Ok(info) => info,
        Err(error) => panic!("expected an accepted image, got {error:?}"),
    }
}

/// Where and why feeding `bytes` one at a time is first refused; the test expects a refusal.
fn refused_at(bytes: &[u8]) -> (usize, InspectError) {
    match bytes_before_error(bytes) {
        Some(refusal) => refusal,
        None => panic!("expected feeding to be refused"),
    }
}

/// Limits with room for any test file's bytes, and the given dimension and frame limits.
fn limits(max_side: u32, max_pixels: u64, max_frames: u32) -> UploadLimits {
    match UploadLimits::new(1 << 20, max_side, max_pixels, max_frames) {
        Ok(limits) => limits,
        Err(error) => panic!("test limits are invalid: {error}"),
    }
}

fn malformed(result: Result<ImageInfo, InspectError>) -> String {
    match result {
        Err(InspectError::Malformed(why)) => why,
        other => panic!("expected Malformed, got {other:?}"),
    }
}

#[test]
fn empty_upload() {
    assert_eq!(check(b""), Err(InspectError::Empty));
    assert_eq!(
        ImageInspector::new(UploadLimits::DEFAULT).finish(),
        Err(InspectError::Empty)
    );
}

#[test]
fn errors_stick() {
    let mut inspector = ImageInspector::new(UploadLimits::DEFAULT);
    let first = inspector.feed(b"%PDF-1.4\n");
    assert!(first.is_err());
    assert_eq!(inspector.feed(&build::png(10, 10, &[])), first);
    assert_eq!(inspector.finish(), first.map(|()| unreachable!()));
}

#[test]
fn format_is_known_once_sniffed() {
    let bytes = build::png(4, 4, &[]);
    let mut inspector = ImageInspector::new(UploadLimits::DEFAULT);
    assert_eq!(inspector.format(), None);
    assert_eq!(inspector.feed(&bytes[..4]), Ok(()));
    assert_eq!(inspector.format(), None);
    assert_eq!(inspector.feed(&bytes[4..10]), Ok(()));
    assert_eq!(inspector.format(), Some(super::ImageFormat::Png));
    assert_eq!(inspector.feed(&bytes[10..]), Ok(()));
    assert_eq!(inspector.finish().map(|info| info.stored_width), Ok(4));
}
