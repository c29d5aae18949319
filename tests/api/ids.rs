//! Every route with `{id}`: a malformed id is 400 `invalid_id`, a well-formed unknown one 404.

use reqwest::Method;

use crate::helpers::{Failures, TestApp, served, spawn_app, unknown_id};

const MALFORMED: [&str; 6] = [
    "not-a-uuid",
    "123",
    "0193c0a4-0000-7000-8000-00000000000g",
    "0193c0a4-0000-7000-8000-0000000000001",
    "0193c0a4000070008000000000000000zz",
    "zzzz",
];

/// (method, path under the id, whether it sends a JSON body).
const ROUTES: [(&str, &str, bool); 7] = [
    ("GET", "", false),
    ("HEAD", "", false),
    ("PUT", "", true),
    ("PATCH", "", true),
    ("DELETE", "", false),
    ("GET", "/metadata", false),
    ("GET", "/thumbnail", false),
];

async fn call(
    app: &TestApp,
    method: &str,
    id: &str,
    suffix: &str,
    json: bool,
) -> reqwest::Response {
    let method = Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = app.request(method, &format!("/api/v1/images/{id}{suffix}"));
    if json {
        request = request
            .header("Content-Type", "application/json")
            .body(r#"{"title":"x"}"#);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn malformed_ids_are_400_invalid_id_on_every_route() {
    let app = spawn_app().await;
    let mut failures = Failures::new();
    for id in MALFORMED {
        for (method, suffix, json) in ROUTES {
            if !served(suffix) {
                continue;
            }
            if !served(suffix) {
                continue;
            }
            let case = format!("{method} /api/v1/images/{id}{suffix}");
            let resp = call(&app, method, id, suffix, json).await;
            if method == "HEAD" {
                failures.head_problem(&case, &resp, 400);
            } else {
                failures.problem(&case, resp, 400, "invalid_id").await;
            }
        }
        let resp = app
            .anonymous()
            .get_content(
                id,
                &[("expires", "4102444800"), ("signature", &"ab".repeat(32))],
            )
            .await;
        let case = format!("GET /api/v1/images/{id}/content");
        failures.problem(&case, resp, 400, "invalid_id").await;
    }
    failures.assert_none();
}

#[tokio::test]
async fn well_formed_unknown_ids_are_404_on_every_route() {
    let app = spawn_app().await;
    let id = unknown_id();
    let mut failures = Failures::new();
    for (method, suffix, json) in ROUTES {
        if !served(suffix) {
            continue;
        }
        let case = format!("{method} /api/v1/images/<unknown>{suffix}");
        let resp = call(&app, method, &id, suffix, json).await;
        if method == "HEAD" {
            failures.head_problem(&case, &resp, 404);
        } else {
            failures.problem(&case, resp, 404, "not_found").await;
        }
    }
    failures.assert_none();
}
