//! lightbox's black-box HTTP suite: the real application on a random port, driven over HTTP only.
//!
//! Every assertion comes from `shared/api-contract.md`; one module per route or concern.
#![allow(clippy::unwrap_used, clippy::expect_used)]
// Bad-input tables are arrays of tuples on purpose: one line per case reads best.
#![allow(clippy::type_complexity)]

mod aws_backend;
mod helpers;

mod authz_matrix;
mod bytes_headers;
mod bytes_ranges;
mod concurrency;
mod content_url;
mod cross_user;
mod delete;
mod docs;
mod faults;
mod gallery;
mod identity;
mod identity_jwt;
mod identity_jwt_keys;
mod ids;
mod list_errors;
mod list_filters;
mod list_paging;
mod local_backend;
mod maintenance;
mod metadata;
mod metrics;
mod model;
mod quota;
mod rate_limit;
mod request_limits;
mod routing;
mod security_headers;
mod service;
mod slow_bodies;
mod thumbnails;
mod update;
mod update_errors;
mod upload_bombs;
mod upload_fields;
mod upload_filenames;
mod upload_hostile;
mod upload_idempotency;
mod upload_limits;
mod upload_metadata_stripping;
mod upload_rejections;
mod upload_success;
