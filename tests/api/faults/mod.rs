//! Fault injection at every step: each request runs once to record the storage calls it makes,
//! then once per call on a fresh app with that call failing (an `Unavailable` error, a panic, or
//! a stall far beyond the app's storage deadline), and what storage holds afterwards is checked.
//! Storage is the backend this run of the suite is on (a real SQLite file and blob directory, or
//! S3 and DynamoDB on moto) behind the fault-injecting decorators of
//! `lightbox_ports::testing::faults`.
//!
//! The invariants, after every fault: every record's bytes are there, whole (their sha256 is the
//! record's); any bytes without a record are a whole image directory (an orphan for garbage
//! collection, which runs after each error or panic and must remove exactly those), never a
//! record without bytes; and the client got a contract answer, never a connection dropped or a
//! 500 that shows internals.

mod delete;
mod thumbnail;
mod update;
mod upload;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use lightbox_api::config::Settings;
use lightbox_api::maintenance::{self, GcCommand};
use lightbox_ports::testing::faults::{Fault, FaultKind, Operation};
use reqwest::{RequestBuilder, Response};
use serde_json::Value;

use crate::helpers::fixtures::sha256_hex;
use crate::helpers::{TestApp, check_problem, spawn_app_with_faults, upload_png};

/// The storage deadline of the stall tests: short, so a stalled call is cut quickly.
const STORAGE_TIMEOUT_SECONDS: u64 = 1;

/// A stall far beyond [`STORAGE_TIMEOUT_SECONDS`]: a backend that hangs.
const STALL: FaultKind = FaultKind::Stall(Duration::from_secs(30));

/// How soon a request with a stalled call must be answered: the deadline, plus the rest of the
/// request's work on a loaded machine.
const ANSWERED_WITHIN: Duration = Duration::from_secs(3);

/// What storage holds for alice, seen from outside, once the invariants are checked.
#[derive(Debug)]
struct Stored {
    /// Ids of the images alice's list shows.
    records: BTreeSet<String>,
    /// Ids of image directories in the blob store that no record names.
    orphans: BTreeSet<String>,
}

/// One fault at one step, and what came of it.
struct Outcome {
    /// `"<kind> at call <k> (<operation> #<n>)"`, for failure messages.
    case: String,
    /// The answer, or why there was none.
    response: Result<Response, reqwest::Error>,
    /// Storage afterwards, its invariants already checked.
    stored: Stored,
    /// The id `prepare` returned.
    prepared: String,
    /// How long the request took to be answered.
    elapsed: Duration,
}

/// Runs `send` once per storage call it makes, each time on a fresh app readied by `prepare`
/// and with that call failing as `kind`, and hands each outcome to `expect`. Returns the calls
/// of the fault-free run. A stall runs under a storage deadline of [`STORAGE_TIMEOUT_SECONDS`];
/// other faults under the default one.
async fn at_every_step(
    kind: FaultKind,
    prepare: impl AsyncFn(&TestApp) -> String,
    send: impl AsyncFn(&TestApp, &str) -> RequestBuilder,
    expect: impl AsyncFn(&TestApp, &[Operation], Outcome),
) -> Vec<Operation> {
    let configure = |settings: &mut Settings| {
        if matches!(kind, FaultKind::Stall(_)) {
            settings.storage_timeout_seconds = STORAGE_TIMEOUT_SECONDS;
        }
    };
    let calls = record_calls(&prepare, &send).await;
    for step in 0..calls.len() {
        let fault = Fault::at_step(&calls, step, kind);
        let (app, plan) = spawn_app_with_faults(configure).await;
        let prepared = prepare(&app).await;
        plan.arm(Some(fault));
        let started = Instant::now();
        let response = send(&app, &prepared).await.send().await;
        let elapsed = started.elapsed();
        let case = format!(
            "{kind:?} at call {step} ({:?} #{}) of {calls:?}",
            fault.operation, fault.nth
        );
        assert!(plan.fired(), "[{case}] the fault was injected");
        plan.arm(None);
        let stored = check_storage(&app, &case).await;
        let (records, orphans) = (stored.records.clone(), stored.orphans.len());
        let outcome = Outcome {
            case: case.clone(),
            response,
            stored,
            prepared,
            elapsed,
        };
        expect(&app, &calls[..=step], outcome).await;
        // A stalled call is still running in the app (it only lost its request), so the store
        // is not at rest: gc with no grace would be wrong there, as it would on a live server.
        if !matches!(kind, FaultKind::Stall(_)) {
            collect_orphans(&app, &case, &records, orphans).await;
        }
    }
    calls
}

/// Runs gc with no grace period (the request is over; nothing else writes) and checks that it
/// removed exactly the orphans, leaving every record and its bytes.
async fn collect_orphans(app: &TestApp, case: &str, records: &BTreeSet<String>, orphans: usize) {
    let command = GcCommand {
        dry_run: false,
        grace: Some(Duration::ZERO),
    };
    let (report, summary) = maintenance::collect_garbage(&app.settings, command)
        .await
        .unwrap_or_else(|error| panic!("[{case}] gc failed: {error:#}"));
    assert_eq!(
        (report.removed, report.failed),
        (orphans as u64, 0),
        "[{case}] gc removes exactly the orphans: {summary}"
    );
    let after = check_storage(app, case).await;
    assert!(
        after.orphans.is_empty(),
        "[{case}] orphans after gc: {:?}",
        after.orphans
    );
    assert_eq!(&after.records, records, "[{case}] gc leaves every record");
}

