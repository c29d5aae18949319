//! The streaming inspector: sniffs the format from the first bytes, then hands every byte to
//! that format's walker, so an upload can be judged while it is still arriving.
//!
//! Errors stick: once the upload is refused, later chunks get the same answer, so a caller can
//! keep feeding without tracking the failure itself.

use super::driver::{Driver, Walk};
use super::error::InspectError;
use super::format::ImageFormat;
use super::gif::GifWalk;
use super::info::ImageInfo;
use super::jpeg::JpegWalk;
use super::png::PngWalk;
use super::sniff::{Sniffed, TEXT_WINDOW, sniff};
use super::webp::WebPWalk;
use crate::limits::UploadLimits;

#[derive(Debug)]
enum State {
    /// Not yet decided: the first bytes, kept so the walker can be given them once it exists.
    Sniffing {
        head: Box<[u8; TEXT_WINDOW]>,
        len: usize,
    },
    Walking(Driver),
    Failed(InspectError),
}

/// Judges an upload chunk by chunk, with memory bounded by a few KiB plus at most one
/// 64 KiB EXIF block, however the upload is split and however large it claims to be.
#[derive(Debug)]
pub struct ImageInspector {
    limits: UploadLimits,
    /// Kept apart from the state so it survives a refusal, for callers that log what was refused.
    format: Option<ImageFormat>,
    state: State,
}

impl ImageInspector {
    /// An inspector that holds the upload to `limits`.
    pub fn new(limits: UploadLimits) -> Self {
        ImageInspector {
            limits,
            format: None,
            state: State::Sniffing {
                head: Box::new([0; TEXT_WINDOW]),
                len: 0,
            },
        }
    }

    /// Takes the next piece of the upload.
    ///
    /// # Errors
    /// As soon as the bytes seen so far are enough to refuse the upload; after that, the same
    /// error for every later call.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), InspectError> {
        let outcome = self.advance(chunk);
        if let Err(error) = &outcome {
            self.state = State::Failed(error.clone());
        }
        outcome
    }

    /// The format, once the first bytes have decided it (even if the image was then refused).
    pub fn format(&self) -> Option<ImageFormat> {
        self.format
    }

    /// Ends the upload and gives the verdict.
    ///
    /// # Errors
    /// [`InspectError::Empty`] if nothing was fed, [`InspectError::Truncated`] if the upload
    /// stopped partway through an image's structure, or the error a feed already returned.
    pub fn finish(self) -> Result<ImageInfo, InspectError> {
        match self.state {
            State::Failed(error) => Err(error),
            State::Walking(driver) => driver.finish(),
            State::Sniffing { len: 0, .. } => Err(InspectError::Empty),
            State::Sniffing { head, len } => {
                let head = &head[..len];
                match sniff(head, true) {
                    Sniffed::Supported(format) => {
                        let mut driver = Driver::new(walker(format, self.limits));
                        driver.feed(head)?;
                        driver.finish()
                    }
                    Sniffed::Unsupported(kind) => Err(InspectError::Unsupported(kind)),
                    Sniffed::NeedMore | Sniffed::Truncated => Err(InspectError::Truncated),
                }
            }
        }
    }

    fn advance(&mut self, mut chunk: &[u8]) -> Result<(), InspectError> {
        let limits = self.limits;
        match &mut self.state {
            State::Failed(error) => Err(error.clone()),
            State::Walking(driver) => driver.feed(chunk),
            State::Sniffing { head, len } => {
                while !chunk.is_empty() && *len < TEXT_WINDOW {
                    // Judge after every byte so the verdict cannot depend on chunk boundaries.
                    head[*len] = chunk[0];
                    *len += 1;
                    chunk = &chunk[1..];
                    match sniff(&head[..*len], false) {
                        Sniffed::NeedMore => {}
                        Sniffed::Supported(format) => {
                            self.format = Some(format);
                            let mut driver = Driver::new(walker(format, limits));
                            driver.feed(&head[..*len])?;
                            driver.feed(chunk)?;
                            self.state = State::Walking(driver);
                            return Ok(());
                        }
                        Sniffed::Unsupported(kind) => {
                            return Err(InspectError::Unsupported(kind));
                        }
                        // Only a complete upload can be truncated, and this one is still going.
                        Sniffed::Truncated => return Err(InspectError::Truncated),
                    }
                }
                Ok(())
            }
        }
    }
}

fn walker(format: ImageFormat, limits: UploadLimits) -> Box<dyn Walk> {
    match format {
        ImageFormat::Jpeg => Box::new(JpegWalk::new(limits)),
        ImageFormat::Png => Box::new(PngWalk::new(limits)),
        ImageFormat::Gif => Box::new(GifWalk::new(limits)),
        ImageFormat::WebP => Box::new(WebPWalk::new(limits)),
    }
}

/// Inspects a whole upload already in memory.
///
/// # Errors
/// As [`ImageInspector::feed`] and [`ImageInspector::finish`].
pub fn inspect(bytes: &[u8], limits: UploadLimits) -> Result<ImageInfo, InspectError> {
    let mut inspector = ImageInspector::new(limits);
    inspector.feed(bytes)?;
    inspector.finish()
}
