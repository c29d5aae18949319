//! lightbox's HTTP API (actix-web) and the pieces of the `lightbox` binary: settings, logs, and
//! the server itself.
//!
//! Architecture invariant: this is the only crate that knows HTTP and JSON field names. Handlers
//! call the use cases of `lightbox_ports::ImageService`; errors become problem+json in one place
//! (`problem`); the backend is chosen from the settings at start-up.

mod abuse;
pub mod auth;
pub mod config;
mod docs;
pub mod extract;
mod gallery;
mod handlers;
mod http;
pub mod maintenance;
pub mod metrics;
pub mod openapi;
pub mod problem;
pub mod provision;
mod routes;
mod startup;
mod state;
pub mod telemetry;

pub use config::{ConfigError, Settings};
pub use startup::{Application, Storage, in_memory_app, open_backend};