/// The storage calls of a fault-free run of `send`.
async fn record_calls(
    prepare: &impl AsyncFn(&TestApp) -> String,
    send: &impl AsyncFn(&TestApp, &str) -> RequestBuilder,
) -> Vec<Operation> {
    let (app, plan) = spawn_app_with_faults(|_| {}).await;
    let prepared = prepare(&app).await;
    plan.arm(None);
    let response = send(&app, &prepared).await.send().await.expect("an answer");
    let status = response.status();
    assert!(
        status.is_success(),
        "the request succeeds without faults: {status} {}",
        response.text().await.unwrap_or_default()
    );
    let calls = plan.calls();
    assert!(!calls.is_empty(), "the request calls storage");
    calls
}

/// The image update, delete and thumbnail faults work on: a small PNG of alice's; its id.
async fn stored_image(app: &TestApp) -> String {
    let image = upload_png(app, 1).await;
    image["id"].as_str().expect("an id").to_owned()
}

/// Asserts the answer is `status` when the request had done its work before the fault (the
/// fault hit a call after the commit), and otherwise the contract's 503.
async fn assert_done_or_unavailable(
    case: &str,
    response: Result<Response, reqwest::Error>,
    done: bool,
    status: u16,
) {
    if done {
        let response = response.unwrap_or_else(|error| panic!("[{case}] no answer: {error}"));
        assert_eq!(response.status().as_u16(), status, "[{case}]");
    } else {
        assert_backend_unavailable(case, response).await;
    }
}

/// Asserts the answer is the contract's `503 backend_unavailable` with `Retry-After`.
async fn assert_backend_unavailable(case: &str, response: Result<Response, reqwest::Error>) {
    let response = response.unwrap_or_else(|error| panic!("[{case}] no answer: {error}"));
    assert!(
        response.headers().contains_key("retry-after"),
        "[{case}] a 503 carries Retry-After"
    );
    let problem = check_problem(response, 503, "backend_unavailable")
        .await
        .unwrap_or_else(|failure| panic!("[{case}] {failure}"));
    assert_no_internals(case, &problem);
}

/// Asserts a request with a stalled call was answered soon after the storage deadline, long
/// before the stall would have ended.
fn assert_answered_in_time(outcome: &Outcome) {
    assert!(
        outcome.elapsed < ANSWERED_WITHIN,
        "[{}] answered in {:?}, not within {ANSWERED_WITHIN:?}",
        outcome.case,
        outcome.elapsed
    );
}

/// Asserts the answer to a panic is the contract's `500 internal_error`, without internals.
async fn assert_internal_error(case: &str, response: Result<Response, reqwest::Error>) {
    let response = response.unwrap_or_else(|error| panic!("[{case}] no answer: {error}"));
    // Like every other answer: the id to find it in the log by, and the security headers.
    for header in [
        "x-request-id",
        "x-content-type-options",
        "referrer-policy",
        "content-security-policy",
    ] {
        assert!(
            response.headers().contains_key(header),
            "[{case}] the 500 has no {header}: {:?}",
            response.headers()
        );
    }
    let problem = check_problem(response, 500, "internal_error")
        .await
        .unwrap_or_else(|failure| panic!("[{case}] {failure}"));
    assert_no_internals(case, &problem);
}

/// A 5xx names no cause: neither the injected fault nor a panic message nor a source file.
fn assert_no_internals(case: &str, problem: &Value) {
    let text = problem.to_string().to_ascii_lowercase();
    for internal in ["injected", "panic", ".rs", "sqlite", "/tmp"] {
        assert!(
            !text.contains(internal),
            "[{case}] the problem shows internals ({internal}): {problem}"
        );
    }
}

/// Checks the storage invariants for alice's images and returns what is stored.
async fn check_storage(app: &TestApp, case: &str) -> Stored {
    let page = app.list(&[("limit", "100")]).await;
    assert_eq!(
        page.status().as_u16(),
        200,
        "[{case}] listing after the fault"
    );
    let page: Value = page.json().await.expect("a page as JSON");
    let mut records = BTreeSet::new();
    for item in page["items"].as_array().expect("`items`") {
        let id = item["id"].as_str().expect("an id").to_owned();
        let bytes = app.get_image(&id).await;
        assert_eq!(
            bytes.status().as_u16(),
            200,
            "[{case}] the bytes of recorded image {id} are readable"
        );
        let bytes = bytes.bytes().await.expect("the bytes");
        assert_eq!(
            item["sha256"].as_str(),
            Some(sha256_hex(&bytes).as_str()),
            "[{case}] the bytes of {id} are whole"
        );
        records.insert(id);
    }
    let directories = image_directories(app, case).await;
    let missing: Vec<_> = records.difference(&directories).collect();
    assert!(
        missing.is_empty(),
        "[{case}] records without bytes: {missing:?}"
    );
    let orphans = directories.difference(&records).cloned().collect();
    Stored { records, orphans }
}

/// The ids of the image directories (`images/<xx>/<id>/`) in the blob store. Every stored object
/// must lie in one, and every directory must hold its original: an image's objects come and go
/// with its original, so a derived object alone would be a half-deleted image.
async fn image_directories(app: &TestApp, case: &str) -> BTreeSet<String> {
    let keys = app.storage.object_keys().await;
    let mut ids = BTreeSet::new();
    for key in &keys {
        let parts: Vec<&str> = key.split('/').collect();
        assert!(
            matches!(parts.as_slice(), ["images", _, _, _]),
            "[{case}] a stray object in the blob store: {key}"
        );
        let original = format!("images/{}/{}/original", parts[1], parts[2]);
        assert!(
            keys.contains(&original),
            "[{case}] {key} has no original beside it"
        );
        ids.insert(parts[2].to_owned());
    }
    ids
}
