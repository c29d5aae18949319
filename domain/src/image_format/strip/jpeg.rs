//! Rewrites a JPEG's marker segments, keeping what decoding and colour need and dropping the rest.
//!
//! Kept: SOI, APP0 JFIF (without its thumbnail), APP2 ICC_PROFILE, APP14 Adobe, every non-APP
//! segment and the entropy-coded data, EOI. Dropped: COM, APP1 (EXIF, XMP), other APP2 (MPF),
//! APP3–APP13, APP15, and everything after EOI (MPF secondary images, appended payloads). The
//! first EXIF block the inspector would take its orientation from is replaced by a minimal one.

use super::super::driver::MAX_EXIF;
use super::super::exif;
use super::super::info::Orientation;
use super::driver::{Step, Walk};
use super::error::StripError;
use super::minimal_exif::{self, JPEG_EXIF_ID};

const SOI: u8 = 0xD8;
const EOI: u8 = 0xD9;
const SOS: u8 = 0xDA;
const TEM: u8 = 0x01;
const APP0: u8 = 0xE0;
const APP1: u8 = 0xE1;
const APP2: u8 = 0xE2;
const APP14: u8 = 0xEE;
const APP15: u8 = 0xEF;
const COM: u8 = 0xFE;

const JFIF_ID: &[u8] = b"JFIF\0";
/// JFIF's fixed fields: identifier, version (2), units, densities (2 + 2), thumbnail size (2).
const JFIF_LEN: usize = 14;
const ICC_ID: &[u8] = b"ICC_PROFILE\0";
const ADOBE_ID: &[u8] = b"Adobe";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Soi,
    /// Between segments before the first scan, where only a marker may come.
    MarkerStart,
    /// After an 0xFF: the marker code.
    MarkerCode,
    Length(u8),
    /// The first bytes of an APP0, APP2 or APP14 payload, to tell which kind it is.
    Identifier {
        code: u8,
        length: u16,
        rest: u64,
    },
    ExifId {
        rest: u64,
    },
    Exif,
    /// Passing over a segment's payload, copied or dropped.
    Segment,
    /// After the first scan, copying entropy-coded data up to the next marker.
    Entropy,
    Done,
}

#[derive(Debug)]
pub(super) struct JpegStrip {
    state: State,
    /// Whether the first SOS has been seen: from there on the inspector reads no more EXIF,
    /// and bytes between segments are entropy-coded data.
    scanning: bool,
    /// The orientation found the way the inspector finds it: the first EXIF block it reads
    /// that yields one.
    found: Option<Orientation>,
    kept: Option<Orientation>,
}

impl JpegStrip {
    pub(super) fn new() -> JpegStrip {
        JpegStrip {
            state: State::Soi,
            scanning: false,
            found: None,
            kept: None,
        }
    }

    /// Where the next marker is looked for: right away before the first scan, after any
    /// entropy-coded data once scanning (which also tolerates stray bytes between segments
    /// there, as decoders do).
    fn next_marker(&mut self) -> Step {
        if self.scanning {
            self.state = State::Entropy;
            Step::Entropy
        } else {
            self.state = State::MarkerStart;
            Step::Read(1)
        }
    }

    fn marker(&mut self, code: u8, out: &mut Vec<u8>) -> Result<Step, StripError> {
        match code {
            // Fill bytes: any number of 0xFF may precede a marker code. They carry nothing, so
            // they are dropped, which also keeps the buffering bounded.
            0xFF => {
                self.state = State::MarkerCode;
                Ok(Step::Read(1))
            }
            // Inside entropy-coded data, 0xFF 0x00 is a stuffed 0xFF data byte.
            0x00 if self.scanning => {
                out.extend_from_slice(&[0xFF, code]);
                Ok(self.next_marker())
            }
            0xD0..=0xD7 | TEM => {
                out.extend_from_slice(&[0xFF, code]);
                Ok(self.next_marker())
            }
            0x00 | SOI => Err(StripError::Malformed("a JPEG marker is invalid")),
            EOI if self.scanning => {
                out.extend_from_slice(&[0xFF, EOI]);
                self.state = State::Done;
                Ok(Step::Rest)
            }
            EOI => Err(StripError::Malformed("the JPEG ends before any image data")),
            _ => {
                self.state = State::Length(code);
                Ok(Step::Read(2))
            }
        }
    }

