//! The route handlers, one file per resource or operation. Each documents its responses for the
//! OpenAPI document and fails only with [`ApiError`](crate::problem::ApiError).

pub mod delete;
pub mod health;
pub mod image_bytes;
pub mod list;
pub mod list_query;
pub mod me;
pub mod metadata;
pub mod thumbnail;
pub mod update;
pub mod update_body;
pub mod upload;
