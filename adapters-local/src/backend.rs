//! Both local adapters opened together on one data directory: the convenience a binary or a
//! test uses to get a complete offline backend in one call.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lightbox_ports::{BlobError, BlobStore, ImageCensus, ImageRepository, RepoError};

use crate::blob::{FsBlobStore, MemoryBlobStore};
use crate::sqlite::SqliteImageRepository;

/// The blob directory inside the data directory.
const BLOBS_DIRECTORY: &str = "blobs";
/// The database file inside the data directory.
const DATABASE_FILE: &str = "lightbox.db";

/// A blob store and a repository, ready to hand to the service.
#[derive(Clone)]
pub struct LocalBackend {
    /// Image bytes.
    pub blobs: Arc<dyn BlobStore>,
    /// Image metadata.
    pub repository: Arc<dyn ImageRepository>,
    /// The store's totals (the same database as `repository`).
    pub census: Arc<dyn ImageCensus>,
}

/// Why the local backend could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum LocalBackendError {
    /// The data directory could not be created.
    #[error("cannot create the data directory {path}")]
    DataDirectory {
        /// The directory asked for.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// The blob store could not be opened.
    #[error("cannot open the blob store")]
    Blobs(#[source] BlobError),
    /// The metadata database could not be opened or migrated.
    #[error("cannot open the metadata database")]
    Metadata(#[source] RepoError),
}

impl LocalBackend {
    /// Opens, creating what is missing, `<data_dir>/blobs/` and `<data_dir>/lightbox.db`.
    ///
    /// # Errors
    /// [`LocalBackendError`] naming the part that failed.
    pub async fn open(data_dir: &Path) -> Result<Self, LocalBackendError> {
        std::fs::create_dir_all(data_dir).map_err(|source| LocalBackendError::DataDirectory {
            path: data_dir.to_owned(),
            source,
        })?;
        let blobs =
            FsBlobStore::open(&data_dir.join(BLOBS_DIRECTORY)).map_err(LocalBackendError::Blobs)?;
        let repository = SqliteImageRepository::open(&Self::database_path(data_dir))
            .await
            .map_err(LocalBackendError::Metadata)?;
        let repository = Arc::new(repository);
        Ok(Self {
            blobs: Arc::new(blobs),
            census: Arc::clone(&repository) as Arc<dyn ImageCensus>,
            repository,
        })
    }

    /// Where [`LocalBackend::open`] keeps the metadata database of `data_dir`.
    pub fn database_path(data_dir: &Path) -> PathBuf {
        data_dir.join(DATABASE_FILE)
    }

    /// Both stores in memory, empty, lost with the process.
    ///
    /// # Errors
    /// [`LocalBackendError::Metadata`] when SQLite cannot start.
    pub async fn in_memory() -> Result<Self, LocalBackendError> {
        let repository = SqliteImageRepository::in_memory()
            .await
            .map_err(LocalBackendError::Metadata)?;
        let repository = Arc::new(repository);
        Ok(Self {
            blobs: Arc::new(MemoryBlobStore::new()),
            census: Arc::clone(&repository) as Arc<dyn ImageCensus>,
            repository,
        })
    }
}

impl fmt::Debug for LocalBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalBackend").finish_non_exhaustive()
    }
}
