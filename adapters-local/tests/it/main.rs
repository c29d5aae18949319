//! The adapters' one integration test binary (one binary keeps link times down): the shared
//! conformance suite against both local backends, and what only the filesystem and the SQLite
//! file can show (leftovers of aborted uploads, restarts, corrupt rows).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod conformance;
mod fs_blob_store;
mod full_disk;
mod import;
mod restart;
mod sqlite_file;
