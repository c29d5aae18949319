//! Decides from an upload's first bytes which format it claims to be.
//!
//! Refused kinds are named, not lumped together, so the client learns it sent an SVG or a PDF.
//! Decisions are monotone: once a prefix decides, every longer prefix decides the same way, which
//! keeps the verdict independent of how the upload was split into chunks.

use super::format::{ImageFormat, UnsupportedFormat};

/// How many leading bytes the text rules (SVG, XML, HTML) may look at.
pub(super) const TEXT_WINDOW: usize = 256;

/// The verdict on a prefix of the upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Sniffed {
    Supported(ImageFormat),
    Unsupported(UnsupportedFormat),
    /// More bytes could change the verdict.
    NeedMore,
    /// The stream ended partway through an accepted format's signature.
    Truncated,
}

#[derive(Clone, Copy)]
enum Kind {
    Supported(ImageFormat),
    Unsupported(UnsupportedFormat),
}

/// A binary signature: every `(offset, bytes)` part must match.
struct Magic {
    parts: &'static [(usize, &'static [u8])],
    kind: Kind,
}

const fn magic(parts: &'static [(usize, &'static [u8])], kind: Kind) -> Magic {
    Magic { parts, kind }
}

use Kind::{Supported as Yes, Unsupported as No};
use UnsupportedFormat as U;

/// In priority order; the first signature that is not ruled out decides or waits.
const MAGICS: &[Magic] = &[
    magic(&[(0, b"\xFF\xD8\xFF")], Yes(ImageFormat::Jpeg)),
    magic(&[(0, b"\x89PNG\r\n\x1A\n")], Yes(ImageFormat::Png)),
    magic(&[(0, b"GIF87a")], Yes(ImageFormat::Gif)),
    magic(&[(0, b"GIF89a")], Yes(ImageFormat::Gif)),
    magic(&[(0, b"RIFF"), (8, b"WEBP")], Yes(ImageFormat::WebP)),
    magic(&[(0, b"BM")], No(U::Bmp)),
    magic(&[(0, b"II*\0")], No(U::Tiff)),
    magic(&[(0, b"MM\0*")], No(U::Tiff)),
    magic(&[(0, b"%PDF-")], No(U::Pdf)),
    magic(&[(4, b"ftypavif")], No(U::Avif)),
    magic(&[(4, b"ftypavis")], No(U::Avif)),
    magic(&[(4, b"ftypheic")], No(U::Heif)),
    magic(&[(4, b"ftypheix")], No(U::Heif)),
    magic(&[(4, b"ftypmif1")], No(U::Heif)),
    magic(&[(4, b"ftypmsf1")], No(U::Heif)),
    // Other ISO media (MP4, QuickTime): listed so a box size of 256 is not mistaken for ICO.
    magic(&[(4, b"ftyp")], No(U::Unknown)),
    magic(&[(0, b"\0\0\x01\0")], No(U::Ico)),
];

enum Fit {
    Match,
    Partial,
    Mismatch,
}

fn fit(magic: &Magic, head: &[u8]) -> Fit {
    let mut complete = true;
    for &(offset, bytes) in magic.parts {
        let seen = head.get(offset..).unwrap_or_default();
        let common = seen.len().min(bytes.len());
        if seen[..common] != bytes[..common] {
            return Fit::Mismatch;
        }
        complete &= common == bytes.len();
    }
    if complete { Fit::Match } else { Fit::Partial }
}