    fn segment(&mut self, code: u8, length: u16, out: &mut Vec<u8>) -> Result<Step, StripError> {
        let Some(payload) = length.checked_sub(2).map(u64::from) else {
            return Err(StripError::Malformed("a JPEG segment length is too short"));
        };
        let identify = |id_len: usize| {
            let read = payload.min(id_len as u64);
            let state = State::Identifier {
                code,
                length,
                rest: payload - read,
            };
            // `read` is at most 14, within the driver's limit for one read.
            (state, Step::Read(read as usize))
        };
        let (state, step) = match code {
            APP0 => identify(JFIF_LEN),
            APP2 => identify(ICC_ID.len()),
            APP14 => identify(ADOBE_ID.len()),
            // The inspector's rule: EXIF is read before the first scan, until one block yields
            // an orientation.
            APP1 if !self.scanning
                && self.found.is_none()
                && payload >= JPEG_EXIF_ID.len() as u64 =>
            {
                let rest = payload - JPEG_EXIF_ID.len() as u64;
                (State::ExifId { rest }, Step::Read(JPEG_EXIF_ID.len()))
            }
            APP0..=APP15 | COM => (State::Segment, Step::Drop(payload)),
            _ => {
                if code == SOS {
                    self.scanning = true;
                }
                write_head(out, code, length);
                (State::Segment, Step::Copy(payload))
            }
        };
        self.state = state;
        Ok(step)
    }

    fn identified(
        &mut self,
        code: u8,
        length: u16,
        got: &[u8],
        rest: u64,
        out: &mut Vec<u8>,
    ) -> Step {
        self.state = State::Segment;
        match code {
            APP0 if got.len() == JFIF_LEN && got.starts_with(JFIF_ID) => {
                // Keep the JFIF fields but not the thumbnail that may follow them: its size is
                // set to 0×0 and its pixels are dropped.
                write_head(out, APP0, 2 + JFIF_LEN as u16);
                out.extend_from_slice(got.get(..JFIF_LEN - 2).unwrap_or_default());
                out.extend_from_slice(&[0, 0]);
                Step::Drop(rest)
            }
            APP2 if got == ICC_ID => {
                write_head(out, code, length);
                out.extend_from_slice(got);
                Step::Copy(rest)
            }
            APP14 if got == ADOBE_ID => {
                write_head(out, code, length);
                out.extend_from_slice(got);
                Step::Copy(rest)
            }
            _ => Step::Drop(rest),
        }
    }

    fn exif_id(&mut self, got: &[u8], rest: u64) -> Step {
        match usize::try_from(rest) {
            Ok(len) if got == JPEG_EXIF_ID && len <= MAX_EXIF => {
                self.state = State::Exif;
                Step::Exif(len)
            }
            _ => {
                self.state = State::Segment;
                Step::Drop(rest)
            }
        }
    }

    fn exif(&mut self, got: &[u8], out: &mut Vec<u8>) -> Step {
        self.found = exif::orientation(got);
        if let Some(orientation) = minimal_exif::worth_keeping(self.found) {
            let tiff = minimal_exif::tiff(orientation);
            let length = 2 + JPEG_EXIF_ID.len() + tiff.len();
            write_head(out, APP1, length as u16);
            out.extend_from_slice(JPEG_EXIF_ID);
            out.extend_from_slice(&tiff);
            self.kept = Some(orientation);
        }
        self.next_marker()
    }
}

fn write_head(out: &mut Vec<u8>, code: u8, length: u16) {
    out.extend_from_slice(&[0xFF, code]);
    out.extend_from_slice(&length.to_be_bytes());
}

fn be16(got: &[u8]) -> u16 {
    let byte = |i: usize| got.get(i).copied().unwrap_or(0);
    u16::from_be_bytes([byte(0), byte(1)])
}

impl Walk for JpegStrip {
    fn start(&self) -> Step {
        Step::Read(2)
    }

    fn resume(&mut self, got: &[u8], out: &mut Vec<u8>) -> Result<Step, StripError> {
        match self.state {
            State::Soi => {
                if got != [0xFF, SOI] {
                    return Err(StripError::Malformed("the JPEG does not start with SOI"));
                }
                out.extend_from_slice(got);
                self.state = State::MarkerStart;
                Ok(Step::Read(1))
            }
            State::MarkerStart if got == [0xFF] => {
                self.state = State::MarkerCode;
                Ok(Step::Read(1))
            }
            State::MarkerStart => Err(StripError::Malformed(
                "a JPEG segment does not start with a marker",
            )),
            // The driver consumed the 0xFF that ended the entropy-coded run.
            State::Entropy => {
                self.state = State::MarkerCode;
                Ok(Step::Read(1))
            }
            State::MarkerCode => self.marker(got.first().copied().unwrap_or(0), out),
            State::Length(code) => self.segment(code, be16(got), out),
            State::Identifier { code, length, rest } => {
                Ok(self.identified(code, length, got, rest, out))
            }
            State::ExifId { rest } => Ok(self.exif_id(got, rest)),
            State::Exif => Ok(self.exif(got, out)),
            State::Segment => Ok(self.next_marker()),
            State::Done => Ok(Step::Rest),
        }
    }

    fn finish(&self) -> Result<Option<Orientation>, StripError> {
        // Like the inspector, a JPEG counts as complete once its first scan has begun: many
        // files lack EOI and decoders show them regardless.
        if self.scanning {
            Ok(self.kept)
        } else {
            Err(StripError::Truncated)
        }
    }
}
