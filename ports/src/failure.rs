//! A storage backend that failed: which one, and why (the why is for logs, never for clients).

use std::fmt;

/// The generic name of the blob store in failures, for adapters that have no more telling one.
pub const BLOB_STORE: &str = "blob store";

/// The generic name of the metadata repository in failures, for adapters that have no more
/// telling one.
pub const METADATA_DATABASE: &str = "metadata database";

/// Any error from a backend, boxed so adapters can pass their SDK's errors through.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// A backend could not do what was asked (down, timed out, refused). Maps to 503.
#[derive(Debug, thiserror::Error)]
#[error("the {backend} is unavailable")]
pub struct BackendFailure {
    /// Which backend, in words an operator recognises ("blob store", "metadata database").
    pub backend: &'static str,
    /// The cause, logged and never shown to clients.
    #[source]
    pub source: BoxError,
}

impl BackendFailure {
    /// Wraps a cause.
    pub fn new(backend: &'static str, source: impl Into<BoxError>) -> Self {
        Self {
            backend,
            source: source.into(),
        }
    }
}

/// A plain-text cause, for failures that have no error value of their own.
#[derive(Debug)]
pub struct Cause(pub String);

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Cause {}
