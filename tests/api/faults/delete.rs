//! Delete with a fault at each of its storage calls: metadata goes first, so a fault before it
//! leaves the image whole and one after it leaves only orphan bytes, never a record without them.

use lightbox_ports::testing::faults::{FaultKind, Operation};
use reqwest::{Method, RequestBuilder};

use super::{
    Outcome, STALL, assert_answered_in_time, assert_done_or_unavailable, assert_internal_error,
    at_every_step, stored_image,
};
use crate::helpers::TestApp;

fn delete(app: &TestApp, id: &str) -> RequestBuilder {
    app.request(Method::DELETE, &format!("/api/v1/images/{id}"))
}

/// Whether the fault hit after the record was removed.
fn after_the_record_went(steps: &[Operation]) -> bool {
    steps[..steps.len() - 1].contains(&Operation::RepoDelete)
}

/// Before the record went, the image is whole; after, only its bytes stay, as an orphan.
fn assert_whole_or_orphaned(steps: &[Operation], outcome: &Outcome) {
    let case = &outcome.case;
    let id = [outcome.prepared.clone()].into();
    if after_the_record_went(steps) {
        assert!(
            outcome.stored.records.is_empty(),
            "[{case}] the record is gone"
        );
        assert_eq!(
            outcome.stored.orphans, id,
            "[{case}] its bytes are an orphan"
        );
    } else {
        assert_eq!(outcome.stored.records, id, "[{case}] the image is whole");
        assert!(outcome.stored.orphans.is_empty(), "[{case}] no orphans");
    }
}

/// The image is whole or orphaned, and the client got 204 once the record went (the bytes wait
/// for garbage collection), else 503.
async fn assert_gone_or_unavailable(steps: &[Operation], outcome: Outcome) {
    assert_whole_or_orphaned(steps, &outcome);
    let gone = after_the_record_went(steps);
    assert_done_or_unavailable(&outcome.case, outcome.response, gone, 204).await;
}

#[tokio::test]
async fn a_delete_whose_storage_fails_at_any_call_leaves_the_image_whole_or_its_bytes_orphaned() {
    let calls = at_every_step(
        FaultKind::Unavailable,
        stored_image,
        async |app, id| delete(app, id),
        async |_, steps: &[Operation], outcome: Outcome| {
            assert_gone_or_unavailable(steps, outcome).await;
        },
    )
    .await;
    assert_eq!(
        calls,
        [
            Operation::RepoGet,
            Operation::RepoDelete,
            Operation::BlobDeletePrefix
        ]
    );
}

#[tokio::test]
async fn a_delete_whose_storage_hangs_at_any_call_answers_503_at_the_deadline_unless_gone() {
    at_every_step(
        STALL,
        stored_image,
        async |app, id| delete(app, id),
        async |_, steps: &[Operation], outcome: Outcome| {
            assert_answered_in_time(&outcome);
            assert_gone_or_unavailable(steps, outcome).await;
        },
    )
    .await;
}

#[tokio::test]
async fn a_delete_that_panics_at_any_call_answers_500_and_leaves_the_image_whole_or_orphaned() {
    at_every_step(
        FaultKind::Panic,
        stored_image,
        async |app, id| delete(app, id),
        async |_, steps: &[Operation], outcome: Outcome| {
            assert_whole_or_orphaned(steps, &outcome);
            assert_internal_error(&outcome.case, outcome.response).await;
        },
    )
    .await;
}
