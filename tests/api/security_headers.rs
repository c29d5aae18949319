//! Security headers on every answer the app makes, successes and errors alike:
//! `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer` and a content security
//! policy: on served image bytes (original, thumbnail, signed link) one that forbids running
//! anything, on `/docs` one that lets the page load its own assets only, and on everything else
//! one that lets nothing load.

use reqwest::{Method, Response};
use serde_json::json;

use crate::helpers::fixtures::png;
use crate::helpers::{
    Failures, Form, content_url, spawn_app, spawn_app_with, unknown_id, upload_image,
};

const IMAGE_CSP: &str = "default-src 'none'; sandbox";
const DEFAULT_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

/// The policy a case's answer carries: image bytes and the docs page have their own.
fn expected_csp(case: &str) -> &'static str {
    const IMAGE_CASES: [&str; 5] = ["bytes", "bytes HEAD", "bytes range", "thumbnail", "content"];
    if IMAGE_CASES.contains(&case) {
        IMAGE_CSP
    } else if case == "docs page" {
        DOCS_CSP_PREFIX
    } else {
        DEFAULT_CSP
    }
}

/// How the docs page's policy starts: nothing but what is listed, script from the app only.
const DOCS_CSP_PREFIX: &str = "default-src 'none'; script-src 'self';";

fn csp(resp: &Response) -> Option<String> {
    resp.headers()
        .get("content-security-policy")
        .map(|v| v.to_str().unwrap().to_owned())
}

fn check_common(failures: &mut Failures, case: &str, resp: &Response) {
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    failures.equal(
        case,
        header("x-content-type-options").as_deref(),
        Some("nosniff"),
    );
    failures.equal(
        case,
        header("referrer-policy").as_deref(),
        Some("no-referrer"),
    );
}

#[tokio::test]
async fn every_route_answers_with_nosniff_no_referrer_and_a_policy() {
    let app = spawn_app().await;
    let image = upload_image(&app, &Form::with_file(png(40, 30))).await;
    let id = image["id"].as_str().unwrap().to_owned();
    let doomed = upload_image(&app, &Form::with_file(png(41, 30))).await;
    let doomed = doomed["id"].as_str().unwrap().to_owned();
    let anonymous = app.anonymous();
    let unknown = unknown_id();
    let content = content_url(&app, &image);

    let cases: Vec<(&str, u16, Response)> = vec![
        ("health", 200, app.get_health().await),
        ("ready", 200, app.get_ready().await),
        ("openapi", 200, anonymous.get_openapi().await),
        ("docs redirect", 301, anonymous.get_docs().await),
        (
            "docs page",
            200,
            anonymous.call(Method::GET, "/docs/").await,
        ),
        ("me", 200, app.get_me().await),
        ("list", 200, app.list(&[]).await),
        (
            "upload",
            201,
            app.upload(&Form::with_file(png(42, 30))).await,
        ),
        (
            "upload alias",
            201,
            app.upload_alias(&Form::with_file(png(43, 30))).await,
        ),
        ("bytes", 200, app.get_image(&id).await),
        ("bytes HEAD", 200, app.head_image(&id).await),
        (
            "bytes range",
            206,
            app.get_image_with(&id, &[], &[("Range", "bytes=0-9")])
                .await,
        ),
        (
            "thumbnail",
            200,
            app.get_thumbnail(&id, &[("size", "64")]).await,
        ),
        ("metadata", 200, app.get_metadata(&id).await),
        (
            "update",
            200,
            app.patch_image(&id, &json!({"title": "x"})).await,
        ),
        ("content", 200, anonymous.get_url(content.as_str()).await),
        ("delete", 204, app.delete_image(&doomed).await),
        ("400 invalid_id", 400, app.get_image("nope").await),
        (
            "400 upload",
            400,
            app.upload_raw(Some("text/plain"), b"x".to_vec()).await,
        ),
        ("401", 401, anonymous.get_me().await),
        (
            "403",
            403,
            anonymous
                .get_content(&id, &[("expires", "1"), ("signature", "x")])
                .await,
        ),
        ("404 image", 404, app.get_metadata(&unknown).await),
        ("404 route", 404, anonymous.call(Method::GET, "/nope").await),
        ("405", 405, anonymous.call(Method::DELETE, "/health").await),
        (
            "412",
            412,
            app.update_with(Method::PUT, &id, b"{}".to_vec(), Some("\"999\""))
                .await,
        ),
        (
            "415",
            415,
            app.upload(&Form::with_file(b"<svg/>".to_vec())).await,
        ),
        (
            "416",
            416,
            app.get_image_with(&id, &[], &[("Range", "bytes=999999-")])
                .await,
        ),
    ];

    let mut failures = Failures::new();
    for (case, status, resp) in cases {
        failures.equal(case, resp.status().as_u16(), status);
        check_common(&mut failures, case, &resp);
        let policy = csp(&resp).unwrap_or_default();
        let expected = expected_csp(case);
        failures.check(
            case,
            policy == expected || (expected == DOCS_CSP_PREFIX && policy.starts_with(expected)),
            format!("Content-Security-Policy {policy:?}, expected {expected:?}"),
        );
    }
    failures.assert_none();
}

