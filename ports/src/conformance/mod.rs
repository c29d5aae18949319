//! The one conformance suite every adapter runs against its implementations of the ports, so
//! that "implements `BlobStore`" and "implements `ImageRepository`" mean the same everywhere
//! (the pattern of object_store's `integration.rs`).
//!
//! Each `pub async fn` checks one behaviour of a port's written contract and panics with a
//! message when it is broken; [`blob_store_conformance`] and [`image_repository_conformance`]
//! run them all. Every check uses fresh owners and keys (ids with a random part), so suites may
//! run side by side against one shared store and leave it usable.
//!
//! Enabled by the `conformance` feature; adapters turn it on in their dev-dependencies.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod blob_listing;
mod blob_store;
mod fixtures;
mod idempotency;
mod imports;
mod listing;
mod quota;
mod records;
mod sweeps;

pub use blob_listing::{
    blob_listing, deleted_objects_leave_the_listing,
    list_returns_exactly_the_objects_under_the_prefix, listing_an_empty_prefix_finds_nothing,
};
pub use blob_store::{
    blob_store_conformance, delete_prefix_removes_originals_and_derived_files,
    failed_put_leaves_nothing, missing_objects_are_not_found, put_and_get_round_trip,
    puts_run_concurrently, ranges_serve_exactly_their_bytes, store_is_ready,
};
pub use idempotency::{
    concurrent_creates_with_one_claim_store_one_image, expired_claim_is_replaced,
    idempotency_claims, replay_returns_the_record_as_created,
};
pub use imports::{
    import_never_overwrites, import_stores_the_record_exactly_as_given,
    imported_records_are_listed_and_counted, imports,
};
pub use listing::{
    create_images, list_filters_select_exactly_the_matching_images,
    list_pages_visit_every_image_once, listing,
};
pub use quota::{
    a_create_past_the_quota_stores_nothing, a_replay_is_answered_at_the_quota,
    concurrent_creates_never_pass_the_quota_together, quotas,
};
pub use records::{
    create_and_get_round_trip_every_field, create_refuses_a_taken_id, delete_is_conditional,
    repository_is_ready, set_blurhash_fills_only_a_missing_placeholder,
    update_is_conditional_on_the_version, usage_counts_images_and_bytes,
};
pub use sweeps::{
    existing_ids_finds_exactly_the_stored_ones, sweep_refuses_a_foreign_position,
    sweep_visits_every_record_once, sweeps,
};

use crate::image_repository::ImageRepository;

/// Every check of the [`ImageRepository`](crate::ImageRepository) contract.
pub async fn image_repository_conformance(repository: &dyn ImageRepository) {
    repository_is_ready(repository).await;
    create_and_get_round_trip_every_field(repository).await;
    create_refuses_a_taken_id(repository).await;
    update_is_conditional_on_the_version(repository).await;
    delete_is_conditional(repository).await;
    set_blurhash_fills_only_a_missing_placeholder(repository).await;
    usage_counts_images_and_bytes(repository).await;
    imports(repository).await;
    // Before the listing checks fill the store: a sweep reads all of it, in small pages here.
    sweeps(repository).await;
    idempotency_claims(repository).await;
    quotas(repository).await;
    listing(repository).await;
}

/// Both suites, for a backend offering both ports.
pub async fn all(blobs: &dyn crate::BlobStore, repository: &dyn ImageRepository) {
    blob_store_conformance(blobs).await;
    image_repository_conformance(repository).await;
}
