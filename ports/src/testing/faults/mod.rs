//! Fault injection: decorators over real [`BlobStore`](crate::BlobStore) and
//! [`ImageRepository`](crate::ImageRepository) adapters that record every call and make the Nth
//! call of a chosen operation fail, so a test can break a use case at each of its steps and check
//! what storage holds afterwards.
//!
//! Both decorators share one [`FaultPlan`]: it holds the call log and the single armed fault, so
//! "the 2nd call of `put`" and "the 1st call of `create`" are counted over one request however
//! its calls spread over the two ports.

mod blob_store;
mod plan;
mod repository;

pub use blob_store::FaultyBlobStore;
pub use plan::{Fault, FaultKind, FaultPlan, Operation};
pub use repository::FaultyImageRepository;
