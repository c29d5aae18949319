//! Rewrites a PNG's chunk list, copying the chunks that decoding and colour need byte for byte
//! (CRCs included) and dropping text, time stamps, EXIF and every other ancillary chunk.
//!
//! An `eXIf` chunk is replaced by a minimal one holding only the orientation. Unknown critical
//! chunks are kept, since a decoder that understands them may need them; bytes after IEND go.

use super::super::crc32::Crc32;
use super::super::driver::MAX_EXIF;
use super::super::exif;
use super::super::info::Orientation;
use super::driver::{Step, Walk};
use super::error::StripError;
use super::minimal_exif;

const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1A\n";
/// PNG caps lengths at 2^31 - 1 so they survive signed 32-bit readers.
const MAX_PNG_U31: u32 = 0x7FFF_FFFF;
const CRC_LEN: u64 = 4;

/// Ancillary chunks that affect how the pixels look or animate, and so are kept.
const KEPT_ANCILLARY: &[&[u8; 4]] = &[
    b"tRNS", b"cHRM", b"gAMA", b"iCCP", b"sBIT", b"sRGB", b"cICP", b"mDCV", b"cLLI", b"bKGD",
    b"hIST", b"pHYs", b"sPLT", b"acTL", b"fcTL", b"fdAT",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Signature,
    ChunkHead,
    /// Passing over a chunk's data and CRC, copied or dropped.
    Chunk,
    Exif,
    /// Copying IEND's (empty) data and CRC.
    End,
    Done,
}

#[derive(Debug)]
pub(super) struct PngStrip {
    state: State,
    seen_header: bool,
    kept: Option<Orientation>,
}

impl PngStrip {
    pub(super) fn new() -> PngStrip {
        PngStrip {
            state: State::Signature,
            seen_header: false,
            kept: None,
        }
    }

    fn chunk_head(&mut self, got: &[u8], out: &mut Vec<u8>) -> Result<Step, StripError> {
        let length = be32(got);
        let kind = got.get(4..8).unwrap_or_default();
        // The same checks as the inspector's, so the two agree on which files they can follow.
        if length > MAX_PNG_U31 {
            return Err(StripError::Malformed("a PNG chunk length is out of range"));
        }
        if !kind.iter().all(u8::is_ascii_alphabetic) {
            return Err(StripError::Malformed("a PNG chunk has an invalid type"));
        }
        let first = !self.seen_header;
        if first != (kind == b"IHDR") || (first && length != 13) {
            return Err(StripError::Malformed(
                "a PNG must begin with exactly one 13-byte IHDR chunk",
            ));
        }
        self.seen_header = true;
        let whole = u64::from(length) + CRC_LEN;
        // Bit 5 of the first letter (lowercase) marks an ancillary chunk; uppercase is critical.
        let critical = kind.first().is_some_and(u8::is_ascii_uppercase);
        let kept = critical || KEPT_ANCILLARY.iter().any(|k| k.as_slice() == kind);
        let (state, step) = match kind {
            b"IEND" => (State::End, Step::Copy(whole)),
            b"eXIf" => match usize::try_from(length) {
                Ok(len) if len <= MAX_EXIF => (State::Exif, Step::Exif(len)),
                // Too large to buffer: the inspector skips it too and reads no orientation.
                _ => (State::Chunk, Step::Drop(whole)),
            },
            _ if kept => (State::Chunk, Step::Copy(whole)),
            _ => (State::Chunk, Step::Drop(whole)),
        };
        if matches!(step, Step::Copy(_)) {
            out.extend_from_slice(got);
        }
        self.state = state;
        Ok(step)
    }

    /// Replaces an `eXIf` chunk by a minimal one, or by nothing when upright.
    ///
    /// The inspector takes the orientation from the *last* `eXIf` chunk it reads, while the
    /// minimal chunk has to be written where the first one was, before the later ones are seen.
    /// PNG allows only one `eXIf`, so a file with several is refused rather than stored with an
    /// orientation that differs from the one the inspector reported.
    fn exif(&mut self, got: &[u8], out: &mut Vec<u8>) -> Result<Step, StripError> {
        let found = minimal_exif::worth_keeping(exif::orientation(got));
        match (self.kept, found) {
            (None, Some(orientation)) => {
                write_exif_chunk(out, orientation);
                self.kept = Some(orientation);
            }
            (kept, found) if kept == found => {}
            _ => {
                return Err(StripError::Malformed(
                    "the PNG has several eXIf chunks that disagree on the orientation",
                ));
            }
        }
        self.state = State::Chunk;
        Ok(Step::Drop(CRC_LEN))
    }
}

fn write_exif_chunk(out: &mut Vec<u8>, orientation: Orientation) {
    let tiff = minimal_exif::tiff(orientation);
    out.extend_from_slice(&(minimal_exif::TIFF_LEN as u32).to_be_bytes());
    let mut crc = Crc32::new();
    crc.update(b"eXIf");
    crc.update(&tiff);
    out.extend_from_slice(b"eXIf");
    out.extend_from_slice(&tiff);
    out.extend_from_slice(&crc.value().to_be_bytes());
}

fn be32(got: &[u8]) -> u32 {
    let byte = |i: usize| got.get(i).copied().unwrap_or(0);
    u32::from_be_bytes([byte(0), byte(1), byte(2), byte(3)])
}

impl Walk for PngStrip {
    fn start(&self) -> Step {
        Step::Read(SIGNATURE.len())
    }

    fn resume(&mut self, got: &[u8], out: &mut Vec<u8>) -> Result<Step, StripError> {
        match self.state {
            State::Signature if got == SIGNATURE => {
                out.extend_from_slice(got);
                self.state = State::ChunkHead;
                Ok(Step::Read(8))
            }
            State::Signature => Err(StripError::Malformed("the PNG signature is damaged")),
            State::ChunkHead => self.chunk_head(got, out),
            State::Chunk => {
                self.state = State::ChunkHead;
                Ok(Step::Read(8))
            }
            State::Exif => self.exif(got, out),
            State::End | State::Done => {
                self.state = State::Done;
                Ok(Step::Rest)
            }
        }
    }

    fn finish(&self) -> Result<Option<Orientation>, StripError> {
        if self.state == State::Done {
            Ok(self.kept)
        } else {
            Err(StripError::Truncated)
        }
    }
}
