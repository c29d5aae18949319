//! Unknown routes are 404 and wrong methods 405 with `Allow`, both as problems, with or without
//! identity.

use reqwest::Method;

use crate::helpers::{Caller, Failures, served, spawn_app, unknown_id};

async fn assert_not_found_routes(caller: &Caller, who: &str) {
    let id = unknown_id();
    let paths = [
        // `/` is the web gallery; beside it, nothing.
        "/index.html".to_owned(),
        "/gallery".to_owned(),
        "/gallery/nope.js".to_owned(),
        "/nope".to_owned(),
        "/api".to_owned(),
        "/api/v1/nope".to_owned(),
        "/api/v2/images".to_owned(),
        format!("/api/v1/images/{id}/nope"),
        format!("/api/v1/images/{id}/metadata/extra"),
        "/favicon.ico".to_owned(),
    ];
    let mut failures = Failures::new();
    for path in paths {
        let resp = caller.call(Method::GET, &path).await;
        failures
            .problem(&format!("{who}: GET {path}"), resp, 404, "not_found")
            .await;
    }
    failures.assert_none();
}

async fn assert_wrong_methods(caller: &Caller, who: &str) {
    let id = unknown_id();
    let image = format!("/api/v1/images/{id}");
    let cases: Vec<(Method, String, &[&str])> = vec![
        (
            Method::DELETE,
            "/api/v1/images".to_owned(),
            &["GET", "POST"],
        ),
        (Method::PUT, "/api/v1/images".to_owned(), &["GET", "POST"]),
        (
            Method::DELETE,
            "/api/v1/images/upload".to_owned(),
            &["POST"],
        ),
        (
            Method::POST,
            image.clone(),
            &["GET", "HEAD", "PUT", "PATCH", "DELETE"],
        ),
        (Method::POST, format!("{image}/metadata"), &["GET"]),
        (Method::DELETE, format!("{image}/thumbnail"), &["GET"]),
        (Method::POST, format!("{image}/content"), &["GET"]),
        (Method::POST, "/api/v1/me".to_owned(), &["GET"]),
        (Method::PUT, "/health".to_owned(), &["GET"]),
        (Method::POST, "/ready".to_owned(), &["GET"]),
        (Method::DELETE, "/api/v1/openapi.json".to_owned(), &["GET"]),
        (Method::POST, "/metrics".to_owned(), &["GET"]),
        (Method::POST, "/".to_owned(), &["GET", "HEAD"]),
        (Method::PUT, "/gallery/app.js".to_owned(), &["GET", "HEAD"]),
    ];
    let mut failures = Failures::new();
    for (method, path, allowed) in cases {
        if !served(&path) {
            continue;
        }
        let case = format!("{who}: {method} {path}");
        let resp = caller.call(method.clone(), &path).await;
        let allow = resp
            .headers()
            .get("allow")
            .map(|value| value.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let listed: Vec<String> = allow
            .split(',')
            .map(|m| m.trim().to_ascii_uppercase())
            .collect();
        for expected in allowed {
            let ok = listed.iter().any(|m| m == expected);
            failures.check(&case, ok, format!("Allow: {allow:?} lacks {expected}"));
        }
        let ok = !listed.iter().any(|m| m == method.as_str());
        failures.check(
            &case,
            ok,
            format!("Allow: {allow:?} lists the refused method"),
        );
        failures
            .problem(&case, resp, 405, "method_not_allowed")
            .await;
    }
    failures.assert_none();
}

#[tokio::test]
async fn unknown_routes_are_404_problems_with_identity() {
    let app = spawn_app().await;
    assert_not_found_routes(&app, "alice").await;
}

#[tokio::test]
async fn unknown_routes_are_404_problems_without_identity() {
    let app = spawn_app().await;
    assert_not_found_routes(&app.anonymous(), "anonymous").await;
}

#[tokio::test]
async fn wrong_methods_are_405_with_allow_with_identity() {
    let app = spawn_app().await;
    assert_wrong_methods(&app, "alice").await;
}

#[tokio::test]
async fn wrong_methods_are_405_with_allow_without_identity() {
    let app = spawn_app().await;
    assert_wrong_methods(&app.anonymous(), "anonymous").await;
}