/// Judges `head`, the upload's first bytes; `complete` says the upload holds no more.
pub(super) fn sniff(head: &[u8], complete: bool) -> Sniffed {
    let complete = complete || head.len() >= TEXT_WINDOW;
    for magic in MAGICS {
        match (fit(magic, head), magic.kind) {
            (Fit::Match, Yes(format)) => return Sniffed::Supported(format),
            (Fit::Match, No(kind)) => return Sniffed::Unsupported(kind),
            (Fit::Partial, _) if !complete => return Sniffed::NeedMore,
            (Fit::Partial, Yes(_)) => return Sniffed::Truncated,
            (Fit::Partial, No(_)) | (Fit::Mismatch, _) => {}
        }
    }
    sniff_text(head, complete)
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

const HTML_OPENINGS: &[&[u8]] = &[b"<!doctype html", b"<html", b"<head", b"<body", b"<script"];

fn sniff_text(head: &[u8], complete: bool) -> Sniffed {
    let undecided = if complete {
        Sniffed::Unsupported(U::Unknown)
    } else {
        Sniffed::NeedMore
    };
    if !complete && BOM.starts_with(head) {
        return undecided;
    }
    let text = head.strip_prefix(BOM).unwrap_or(head);
    let text = match text.iter().position(|b| !b.is_ascii_whitespace()) {
        Some(start) => &text[start..],
        None => return undecided,
    };
    if !text.starts_with(b"<") {
        return Sniffed::Unsupported(U::Unknown);
    }
    let mut waiting = false;
    let mut opens = |opening: &[u8]| {
        let common = text.len().min(opening.len());
        let agrees = text[..common].eq_ignore_ascii_case(&opening[..common]);
        waiting |= agrees && common < opening.len();
        agrees && common == opening.len()
    };
    if opens(b"<svg") || opens(b"<!doctype svg") {
        return Sniffed::Unsupported(U::Svg);
    }
    if HTML_OPENINGS.iter().any(|opening| opens(opening)) {
        return Sniffed::Unsupported(U::Html);
    }
    if opens(b"<?xml") {
        let window = &head[..head.len().min(TEXT_WINDOW)];
        if window.windows(4).any(|w| w.eq_ignore_ascii_case(b"<svg")) {
            return Sniffed::Unsupported(U::Svg);
        }
        return if complete {
            Sniffed::Unsupported(U::Xml)
        } else {
            Sniffed::NeedMore
        };
    }
    if waiting {
        undecided
    } else {
        Sniffed::Unsupported(U::Unknown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(head: &[u8]) -> Sniffed {
        sniff(head, true)
    }

    #[test]
    fn accepted_signatures() {
        assert_eq!(
            verdict(b"\xFF\xD8\xFF\xE0"),
            Sniffed::Supported(ImageFormat::Jpeg)
        );
        assert_eq!(
            verdict(b"\x89PNG\r\n\x1A\n"),
            Sniffed::Supported(ImageFormat::Png)
        );
        assert_eq!(verdict(b"GIF87a"), Sniffed::Supported(ImageFormat::Gif));
        assert_eq!(verdict(b"GIF89a"), Sniffed::Supported(ImageFormat::Gif));
        assert_eq!(
            verdict(b"RIFF\0\0\0\0WEBP"),
            Sniffed::Supported(ImageFormat::WebP)
        );
    }

    #[test]
    fn refused_binary_signatures() {
        let cases: &[(&[u8], UnsupportedFormat)] = &[
            (b"BM\x36\0", U::Bmp),
            (b"II*\0\x08\0", U::Tiff),
            (b"MM\0*\0\0", U::Tiff),
            (b"%PDF-1.7", U::Pdf),
            (b"\0\0\x01\0\x01\0\x10\x10", U::Ico),
            (b"\0\0\0\x1CftypavifXXXX", U::Avif),
            (b"\0\0\0\x1Cftypavis", U::Avif),
            (b"\0\0\0\x18ftypheic", U::Heif),
            (b"\0\0\0\x18ftypmif1", U::Heif),
            (b"\0\0\x01\0ftypisom", U::Unknown),
            (b"RIFF\0\0\0\0WAVE", U::Unknown),
            (b"hello", U::Unknown),
        ];
        for &(head, kind) in cases {
            assert_eq!(verdict(head), Sniffed::Unsupported(kind), "{head:?}");
            assert_eq!(sniff(head, false), Sniffed::Unsupported(kind), "{head:?}");
        }
    }

    #[test]
    fn refused_text_kinds() {
        let cases: &[(&[u8], UnsupportedFormat)] = &[
            (b"<svg xmlns='http://www.w3.org/2000/svg'/>", U::Svg),
            (b"\xEF\xBB\xBF  \n<SVG>", U::Svg),
            (b"<?xml version='1.0'?>\n<!-- x -->\n<svg/>", U::Svg),
            (b"<?xml version='1.0'?><feed/>", U::Xml),
            (b"<!DOCTYPE html><html>", U::Html),
            (b"\t<HTML>", U::Html),
            (b"<head>", U::Html),
            (b"<body>", U::Html),
            (b"<script>", U::Html),
            (b"<p>hi</p>", U::Unknown),
        ];
        for &(head, kind) in cases {
            assert_eq!(verdict(head), Sniffed::Unsupported(kind), "{head:?}");
        }
    }

    #[test]
    fn xml_waits_for_the_window_before_ruling_out_svg() {
        let head = b"<?xml version='1.0'?>";
        assert_eq!(sniff(head, false), Sniffed::NeedMore);
        let mut long = head.to_vec();
        long.resize(TEXT_WINDOW, b' ');
        assert_eq!(sniff(&long, false), Sniffed::Unsupported(U::Xml));
        long.extend_from_slice(b"<svg>");
        assert_eq!(sniff(&long, false), Sniffed::Unsupported(U::Xml));
    }

    #[test]
    fn short_prefixes_wait_or_decide_at_the_end() {
        assert_eq!(sniff(b"GIF", false), Sniffed::NeedMore);
        assert_eq!(verdict(b"GIF"), Sniffed::Truncated);
        assert_eq!(verdict(b"\xFF\xD8"), Sniffed::Truncated);
        assert_eq!(verdict(b"RIFF\x10\0\0\0WE"), Sniffed::Truncated);
        assert_eq!(sniff(b"<s", false), Sniffed::NeedMore);
        assert_eq!(verdict(b"<s"), Sniffed::Unsupported(U::Unknown));
        assert_eq!(verdict(b"\0\0\x01\0"), Sniffed::Unsupported(U::Ico));
        assert_eq!(verdict(b"   "), Sniffed::Unsupported(U::Unknown));
        assert_eq!(sniff(b"   ", false), Sniffed::NeedMore);
    }

    #[test]
    fn binary_signatures_decide_within_twelve_bytes() {
        assert_ne!(sniff(b"\0\0\0\x1Cftypavif", false), Sniffed::NeedMore);
        assert_ne!(sniff(b"RIFF\0\0\0\0WEBX", false), Sniffed::NeedMore);
        assert_ne!(
            sniff(b"\x01\x02\x03\x04\x05\x06\x07\x08", false),
            Sniffed::NeedMore
        );
    }
}
