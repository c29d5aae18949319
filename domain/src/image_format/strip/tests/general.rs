//! Format-independent behaviour: sniffing, refusals, sticky errors and the report.

use super::super::super::UnsupportedFormat;
use super::fixtures::{encode_png, png_chunk, png_with};
use super::{MetadataStripper, StripError, report, strip, strip_in_pieces};

#[test]
fn empty_input_is_refused() {
    assert_eq!(strip(b""), Err(StripError::Empty));
    assert_eq!(
        MetadataStripper::new().finish(&mut Vec::new()),
        Err(StripError::Empty)
    );
}

#[test]
fn other_formats_are_refused_by_name() {
    assert_eq!(
        strip(b"%PDF-1.7\n"),
        Err(StripError::Unsupported(UnsupportedFormat::Pdf))
    );
    assert_eq!(
        strip(b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
        Err(StripError::Unsupported(UnsupportedFormat::Svg))
    );
}

#[test]
fn a_cut_signature_is_truncated() {
    assert_eq!(strip(b"\x89PN"), Err(StripError::Truncated));
    assert_eq!(strip(b"GIF8"), Err(StripError::Truncated));
}

#[test]
fn errors_stick() {
    let mut stripper = MetadataStripper::new();
    let mut out = Vec::new();
    let first = stripper.feed(b"\x89PNG\r\n\x1A\n\0\0\0\x0DIDAT", &mut out);
    assert_eq!(
        first,
        Err(StripError::Malformed(
            "a PNG must begin with exactly one 13-byte IHDR chunk"
        ))
    );
    assert_eq!(stripper.feed(&encode_png(2, 2), &mut out), first);
    assert_eq!(stripper.finish(&mut out).map(|_| ()), first);
}

#[test]
fn output_is_written_as_it_streams() {
    let png = encode_png(8, 8);
    let mut stripper = MetadataStripper::new();
    let mut out = Vec::new();
    assert_eq!(stripper.feed(&png[..40], &mut out), Ok(()));
    // The signature and the whole IHDR chunk are out before the rest arrives.
    assert_eq!(out, png[..33]);
}

#[test]
fn the_report_counts_removed_bytes() {
    let png = encode_png(4, 4);
    let text = png_chunk(b"tEXt", b"Comment\0hello");
    let with_text = png_with(&png, std::slice::from_ref(&text));
    let report = report(&with_text);
    assert_eq!(report.removed_bytes, text.len() as u64);
    assert_eq!(report.kept_orientation, None);
    let unchanged = strip_in_pieces(&png, &[1]).map(|(_, report)| report.removed_bytes);
    assert_eq!(unchanged, Ok(0));
}

#[test]
fn default_is_new() {
    let mut out = Vec::new();
    assert_eq!(
        MetadataStripper::default().finish(&mut out),
        Err(StripError::Empty)
    );
}
