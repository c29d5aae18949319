//! The streaming engine shared by the four format walkers.
//!
//! A walker never sees the upload's chunks. It asks for one thing at a time — a few header bytes,
//! a count of bytes to skip, or an EXIF block — and the driver satisfies that request from
//! whatever pieces arrive. Because the walker only ever sees complete requests, its behaviour
//! cannot depend on how the upload was split, and memory stays bounded by the largest request.

use std::fmt;

use super::error::InspectError;
use super::info::ImageInfo;

/// The most header bytes a walker may ask for at once.
pub(super) const MAX_READ: usize = 16;

/// The largest EXIF block buffered to look for the orientation; larger ones are skipped.
pub(super) const MAX_EXIF: usize = 64 * 1024;

/// What a walker wants next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Step {
    /// Exactly this many bytes, at most [`MAX_READ`], handed over together.
    Read(usize),
    /// Pass over this many bytes; they go to [`Walk::skipped`] piece by piece.
    Skip(u64),
    /// Exactly this many bytes, at most [`MAX_EXIF`], handed over together.
    Exif(usize),
    /// The structure is over: every later byte is ignored.
    Rest,
}

/// A format's structure, walked one request at a time.
pub(super) trait Walk: fmt::Debug + Send + Sync {
    /// The first request, made before any byte is seen.
    fn start(&self) -> Step;

    /// Continues once a request is met: `got` holds the bytes of a `Read` or `Exif`, and is
    /// empty after a `Skip`.
    fn resume(&mut self, got: &[u8]) -> Result<Step, InspectError>;

    /// Sees skipped bytes as they pass, for walkers that checksum them.
    fn skipped(&mut self, _bytes: &[u8]) {}

    /// The verdict at end of stream, from wherever the walk stopped.
    fn finish(&self) -> Result<ImageInfo, InspectError>;
}

/// Feeds a walker from arbitrarily split input.
#[derive(Debug)]
pub(super) struct Driver {
    walk: Box<dyn Walk>,
    step: Step,
    small: [u8; MAX_READ],
    filled: usize,
    exif: Vec<u8>,
}

impl Driver {
    pub(super) fn new(walk: Box<dyn Walk>) -> Driver {
        let step = walk.start();
        Driver {
            walk,
            step,
            small: [0; MAX_READ],
            filled: 0,
            exif: Vec::new(),
        }
    }

    pub(super) fn feed(&mut self, mut input: &[u8]) -> Result<(), InspectError> {
        loop {
            // Empty requests are met at once so that the walker is never left waiting on bytes
            // it does not need, which would make `finish` depend on where the stream stopped.
            match self.step {
                Step::Read(0) | Step::Exif(0) | Step::Skip(0) => {
                    self.step = self.walk.resume(&[])?;
                    continue;
                }
                Step::Rest => return Ok(()),
                _ => {}
            }
            if input.is_empty() {
                return Ok(());
            }
            match self.step {
                Step::Read(wanted) => {
                    // Walkers stay within the limits; clamping turns a slip into a short read
                    // (which their bounds-checked parsing tolerates) rather than a panic.
                    let wanted = wanted.min(MAX_READ);
                    let take = (wanted - self.filled).min(input.len());
                    let (now, later) = input.split_at(take);
                    self.small[self.filled..self.filled + take].copy_from_slice(now);
                    self.filled += take;
                    input = later;
                    if self.filled == wanted {
                        self.filled = 0;
                        self.step = self.walk.resume(&self.small[..wanted])?;
                    }
                }
                Step::Skip(left) => {
                    let take = usize::try_from(left).map_or(input.len(), |n| n.min(input.len()));
                    let (now, later) = input.split_at(take);
                    self.walk.skipped(now);
                    input = later;
                    let left = left.saturating_sub(take as u64);
                    self.step = if left == 0 {
                        self.walk.resume(&[])?
                    } else {
                        Step::Skip(left)
                    };
                }
                Step::Exif(wanted) => {
                    let wanted = wanted.min(MAX_EXIF);
                    let take = (wanted - self.exif.len()).min(input.len());
                    let (now, later) = input.split_at(take);
                    self.exif.extend_from_slice(now);
                    input = later;
                    if self.exif.len() == wanted {
                        let exif = std::mem::take(&mut self.exif);
                        self.step = self.walk.resume(&exif)?;
                    }
                }
                Step::Rest => return Ok(()),
            }
        }
    }

    pub(super) fn finish(&self) -> Result<ImageInfo, InspectError> {
        self.walk.finish()
    }
}
