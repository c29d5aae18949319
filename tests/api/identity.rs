//! Identity (`X-User-ID`, header mode): missing or invalid → 401 `unauthenticated` on every
//! route that needs a caller; the open routes need none.

use reqwest::Method;
use serde_json::Value;

use crate::helpers::fixtures::png;
use crate::helpers::{Caller, Failures, Form, served, spawn_app, upload_image};

/// Every route that needs a caller, as (method, path, body, Content-Type).
fn protected_routes(id: &str) -> Vec<(Method, String, Vec<u8>, Option<String>)> {
    let form = Form::with_file(png(4, 4));
    let json = br#"{"title":"x"}"#.to_vec();
    let image = format!("/api/v1/images/{id}");
    let multipart = Some(form.content_type());
    let json_type = Some("application/json".to_owned());
    vec![
        (
            Method::POST,
            "/api/v1/images/upload".to_owned(),
            form.body(),
            multipart.clone(),
        ),
        (
            Method::POST,
            "/api/v1/images".to_owned(),
            form.body(),
            multipart,
        ),
        (Method::GET, "/api/v1/images".to_owned(), Vec::new(), None),
        (Method::GET, image.clone(), Vec::new(), None),
        (Method::HEAD, image.clone(), Vec::new(), None),
        (Method::PUT, image.clone(), json.clone(), json_type.clone()),
        (Method::PATCH, image.clone(), json, json_type),
        (Method::DELETE, image.clone(), Vec::new(), None),
        (Method::GET, format!("{image}/metadata"), Vec::new(), None),
        (Method::GET, format!("{image}/thumbnail"), Vec::new(), None),
        (Method::GET, "/api/v1/me".to_owned(), Vec::new(), None),
    ]
}

async fn assert_unauthenticated(caller: &Caller, id: &str, who: &str) {
    let mut failures = Failures::new();
    for (method, path, body, content_type) in protected_routes(id) {
        if !served(&path) {
            continue;
        }
        let mut request = caller.request(method.clone(), &path).body(body);
        if let Some(content_type) = content_type {
            request = request.header("Content-Type", content_type);
        }
        let resp = request.send().await.unwrap();
        let case = format!("{who}: {method} {path}");
        if method == Method::HEAD {
            failures.head_problem(&case, &resp, 401);
        } else {
            failures.problem(&case, resp, 401, "unauthenticated").await;
        }
    }
    failures.assert_none();
}

#[tokio::test]
async fn every_protected_route_is_401_without_x_user_id() {
    let app = spawn_app().await;
    // A public image of alice's, so that a route skipping identity would answer 200, not 404.
    let form = Form::with_file(png(4, 4)).text("visibility", "public");
    let id = upload_image(&app, &form).await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    assert_unauthenticated(&app.anonymous(), &id, "no header").await;
}

#[tokio::test]
async fn every_protected_route_is_401_with_an_invalid_x_user_id() {
    let app = spawn_app().await;
    let form = Form::with_file(png(4, 4)).text("visibility", "public");
    let id = upload_image(&app, &form).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let too_long = "u".repeat(129);
    let invalid: [&str; 9] = [
        "",
        "a b",
        "a/b",
        "a#b",
        "a,b",
        "<script>",
        "é",
        "tab\there",
        &too_long,
    ];

    for user in invalid {
        assert_unauthenticated(&app.as_user(user), &id, &format!("X-User-ID {user:?}")).await;
    }
}

#[tokio::test]
async fn every_allowed_character_and_128_chars_are_a_valid_user() {
    let app = spawn_app().await;
    let longest = "u".repeat(128);
    for user in ["A.z_0@x:y-1", "user-123", "a", longest.as_str()] {
        let resp = app.as_user(user).get_me().await;
        assert_eq!(resp.status().as_u16(), 200, "X-User-ID {user:?}");
        let me: Value = resp.json().await.unwrap();
        assert_eq!(me["user_id"], user);
    }
}

#[tokio::test]
async fn open_routes_need_no_identity() {
    let app = spawn_app().await;
    let anonymous = app.anonymous();
    for path in ["/health", "/ready", "/api/v1/openapi.json"] {
        let resp = anonymous.call(Method::GET, path).await;
        assert_eq!(resp.status().as_u16(), 200, "GET {path} without identity");
    }
    let docs = anonymous.get_docs().await;
    assert!(
        docs.status().is_success() || docs.status().is_redirection(),
        "GET /docs without identity: {}",
        docs.status()
    );
}