#[tokio::test]
async fn rate_limited_answers_carry_the_headers_too() {
    let app = spawn_app_with(|s| {
        s.rate_limit_rps = 1;
        s.rate_limit_burst = Some(1);
    })
    .await;
    assert_eq!(app.get_me().await.status().as_u16(), 200);

    let resp = app.get_me().await;

    let mut failures = Failures::new();
    failures.equal("429", resp.status().as_u16(), 429);
    check_common(&mut failures, "429", &resp);
    failures.equal("429", csp(&resp).as_deref(), Some(DEFAULT_CSP));
    failures.check(
        "429",
        resp.headers().contains_key("x-request-id"),
        "no X-Request-Id",
    );
    failures.assert_none();
}

#[tokio::test]
async fn served_image_bytes_forbid_running_anything() {
    let app = spawn_app().await;
    let image = upload_image(&app, &Form::with_file(png(40, 30))).await;
    let id = image["id"].as_str().unwrap().to_owned();
    let content = content_url(&app, &image);
    let anonymous = app.anonymous();
    let etag = format!("\"{}\"", image["sha256"].as_str().unwrap());
    let thumbnail = app.get_thumbnail(&id, &[("size", "64")]).await;
    let thumbnail_etag = thumbnail.headers()["etag"].to_str().unwrap().to_owned();

    let cases: Vec<(&str, Response)> = vec![
        ("bytes", app.get_image(&id).await),
        ("bytes HEAD", app.head_image(&id).await),
        (
            "bytes range",
            app.get_image_with(&id, &[], &[("Range", "bytes=0-9")])
                .await,
        ),
        (
            "bytes download",
            app.get_image_with(&id, &[("download", "true")], &[]).await,
        ),
        ("thumbnail", app.get_thumbnail(&id, &[("size", "64")]).await),
        (
            "thumbnail HEAD",
            app.head_thumbnail(&id, &[("size", "64")]).await,
        ),
        (
            "thumbnail range",
            app.get_thumbnail_with(&id, &[("size", "64")], &[("Range", "bytes=0-9")])
                .await,
        ),
        ("content", anonymous.get_url(content.as_str()).await),
        (
            "bytes 304",
            app.get_image_with(&id, &[], &[("If-None-Match", &etag)])
                .await,
        ),
        (
            "thumbnail 304",
            app.get_thumbnail_with(
                &id,
                &[("size", "64")],
                &[("If-None-Match", &thumbnail_etag)],
            )
            .await,
        ),
    ];

    let mut failures = Failures::new();
    for (case, resp) in cases {
        failures.check(
            case,
            resp.status().is_success() || resp.status().as_u16() == 304,
            format!("status {}", resp.status()),
        );
        let csp = resp
            .headers()
            .get("content-security-policy")
            .map(|v| v.to_str().unwrap());
        failures.equal(case, csp, Some(IMAGE_CSP));
        check_common(&mut failures, case, &resp);
    }
    failures.assert_none();
}

/// The docs page renders under its policy: every script it has is a file of the app's own (no
/// inline script, which the policy forbids), and every asset it names is served with the same
/// policy.
#[tokio::test]
async fn the_docs_page_loads_only_its_own_assets() {
    let app = spawn_app().await;
    let anonymous = app.anonymous();
    let page = anonymous.call(Method::GET, "/docs/").await;
    assert_eq!(page.status().as_u16(), 200);
    let policy = csp(&page).expect("the docs page has a policy");
    let html = page.text().await.unwrap();

    let directives: Vec<&str> = policy.split(';').map(str::trim).collect();
    for expected in [
        "default-src 'none'",
        "script-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(directives.contains(&expected), "{expected} in {policy}");
    }
    assert!(
        !policy.contains("unsafe-eval") && !policy.contains("http"),
        "{policy}"
    );
    let scripts = html.matches("<script").count();
    let external = html.matches("<script src=\"./").count();
    assert!(scripts > 0 && scripts == external, "inline script: {html}");

    let mut failures = Failures::new();
    for asset in relative_references(&html) {
        let resp = anonymous.call(Method::GET, &format!("/docs/{asset}")).await;
        failures.equal(&asset, resp.status().as_u16(), 200);
        failures.equal(&asset, csp(&resp), Some(policy.clone()));
    }
    failures.assert_none();
}

/// The relative `src` and `href` targets of a page, without their `./`.
fn relative_references(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attribute in ["src=\"", "href=\""] {
        for piece in html.split(attribute).skip(1) {
            let target = piece.split('"').next().unwrap_or_default();
            if !target.contains(':') && !target.starts_with('/') {
                found.push(target.trim_start_matches("./").to_owned());
            }
        }
    }
    assert!(found.len() >= 4, "the page names its assets: {found:?}");
    found
}
