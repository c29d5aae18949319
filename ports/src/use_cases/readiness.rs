//! Readiness: whether every backend answers, and which one does not.

use crate::blob_store::BlobError;
use crate::failure::{BackendFailure, Cause};
use crate::image_repository::RepoError;
use crate::use_cases::ImageService;

/// A backend that does not answer.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct NotReady(pub BackendFailure);

impl NotReady {
    /// Which backend, in an operator's words.
    pub fn backend(&self) -> &'static str {
        self.0.backend
    }
}

impl ImageService {
    /// Checks the metadata database and the blob store, concurrently.
    ///
    /// # Errors
    /// [`NotReady`] naming the first backend that failed (the database first).
    pub async fn check_ready(&self) -> Result<(), NotReady> {
        let (repository, blobs) =
            futures::join!(self.repository.check_ready(), self.blobs.check_ready());
        if let Err(error) = repository {
            return Err(NotReady(match error {
                RepoError::Unavailable(failure) => failure,
                other => BackendFailure::new("metadata database", Cause(other.to_string())),
            }));
        }
        if let Err(error) = blobs {
            return Err(NotReady(match error {
                BlobError::Unavailable(failure) => failure,
                other => BackendFailure::new("blob store", Cause(other.to_string())),
            }));
        }
        Ok(())
    }
}
