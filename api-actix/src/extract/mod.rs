//! Extractors: what every handler takes from a request, parsed once, failing as [`ApiError`]s.
//!
//! [`ApiError`]: crate::problem::ApiError

mod caller;
mod image_id;
mod query;

pub use caller::{Caller, USER_ID_HEADER};
pub use image_id::PathImageId;
pub use query::QueryPairs;
