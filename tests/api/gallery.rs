//! The web gallery at `/`: a page and its files, served to anyone (they hold no data), each with
//! its own type, under a content security policy that lets the page run its own script and
//! styles only and talk to its own origin only.

use reqwest::{Method, Response};

use crate::helpers::{Failures, assert_problem, spawn_app};

const GALLERY_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' blob: data:; connect-src 'self'; base-uri 'none'; form-action 'none'; \
     frame-ancestors 'none'";

/// Every file the page loads, with the type it must be served as (a module script served with
/// another type is refused by the browser under `nosniff`).
const ASSETS: [(&str, &str); 9] = [
    ("/gallery/style.css", "text/css; charset=utf-8"),
    ("/gallery/app.js", "text/javascript; charset=utf-8"),
    ("/gallery/api.js", "text/javascript; charset=utf-8"),
    ("/gallery/session.js", "text/javascript; charset=utf-8"),
    ("/gallery/problems.js", "text/javascript; charset=utf-8"),
    ("/gallery/blurhash.js", "text/javascript; charset=utf-8"),
    ("/gallery/upload.js", "text/javascript; charset=utf-8"),
    ("/gallery/grid.js", "text/javascript; charset=utf-8"),
    ("/gallery/detail.js", "text/javascript; charset=utf-8"),
];

fn header(resp: &Response, name: &str) -> Option<String> {
    resp.headers()
        .get(name)
        .map(|value| value.to_str().unwrap().to_owned())
}

fn check_headers(failures: &mut Failures, case: &str, resp: &Response, content_type: &str) {
    failures.equal(case, resp.status().as_u16(), 200);
    failures.equal(
        case,
        header(resp, "content-type").as_deref(),
        Some(content_type),
    );
    failures.equal(
        case,
        header(resp, "content-security-policy").as_deref(),
        Some(GALLERY_CSP),
    );
    failures.equal(
        case,
        header(resp, "x-content-type-options").as_deref(),
        Some("nosniff"),
    );
    failures.equal(
        case,
        header(resp, "referrer-policy").as_deref(),
        Some("no-referrer"),
    );
}

#[tokio::test]
async fn the_page_is_html_for_anyone_under_the_gallery_policy() {
    let app = spawn_app().await;

    let resp = app.anonymous().call(Method::GET, "/").await;

    let mut failures = Failures::new();
    check_headers(&mut failures, "GET /", &resp, "text/html; charset=utf-8");
    let html = resp.text().await.unwrap();
    failures.check(
        "GET /",
        html.contains(r#"<script type="module" src="/gallery/app.js"></script>"#),
        "the page loads its script module from /gallery/app.js",
    );
    failures.check(
        "GET /",
        html.contains(r#"href="/gallery/style.css""#),
        "the page loads its stylesheet from /gallery/style.css",
    );
    failures.assert_none();
}

#[tokio::test]
async fn the_page_is_the_same_with_an_identity() {
    let app = spawn_app().await;

    let anonymous = app.anonymous().call(Method::GET, "/").await;
    let alice = app.call(Method::GET, "/").await;

    assert_eq!(alice.status().as_u16(), 200);
    assert_eq!(
        anonymous.text().await.unwrap(),
        alice.text().await.unwrap(),
        "the page holds no data of its own"
    );
}

#[tokio::test]
async fn every_file_of_the_page_is_served_with_its_type() {
    let app = spawn_app().await;
    let anonymous = app.anonymous();

    let mut failures = Failures::new();
    for (path, content_type) in ASSETS {
        let resp = anonymous.call(Method::GET, path).await;
        check_headers(&mut failures, path, &resp, content_type);
        let body = resp.text().await.unwrap();
        failures.check(path, !body.is_empty(), "an empty file");
    }
    failures.assert_none();
}

#[tokio::test]
async fn head_answers_like_get_without_a_body() {
    let app = spawn_app().await;
    let anonymous = app.anonymous();

    let mut failures = Failures::new();
    for (path, content_type) in [
        ("/", "text/html; charset=utf-8"),
        ("/gallery/app.js", "text/javascript; charset=utf-8"),
    ] {
        let resp = anonymous.call(Method::HEAD, path).await;
        check_headers(&mut failures, &format!("HEAD {path}"), &resp, content_type);
        failures.equal(path, resp.bytes().await.unwrap().len(), 0);
    }
    failures.assert_none();
}

#[tokio::test]
async fn an_unknown_gallery_file_is_a_404_problem() {
    let app = spawn_app().await;
    let anonymous = app.anonymous();

    for path in [
        "/gallery/nope.js",
        "/gallery/index.html",
        "/gallery/",
        "/gallery/app.js/extra",
        "/gallery/..%2Fgallery.rs",
    ] {
        let resp = anonymous.call(Method::GET, path).await;
        assert_eq!(
            header(&resp, "content-security-policy").as_deref(),
            Some("default-src 'none'; frame-ancestors 'none'"),
            "{path}: a refusal is not a page"
        );
        assert_problem(resp, 404, "not_found").await;
    }
}

#[tokio::test]
async fn other_methods_are_405_with_allow() {
    let app = spawn_app().await;

    let mut failures = Failures::new();
    for (method, path) in [
        (Method::POST, "/"),
        (Method::DELETE, "/"),
        (Method::POST, "/gallery/app.js"),
    ] {
        let case = format!("{method} {path}");
        let resp = app.call(method, path).await;
        failures.equal(&case, header(&resp, "allow").as_deref(), Some("GET, HEAD"));
        failures
            .problem(&case, resp, 405, "method_not_allowed")
            .await;
    }
    failures.assert_none();
}
