//! Unit tests of the use cases against mocked ports: one test per failure branch.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod content;
mod delete;
mod list;
mod placeholders;
mod read;
pub(crate) mod support;
mod thumbnail;
mod update;
mod upload;
