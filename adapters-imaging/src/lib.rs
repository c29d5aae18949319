//! The pixel work of lightbox in pure Rust: limit-checked decoding, blurhash and thumbnails.
//!
//! The pipeline is decode → resize → orient → encode (or → blurhash), one module per step.
//! Resizing comes before orienting so that the quarter turns of EXIF orientations 5-8 move a
//! thumbnail's pixels, not a 50-megapixel original's. JPEGs are decoded at a reduced scale (IDCT
//! scaling) when the output is much smaller than the image, which is what makes a 12-megapixel
//! photo's thumbnail cheap.
//!
//! Architecture invariant: this crate implements the [`ImageProcessor`] port and depends on
//! nothing but the ports, the domain and pixel crates.
//!
//! [`ImageProcessor`]: lightbox_ports::ImageProcessor

mod blurhash;
mod decode;
mod encode;
mod jpeg;
mod orient;
mod pixels;
mod pool;
mod processor;
mod render;
mod resize;

pub use pool::PoolStats;
pub use processor::ImagingProcessor;
pub use render::{analyze_image, render_thumbnail};
