//! `GET /metrics`: Prometheus text that a Prometheus server parses, with exact counts for the
//! requests made, the bytes moved, the thumbnails rendered and the storage calls and failures,
//! on either backend. No identity is needed to scrape.

use lightbox_ports::testing::faults::{Fault, FaultKind, Operation};
use reqwest::Method;

use crate::helpers::{
    Scrape, aws_requested, spawn_app, spawn_app_with, spawn_app_with_faults, unknown_id, upload_png,
};

const REQUESTS: &str = "lightbox_http_requests_total";
const DURATIONS: &str = "lightbox_http_request_duration_seconds_count";
const CALLS: &str = "lightbox_backend_call_duration_seconds_count";
const ERRORS: &str = "lightbox_backend_errors_total";

/// The `backend` labels of this run's blob store and repository.
fn backends() -> (&'static str, &'static str) {
    if aws_requested() {
        ("s3", "dynamodb")
    } else {
        ("filesystem", "sqlite")
    }
}

fn request(
    route: &'static str,
    method: &'static str,
    status: &'static str,
) -> Vec<(&'static str, &'static str)> {
    vec![("route", route), ("method", method), ("status", status)]
}

#[tokio::test]
async fn each_request_is_counted_by_route_pattern_method_and_status_class() {
    let app = spawn_app().await;
    let before = Scrape::of(&app.anonymous()).await;

    let image = upload_png(&app, 1).await;
    let id = image["id"].as_str().unwrap();
    assert_eq!(app.get_image(id).await.status().as_u16(), 200);
    assert_eq!(app.list(&[]).await.status().as_u16(), 200);
    assert_eq!(app.get_image(&unknown_id()).await.status().as_u16(), 404);
    let nowhere = app.call(Method::GET, "/no/such/path").await;
    assert_eq!(nowhere.status().as_u16(), 404);

    let after = Scrape::of(&app.anonymous()).await;
    for (labels, expected) in [
        (request("/api/v1/images/upload", "POST", "2xx"), 1.0),
        (request("/api/v1/images/{id}", "GET", "2xx"), 1.0),
        (request("/api/v1/images/{id}", "GET", "4xx"), 1.0),
        (request("/api/v1/images", "GET", "2xx"), 1.0),
        (request("unmatched", "GET", "4xx"), 1.0),
        (request("/metrics", "GET", "2xx"), 1.0),
    ] {
        for name in [REQUESTS, DURATIONS] {
            let grew = after.value(name, &labels) - before.value(name, &labels);
            assert_eq!(grew, expected, "{name}{labels:?}:\n{}", after.text());
        }
    }
    assert!(
        !after.text().contains("/no/such/path") && !after.text().contains(id),
        "raw paths never become labels"
    );
    assert_eq!(
        after.value("lightbox_http_requests_in_flight", &[]),
        1.0,
        "the scrape itself is in flight"
    );
}

#[tokio::test]
async fn bytes_uploaded_and_served_grow_by_exactly_what_moved() {
    let app = spawn_app().await;
    let before = Scrape::of(&app.anonymous()).await;

    let image = upload_png(&app, 2).await;
    let id = image["id"].as_str().unwrap();
    let size = image["size_bytes"].as_f64().unwrap();
    let downloaded = app.get_image(id).await.bytes().await.unwrap().len();
    let ranged = app
        .get_image_with(id, &[], &[("Range", "bytes=0-9")])
        .await
        .bytes()
        .await
        .unwrap()
        .len();
    assert_eq!(ranged, 10);
    assert_eq!(app.head_image(id).await.status().as_u16(), 200);
    let thumbnail = app.get_thumbnail(id, &[("size", "64")]).await;
    assert_eq!(thumbnail.status().as_u16(), 200);
    let thumbnail_bytes = thumbnail.bytes().await.unwrap().len();

    let after = Scrape::of(&app.anonymous()).await;
    let grew = |name: &str, labels: &[(&str, &str)]| {
        after.value(name, labels) - before.value(name, labels)
    };
    assert_eq!(grew("lightbox_uploaded_bytes_total", &[]), size);
    assert_eq!(
        grew("lightbox_served_bytes_total", &[("kind", "original")]),
        (downloaded + ranged) as f64,
        "a HEAD sends no body"
    );
    assert_eq!(
        grew("lightbox_served_bytes_total", &[("kind", "thumbnail")]),
        thumbnail_bytes as f64
    );
    assert_eq!(grew("lightbox_images_created_total", &[]), 1.0);
}

#[tokio::test]
async fn a_thumbnail_is_timed_when_rendered_not_when_served_again() {
    let app = spawn_app().await;
    let image = upload_png(&app, 3).await;
    let id = image["id"].as_str().unwrap();
    let renders = "lightbox_thumbnail_render_duration_seconds_count";
    let before = Scrape::of(&app.anonymous()).await;

    assert_eq!(
        app.get_thumbnail(id, &[("size", "100")])
            .await
            .status()
            .as_u16(),
        200
    );
    let first = Scrape::of(&app.anonymous()).await;
    assert_eq!(
        first.value(renders, &[("size", "128")]) - before.value(renders, &[("size", "128")]),
        1.0,
        "{}",
        first.text()
    );
    assert!(
        first.value(
            "lightbox_thumbnail_render_duration_seconds_sum",
            &[("size", "128")]
        ) > 0.0
    );

    assert_eq!(
        app.get_thumbnail(id, &[("size", "128")])
            .await
            .status()
            .as_u16(),
        200
    );
    let again = Scrape::of(&app.anonymous()).await;
    assert_eq!(
        again.value(renders, &[("size", "128")]),
        first.value(renders, &[("size", "128")]),
        "the stored thumbnail is served without rendering"
    );
}

