//! Deadlines on slow clients: a body that stalls or trickles is cut off (400 `bad_request` and
//! the connection closed) and a head that never ends is closed, while other clients are served.

use std::time::Duration;

use crate::helpers::fixtures::{png, png_seeded};
use crate::helpers::raw_http::{RawConnection, RawOutcome, post_head, request_head};
use crate::helpers::{Form, TestApp, spawn_app_with, upload_image};

/// The test app's deadlines: 1 s of silence, 3 s in all.
const IDLE_SECONDS: u64 = 1;
const TOTAL_SECONDS: u64 = 3;

/// How long past a deadline the cut may come on a loaded machine.
const SLACK: Duration = Duration::from_secs(3);

async fn app_with_short_deadlines() -> TestApp {
    spawn_app_with(|s| {
        s.body_idle_timeout_seconds = IDLE_SECONDS;
        s.body_timeout_seconds = TOTAL_SECONDS;
    })
    .await
}

/// The cut: the connection closed, after a 400 `bad_request` problem if an answer was sent.
fn assert_cut_off(outcome: &RawOutcome, deadline: Duration) {
    assert_cut_off_with(outcome, deadline, "bad_request");
}

/// The cut: the connection closed, after a 400 problem with `code` if an answer was sent.
fn assert_cut_off_with(outcome: &RawOutcome, deadline: Duration, code: &str) {
    assert!(
        outcome.closed,
        "the connection is closed; the server sent {:?}",
        outcome.text()
    );
    assert!(
        outcome.after <= deadline + SLACK,
        "cut after {:?}, the deadline being {deadline:?}",
        outcome.after
    );
    if let Some(status) = outcome.status() {
        let text = outcome.text();
        assert_eq!(status, 400, "{text}");
        assert!(text.contains("application/problem+json"), "{text}");
        assert!(text.contains(&format!("\"code\":\"{code}\"")), "{text}");
    }
}

#[tokio::test]
async fn an_upload_that_stalls_half_way_is_cut_off_while_others_are_served() {
    let app = app_with_short_deadlines().await;
    let form = Form::with_file(png(64, 64)).text("title", "slow");
    let body = form.body();
    let mut slow = RawConnection::open(&app.address).await;
    let head = post_head(
        "/api/v1/images/upload",
        &form.content_type(),
        body.len(),
        "mallory",
    );
    slow.send(&head).await.unwrap();
    slow.send(&body[..body.len() / 2]).await.unwrap();

    let normal = upload_image(&app, &Form::with_file(png_seeded(8, 8, 1))).await;
    assert_eq!(
        normal["content_type"], "image/png",
        "another client is served meanwhile"
    );

    let outcome = slow
        .read_until_closed(Duration::from_secs(IDLE_SECONDS) + SLACK * 2)
        .await;
    assert_cut_off(&outcome, Duration::from_secs(IDLE_SECONDS));
    assert_eq!(
        outcome.status(),
        Some(400),
        "the client, still there, is told"
    );
    let mallory: serde_json::Value = app.as_user("mallory").list(&[]).await.json().await.unwrap();
    assert_eq!(
        mallory["items"],
        serde_json::json!([]),
        "the cut upload is not stored"
    );
    assert_eq!(
        app.stored_object_count().await,
        1,
        "only the normal upload is stored"
    );
}

