//! Strips an upload's metadata as it streams in, so the stored bytes carry no EXIF (GPS
//! included), XMP, IPTC, comments or embedded thumbnails.
//!
//! The contract keeps what the image needs to display as taken: the ICC colour profile, and the
//! orientation as the only tag of a minimal EXIF block (pixels are not rotated on upload). Pixels
//! are never decoded or re-encoded; only the container is rewritten. The orientation is read
//! with the inspector's own EXIF reader and by the inspector's rules for which block counts, so
//! what is stored says what the inspector reported.

mod driver;
mod error;
mod gif;
mod jpeg;
mod minimal_exif;
mod png;
mod webp;

#[cfg(test)]
mod tests;

use super::format::ImageFormat;
use super::info::Orientation;
use super::sniff::{Sniffed, TEXT_WINDOW, sniff};
use driver::Driver;
pub use error::StripError;
use gif::GifStrip;
use jpeg::JpegStrip;
use png::PngStrip;
use webp::WebPStrip;

/// What stripping did, for logs and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StripReport {
    /// Bytes fed in minus bytes written out: the metadata removed, less the minimal EXIF block
    /// written in its place.
    pub removed_bytes: u64,
    /// The orientation written into the minimal EXIF block; `None` when no EXIF was written
    /// because the image is upright or said nothing about its orientation.
    pub kept_orientation: Option<Orientation>,
}

/// Rewrites an upload without its metadata, chunk by chunk, whatever the chunk sizes.
///
/// JPEG, PNG and GIF are streamed: memory holds a few header bytes and at most one 64 KiB EXIF
/// block, and dropped segments pass without being buffered. WebP is buffered whole and written
/// by [`MetadataStripper::finish`], because its RIFF size, at the very start, changes when
/// chunks are dropped. The output depends only on the bytes fed, never on how they were split.
///
/// Errors stick: once stripping fails, later calls give the same error, and the output written
/// so far is to be discarded.
#[derive(Debug)]
pub struct MetadataStripper {
    state: State,
    fed: u64,
    written: u64,
}

#[derive(Debug)]
enum State {
    /// Not yet decided: the first bytes, kept so the format's stripper can be given them.
    Sniffing(Vec<u8>),
    Streaming(Driver),
    Buffering(WebPStrip),
    Failed(StripError),
}

impl MetadataStripper {
    /// A stripper that sniffs the format itself from the first bytes.
    pub fn new() -> Self {
        MetadataStripper {
            state: State::Sniffing(Vec::with_capacity(TEXT_WINDOW)),
            fed: 0,
            written: 0,
        }
    }

    /// Feeds the next input chunk; appends whatever stripped output is ready to `out`.
    ///
    /// # Errors
    /// As soon as the bytes seen so far are not an image whose structure can be followed:
    /// [`StripError::Unsupported`] for another kind of file, [`StripError::Malformed`] for a
    /// broken structure. After that, the same error for every later call.
    pub fn feed(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<(), StripError> {
        let before = out.len();
        let outcome = self.advance(input, out);
        self.fed = self.fed.saturating_add(len_u64(input.len()));
        self.written = self
            .written
            .saturating_add(len_u64(out.len().saturating_sub(before)));
        if let Err(error) = &outcome {
            self.state = State::Failed(error.clone());
        }
        outcome
    }

    /// Ends the input; appends the rest of the output. Returns what was removed.
    ///
    /// # Errors
    /// [`StripError::Empty`] if nothing was fed, [`StripError::Truncated`] if the input stopped
    /// partway through the image's structure, or the error a feed already returned.
    pub fn finish(self, out: &mut Vec<u8>) -> Result<StripReport, StripError> {
        let before = out.len();
        let kept_orientation = match self.state {
            State::Sniffing(head) if head.is_empty() => return Err(StripError::Empty),
            State::Sniffing(head) => match sniff(&head, true) {
                Sniffed::Supported(format) => {
                    let mut state = start(format);
                    feed_started(&mut state, &head, out)?;
                    finish_started(state, out)?
                }
                Sniffed::Unsupported(kind) => return Err(StripError::Unsupported(kind)),
                Sniffed::NeedMore | Sniffed::Truncated => return Err(StripError::Truncated),
            },
            started => finish_started(started, out)?,
        };
        let written = self
            .written
            .saturating_add(len_u64(out.len().saturating_sub(before)));
        Ok(StripReport {
            removed_bytes: self.fed.saturating_sub(written),
            kept_orientation,
        })
    }

    fn advance(&mut self, mut input: &[u8], out: &mut Vec<u8>) -> Result<(), StripError> {
        let State::Sniffing(head) = &mut self.state else {
            return feed_started(&mut self.state, input, out);
        };
        while let Some((&byte, later)) = input.split_first() {
            // Judge after every byte so the verdict cannot depend on chunk boundaries.
            head.push(byte);
            input = later;
            match sniff(head, false) {
                Sniffed::NeedMore => {}
                Sniffed::Supported(format) => {
                    let head = std::mem::take(head);
                    self.state = start(format);
                    feed_started(&mut self.state, &head, out)?;
                    return feed_started(&mut self.state, input, out);
                }
                Sniffed::Unsupported(kind) => return Err(StripError::Unsupported(kind)),
                // Only a complete upload can be truncated, and this one is still going.
                Sniffed::Truncated => return Err(StripError::Truncated),
            }
        }
        Ok(())
    }
}

impl Default for MetadataStripper {
    fn default() -> Self {
        MetadataStripper::new()
    }
}

/// The state that strips `format`, once sniffing has decided it.
fn start(format: ImageFormat) -> State {
    match format {
        ImageFormat::Jpeg => State::Streaming(Driver::new(Box::new(JpegStrip::new()))),
        ImageFormat::Png => State::Streaming(Driver::new(Box::new(PngStrip::new()))),
        ImageFormat::Gif => State::Streaming(Driver::new(Box::new(GifStrip::new()))),
        ImageFormat::WebP => State::Buffering(WebPStrip::default()),
    }
}

fn feed_started(state: &mut State, input: &[u8], out: &mut Vec<u8>) -> Result<(), StripError> {
    match state {
        State::Streaming(driver) => driver.feed(input, out),
        State::Buffering(webp) => {
            webp.feed(input);
            Ok(())
        }
        State::Failed(error) => Err(error.clone()),
        // Callers feed a sniffing stripper themselves; this arm only completes the match.
        State::Sniffing(_) => Ok(()),
    }
}

fn finish_started(state: State, out: &mut Vec<u8>) -> Result<Option<Orientation>, StripError> {
    match state {
        State::Streaming(driver) => driver.finish(),
        State::Buffering(webp) => webp.finish(out),
        State::Failed(error) => Err(error),
        // Callers finish a sniffing stripper themselves; this arm only completes the match.
        State::Sniffing(_) => Err(StripError::Truncated),
    }
}

fn len_u64(len: usize) -> u64 {
    u64::try_from(len).unwrap_or(u64::MAX)
}
