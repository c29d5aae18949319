//! Blob stores built on object_store: one implementation of the port over any `ObjectStore`,
//! and the two media it runs on here (a local directory, memory).

mod directory;
mod errors;
mod memory;
mod object_blob_store;
mod reading;

pub use directory::{Directory, FsBlobStore};
pub use memory::{Memory, MemoryBlobStore};
pub use object_blob_store::{Medium, ObjectBlobStore};
