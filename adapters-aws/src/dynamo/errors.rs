//! Translating DynamoDB SDK errors into the port's [`RepoError`], and reading the reasons a
//! transaction was cancelled.
//!
//! The SDK has already retried throttling (`ProvisionedThroughputExceeded`, `ThrottlingException`,
//! `RequestLimitExceeded`), 5xx answers, timeouts and dispatch failures by the time an error
//! arrives here, so whatever remains is `Unavailable` (503), with the SDK error kept as the
//! source for the logs only. The expected refusals (failed conditions) are read by the callers.

use std::error::Error;
use std::fmt;

use aws_sdk_dynamodb::config::http::HttpResponse;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use lightbox_ports::{BackendFailure, RepoError};

/// A failed DynamoDB call: which one, and the SDK's error.
#[derive(Debug)]
struct DynamoCallFailed {
    operation: &'static str,
    source: Box<dyn Error + Send + Sync>,
}

impl fmt::Display for DynamoCallFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DynamoDB {} failed", self.operation)
    }
}

impl Error for DynamoCallFailed {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(self.source.as_ref())
    }
}

/// What a failed DynamoDB call is called in a 503's detail and in `/ready`: the operator learns
/// which of the two AWS services is down.
pub const BACKEND_NAME: &str = "DynamoDB table";

/// `Unavailable`, naming the service and the call.
pub(super) fn from_sdk<E>(operation: &'static str, error: SdkError<E, HttpResponse>) -> RepoError
where
    E: Error + Send + Sync + 'static,
{
    RepoError::Unavailable(BackendFailure::new(
        BACKEND_NAME,
        DynamoCallFailed {
            operation,
            source: Box::new(error),
        },
    ))
}

/// Why each item of a cancelled transaction stopped it, in the order the items were sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reason {
    /// The item did not stop the transaction.
    None,
    /// The item's condition was false.
    ConditionFailed,
    /// Another transaction or write touched the item at the same time: worth retrying.
    Conflict,
    /// Anything else (throttling, validation): the transaction as a whole failed.
    Other,
}

/// A transaction's outcome when it did not commit.
#[derive(Debug)]
pub(super) enum TransactionFailure {
    /// Cancelled, with one reason per item.
    Cancelled(Vec<Reason>),
    /// Failed as a whole: already the port's error.
    Failed(RepoError),
}

/// Sorts a `TransactWriteItems` error into a cancellation (with its reasons) or a failure.
pub(super) fn transaction_failure(
    error: SdkError<TransactWriteItemsError, HttpResponse>,
) -> TransactionFailure {
    let cancelled = match &error {
        SdkError::ServiceError(service) => match service.err() {
            TransactWriteItemsError::TransactionCanceledException(cancelled) => Some(
                cancelled
                    .cancellation_reasons()
                    .iter()
                    .map(|reason| match reason.code() {
                        None | Some("None") => Reason::None,
                        Some("ConditionalCheckFailed") => Reason::ConditionFailed,
                        Some("TransactionConflict") => Reason::Conflict,
                        Some(_) => Reason::Other,
                    })
                    .collect(),
            ),
            // Another transaction on the same items was in progress.
            TransactWriteItemsError::TransactionInProgressException(_) => {
                Some(vec![Reason::Conflict])
            }
            _ => None,
        },
        _ => None,
    };
    match cancelled {
        Some(reasons) if !reasons.is_empty() && !reasons.contains(&Reason::Other) => {
            TransactionFailure::Cancelled(reasons)
        }
        _ => TransactionFailure::Failed(from_sdk("TransactWriteItems", error)),
    }
}
