//! The signed, expiring content URL (`/api/v1/images/{id}/content`): works without identity,
//! refuses tampering (403 `invalid_signature`) and expiry (403 `url_expired`). The route exists
//! on every backend; where `url` is S3's own presigned GET, the tests sign the route's URL with
//! the app's key exactly as the local backend's `url` is signed.

use std::time::Duration;

use reqwest::Url;
use serde_json::Value;

use crate::helpers::fixtures::png_seeded;
use crate::helpers::{
    Failures, Form, TestApp, assert_problem_for, content_url, parse_timestamp, spawn_app,
    spawn_app_with, upload_image,
};

/// The `/content` URL of a fresh upload, and the uploaded bytes.
async fn signed_url(app: &TestApp, seed: u32) -> (Value, Url, Vec<u8>) {
    let bytes = png_seeded(12, 12, seed);
    let image = upload_image(app, &Form::with_file(bytes.clone())).await;
    let url = content_url(app, &image);
    (image, url, bytes)
}

/// `url` with its query rebuilt by `edit` over the (name, value) pairs.
fn with_query(url: &Url, edit: impl Fn(Vec<(String, String)>) -> Vec<(String, String)>) -> String {
    let pairs = url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let mut edited = url.clone();
    edited.query_pairs_mut().clear().extend_pairs(edit(pairs));
    edited.to_string()
}

fn replace(pairs: Vec<(String, String)>, name: &str, value: &str) -> Vec<(String, String)> {
    pairs
        .into_iter()
        .map(|(k, v)| {
            if k == name {
                (k, value.to_owned())
            } else {
                (k, v)
            }
        })
        .collect()
}

fn value_of(url: &Url, name: &str) -> String {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .unwrap_or_else(|| panic!("the signed url has `{name}`: {url}"))
        .1
        .into_owned()
}

#[tokio::test]
async fn the_signed_url_points_at_content_and_works_without_identity() {
    let app = spawn_app().await;
    let (image, url, bytes) = signed_url(&app, 1).await;
    let id = image["id"].as_str().unwrap();

    assert_eq!(url.path(), format!("/api/v1/images/{id}/content"));
    assert_eq!(
        format!("{}://{}", url.scheme(), url.authority()),
        app.address,
        "from the Host"
    );
    value_of(&url, "expires");
    value_of(&url, "signature");

    let resp = app.anonymous().get_url(url.as_str()).await;
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(resp.headers()["content-type"], "image/png");
    assert_eq!(resp.bytes().await.unwrap().as_ref(), bytes.as_slice());
    let resp = app.bob().get_url(url.as_str()).await;
    assert_eq!(resp.status().as_u16(), 200, "any identity is irrelevant");
}

#[tokio::test]
async fn a_tampered_or_missing_signature_is_403_invalid_signature() {
    let mut failures = Failures::new();
    let app = spawn_app().await;
    let (_, url, _) = signed_url(&app, 1).await;
    let (other, _, _) = signed_url(&app, 2).await;
    let signature = value_of(&url, "signature");
    let expires: i64 = value_of(&url, "expires")
        .parse()
        .expect("`expires` is unix seconds");
    let flipped: String = {
        let mut chars: Vec<char> = signature.chars().collect();
        chars[0] = if chars[0] == '0' { '1' } else { '0' };
        chars.into_iter().collect()
    };
    let other_id = other["id"].as_str().unwrap();
    let moved = url
        .as_str()
        .replace(url.path(), &format!("/api/v1/images/{other_id}/content"));

    let cases: [(&str, String); 7] = [
        (
            "signature altered",
            with_query(&url, |q| replace(q, "signature", &flipped)),
        ),
        (
            "signature missing",
            with_query(&url, |q| {
                q.into_iter().filter(|(k, _)| k != "signature").collect()
            }),
        ),
        (
            "signature empty",
            with_query(&url, |q| replace(q, "signature", "")),
        ),
        (
            "signature not hex",
            with_query(&url, |q| replace(q, "signature", "zz-not-hex")),
        ),
        (
            "expiry extended",
            with_query(&url, |q| {
                replace(q, "expires", &(expires + 86_400).to_string())
            }),
        ),
        (
            "expiry missing",
            with_query(&url, |q| {
                q.into_iter().filter(|(k, _)| k != "expires").collect()
            }),
        ),
        ("another image's path", moved),
    ];
    for (case, tampered) in cases {
        let resp = app.anonymous().get_url(&tampered).await;
        failures.problem(case, resp, 403, "invalid_signature").await;
    }
    failures.assert_none();
}

#[tokio::test]
async fn a_signature_from_another_key_is_invalid_signature() {
    let app = spawn_app().await;
    let other = spawn_app_with(|s| {
        s.signing_key = Some(lightbox_api::config::Secret::new(
            "another server's signing key, 32+ bytes".to_owned(),
        ));
    })
    .await;
    let (image, _, _) = signed_url(&app, 1).await;
    let (_, foreign, _) = signed_url(&other, 1).await;
    let id = image["id"].as_str().unwrap();

    let resp = app
        .anonymous()
        .get_content(
            id,
            &[
                ("expires", &value_of(&foreign, "expires")),
                ("signature", &value_of(&foreign, "signature")),
            ],
        )
        .await;

    assert_problem_for(resp, 403, "invalid_signature", "another server's signature").await;
}

#[tokio::test]
async fn an_expired_url_is_403_url_expired() {
    let app = spawn_app_with(|s| s.url_ttl_seconds = 1).await;
    let (image, url, _) = signed_url(&app, 1).await;
    let expires = parse_timestamp(image["url_expires_at"].as_str().unwrap());
    let lifetime = expires - parse_timestamp(image["created_at"].as_str().unwrap());
    assert!(
        lifetime.num_seconds() <= 2,
        "url_ttl_seconds = 1 gives a short-lived url"
    );

    tokio::time::sleep(Duration::from_millis(2100)).await;
    let resp = app.anonymous().get_url(url.as_str()).await;

    assert_problem_for(resp, 403, "url_expired", "past expiry").await;
}

#[tokio::test]
async fn the_url_of_a_deleted_image_is_404() {
    let app = spawn_app().await;
    let (image, url, _) = signed_url(&app, 1).await;

    app.delete_image(image["id"].as_str().unwrap()).await;
    let resp = app.anonymous().get_url(url.as_str()).await;

    assert_problem_for(resp, 404, "not_found", "deleted image").await;
}
