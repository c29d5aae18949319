//! Image format detection and streaming structural inspection of uploads.
//!
//! An upload is judged from its bytes alone, never from the name or the declared content type,
//! and while it streams in: a decompression bomb or a disguised SVG is refused after its first
//! few bytes rather than after the whole body has been stored. Pixel data is never decoded here;
//! that is the thumbnailer's job. The same streaming approach strips an upload's metadata
//! (`strip`) before it is stored, rewriting the container but never the pixels.

mod crc32;
mod driver;
mod error;
mod exif;
mod format;
mod gif;
mod info;
mod inspector;
mod jpeg;
mod png;
mod sniff;
mod strip;
mod webp;

#[cfg(test)]
mod tests;

pub use error::InspectError;
pub use format::{ImageFormat, UnsupportedFormat};
pub use info::{ImageInfo, Orientation};
pub use inspector::{ImageInspector, inspect};
pub use strip::{MetadataStripper, StripError, StripReport};
