//! lightbox's domain: the pure, synchronous rules every other crate builds on.
//!
//! Architecture invariant: this crate does no I/O and knows nothing of async, HTTP, JSON field
//! names or storage engines. Every value here is parsed once at the edge and is valid by
//! construction ("parse, don't validate").

pub mod blurhash;
pub mod cursor;
pub mod filename;
pub mod idempotency;
pub mod ids;
pub mod image;
pub mod image_format;
pub mod limits;
pub mod listing;
pub mod quota;
pub mod range;
pub mod signing;
pub mod tags;
pub mod text;
pub mod thumbnail;
pub mod visibility;
