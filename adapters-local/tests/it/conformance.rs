//! The ports' conformance suite against the in-memory backend and the filesystem + SQLite file
//! backend.

use lightbox_adapters_local::{FsBlobStore, LocalBackend, MemoryBlobStore, SqliteImageRepository};
use lightbox_ports::conformance;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn memory_blob_store_conforms() {
    conformance::blob_store_conformance(&MemoryBlobStore::new()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn in_memory_sqlite_repository_conforms() {
    let repository = SqliteImageRepository::in_memory().await.unwrap();
    conformance::image_repository_conformance(&repository).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fs_blob_store_conforms() {
    let directory = tempfile::tempdir().unwrap();
    let store = FsBlobStore::open(&directory.path().join("blobs")).unwrap();
    conformance::blob_store_conformance(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_file_repository_conforms() {
    let directory = tempfile::tempdir().unwrap();
    let repository = SqliteImageRepository::open(&directory.path().join("lightbox.db"))
        .await
        .unwrap();
    conformance::image_repository_conformance(&repository).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn local_backends_conform_as_wired_by_local_backend() {
    let memory = LocalBackend::in_memory().await.unwrap();
    conformance::all(memory.blobs.as_ref(), memory.repository.as_ref()).await;

    let directory = tempfile::tempdir().unwrap();
    let files = LocalBackend::open(&directory.path().join("data"))
        .await
        .unwrap();
    conformance::all(files.blobs.as_ref(), files.repository.as_ref()).await;
    assert!(directory.path().join("data/blobs").is_dir());
    assert!(directory.path().join("data/lightbox.db").is_file());
}
