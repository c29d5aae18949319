//! Walks a PNG's chunks to learn its size, frame count (APNG) and orientation, verifying every
//! chunk's CRC as the bytes stream past.
//!
//! Checksums are verified because a PNG that fails them is refused by most decoders anyway, and
//! refusing it here gives the client a clear reason instead of a failed thumbnail later.

use super::crc32::Crc32;
use super::driver::{MAX_EXIF, Step, Walk};
use super::error::{InspectError, check_dimensions, check_frames};
use super::exif;
use super::format::ImageFormat;
use super::info::{ImageInfo, Orientation};
use crate::limits::UploadLimits;

const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1A\n";
/// PNG caps lengths and dimensions at 2^31 - 1 so they survive signed 32-bit readers.
const MAX_PNG_U31: u32 = 0x7FFF_FFFF;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Data {
    Header,
    AnimationControl,
    Exif,
    Other,
    End,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Signature,
    ChunkHead,
    ChunkData(Data),
    Crc(Data),
    AfterEnd,
}

#[derive(Debug)]
pub(super) struct PngWalk {
    limits: UploadLimits,
    state: State,
    crc: Crc32,
    size: Option<(u32, u32)>,
    frames: Option<u32>,
    orientation: Option<Orientation>,
}

impl PngWalk {
    pub(super) fn new(limits: UploadLimits) -> PngWalk {
        PngWalk {
            limits,
            state: State::Signature,
            crc: Crc32::new(),
            size: None,
            frames: None,
            orientation: None,
        }
    }

    fn chunk_head(&mut self, got: &[u8]) -> Result<Step, InspectError> {
        let length = be32(got, 0);
        let kind = got.get(4..8).unwrap_or_default();
        if length > MAX_PNG_U31 {
            return Err(InspectError::malformed(
                "a PNG chunk length is out of range",
            ));
        }
        if !kind.iter().all(u8::is_ascii_alphabetic) {
            return Err(InspectError::malformed("a PNG chunk has an invalid type"));
        }
        let first = self.size.is_none();
        if first != (kind == b"IHDR") || (first && length != 13) {
            return Err(InspectError::malformed(
                "a PNG must begin with exactly one 13-byte IHDR chunk",
            ));
        }
        self.crc = Crc32::new();
        self.crc.update(kind);
        let mut data = match kind {
            b"IHDR" => Data::Header,
            b"acTL" if length == 8 => Data::AnimationControl,
            b"acTL" => {
                return Err(InspectError::malformed(
                    "a PNG acTL chunk has the wrong length",
                ));
            }
            b"eXIf" => Data::Exif,
            b"IEND" => Data::End,
            _ => Data::Other,
        };
        let step = match data {
            Data::Header => Step::Read(13),
            Data::AnimationControl => Step::Read(8),
            Data::Exif => match usize::try_from(length) {
                Ok(len) if len <= MAX_EXIF => Step::Exif(len),
                // Too large to buffer: pass over it (still checksummed) and keep no orientation.
                _ => {
                    data = Data::Other;
                    Step::Skip(u64::from(length))
                }
            },
            Data::Other | Data::End => Step::Skip(u64::from(length)),
        };
        self.state = State::ChunkData(data);
        Ok(step)
    }

    fn chunk_data(&mut self, data: Data, got: &[u8]) -> Result<Step, InspectError> {
        self.crc.update(got);
        match data {
            Data::Header => {
                let (width, height) = (be32(got, 0), be32(got, 4));
                if width == 0 || height == 0 {
                    return Err(InspectError::malformed(
                        "the PNG declares a zero width or height",
                    ));
                }
                if width > MAX_PNG_U31 || height > MAX_PNG_U31 {
                    return Err(InspectError::malformed(
                        "the PNG's dimensions are out of range",
                    ));
                }
                check_dimensions(width, height, &self.limits)?;
                self.size = Some((width, height));
            }
            Data::AnimationControl => {
                let frames = be32(got, 0);
                if frames == 0 {
                    return Err(InspectError::malformed("the APNG declares zero frames"));
                }
                check_frames(frames, &self.limits)?;
                self.frames = Some(frames);
            }
            Data::Exif => self.orientation = exif::orientation(got),
            Data::Other | Data::End => {}
        }
        self.state = State::Crc(data);
        Ok(Step::Read(4))
    }
}

fn be32(got: &[u8], at: usize) -> u32 {
    let byte = |i: usize| got.get(i).copied().unwrap_or(0);
    u32::from_be_bytes([byte(at), byte(at + 1), byte(at + 2), byte(at + 3)])
}

impl Walk for PngWalk {
    fn start(&self) -> Step {
        Step::Read(SIGNATURE.len())
    }

    fn resume(&mut self, got: &[u8]) -> Result<Step, InspectError> {
        match self.state {
            State::Signature if got == SIGNATURE => {
                self.state = State::ChunkHead;
                Ok(Step::Read(8))
            }
            State::Signature => Err(InspectError::malformed("the PNG signature is damaged")),
            State::ChunkHead => self.chunk_head(got),
            State::ChunkData(data) => self.chunk_data(data, got),
            State::Crc(data) => {
                if be32(got, 0) != self.crc.value() {
                    return Err(InspectError::malformed(
                        "a PNG chunk's checksum does not match",
                    ));
                }
                if data == Data::End {
                    self.state = State::AfterEnd;
                    return Ok(Step::Rest);
                }
                self.state = State::ChunkHead;
                Ok(Step::Read(8))
            }
            State::AfterEnd => Ok(Step::Rest),
        }
    }

    fn skipped(&mut self, bytes: &[u8]) {
        self.crc.update(bytes);
    }

    fn finish(&self) -> Result<ImageInfo, InspectError> {
        match (self.state, self.size) {
            (State::AfterEnd, Some((width, height))) => Ok(ImageInfo {
                format: ImageFormat::Png,
                stored_width: width,
                stored_height: height,
                orientation: self.orientation.unwrap_or(Orientation::NORMAL),
                frame_count: self.frames.unwrap_or(1),
            }),
            _ => Err(InspectError::Truncated),
        }
    }
}