#[tokio::test]
async fn an_upload_trickling_under_the_idle_timeout_is_cut_at_the_total_timeout() {
    let app = app_with_short_deadlines().await;
    let form = Form::with_file(png(64, 64));
    let body = form.body();
    let mut slow = RawConnection::open(&app.address).await;
    let head = post_head(
        "/api/v1/images/upload",
        &form.content_type(),
        body.len(),
        "mallory",
    );
    slow.send(&head).await.unwrap();

    // One byte every 400 ms: never silent for the idle timeout, never done either.
    let mut outcome = None;
    for byte in body.iter().take(100) {
        if slow.send(&[*byte]).await.is_err() {
            break;
        }
        let seen = slow.read_until_closed(Duration::from_millis(400)).await;
        if seen.closed || !seen.answer.is_empty() {
            outcome = Some(seen);
            break;
        }
    }
    let mut outcome = outcome.expect("the trickle is cut off");
    if !outcome.closed {
        let rest = slow.read_until_closed(SLACK).await;
        outcome.answer.extend(rest.answer);
        outcome.closed = rest.closed;
        outcome.after = rest.after;
    }
    assert_cut_off(&outcome, Duration::from_secs(TOTAL_SECONDS));
    assert_eq!(
        outcome.status(),
        Some(400),
        "the client, still there, is told"
    );
    assert!(
        outcome.after >= Duration::from_secs(TOTAL_SECONDS),
        "not cut before the total timeout: {:?}",
        outcome.after
    );
    assert_eq!(app.stored_object_count().await, 0);
}

#[tokio::test]
async fn an_upload_with_short_pauses_within_the_deadlines_succeeds() {
    let app = app_with_short_deadlines().await;
    let form = Form::with_file(png(64, 64)).text("title", "patient");
    let body = form.body();
    let mut client = RawConnection::open(&app.address).await;
    let head = post_head(
        "/api/v1/images/upload",
        &form.content_type(),
        body.len(),
        "alice",
    );
    client.send(&head).await.unwrap();

    for piece in body.chunks(body.len().div_ceil(4)) {
        tokio::time::sleep(Duration::from_millis(400)).await;
        client.send(piece).await.unwrap();
    }
    let outcome = client.read_until_closed(Duration::from_secs(2)).await;

    assert_eq!(outcome.status(), Some(201), "{}", outcome.text());
}

#[tokio::test]
async fn a_request_head_that_never_ends_is_closed() {
    let app = app_with_short_deadlines().await;
    let mut slow = RawConnection::open(&app.address).await;
    slow.send(b"POST /api/v1/images/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nX-User-ID: mallory\r\n")
        .await
        .unwrap();

    assert_eq!(
        app.get_me().await.status().as_u16(),
        200,
        "others are served meanwhile"
    );
    // actix's head deadline is 5 s; it answers a bare 408 below the app and hangs up.
    let outcome = slow
        .read_until_closed(Duration::from_secs(5) + SLACK * 2)
        .await;
    assert!(
        outcome.closed,
        "the connection is closed: {:?}",
        outcome.text()
    );
    assert!(
        outcome.after <= Duration::from_secs(5) + SLACK,
        "{:?}",
        outcome.after
    );
    if let Some(status) = outcome.status() {
        assert_eq!(status, 408, "{}", outcome.text());
    }
}

#[tokio::test]
async fn a_stalled_metadata_update_is_cut_off_and_changes_nothing() {
    let app = app_with_short_deadlines().await;
    let image = upload_image(&app, &Form::with_file(png(8, 8))).await;
    let id = image["id"].as_str().unwrap();
    let body = br#"{"title":"never finished"}"#;
    let mut slow = RawConnection::open(&app.address).await;
    let head = request_head(
        "PATCH",
        &format!("/api/v1/images/{id}"),
        "application/json",
        body.len(),
        "alice",
    );
    slow.send(&head).await.unwrap();
    slow.send(&body[..10]).await.unwrap();

    let outcome = slow
        .read_until_closed(Duration::from_secs(IDLE_SECONDS) + SLACK * 2)
        .await;

    assert_cut_off_with(&outcome, Duration::from_secs(IDLE_SECONDS), "invalid_body");
    assert_eq!(outcome.status(), Some(400), "{}", outcome.text());
    let metadata: serde_json::Value = app.get_metadata(id).await.json().await.unwrap();
    assert_eq!(metadata["title"], serde_json::Value::Null);
    assert_eq!(metadata["version"], 1);
}