#[tokio::test]
async fn storage_calls_are_timed_per_backend_and_operation() {
    let app = spawn_app().await;
    let (blobs, repository) = backends();
    let image = upload_png(&app, 4).await;
    let id = image["id"].as_str().unwrap();
    app.get_image(id).await.bytes().await.unwrap();
    app.list(&[]).await;
    assert_eq!(app.delete_image(id).await.status().as_u16(), 204);

    let scrape = Scrape::of(&app.anonymous()).await;
    for (backend, operation) in [
        (blobs, "put"),
        (blobs, "get"),
        (blobs, "delete_prefix"),
        (repository, "create"),
        (repository, "get"),
        (repository, "list"),
        (repository, "delete"),
    ] {
        let labels = [("backend", backend), ("operation", operation)];
        assert!(
            scrape.value(CALLS, &labels) >= 1.0,
            "{labels:?}:\n{}",
            scrape.text()
        );
    }
    assert_eq!(scrape.value("lightbox_images_deleted_total", &[]), 1.0);
    assert!(!scrape.has(ERRORS), "no call failed:\n{}", scrape.text());
}

#[tokio::test]
async fn a_failing_backend_call_counts_as_an_error_and_a_missing_image_does_not() {
    let (app, plan) = spawn_app_with_faults(|_| {}).await;
    let (_, repository) = backends();
    assert_eq!(app.get_image(&unknown_id()).await.status().as_u16(), 404);
    plan.arm(Some(Fault {
        operation: Operation::RepoList,
        nth: 1,
        kind: FaultKind::Unavailable,
    }));
    assert_eq!(app.list(&[]).await.status().as_u16(), 503);
    assert!(plan.fired());

    let scrape = Scrape::of(&app.anonymous()).await;
    let labels = [
        ("backend", repository),
        ("operation", "list"),
        ("kind", "unavailable"),
    ];
    assert_eq!(scrape.value(ERRORS, &labels), 1.0, "{}", scrape.text());
    assert_eq!(
        scrape.get(
            ERRORS,
            &[
                ("backend", repository),
                ("operation", "get"),
                ("kind", "unavailable")
            ]
        ),
        None,
        "not found is an answer, not a failure"
    );
    assert_eq!(
        scrape.value(REQUESTS, &request("/api/v1/images", "GET", "5xx")),
        1.0
    );
}

#[tokio::test]
async fn the_stored_image_gauge_is_the_stores_count_where_the_store_can_count() {
    let app = spawn_app().await;
    upload_png(&app, 5).await;
    upload_png(&app.bob(), 6).await;
    let scrape = Scrape::of(&app.anonymous()).await;
    if aws_requested() {
        // DynamoDB can only count with a full scan: no gauge rather than a per-node guess.
        assert!(!scrape.has("lightbox_images_stored"), "{}", scrape.text());
    } else {
        assert_eq!(scrape.get("lightbox_images_stored", &[]), Some(2.0));
        assert!(scrape.value("lightbox_images_stored_bytes", &[]) > 0.0);
    }
}

#[tokio::test]
async fn record_cache_reads_count_hits_and_misses_on_the_local_backend_only() {
    const CACHE_READS: &str = "lightbox_record_cache_reads_total";
    // Kept long enough that no read below can find its record expired, however slow the run.
    let app = spawn_app_with(|settings| settings.record_cache_seconds = 600).await;
    let image = upload_png(&app, 7).await;
    let id = image["id"].as_str().unwrap();
    let before = Scrape::of(&app.anonymous()).await;
    for _ in 0..3 {
        assert_eq!(app.get_image(id).await.status().as_u16(), 200);
    }
    let after = Scrape::of(&app.anonymous()).await;
    if aws_requested() {
        assert!(
            !after.has(CACHE_READS),
            "no cache on aws:\n{}",
            after.text()
        );
        return;
    }
    let grew = |result| {
        let labels = [("result", result)];
        after.value(CACHE_READS, &labels) - before.value(CACHE_READS, &labels)
    };
    assert_eq!(
        (grew("miss"), grew("hit")),
        (1.0, 2.0),
        "the first download reads the store, the next two memory:\n{}",
        after.text()
    );
}

#[tokio::test]
async fn metrics_need_no_identity_and_answer_only_get() {
    let app = spawn_app().await;
    let resp = app.anonymous().get_metrics().await;
    assert_eq!(resp.status().as_u16(), 200);
    let posted = app.anonymous().call(Method::POST, "/metrics").await;
    assert_eq!(posted.status().as_u16(), 405);
    assert_eq!(posted.headers()["allow"], "GET");
    let openmetrics = app
        .anonymous()
        .request(Method::GET, "/metrics")
        .header("Accept", "application/openmetrics-text; version=1.0.0")
        .send()
        .await
        .unwrap();
    assert!(
        openmetrics.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text")
    );
    assert!(openmetrics.text().await.unwrap().ends_with("# EOF\n"));
}

#[tokio::test]
async fn metrics_turned_off_are_not_served() {
    let app = spawn_app_with(|settings| settings.metrics = false).await;
    assert_eq!(app.anonymous().get_metrics().await.status().as_u16(), 404);
}
