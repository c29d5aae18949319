//! `Range` (one `bytes=` range → 206, unsatisfiable → 416, anything else ignored) and
//! `If-None-Match` (→ 304) on the bytes.

use crate::helpers::fixtures::{png, sha256_hex};
use crate::helpers::{Failures, Form, assert_problem_for, spawn_app, upload_image};

async fn uploaded(app: &crate::helpers::TestApp) -> (String, Vec<u8>) {
    let bytes = png(40, 40);
    let image = upload_image(app, &Form::with_file(bytes.clone())).await;
    (image["id"].as_str().unwrap().to_owned(), bytes)
}

#[tokio::test]
async fn a_single_satisfiable_range_is_206_with_content_range() {
    let app = spawn_app().await;
    let (id, bytes) = uploaded(&app).await;
    let size = bytes.len();
    let cases: [(&str, usize, usize); 5] = [
        ("bytes=0-9", 0, 9),
        ("bytes=-5", size - 5, size - 1),
        ("bytes=10-", 10, size - 1),
        ("bytes=5-5", 5, 5),
        ("bytes=0-99999999", 0, size - 1),
    ];

    for (range, first, last) in cases {
        let resp = app.get_image_with(&id, &[], &[("Range", range)]).await;
        assert_eq!(resp.status().as_u16(), 206, "{range}");
        let headers = resp.headers().clone();
        assert_eq!(
            headers["content-range"].to_str().unwrap(),
            format!("bytes {first}-{last}/{size}"),
            "{range}"
        );
        assert_eq!(
            headers["content-length"].to_str().unwrap(),
            (last - first + 1).to_string(),
            "{range}"
        );
        assert_eq!(headers["content-type"], "image/png", "{range}");
        let body = resp.bytes().await.unwrap();
        assert_eq!(body.as_ref(), &bytes[first..=last], "{range}");
    }
}

#[tokio::test]
async fn a_range_starting_at_or_after_the_end_is_416() {
    let app = spawn_app().await;
    let (id, bytes) = uploaded(&app).await;
    let size = bytes.len();

    for range in [
        format!("bytes={size}-"),
        format!("bytes={}-{}", size + 10, size + 20),
    ] {
        let resp = app.get_image_with(&id, &[], &[("Range", &range)]).await;
        assert_problem_for(resp, 416, "range_not_satisfiable", &range).await;
    }
}

#[tokio::test]
async fn malformed_inverted_or_multiple_ranges_are_ignored() {
    let app = spawn_app().await;
    let (id, bytes) = uploaded(&app).await;
    let mut failures = Failures::new();
    for range in [
        "bytes=abc",
        "bytes=9-0",
        "bytes=0-1,5-6",
        "items=0-5",
        "bytes=",
        "bytes=--3",
    ] {
        let resp = app.get_image_with(&id, &[], &[("Range", range)]).await;
        failures.equal(range, resp.status().as_u16(), 200);
        let body = resp.bytes().await.unwrap();
        failures.check(
            range,
            body.as_ref() == bytes.as_slice(),
            "not the full body",
        );
    }
    failures.assert_none();
}

#[tokio::test]
async fn head_honours_the_range_too() {
    let app = spawn_app().await;
    let (id, bytes) = uploaded(&app).await;

    let resp = app.head_image_with(&id, &[("Range", "bytes=0-9")]).await;

    assert_eq!(resp.status().as_u16(), 206);
    assert_eq!(
        resp.headers()["content-range"].to_str().unwrap(),
        format!("bytes 0-9/{}", bytes.len())
    );
    assert!(resp.bytes().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_matching_if_none_match_is_304_without_body() {
    let app = spawn_app().await;
    let (id, bytes) = uploaded(&app).await;
    let etag = format!("\"{}\"", sha256_hex(&bytes));
    let listed = format!("\"nope\", {etag}");

    for value in [etag.as_str(), listed.as_str(), "*"] {
        let resp = app
            .get_image_with(&id, &[], &[("If-None-Match", value)])
            .await;
        assert_eq!(resp.status().as_u16(), 304, "If-None-Match: {value}");
        assert_eq!(resp.headers()["etag"].to_str().unwrap(), etag);
        assert!(resp.bytes().await.unwrap().is_empty());
    }
    let head = app.head_image_with(&id, &[("If-None-Match", &etag)]).await;
    assert_eq!(
        head.status().as_u16(),
        304,
        "HEAD with a matching If-None-Match"
    );
}

#[tokio::test]
async fn a_stale_if_none_match_gets_the_bytes() {
    let app = spawn_app().await;
    let (id, bytes) = uploaded(&app).await;

    let resp = app
        .get_image_with(&id, &[], &[("If-None-Match", "\"0000\"")])
        .await;

    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(resp.bytes().await.unwrap().as_ref(), bytes.as_slice());
}
