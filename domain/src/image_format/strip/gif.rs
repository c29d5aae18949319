//! Rewrites a GIF's blocks, dropping comment extensions and application extensions other than
//! the looping ones (NETSCAPE2.0, ANIMEXTS1.0), and everything after the trailer.
//!
//! XMP travels in GIF as an application extension ("XMP DataXMP"), so dropping unknown
//! application extensions removes it along with any other embedded metadata. Graphic control,
//! plain text and image blocks are copied as they are.

use super::super::info::Orientation;
use super::driver::{Step, Walk};
use super::error::StripError;

/// Signature (6) and logical screen descriptor (7).
const HEADER_LEN: usize = 13;
/// Image descriptor after its 0x2C introducer.
const DESCRIPTOR_LEN: usize = 9;
/// An application extension's first sub-block: identifier (8) and authentication code (3).
const APPLICATION_ID_LEN: u8 = 11;
const EXTENSION: u8 = 0x21;
const IMAGE: u8 = 0x2C;
const TRAILER: u8 = 0x3B;
const COMMENT_LABEL: u8 = 0xFE;
const APPLICATION_LABEL: u8 = 0xFF;

/// Application extensions browsers read the loop count from.
const KEPT_APPLICATIONS: &[&[u8]] = &[b"NETSCAPE2.0", b"ANIMEXTS1.0"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Header,
    GlobalColors,
    Block,
    ExtensionLabel,
    ApplicationIdLength,
    ApplicationId,
    /// A sub-block length byte; `keep` says whether the block chain is copied or dropped.
    SubBlockLength {
        keep: bool,
    },
    SubBlock {
        keep: bool,
    },
    Descriptor,
    LocalColors,
    CodeSize,
    Done,
}

#[derive(Debug)]
pub(super) struct GifStrip {
    state: State,
    frames: u32,
}

impl GifStrip {
    pub(super) fn new() -> GifStrip {
        GifStrip {
            state: State::Header,
            frames: 0,
        }
    }

    fn header(&mut self, got: &[u8], out: &mut Vec<u8>) -> Result<Step, StripError> {
        if !matches!(got.get(..6), Some(b"GIF87a" | b"GIF89a")) {
            return Err(StripError::Malformed("the GIF signature is damaged"));
        }
        out.extend_from_slice(got);
        self.state = State::GlobalColors;
        Ok(Step::Copy(color_table_len(
            got.get(10).copied().unwrap_or(0),
        )))
    }

    fn block(&mut self, introducer: u8, out: &mut Vec<u8>) -> Result<Step, StripError> {
        match introducer {
            // The introducer is written with the label, once the extension is known to stay.
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
                    return Err(StripError::Malformed("the GIF holds no image"));
                }
                out.push(TRAILER);
                self.state = State::Done;
                Ok(Step::Rest)
            }
            _ => Err(StripError::Malformed("the GIF has an unknown block type")),
        }
    }

    fn extension_label(&mut self, label: u8, out: &mut Vec<u8>) -> Step {
        match label {
            COMMENT_LABEL => self.sub_blocks(false),
            APPLICATION_LABEL => {
                self.state = State::ApplicationIdLength;
                Step::Read(1)
            }
            _ => {
                out.extend_from_slice(&[EXTENSION, label]);
                self.sub_blocks(true)
            }
        }
    }

    fn application_id_length(&mut self, length: u8) -> Step {
        if length == APPLICATION_ID_LEN {
            self.state = State::ApplicationId;
            Step::Read(usize::from(length))
        } else {
            // Not an identifier any reader would recognise: the first sub-block is as short or
            // long as it says, and the whole extension goes.
            self.sub_block_length(length, false)
        }
    }

    fn application_id(&mut self, got: &[u8], out: &mut Vec<u8>) -> Step {
        let keep = KEPT_APPLICATIONS.contains(&got);
        if keep {
            out.extend_from_slice(&[EXTENSION, APPLICATION_LABEL, APPLICATION_ID_LEN]);
            out.extend_from_slice(got);
        }
        self.sub_blocks(keep)
    }

    fn descriptor(&mut self, got: &[u8], out: &mut Vec<u8>) -> Step {
        self.frames = self.frames.saturating_add(1);
        out.push(IMAGE);
        out.extend_from_slice(got);
        self.state = State::LocalColors;
        Step::Copy(color_table_len(got.get(8).copied().unwrap_or(0)))
    }

    fn sub_blocks(&mut self, keep: bool) -> Step {
        self.state = State::SubBlockLength { keep };
        Step::Read(1)
    }

    /// A sub-block of `length` bytes, or the end of the chain when `length` is 0.
    fn sub_block_length(&mut self, length: u8, keep: bool) -> Step {
        if length == 0 {
            self.state = State::Block;
            Step::Read(1)
        } else {
            self.state = State::SubBlock { keep };
            if keep {
                Step::Copy(u64::from(length))
            } else {
                Step::Drop(u64::from(length))
            }
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

impl Walk for GifStrip {
    fn start(&self) -> Step {
        Step::Read(HEADER_LEN)
    }

    fn resume(&mut self, got: &[u8], out: &mut Vec<u8>) -> Result<Step, StripError> {
        let byte = got.first().copied().unwrap_or(0);
        match self.state {
            State::Header => self.header(got, out),
            State::GlobalColors => {
                self.state = State::Block;
                Ok(Step::Read(1))
            }
            State::Block => self.block(byte, out),
            State::ExtensionLabel => Ok(self.extension_label(byte, out)),
            State::ApplicationIdLength => Ok(self.application_id_length(byte)),
            State::ApplicationId => Ok(self.application_id(got, out)),
            State::SubBlockLength { keep } => {
                if keep {
                    out.push(byte);
                }
                Ok(self.sub_block_length(byte, keep))
            }
            State::SubBlock { keep } => Ok(self.sub_blocks(keep)),
            State::Descriptor => Ok(self.descriptor(got, out)),
            State::LocalColors => {
                self.state = State::CodeSize;
                Ok(Step::Read(1))
            }
            State::CodeSize => {
                out.push(byte);
                Ok(self.sub_blocks(true))
            }
            State::Done => Ok(Step::Rest),
        }
    }

    fn finish(&self) -> Result<Option<Orientation>, StripError> {
        // Like the inspector, a missing trailer is accepted once a frame has been seen: many
        // encoders omit it. GIF has no orientation to keep.
        if self.frames > 0 {
            Ok(None)
        } else {
            Err(StripError::Truncated)
        }
    }
}
