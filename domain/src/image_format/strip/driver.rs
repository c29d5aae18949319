//! The streaming engine shared by the JPEG, PNG and GIF strippers.
//!
//! Like the inspector's driver, a walker never sees the upload's chunks: it asks for one thing
//! at a time and the driver satisfies the request from whatever pieces arrive. Here a request
//! also says where the bytes go — copied to the output, dropped, or handed to the walker — so
//! the output cannot depend on how the upload was split, and memory stays bounded by the
//! largest buffered request (an EXIF block of at most [`MAX_EXIF`] bytes).

use std::fmt;

use super::super::driver::MAX_EXIF;
use super::super::info::Orientation;
use super::error::StripError;

/// The most header bytes a walker may ask to see at once.
pub(super) const MAX_READ: usize = 16;

/// What a walker wants next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Step {
    /// Exactly this many bytes, at most [`MAX_READ`], handed to the walker together and not
    /// copied: the walker writes whatever of them it keeps.
    Read(usize),
    /// Exactly this many bytes, at most [`MAX_EXIF`], handed over together; an EXIF block whose
    /// orientation the walker reads before dropping it.
    Exif(usize),
    /// Pass this many bytes straight to the output.
    Copy(u64),
    /// Pass over this many bytes without keeping them; they are never buffered.
    Drop(u64),
    /// JPEG entropy-coded data: copy bytes to the output up to the next 0xFF, which is consumed
    /// but not copied, then resume.
    Entropy,
    /// The structure is over: every later byte is dropped.
    Rest,
}

/// A format's structure, walked one request at a time while writing what is kept.
pub(super) trait Walk: fmt::Debug + Send + Sync {
    /// The first request, made before any byte is seen.
    fn start(&self) -> Step;

    /// Continues once a request is met: `got` holds the bytes of a `Read` or `Exif`, and is
    /// empty otherwise. Whatever the walker keeps or adds it appends to `out`.
    fn resume(&mut self, got: &[u8], out: &mut Vec<u8>) -> Result<Step, StripError>;

    /// The verdict at end of stream: the orientation written into a minimal EXIF block, if any.
    fn finish(&self) -> Result<Option<Orientation>, StripError>;
}

/// Feeds a walker from arbitrarily split input.
#[derive(Debug)]
pub(super) struct Driver {
    walk: Box<dyn Walk>,
    step: Step,
    /// The bytes of the current `Read` or `Exif` request gathered so far.
    held: Vec<u8>,
}

impl Driver {
    pub(super) fn new(walk: Box<dyn Walk>) -> Driver {
        let step = walk.start();
        Driver {
            walk,
            step,
            held: Vec::new(),
        }
    }

    pub(super) fn feed(&mut self, mut input: &[u8], out: &mut Vec<u8>) -> Result<(), StripError> {
        loop {
            // Empty requests are met at once so that the walker is never left waiting on bytes
            // it does not need, which would make `finish` depend on where the stream stopped.
            match self.step {
                Step::Read(0) | Step::Exif(0) | Step::Copy(0) | Step::Drop(0) => {
                    self.step = self.walk.resume(&[], out)?;
                    continue;
                }
                Step::Rest => return Ok(()),
                _ => {}
            }
            if input.is_empty() {
                return Ok(());
            }
            input = match self.step {
                // Walkers stay within the limits; clamping turns a slip into a short read
                // (which their bounds-checked parsing tolerates) rather than a panic.
                Step::Read(wanted) => self.gather(input, wanted.min(MAX_READ), out)?,
                Step::Exif(wanted) => self.gather(input, wanted.min(MAX_EXIF), out)?,
                Step::Copy(left) => {
                    let (now, later) = split(input, left);
                    out.extend_from_slice(now);
                    self.passed(left, now.len(), out)?;
                    later
                }
                Step::Drop(left) => {
                    let (now, later) = split(input, left);
                    self.passed(left, now.len(), out)?;
                    later
                }
                Step::Entropy => match input.iter().position(|&byte| byte == 0xFF) {
                    Some(at) => {
                        let (data, marker) = input.split_at(at);
                        out.extend_from_slice(data);
                        self.step = self.walk.resume(&[], out)?;
                        marker.get(1..).unwrap_or_default()
                    }
                    None => {
                        out.extend_from_slice(input);
                        &[]
                    }
                },
                Step::Rest => return Ok(()),
            };
        }
    }

    /// Adds to the held bytes until `wanted` are there, then hands them to the walker.
    fn gather<'a>(
        &mut self,
        input: &'a [u8],
        wanted: usize,
        out: &mut Vec<u8>,
    ) -> Result<&'a [u8], StripError> {
        let room = wanted.saturating_sub(self.held.len());
        let (now, later) = input.split_at(room.min(input.len()));
        self.held.extend_from_slice(now);
        if self.held.len() >= wanted {
            self.step = self.walk.resume(&self.held, out)?;
            self.held.clear();
        }
        Ok(later)
    }

    /// Counts `passed` bytes off a `Copy` or `Drop` of `left`, resuming the walker at its end.
    fn passed(&mut self, left: u64, passed: usize, out: &mut Vec<u8>) -> Result<(), StripError> {
        let left = left.saturating_sub(u64::try_from(passed).unwrap_or(u64::MAX));
        self.step = match (self.step, left) {
            (_, 0) => self.walk.resume(&[], out)?,
            (Step::Copy(_), left) => Step::Copy(left),
            (_, left) => Step::Drop(left),
        };
        Ok(())
    }

    /// Ends the input. Bytes of a request left unmet are dropped: they are an incomplete header
    /// the walker never saw, which keeps stripping a stripped file a no-op.
    pub(super) fn finish(&self) -> Result<Option<Orientation>, StripError> {
        self.walk.finish()
    }
}

/// Splits off at most `count` bytes from the front of `input`.
fn split(input: &[u8], count: u64) -> (&[u8], &[u8]) {
    let take = usize::try_from(count).map_or(input.len(), |count| count.min(input.len()));
    input.split_at(take)
}
