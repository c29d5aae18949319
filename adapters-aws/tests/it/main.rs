//! The AWS adapters' one integration test binary, run against moto_server (S3 + DynamoDB on one
//! port): provisioning, the shared conformance suite, long page walks, presigned URLs, the
//! spooling of large uploads and the mapping of a dead backend to `Unavailable`.
//!
//! Needs `LIGHTBOX_TEST_AWS_ENDPOINT` (start moto with `scripts/moto start`); without it every
//! test fails with a message saying so, since CI must never skip them silently.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod conformance;
mod faults;
mod page_walk;
mod presigned;
mod provisioning;
mod spool;
mod support;
