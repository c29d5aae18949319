//! Limits on the request head: headers larger than any client needs are 400 `bad_request`
//! problems; past what actix itself reads (128 KiB, or 96 fields) it answers a bare 431 and
//! closes the connection.

use std::time::Duration;

use reqwest::Method;

use crate::helpers::fixtures::png;
use crate::helpers::raw_http::RawConnection;
use crate::helpers::{Form, assert_problem, spawn_app};

/// `count` header lines of `size` bytes of value each.
fn padding(count: usize, size: usize) -> String {
    (0..count)
        .map(|index| format!("X-Pad-{index}: {}\r\n", "p".repeat(size)))
        .collect()
}

#[tokio::test]
async fn headers_over_32_kib_are_400_bad_request() {
    let app = spawn_app().await;
    let mut request = app.request(Method::GET, "/api/v1/me");
    for index in 0..10 {
        request = request.header(format!("X-Pad-{index}"), "p".repeat(4000));
    }

    let resp = request.send().await.unwrap();

    assert_problem(resp, 400, "bad_request").await;
}

#[tokio::test]
async fn a_long_url_counts_toward_the_head_limit() {
    let app = spawn_app().await;
    let path = format!("/api/v1/images?title={}", "t".repeat(40 * 1024));

    let resp = app.call(Method::GET, &path).await;

    assert_problem(resp, 400, "bad_request").await;
}

#[tokio::test]
async fn an_upload_with_oversized_headers_is_refused_unread_and_stores_nothing() {
    let app = spawn_app().await;
    let form = Form::with_file(png(8, 8));
    let mut request = app
        .request(Method::POST, "/api/v1/images/upload")
        .header("Content-Type", form.content_type())
        .body(form.body());
    for index in 0..10 {
        request = request.header(format!("X-Pad-{index}"), "p".repeat(4000));
    }

    let resp = request.send().await.unwrap();

    assert_eq!(
        resp.headers()
            .get("connection")
            .map(|v| v.to_str().unwrap()),
        Some("close")
    );
    assert_problem(resp, 400, "bad_request").await;
    assert_eq!(app.stored_object_count().await, 0);
}

#[tokio::test]
async fn heads_past_what_actix_reads_get_431_or_a_closed_connection() {
    let app = spawn_app().await;
    let cases = [
        ("160 KiB of headers", padding(40, 4096)),
        ("100 header fields", padding(100, 8)),
    ];
    for (case, headers) in cases {
        let mut connection = RawConnection::open(&app.address).await;
        let head = format!(
            "GET /api/v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\nX-User-ID: alice\r\n{headers}\r\n"
        );
        // The server may hang up before the whole head is written.
        let _ = connection.send(head.as_bytes()).await;

        let outcome = connection.read_until_closed(Duration::from_secs(5)).await;

        assert!(
            outcome.closed,
            "[{case}] the connection is closed: {}",
            outcome.text()
        );
        if let Some(status) = outcome.status() {
            assert_eq!(status, 431, "[{case}] {}", outcome.text());
        }
    }
    assert_eq!(
        app.get_me().await.status().as_u16(),
        200,
        "the server still serves"
    );
}
