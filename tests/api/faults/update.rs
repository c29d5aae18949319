//! Update with a fault at each of its storage calls: before the write the record stays as it
//! was, after it (presigning the answer's `url`) the change stands; the bytes are there either way.

use lightbox_ports::testing::faults::{FaultKind, Operation};
use reqwest::{Method, RequestBuilder};
use serde_json::json;

use super::{
    Outcome, STALL, assert_answered_in_time, assert_done_or_unavailable, assert_internal_error,
    at_every_step, stored_image,
};
use crate::helpers::TestApp;

fn retitle(app: &TestApp, id: &str) -> RequestBuilder {
    app.request(Method::PATCH, &format!("/api/v1/images/{id}"))
        .header("Content-Type", "application/json")
        .body(json!({ "title": "Renamed" }).to_string())
}

/// Whether the fault hit after the change was written.
fn written_before(steps: &[Operation]) -> bool {
    steps[..steps.len() - 1].contains(&Operation::RepoUpdate)
}

/// The image is whole, and changed exactly when the change was written.
async fn assert_whole(app: &TestApp, steps: &[Operation], outcome: &Outcome) {
    let case = &outcome.case;
    let id = &outcome.prepared;
    assert_eq!(
        outcome.stored.records,
        [id.clone()].into(),
        "[{case}] the image is still there"
    );
    assert!(outcome.stored.orphans.is_empty(), "[{case}] no orphans");
    let metadata: serde_json::Value = app.get_metadata(id).await.json().await.expect("JSON");
    let (title, version) = if written_before(steps) {
        (json!("Renamed"), 2)
    } else {
        (serde_json::Value::Null, 1)
    };
    assert_eq!(metadata["title"], title, "[{case}] the title");
    assert_eq!(metadata["version"], version, "[{case}] the version");
}

/// The image is whole, and the client got 200 once the change was written, else 503.
async fn assert_written_or_unavailable(app: &TestApp, steps: &[Operation], outcome: Outcome) {
    assert_whole(app, steps, &outcome).await;
    let written = written_before(steps);
    assert_done_or_unavailable(&outcome.case, outcome.response, written, 200).await;
}

#[tokio::test]
async fn an_update_whose_storage_fails_at_any_call_answers_503_unless_written_and_keeps_the_image_whole()
 {
    let calls = at_every_step(
        FaultKind::Unavailable,
        stored_image,
        async |app, id| retitle(app, id),
        async |app, steps: &[Operation], outcome: Outcome| {
            assert_written_or_unavailable(app, steps, outcome).await;
        },
    )
    .await;
    assert_eq!(
        calls,
        [
            Operation::RepoGet,
            Operation::RepoUpdate,
            Operation::BlobPresignedGet
        ]
    );
}

#[tokio::test]
async fn an_update_whose_storage_hangs_at_any_call_answers_503_at_the_deadline_unless_written() {
    at_every_step(
        STALL,
        stored_image,
        async |app, id| retitle(app, id),
        async |app, steps: &[Operation], outcome: Outcome| {
            assert_answered_in_time(&outcome);
            assert_written_or_unavailable(app, steps, outcome).await;
        },
    )
    .await;
}

#[tokio::test]
async fn an_update_that_panics_at_any_call_answers_500_and_keeps_the_image_whole() {
    at_every_step(
        FaultKind::Panic,
        stored_image,
        async |app, id| retitle(app, id),
        async |app, steps: &[Operation], outcome: Outcome| {
            assert_whole(app, steps, &outcome).await;
            assert_internal_error(&outcome.case, outcome.response).await;
        },
    )
    .await;
}
