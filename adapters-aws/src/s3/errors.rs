//! Translating S3 SDK errors into the port's [`BlobError`].
//!
//! The SDK has already retried throttling, 5xx answers and transient network failures by the
//! time an error arrives here, so whatever remains is `Unavailable` (503), with the SDK error
//! kept as the source for the logs only.

use std::error::Error;
use std::fmt;

use aws_sdk_s3::config::http::HttpResponse;
use aws_sdk_s3::error::SdkError;
use lightbox_ports::{BackendFailure, BlobError};

/// A failed S3 call: which one, and the SDK's error.
#[derive(Debug)]
struct S3CallFailed {
    operation: &'static str,
    source: Box<dyn Error + Send + Sync>,
}

impl fmt::Display for S3CallFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "S3 {} failed", self.operation)
    }
}

impl Error for S3CallFailed {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(self.source.as_ref())
    }
}

/// What a failed S3 call is called in a 503's detail and in `/ready`: the operator learns which
/// of the two AWS services is down.
pub const BACKEND_NAME: &str = "S3 bucket";

/// `Unavailable`, naming the service and the call.
pub(super) fn from_sdk<E>(operation: &'static str, error: SdkError<E, HttpResponse>) -> BlobError
where
    E: Error + Send + Sync + 'static,
{
    BlobError::Unavailable(BackendFailure::new(
        BACKEND_NAME,
        S3CallFailed {
            operation,
            source: Box::new(error),
        },
    ))
}

/// Whether S3 said there is no such object (`NoSuchKey`, or a bare 404 as some emulators and
/// ranged reads answer).
pub(super) fn is_not_found<E>(error: &SdkError<E, HttpResponse>) -> bool {
    matches!(error, SdkError::ServiceError(service) if service.raw().status().as_u16() == 404)
}
