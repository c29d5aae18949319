//! Tests of the metadata stripper, by format, over real encoder output with spliced metadata.
//!
//! Every format's test checks the same promises: the secrets are gone, the orientation survives
//! alone in a minimal EXIF block that an independent reader accepts, the colour profile is
//! byte-identical, and the decoded pixels are exactly the input's.

mod camera;
mod fixtures;
mod general;
mod gif;
mod jpeg;
mod png;
mod props;
mod webp;

use super::super::{ImageInfo, inspect};
use super::{MetadataStripper, StripError, StripReport};
use crate::limits::UploadLimits;

/// Strips `bytes` fed in one piece.
fn strip(bytes: &[u8]) -> Result<(Vec<u8>, StripReport), StripError> {
    strip_in_pieces(bytes, &[bytes.len()])
}

/// Strips `bytes` fed in pieces whose sizes cycle through `sizes` (0 counts as 1).
fn strip_in_pieces(bytes: &[u8], sizes: &[usize]) -> Result<(Vec<u8>, StripReport), StripError> {
    let mut stripper = MetadataStripper::new();
    let mut out = Vec::new();
    let mut rest = bytes;
    let mut turn = 0;
    while !rest.is_empty() {
        let size = sizes.get(turn % sizes.len().max(1)).copied().unwrap_or(1);
        let (piece, later) = rest.split_at(size.clamp(1, rest.len()));
        stripper.feed(piece, &mut out)?;
        rest = later;
        turn += 1;
    }
    let report = stripper.finish(&mut out)?;
    Ok((out, report))
}

/// The stripped bytes of a file the test expects to be stripped without error.
fn stripped(bytes: &[u8]) -> Vec<u8> {
    match strip(bytes) {
        Ok((out, _)) => out,
        Err(error) => panic!("expected the file to be stripped, got {error:?}"),
    }
}

/// The report for a file the test expects to be stripped without error.
fn report(bytes: &[u8]) -> StripReport {
    match strip(bytes) {
        Ok((_, report)) => report,
        Err(error) => panic!("expected the file to be stripped, got {error:?}"),
    }
}

/// The inspector's verdict with the default limits.
fn inspected(bytes: &[u8]) -> ImageInfo {
    match inspect(bytes, UploadLimits::DEFAULT) {
        Ok(info) => info,
        Err(error) => panic!("expected the inspector to accept the file, got {error:?}"),
    }
}

/// Decodes a still image to RGBA pixels.
fn pixels(bytes: &[u8]) -> Vec<u8> {
    match image::load_from_memory(bytes) {
        Ok(decoded) => decoded.to_rgba8().into_raw(),
        Err(error) => panic!("the image crate cannot decode the file: {error}"),
    }
}

/// The checks every metadata-laden fixture must pass once stripped: the inspector reports the
/// same facts, the pixels decode the same, a second strip changes nothing.
fn assert_faithful(input: &[u8], output: &[u8]) {
    assert_eq!(inspected(output), inspected(input));
    assert_eq!(pixels(output), pixels(input));
    assert_eq!(stripped(output), output, "stripping must be idempotent");
}
