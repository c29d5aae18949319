//! Offline adapters of lightbox: image bytes in a directory (or memory) through object_store,
//! metadata in SQLite through sqlx. They let the service run, and be tested, without any cloud.
//!
//! Architecture invariant: this crate implements the ports of `lightbox-ports` and depends on
//! nothing of `api-actix` or of any other adapter.

mod backend;
mod blob;
mod sqlite;

pub use backend::{LocalBackend, LocalBackendError};
pub use blob::{Directory, FsBlobStore, Medium, Memory, MemoryBlobStore, ObjectBlobStore};
pub use sqlite::SqliteImageRepository;
