//! `GET /api/v1/images` refusing bad query values: limit, tags, visibility, order, dates.

use crate::helpers::{Failures, list_ids, spawn_app, upload_png};

#[tokio::test]
async fn limits_outside_1_to_100_are_invalid_limit() {
    let mut failures = Failures::new();
    let app = spawn_app().await;
    for limit in ["0", "101", "abc", "-1", "1.5", "1000000000000000000000"] {
        let resp = app.list(&[("limit", limit)]).await;
        failures.problem(limit, resp, 400, "invalid_limit").await;
    }
    failures.assert_none();
}

#[tokio::test]
async fn limits_1_and_100_are_accepted() {
    let app = spawn_app().await;
    upload_png(&app, 1).await;
    upload_png(&app, 2).await;

    assert_eq!(list_ids(&app, &[("limit", "1")]).await.len(), 1);
    assert_eq!(list_ids(&app, &[("limit", "100")]).await.len(), 2);
}

#[tokio::test]
async fn invalid_filter_tags_are_invalid_tags() {
    let mut failures = Failures::new();
    let app = spawn_app().await;
    let long = "x".repeat(51);
    let cases: [(&str, &str, &str); 5] = [
        ("space inside", "tag", "a b"),
        ("hash", "tag", "#x"),
        ("punctuation in tags=", "tags", "ok,bad!"),
        ("51 chars", "tag", &long),
        ("emoji", "tag", "😀"),
    ];
    for (case, name, value) in cases {
        let resp = app.list(&[(name, value)]).await;
        failures.problem(case, resp, 400, "invalid_tags").await;
    }
    failures.assert_none();
}

#[tokio::test]
async fn bad_visibility_order_or_dates_are_invalid_field() {
    let mut failures = Failures::new();
    let app = spawn_app().await;
    let cases: [(&str, &str); 8] = [
        ("visibility", "secret"),
        ("order", "random"),
        ("order", "asc"),
        ("created_after", "yesterday"),
        ("created_after", "2026-13-01T00:00:00Z"),
        ("created_before", "2026-11-25 25:00:00"),
        ("created_before", "1700000000"),
        ("created_after", "2026-11-25T10:00:00"),
    ];
    for (name, value) in cases {
        let resp = app.list(&[(name, value)]).await;
        failures
            .problem(&format!("{name}={value}"), resp, 400, "invalid_field")
            .await;
    }
    failures.assert_none();
}

#[tokio::test]
async fn an_empty_listing_is_200_with_no_items_and_no_cursor() {
    let app = spawn_app().await;

    let resp = app.list(&[]).await;

    assert_eq!(resp.status().as_u16(), 200);
    let page: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(page["items"], serde_json::json!([]));
    assert_eq!(page["next_cursor"], serde_json::Value::Null);
}
