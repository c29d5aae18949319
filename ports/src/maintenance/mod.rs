//! The operators' passes over the whole store, apart from the request path: garbage collection
//! of objects no metadata points to ([`Maintenance::collect_garbage`]) and the check of every
//! stored original against its recorded digest ([`Maintenance::scrub`]).
//!
//! Both read the whole store, so they run from the command line (`lightbox gc`, `lightbox
//! scrub`) or, for gc, from a background task at a long interval, never inside a request.

mod gc;
mod scrub;

#[cfg(test)]
mod tests;

use std::fmt;
use std::sync::Arc;

use crate::blob_store::BlobStore;
use crate::clock::Clock;
use crate::image_repository::ImageRepository;

pub use gc::{GcOptions, GcReport};
pub use scrub::{CorruptImage, ScrubReport, UnreadableImage};

/// The whole-store passes, over the same ports the service uses.
#[derive(Clone)]
pub struct Maintenance {
    blobs: Arc<dyn BlobStore>,
    repository: Arc<dyn ImageRepository>,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for Maintenance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Maintenance").finish_non_exhaustive()
    }
}

impl Maintenance {
    /// The passes over these stores; `clock` dates the grace period of gc.
    pub fn new(
        blobs: Arc<dyn BlobStore>,
        repository: Arc<dyn ImageRepository>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            blobs,
            repository,
            clock,
        }
    }
}
