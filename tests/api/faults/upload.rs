//! Upload with a fault at each of its storage calls: bytes first, then metadata, so a failure
//! leaves no record, and bytes only where the request died before it could remove them or where
//! the record may have been written (a failed `create` cannot say it was not: its bytes stay as
//! an orphan). The last call (presigning the answer's `url`) comes after the commit: a failure
//! there must not deny an upload that happened.

use lightbox_ports::testing::faults::{FaultKind, Operation};
use reqwest::{Method, RequestBuilder};

use super::{
    Outcome, STALL, assert_answered_in_time, assert_done_or_unavailable, assert_internal_error,
    at_every_step,
};
use crate::helpers::fixtures::png;
use crate::helpers::{Form, TestApp};

fn upload(app: &TestApp) -> RequestBuilder {
    let form = Form::with_file(png(8, 8));
    app.request(Method::POST, "/api/v1/images/upload")
        .header("Content-Type", form.content_type())
        .body(form.body())
}

/// Whether the fault hit after the record was created.
fn committed_before(steps: &[Operation]) -> bool {
    steps[..steps.len() - 1].contains(&Operation::RepoCreate)
}

/// Whether the fault hit the record's creation itself.
fn create_failed(steps: &[Operation]) -> bool {
    steps.last() == Some(&Operation::RepoCreate)
}

/// The answer and storage after an upload whose call failed as `Unavailable` or stalled past the
/// deadline (which the app turns into `Unavailable`).
async fn assert_unavailable_outcome(steps: &[Operation], outcome: Outcome) {
    let case = &outcome.case;
    // Once the bytes are stored, a failure removes them before answering, but for a failed
    // create: the record may have been written after all, so its bytes stay as an orphan.
    let orphans = usize::from(create_failed(steps));
    assert_eq!(
        outcome.stored.orphans.len(),
        orphans,
        "[{case}] orphans: {:?}",
        outcome.stored.orphans
    );
    // Stored is stored: a fault after the commit still answers 201.
    let committed = committed_before(steps);
    let records = usize::from(committed);
    assert_eq!(outcome.stored.records.len(), records, "[{case}] records");
    assert_done_or_unavailable(case, outcome.response, committed, 201).await;
}

#[tokio::test]
async fn an_upload_whose_storage_fails_at_any_call_answers_503_unless_stored_and_keeps_bytes_only_after_a_failed_create()
 {
    let calls = at_every_step(
        FaultKind::Unavailable,
        async |_| String::new(),
        async |app, _| upload(app),
        async |_, steps: &[Operation], outcome: Outcome| {
            assert_unavailable_outcome(steps, outcome).await;
        },
    )
    .await;
    assert_eq!(
        calls,
        [
            Operation::BlobPut,
            Operation::BlobGet,
            Operation::RepoCreate,
            Operation::BlobPresignedGet
        ],
        "an upload stores the bytes, reads them back to decode them, records them, then links them"
    );
}

#[tokio::test]
async fn an_upload_whose_storage_hangs_at_any_call_answers_503_at_the_deadline_unless_stored() {
    at_every_step(
        STALL,
        async |_| String::new(),
        async |app, _| upload(app),
        async |_, steps: &[Operation], outcome: Outcome| {
            assert_answered_in_time(&outcome);
            assert_unavailable_outcome(steps, outcome).await;
        },
    )
    .await;
}

#[tokio::test]
async fn an_upload_that_panics_at_any_call_answers_500_and_leaves_no_record_without_bytes() {
    at_every_step(
        FaultKind::Panic,
        async |_| String::new(),
        async |app, _| upload(app),
        async |_, steps: &[Operation], outcome: Outcome| {
            assert_internal_error(&outcome.case, outcome.response).await;
            let case = &outcome.case;
            let stored = &outcome.stored;
            if committed_before(steps) {
                assert_eq!(stored.records.len(), 1, "[{case}] the committed record");
                assert!(stored.orphans.is_empty(), "[{case}] no orphans");
                return;
            }
            assert!(stored.records.is_empty(), "[{case}] no record");
            // A panic skips the clean-up: bytes stored before it stay, as an orphan.
            let bytes_were_stored = steps[..steps.len() - 1].contains(&Operation::BlobPut);
            assert_eq!(
                stored.orphans.len(),
                usize::from(bytes_were_stored),
                "[{case}] orphans: {:?}",
                stored.orphans
            );
        },
    )
    .await;
}
