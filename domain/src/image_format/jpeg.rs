//! Walks a JPEG's marker segments up to the start of scan, to learn its size and orientation.
//!
//! Everything after the SOS header is entropy-coded image data; checking it is the decoder's
//! job, so the walk stops there and a JPEG counts as complete once its first scan has begun,
//! which is once SOS and a valid segment length have been read: the metadata stripper starts
//! copying the scan at that point, so the two agree on which files are complete.

use super::driver::{MAX_EXIF, Step, Walk};
use super::error::{InspectError, check_dimensions};
use super::exif;
use super::format::ImageFormat;
use super::info::{ImageInfo, Orientation};
use crate::limits::UploadLimits;

const SOI: u8 = 0xD8;
const EOI: u8 = 0xD9;
const SOS: u8 = 0xDA;
const APP1: u8 = 0xE1;
const TEM: u8 = 0x01;
const EXIF_ID: &[u8] = b"Exif\0\0";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Soi,
    MarkerStart,
    MarkerCode,
    Length(u8),
    FrameHeader { rest: u64 },
    App1Id { rest: u64 },
    Exif,
    Skipped,
    Scan,
}

#[derive(Debug)]
pub(super) struct JpegWalk {
    limits: UploadLimits,
    state: State,
    size: Option<(u32, u32)>,
    orientation: Option<Orientation>,
}

impl JpegWalk {
    pub(super) fn new(limits: UploadLimits) -> JpegWalk {
        JpegWalk {
            limits,
            state: State::Soi,
            size: None,
            orientation: None,
        }
    }

    fn marker(&mut self, code: u8) -> Result<Step, InspectError> {
        match code {
            // Fill bytes: any number of 0xFF may precede a marker code.
            0xFF => {
                self.state = State::MarkerCode;
                Ok(Step::Read(1))
            }
            0xD0..=0xD7 | TEM => {
                self.state = State::MarkerStart;
                Ok(Step::Read(1))
            }
            0x00 | SOI => Err(InspectError::malformed("a JPEG marker is invalid")),
            EOI => Err(InspectError::malformed(
                "the JPEG ends before any image data",
            )),
            SOS if self.size.is_none() => Err(InspectError::malformed(
                "the JPEG's image data comes before its frame header",
            )),
            _ => {
                self.state = State::Length(code);
                Ok(Step::Read(2))
            }
        }
    }

    fn segment(&mut self, code: u8, length: u16) -> Result<Step, InspectError> {
        let Some(payload) = length.checked_sub(2).map(u64::from) else {
            return Err(InspectError::malformed(
                "a JPEG segment length is too short",
            ));
        };
        if code == SOS {
            self.state = State::Scan;
            return Ok(Step::Rest);
        }
        if is_frame_header(code) {
            if self.size.is_some() {
                return Err(InspectError::malformed(
                    "the JPEG has more than one frame header",
                ));
            }
            // Precision, height, width, component count: the count is needed for a valid frame.
            let Some(rest) = payload.checked_sub(5).filter(|rest| *rest >= 1) else {
                return Err(InspectError::malformed(
                    "the JPEG frame header is too short",
                ));
            };
            self.state = State::FrameHeader { rest };
            return Ok(Step::Read(5));
        }
        if code == APP1 && self.orientation.is_none() && payload >= EXIF_ID.len() as u64 {
            self.state = State::App1Id {
                rest: payload - EXIF_ID.len() as u64,
            };
            return Ok(Step::Read(EXIF_ID.len()));
        }
        self.state = State::Skipped;
        Ok(Step::Skip(payload))
    }

    fn frame_header(&mut self, got: &[u8], rest: u64) -> Result<Step, InspectError> {
        let height = u32::from(be16(got, 1));
        let width = u32::from(be16(got, 3));
        if width == 0 || height == 0 {
            return Err(InspectError::malformed(
                "the JPEG declares a zero width or height",
            ));
        }
        check_dimensions(width, height, &self.limits)?;
        self.size = Some((width, height));
        self.state = State::Skipped;
        Ok(Step::Skip(rest))
    }

    fn app1_id(&mut self, got: &[u8], rest: u64) -> Step {
        match usize::try_from(rest) {
            Ok(len) if got == EXIF_ID && len <= MAX_EXIF => {
                self.state = State::Exif;
                Step::Exif(len)
            }
            _ => {
                self.state = State::Skipped;
                Step::Skip(rest)
            }
        }
    }
}

fn is_frame_header(code: u8) -> bool {
    matches!(code, 0xC0..=0xCF) && !matches!(code, 0xC4 | 0xC8 | 0xCC)
}

fn be16(got: &[u8], at: usize) -> u16 {
    let byte = |i: usize| got.get(i).copied().unwrap_or(0);
    u16::from_be_bytes([byte(at), byte(at + 1)])
}

impl Walk for JpegWalk {
    fn start(&self) -> Step {
        Step::Read(2)
    }

    fn resume(&mut self, got: &[u8]) -> Result<Step, InspectError> {
        match self.state {
            State::Soi => {
                if got != [0xFF, SOI] {
                    return Err(InspectError::malformed("the JPEG does not start with SOI"));
                }
                self.state = State::MarkerStart;
                Ok(Step::Read(1))
            }
            State::Skipped => {
                self.state = State::MarkerStart;
                Ok(Step::Read(1))
            }
            State::MarkerStart if got == [0xFF] => {
                self.state = State::MarkerCode;
                Ok(Step::Read(1))
            }
            State::MarkerStart => Err(InspectError::malformed(
                "a JPEG segment does not start with a marker",
            )),
            State::MarkerCode => self.marker(got.first().copied().unwrap_or(0)),
            State::Length(code) => self.segment(code, be16(got, 0)),
            State::FrameHeader { rest } => self.frame_header(got, rest),
            State::App1Id { rest } => Ok(self.app1_id(got, rest)),
            State::Exif => {
                self.orientation = exif::orientation(got);
                self.state = State::MarkerStart;
                Ok(Step::Read(1))
            }
            State::Scan => Ok(Step::Rest),
        }
    }

    fn finish(&self) -> Result<ImageInfo, InspectError> {
        match (self.state, self.size) {
            (State::Scan, Some((width, height))) => Ok(ImageInfo {
                format: ImageFormat::Jpeg,
                stored_width: width,
                stored_height: height,
                orientation: self.orientation.unwrap_or(Orientation::NORMAL),
                frame_count: 1,
            }),
            _ => Err(InspectError::Truncated),
        }
    }
}
