//! A thumbnail's first request renders it and stores it beside the original: the one write of a
//! read. With a fault at each of its storage calls, the answer is 503 (500 for a panic) unless
//! only storing the rendered thumbnail failed, which costs a later re-render and nothing else;
//! the image stays whole and nothing is left half-stored either way.

use lightbox_ports::testing::faults::{FaultKind, Operation};
use reqwest::RequestBuilder;

use super::{
    Outcome, STALL, assert_answered_in_time, assert_done_or_unavailable, assert_internal_error,
    at_every_step, stored_image,
};
use crate::helpers::TestApp;

fn thumbnail(app: &TestApp, id: &str) -> RequestBuilder {
    app.request(
        reqwest::Method::GET,
        &format!("/api/v1/images/{id}/thumbnail?size=64"),
    )
}

/// Whether the failing call was the one storing the rendered thumbnail.
fn only_the_store_failed(steps: &[Operation]) -> bool {
    steps.last() == Some(&Operation::BlobPut)
}

/// The image is whole, and its thumbnail is served once the fault is gone.
async fn assert_whole(app: &TestApp, outcome: &Outcome) {
    let case = &outcome.case;
    let id = &outcome.prepared;
    assert_eq!(
        outcome.stored.records,
        [id.clone()].into(),
        "[{case}] the image is still there"
    );
    assert!(outcome.stored.orphans.is_empty(), "[{case}] no orphans");
    let again = thumbnail(app, id).send().await.expect("an answer");
    assert_eq!(
        again.status().as_u16(),
        200,
        "[{case}] the thumbnail afterwards"
    );
}

/// The image is whole; the answer is the thumbnail when only its store failed, else 503.
async fn assert_served_or_unavailable(app: &TestApp, steps: &[Operation], outcome: Outcome) {
    assert_whole(app, &outcome).await;
    let served = only_the_store_failed(steps);
    assert_done_or_unavailable(&outcome.case, outcome.response, served, 200).await;
}

#[tokio::test]
async fn a_thumbnail_whose_storage_fails_at_any_call_answers_503_unless_only_its_store_failed() {
    let calls = at_every_step(
        FaultKind::Unavailable,
        stored_image,
        async |app, id| thumbnail(app, id),
        async |app, steps: &[Operation], outcome: Outcome| {
            assert_served_or_unavailable(app, steps, outcome).await;
        },
    )
    .await;
    assert!(
        calls.contains(&Operation::BlobPut),
        "the first request stores the thumbnail: {calls:?}"
    );
}

#[tokio::test]
async fn a_thumbnail_whose_storage_hangs_at_any_call_answers_by_the_deadline() {
    at_every_step(
        STALL,
        stored_image,
        async |app, id| thumbnail(app, id),
        async |app, steps: &[Operation], outcome: Outcome| {
            assert_answered_in_time(&outcome);
            assert_served_or_unavailable(app, steps, outcome).await;
        },
    )
    .await;
}

#[tokio::test]
async fn a_thumbnail_that_panics_at_any_call_answers_500_and_keeps_the_image_whole() {
    at_every_step(
        FaultKind::Panic,
        stored_image,
        async |app, id| thumbnail(app, id),
        async |app, _steps: &[Operation], outcome: Outcome| {
            assert_whole(app, &outcome).await;
            assert_internal_error(&outcome.case, outcome.response).await;
        },
    )
    .await;
}
