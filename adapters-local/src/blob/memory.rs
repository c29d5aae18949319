//! Blobs kept in memory, for tests and throwaway instances: the same code as the filesystem
//! store, over object_store's `InMemory`.

use std::sync::Arc;

use async_trait::async_trait;
use lightbox_ports::{BlobError, ListedObject};
use object_store::memory::InMemory;

use super::object_blob_store::{Medium, ObjectBlobStore};

/// Memory as a medium: always ready, nothing to tidy or left over, nothing durable.
#[derive(Debug, Clone, Copy, Default)]
pub struct Memory;

/// A blob store in memory; everything is lost with the process.
pub type MemoryBlobStore = ObjectBlobStore<Memory>;

impl ObjectBlobStore<Memory> {
    /// An empty store.
    pub fn new() -> Self {
        Self::on_medium(Arc::new(InMemory::new()), Memory)
    }
}

impl Default for ObjectBlobStore<Memory> {
    fn default() -> Self {
        Self::new()
    }
}

#[async_trait]
impl Medium for Memory {
    async fn check_ready(&self) -> Result<(), BlobError> {
        Ok(())
    }

    async fn tidy(&self, _prefix: &str) {}

    async fn leftovers(&self, _prefix: &str) -> Result<Vec<ListedObject>, BlobError> {
        // `InMemory` publishes an upload in one step at completion: nothing is ever half there.
        Ok(Vec::new())
    }
}
