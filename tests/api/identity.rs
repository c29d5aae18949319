//! Identity (`X-User-ID`, header mode): missing or invalid → 401 `unauthenticated` on every
//! route that needs a caller; the open routes need none.

use reqwest::Method;
use serde_json::Value;

use crate::helpers::fixtures::png;
use crate::helpers::{ALICE, Caller, Failures, Form, protected_routes, spawn_app, upload_image};

async fn assert_unauthenticated(caller: &Caller, id: &str, who: &str) {
    let mut failures = Failures::new();
    for route in protected_routes(id, ALICE) {
        let resp = route.send(caller).await;
        let case = format!("{who}: {}", route.name());
        if route.method == Method::HEAD {
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
    for path in ["/health", "/ready", "/api/v1/openapi.json", "/metrics"] {
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
