//! The storage failure every use case can meet, kept apart from each operation's own errors.

use crate::blob_store::BlobError;
use crate::failure::{BackendFailure, Cause};
use crate::image_repository::RepoError;

/// Storage could not serve a request: out of space (507) or unavailable (503).
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// The store is out of space; nothing half-written was left.
    #[error("storage is out of space")]
    Full,
    /// A backend failed; the cause is for logs.
    #[error(transparent)]
    Unavailable(#[from] BackendFailure),
}

impl StorageError {
    /// A failure that a correct backend should never produce, reported as unavailability so that
    /// the client gets a retryable answer and the log gets the story.
    pub(crate) fn unexpected(backend: &'static str, what: impl Into<String>) -> Self {
        Self::Unavailable(BackendFailure::new(backend, Cause(what.into())))
    }
}

impl From<BlobError> for StorageError {
    fn from(error: BlobError) -> Self {
        match error {
            BlobError::InsufficientStorage => Self::Full,
            BlobError::Unavailable(failure) => Self::Unavailable(failure),
            BlobError::NotFound => {
                Self::unexpected("blob store", "an object that should exist is missing")
            }
            BlobError::Body(cause) => Self::Unavailable(BackendFailure::new("blob store", cause)),
        }
    }
}

impl From<RepoError> for StorageError {
    fn from(error: RepoError) -> Self {
        match error {
            RepoError::InsufficientStorage => Self::Full,
            RepoError::Unavailable(failure) => Self::Unavailable(failure),
            other => Self::unexpected("metadata database", other.to_string()),
        }
    }
}
