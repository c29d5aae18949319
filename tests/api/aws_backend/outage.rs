//! An AWS outage seen from the API: requests answer 503 `backend_unavailable` with
//! `Retry-After` within the configured timeouts, `/ready` names the failing service, `/health`
//! stays 200, and the service recovers by itself when the backend returns.

use std::time::{Duration, Instant};

use super::proxy::{Link, OutageProxy};
use crate::helpers::fixtures::png_seeded;
use crate::helpers::{Form, TestApp, assert_problem, spawn_app_with, upload_image};

/// The adapters' whole-call timeout is 15 s (retries included); answers must come within it,
/// with slack for a loaded machine.
const ANSWER_WITHIN: Duration = Duration::from_secs(20);

/// The app on the aws backend, reaching the emulator through a proxy that can be cut.
async fn app_behind_proxy() -> (TestApp, OutageProxy) {
    let emulator = std::env::var("AWS_ENDPOINT_URL").expect("scripts/test sets AWS_ENDPOINT_URL");
    let proxy = OutageProxy::to(&emulator).await;
    let endpoint = proxy.endpoint.clone();
    let app = spawn_app_with(|s| s.aws_endpoint_url = Some(endpoint)).await;
    (app, proxy)
}

async fn assert_unavailable(resp: reqwest::Response, what: &str) -> serde_json::Value {
    assert!(
        resp.headers().contains_key("retry-after"),
        "{what}: a 503 carries Retry-After"
    );
    let problem = assert_problem(resp, 503, "backend_unavailable").await;
    let detail = problem["detail"].as_str().unwrap_or_default().to_owned();
    for internal in ["dispatch", "connector", "127.0.0.1", "SdkError", "io error"] {
        assert!(
            !detail.contains(internal),
            "{what}: a 5xx carries no internals: {detail}"
        );
    }
    problem
}

#[tokio::test]
async fn a_refused_backend_gives_503s_then_the_service_recovers_without_a_restart() {
    let (app, proxy) = app_behind_proxy().await;
    let kept = upload_image(&app, &Form::with_file(png_seeded(12, 9, 1))).await;
    let kept_id = kept["id"].as_str().unwrap().to_owned();

    proxy.set(Link::Refused);
    let started = Instant::now();
    let ready = app.anonymous().get_ready().await;
    let problem = assert_unavailable(ready, "/ready").await;
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("DynamoDB") || detail.contains("S3"),
        "/ready names the failing service: {detail}"
    );
    assert_eq!(app.anonymous().get_health().await.status(), 200);
    assert_unavailable(app.get_metadata(&kept_id).await, "metadata").await;
    assert_unavailable(app.get_image(&kept_id).await, "bytes").await;
    assert_unavailable(app.list(&[]).await, "list").await;
    let refused = app.upload(&Form::with_file(png_seeded(7, 7, 2))).await;
    assert_unavailable(refused, "upload").await;
    assert!(
        started.elapsed() < ANSWER_WITHIN * 5,
        "five answers took {:?}",
        started.elapsed()
    );

    proxy.set(Link::Up);
    assert_eq!(app.anonymous().get_ready().await.status(), 200);
    let listed: serde_json::Value = app.list(&[]).await.json().await.unwrap();
    let ids: Vec<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|image| image["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [kept_id.as_str()], "the failed upload left no image");
    assert_eq!(
        app.stored_object_count().await,
        1,
        "the failed upload left no object"
    );
    upload_image(&app, &Form::with_file(png_seeded(7, 7, 2))).await;
}

#[tokio::test]
async fn a_silent_backend_answers_503_within_the_timeout() {
    let (app, proxy) = app_behind_proxy().await;
    let kept = upload_image(&app, &Form::with_file(png_seeded(5, 5, 3))).await;
    let kept_id = kept["id"].as_str().unwrap().to_owned();

    proxy.set(Link::Silent);
    let started = Instant::now();
    let resp = app.get_metadata(&kept_id).await;
    let took = started.elapsed();

    assert_unavailable(resp, "metadata while the network is silent").await;
    assert!(took < ANSWER_WITHIN, "answered after {took:?}");
    proxy.set(Link::Up);
    assert_eq!(app.get_metadata(&kept_id).await.status(), 200);
}
