//! Walks a WebP's RIFF chunks to learn its size, frame count and orientation.
//!
//! Every chunk is checked to fit inside the RIFF size, and the file only counts as complete once
//! that many bytes have arrived; anything after the RIFF payload is ignored, as decoders do.

use super::driver::{MAX_EXIF, Step, Walk};
use super::error::{InspectError, check_dimensions, check_frames};
use super::exif;
use super::format::ImageFormat;
use super::info::{ImageInfo, Orientation};
use crate::limits::UploadLimits;

const RIFF_HEADER_LEN: usize = 12;
const CHUNK_HEADER_LEN: u64 = 8;
/// The bytes of each image chunk that hold its dimensions.
const VP8_HEAD: u64 = 10;
const VP8L_HEAD: u64 = 5;
const VP8X_HEAD: u64 = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Head {
    Lossy,
    Lossless,
    Extended,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Riff,
    ChunkHead,
    ImageHead { head: Head, rest: u64 },
    Exif { pad: u64 },
    Skipped,
    Done,
}

#[derive(Debug)]
pub(super) struct WebPWalk {
    limits: UploadLimits,
    state: State,
    /// RIFF payload bytes not yet claimed by a chunk.
    remaining: u64,
    size: Option<(u32, u32)>,
    extended: bool,
    frames: u32,
    orientation: Option<Orientation>,
}

impl WebPWalk {
    pub(super) fn new(limits: UploadLimits) -> WebPWalk {
        WebPWalk {
            limits,
            state: State::Riff,
            remaining: 0,
            size: None,
            extended: false,
            frames: 0,
            orientation: None,
        }
    }

    fn riff(&mut self, got: &[u8]) -> Result<Step, InspectError> {
        if got.get(..4) != Some(b"RIFF") || got.get(8..12) != Some(b"WEBP") {
            return Err(InspectError::malformed("the WebP header is damaged"));
        }
        // The RIFF size counts the "WEBP" tag as well as the chunks.
        let Some(remaining) = u64::from(le32(got, 4)).checked_sub(4) else {
            return Err(InspectError::malformed("the WebP's RIFF size is too small"));
        };
        self.remaining = remaining;
        self.next_chunk()
    }

    fn next_chunk(&mut self) -> Result<Step, InspectError> {
        if self.remaining == 0 {
            if self.size.is_none() {
                return Err(InspectError::malformed("the WebP holds no image"));
            }
            self.state = State::Done;
            return Ok(Step::Rest);
        }
        if self.remaining < CHUNK_HEADER_LEN {
            return Err(InspectError::malformed(
                "a WebP chunk header is cut off by the RIFF size",
            ));
        }
        self.remaining -= CHUNK_HEADER_LEN;
        self.state = State::ChunkHead;
        Ok(Step::Read(CHUNK_HEADER_LEN as usize))
    }

    fn chunk_head(&mut self, got: &[u8]) -> Result<Step, InspectError> {
        let kind = got.get(..4).unwrap_or_default();
        let size = u64::from(le32(got, 4));
        if size > self.remaining {
            return Err(InspectError::malformed(
                "a WebP chunk runs past the end of the RIFF data",
            ));
        }
        // Odd chunks are padded to even length; tolerate a missing pad on the very last chunk.
        let pad = (size % 2).min(self.remaining - size);
        self.remaining -= size + pad;
        let first = self.size.is_none();
        let head = match kind {
            b"VP8 " => Some((Head::Lossy, VP8_HEAD)),
            b"VP8L" => Some((Head::Lossless, VP8L_HEAD)),
            b"VP8X" => Some((Head::Extended, VP8X_HEAD)),
            _ => None,
        };
        match head {
            Some((head, needed)) if first => {
                let Some(rest) = size.checked_sub(needed) else {
                    return Err(InspectError::malformed("a WebP image chunk is too short"));
                };
                self.state = State::ImageHead {
                    head,
                    rest: rest + pad,
                };
                // `needed` is at most 10, so it fits any read.
                Ok(Step::Read(needed as usize))
            }
            _ if first => Err(InspectError::malformed(
                "a WebP must begin with a VP8, VP8L or VP8X chunk",
            )),
            _ if self.extended && kind == b"ANMF" => {
                self.frames = self.frames.saturating_add(1);
                check_frames(self.frames, &self.limits)?;
                self.skip(size + pad)
            }
            _ if kind == b"EXIF" && self.orientation.is_none() => match usize::try_from(size) {
                Ok(len) if len <= MAX_EXIF => {
                    self.state = State::Exif { pad };
                    Ok(Step::Exif(len))
                }
                _ => self.skip(size + pad),
            },
            _ => self.skip(size + pad),
        }
    }

