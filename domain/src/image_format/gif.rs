//! Walks a GIF's blocks to learn its screen size and count its frames, refusing animations
//! with too many frames as soon as the count passes the limit.
//!
//! A missing trailer is accepted once a frame has been seen: many encoders omit it, and
//! browsers show such files without complaint.

use super::driver::{Step, Walk};
use super::error::{InspectError, check_dimensions, check_frames};
use super::format::ImageFormat;
use super::info::{ImageInfo, Orientation};
use crate::limits::UploadLimits;

/// Signature (6) and logical screen descriptor (7).
const HEADER_LEN: usize = 13;
/// Image descriptor after its 0x2C introducer.
const DESCRIPTOR_LEN: usize = 9;
const EXTENSION: u8 = 0x21;
const IMAGE: u8 = 0x2C;
const TRAILER: u8 = 0x3B;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Header,
    GlobalColors,
    Block,
    ExtensionLabel,
    Descriptor,
    LocalColors,
    CodeSize,
    SubBlockLength,
    SubBlock,
    Trailer,
}

#[derive(Debug)]
pub(super) struct GifWalk {
    limits: UploadLimits,
    state: State,
    size: Option<(u32, u32)>,
    frames: u32,
}

impl GifWalk {
    pub(super) fn new(limits: UploadLimits) -> GifWalk {
        GifWalk {
            limits,
            state: State::Header,
            size: None,
            frames: 0,
        }
    }

    fn header(&mut self, got: &[u8]) -> Result<Step, InspectError> {
        if !matches!(got.get(..6), Some(b"GIF87a" | b"GIF89a")) {
            return Err(InspectError::malformed("the GIF signature is damaged"));
        }
        let width = u32::from(le16(got, 6));
        let height = u32::from(le16(got, 8));
        if width == 0 || height == 0 {
            return Err(InspectError::malformed(
                "the GIF declares a zero width or height",
            ));
        }
        check_dimensions(width, height, &self.limits)?;
        self.size = Some((width, height));
        self.state = State::GlobalColors;
        Ok(Step::Skip(color_table_len(
            got.get(10).copied().unwrap_or(0),
        )))
    }

    fn block(&mut self, introducer: u8) -> Result<Step, InspectError> {
        match introducer {
            EXTENSION => {
                self.state = State::ExtensionLabel;
                Ok(Step::Read(1))
            }
            IMAGE => {
                self.state = State::Descriptor;
                Ok(Step::Read(DESCRIPTOR_LEN))
            }
            TRAILER => {
                if self.frames == 0 {
                    return Err(InspectError::malformed("the GIF holds no image"));
                }
                self.state = State::Trailer;
                Ok(Step::Rest)
            }
            _ => Err(InspectError::malformed("the GIF has an unknown block type")),
        }
    }

    fn descriptor(&mut self, got: &[u8]) -> Result<Step, InspectError> {
        self.frames = self.frames.saturating_add(1);
        check_frames(self.frames, &self.limits)?;
        check_dimensions(
            u32::from(le16(got, 4)),
            u32::from(le16(got, 6)),
            &self.limits,
        )?;
        self.state = State::LocalColors;
        Ok(Step::Skip(color_table_len(
            got.get(8).copied().unwrap_or(0),
        )))
    }

    fn sub_block_length(&mut self, length: u8) -> Step {
        if length == 0 {
            self.state = State::Block;
            Step::Read(1)
        } else {
            self.state = State::SubBlock;
            Step::Skip(u64::from(length))
        }
    }
}

/// Bytes in the colour table a packed field announces (3 bytes an entry), or 0 if it has none.
fn color_table_len(packed: u8) -> u64 {
    if packed & 0x80 == 0 {
        0
    } else {
        3 << ((packed & 0x07) + 1)
    }
}

fn le16(got: &[u8], at: usize) -> u16 {
    let byte = |i: usize| got.get(i).copied().unwrap_or(0);
    u16::from_le_bytes([byte(at), byte(at + 1)])
}

impl Walk for GifWalk {
    fn start(&self) -> Step {
        Step::Read(HEADER_LEN)
    }

    fn resume(&mut self, got: &[u8]) -> Result<Step, InspectError> {
        let byte = got.first().copied().unwrap_or(0);
        match self.state {
            State::Header => self.header(got),
            State::GlobalColors => {
                self.state = State::Block;
                Ok(Step::Read(1))
            }
            State::Block => self.block(byte),
            // Extensions of every label share the sub-block layout, so the label needs no check.
            State::ExtensionLabel => {
                self.state = State::SubBlockLength;
                Ok(Step::Read(1))
            }
            State::Descriptor => self.descriptor(got),
            State::LocalColors => {
                self.state = State::CodeSize;
                Ok(Step::Read(1))
            }
            State::CodeSize => {
                self.state = State::SubBlockLength;
                Ok(Step::Read(1))
            }
            State::SubBlockLength => Ok(self.sub_block_length(byte)),
            State::SubBlock => {
                self.state = State::SubBlockLength;
                Ok(Step::Read(1))
            }
            State::Trailer => Ok(Step::Rest),
        }
    }

    fn finish(&self) -> Result<ImageInfo, InspectError> {
        match self.size {
            Some((width, height)) if self.frames > 0 => Ok(ImageInfo {
                format: ImageFormat::Gif,
                stored_width: width,
                stored_height: height,
                orientation: Orientation::NORMAL,
                frame_count: self.frames,
            }),
            _ => Err(InspectError::Truncated),
        }
    }
}