    fn skip(&mut self, bytes: u64) -> Result<Step, InspectError> {
        self.state = State::Skipped;
        Ok(Step::Skip(bytes))
    }

    fn image_head(&mut self, head: Head, got: &[u8], rest: u64) -> Result<Step, InspectError> {
        let (width, height) = match head {
            Head::Lossy => lossy_size(got)?,
            Head::Lossless => lossless_size(got)?,
            Head::Extended => {
                self.extended = true;
                (le24(got, 4) + 1, le24(got, 7) + 1)
            }
        };
        check_dimensions(width, height, &self.limits)?;
        self.size = Some((width, height));
        self.skip(rest)
    }
}

fn lossy_size(got: &[u8]) -> Result<(u32, u32), InspectError> {
    // Bit 0 of the frame tag is set for interframes; a still must start with a keyframe.
    if got.first().is_some_and(|tag| tag & 1 == 1) {
        return Err(InspectError::malformed(
            "the WebP's first frame is not a keyframe",
        ));
    }
    if got.get(3..6) != Some(&[0x9D, 0x01, 0x2A]) {
        return Err(InspectError::malformed(
            "the WebP VP8 start code is missing",
        ));
    }
    // The top two bits of each field are an upscaling hint, not part of the size.
    let width = le16(got, 6) & 0x3FFF;
    let height = le16(got, 8) & 0x3FFF;
    if width == 0 || height == 0 {
        return Err(InspectError::malformed(
            "the WebP declares a zero width or height",
        ));
    }
    Ok((width, height))
}

fn lossless_size(got: &[u8]) -> Result<(u32, u32), InspectError> {
    if got.first() != Some(&0x2F) {
        return Err(InspectError::malformed(
            "the WebP VP8L signature is missing",
        ));
    }
    let bits = le32(got, 1);
    // The top three bits are a version number that must be zero.
    if bits >> 29 != 0 {
        return Err(InspectError::malformed("the WebP VP8L version is unknown"));
    }
    Ok(((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1))
}

fn le16(got: &[u8], at: usize) -> u32 {
    let byte = |i: usize| got.get(i).copied().unwrap_or(0);
    u32::from(u16::from_le_bytes([byte(at), byte(at + 1)]))
}

fn le24(got: &[u8], at: usize) -> u32 {
    let byte = |i: usize| got.get(i).copied().unwrap_or(0);
    u32::from_le_bytes([byte(at), byte(at + 1), byte(at + 2), 0])
}

fn le32(got: &[u8], at: usize) -> u32 {
    let byte = |i: usize| got.get(i).copied().unwrap_or(0);
    u32::from_le_bytes([byte(at), byte(at + 1), byte(at + 2), byte(at + 3)])
}

impl Walk for WebPWalk {
    fn start(&self) -> Step {
        Step::Read(RIFF_HEADER_LEN)
    }

    fn resume(&mut self, got: &[u8]) -> Result<Step, InspectError> {
        match self.state {
            State::Riff => self.riff(got),
            State::ChunkHead => self.chunk_head(got),
            State::ImageHead { head, rest } => self.image_head(head, got, rest),
            State::Exif { pad } => {
                self.orientation = exif::orientation(got);
                self.skip(pad)
            }
            State::Skipped => self.next_chunk(),
            State::Done => Ok(Step::Rest),
        }
    }

    fn finish(&self) -> Result<ImageInfo, InspectError> {
        match (self.state, self.size) {
            (State::Done, Some((width, height))) => Ok(ImageInfo {
                format: ImageFormat::WebP,
                stored_width: width,
                stored_height: height,
                orientation: self.orientation.unwrap_or(Orientation::NORMAL),
                frame_count: self.frames.max(1),
            }),
            _ => Err(InspectError::Truncated),
        }
    }
}
