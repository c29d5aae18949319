//! Per-caller rate limiting (`rate_limit_rps`, `rate_limit_burst`): 429 `rate_limited` with
//! `Retry-After`, per caller, recovering with time; per client address for requests without a
//! caller; never on `/health` and `/ready`.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use reqwest::{Method, Response};

use crate::helpers::fixtures::png;
use serde_json::json;

use crate::helpers::{Form, assert_problem, jwt, spawn_app, spawn_app_with};

/// Another loopback address: the server sees it as another client.
const OTHER_CLIENT: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));

/// The seconds of a 429's `Retry-After`, asserting it is a whole number from 1 to 60.
fn retry_after_seconds(resp: &Response) -> u64 {
    let retry_after = resp
        .headers()
        .get("retry-after")
        .expect("429 carries Retry-After");
    let seconds: u64 = retry_after
        .to_str()
        .unwrap()
        .parse()
        .expect("Retry-After in seconds");
    assert!((1..=60).contains(&seconds), "Retry-After: {seconds}");
    seconds
}

#[tokio::test]
async fn a_caller_over_the_rate_gets_429_with_retry_after() {
    let app = spawn_app_with(|s| {
        s.rate_limit_rps = 1;
        s.rate_limit_burst = Some(2);
    })
    .await;

    let mut statuses = Vec::new();
    let mut limited = None;
    for _ in 0..6 {
        let resp = app.get_me().await;
        statuses.push(resp.status().as_u16());
        if resp.status().as_u16() == 429 && limited.is_none() {
            limited = Some(resp);
        }
    }

    assert_eq!(
        &statuses[..2],
        [200, 200],
        "the burst is served: {statuses:?}"
    );
    let limited =
        limited.unwrap_or_else(|| panic!("6 quick requests at 1 rps, burst 2: {statuses:?}"));
    retry_after_seconds(&limited);
    assert_problem(limited, 429, "rate_limited").await;

    let bob = app.bob().get_me().await;
    assert_eq!(
        bob.status().as_u16(),
        200,
        "another caller has their own budget"
    );

    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(
        app.get_me().await.status().as_u16(),
        200,
        "tokens come back with time"
    );
}

#[tokio::test]
async fn waiting_retry_after_is_enough_to_be_served_again() {
    let app = spawn_app_with(|s| {
        s.rate_limit_rps = 1;
        s.rate_limit_burst = Some(1);
    })
    .await;
    assert_eq!(app.get_me().await.status().as_u16(), 200);
    let limited = app.get_me().await;
    assert_eq!(limited.status().as_u16(), 429);

    let wait = retry_after_seconds(&limited);
    tokio::time::sleep(Duration::from_secs(wait)).await;

    assert_eq!(app.get_me().await.status().as_u16(), 200);
}

#[tokio::test]
async fn requests_without_a_caller_are_limited_per_client_address() {
    let app = spawn_app_with(|s| {
        s.rate_limit_rps = 1;
        s.rate_limit_burst = Some(2);
    })
    .await;
    let anonymous = app.anonymous();

    let mut statuses = Vec::new();
    for _ in 0..3 {
        statuses.push(anonymous.get_openapi().await.status().as_u16());
    }
    assert_eq!(statuses, [200, 200, 429], "one address, one budget");
    let refused_401s = anonymous.get_me().await;
    assert_problem(refused_401s, 429, "rate_limited").await;

    assert_eq!(
        app.get_me().await.status().as_u16(),
        200,
        "a caller from the same address has a budget of their own"
    );
    let elsewhere = anonymous.connecting_from(OTHER_CLIENT).get_openapi().await;
    assert_eq!(
        elsewhere.status().as_u16(),
        200,
        "another address has a budget of its own"
    );
}

#[tokio::test]
async fn an_invalid_identity_spends_the_client_addresss_budget() {
    let app = spawn_app_with(|s| {
        s.rate_limit_rps = 1;
        s.rate_limit_burst = Some(2);
    })
    .await;

    // Inventing ids that are not valid gives no fresh budget: they are keyed by address.
    let mut statuses = Vec::new();
    for attempt in 0..3 {
        let resp = app.as_user(&format!("bad id {attempt}")).get_me().await;
        statuses.push(resp.status().as_u16());
    }

    assert_eq!(statuses, [401, 401, 429]);
}

#[tokio::test]
async fn health_and_ready_are_never_limited() {
    let app = spawn_app_with(|s| {
        s.rate_limit_rps = 1;
        s.rate_limit_burst = Some(1);
    })
    .await;
    let anonymous = app.anonymous();
    assert_eq!(anonymous.get_openapi().await.status().as_u16(), 200);
    assert_eq!(anonymous.get_openapi().await.status().as_u16(), 429);

    for _ in 0..10 {
        assert_eq!(anonymous.get_health().await.status().as_u16(), 200);
        assert_eq!(anonymous.get_ready().await.status().as_u16(), 200);
    }
}

#[tokio::test]
async fn a_limited_upload_is_refused_unread_and_stores_nothing() {
    let app = spawn_app_with(|s| {
        s.rate_limit_rps = 1;
        s.rate_limit_burst = Some(1);
    })
    .await;
    assert_eq!(app.get_me().await.status().as_u16(), 200);

    let resp = app.upload(&Form::with_file(png(8, 8))).await;

    assert_eq!(
        resp.headers()
            .get("connection")
            .map(|v| v.to_str().unwrap()),
        Some("close"),
        "the unread body cannot be followed by another request"
    );
    assert_problem(resp, 429, "rate_limited").await;
    assert_eq!(app.stored_object_count().await, 0);
}

#[tokio::test]
async fn rate_limiting_is_off_by_default() {
    let app = spawn_app().await;
    for _ in 0..30 {
        assert_eq!(app.get_me().await.status().as_u16(), 200);
    }
    assert_eq!(
        app.call(Method::GET, "/api/v1/images")
            .await
            .status()
            .as_u16(),
        200
    );
}

#[tokio::test]
async fn jwt_mode_budgets_follow_the_verified_user_not_the_token() {
    let app = spawn_app_with(|s| {
        jwt::hs256_mode(s);
        s.rate_limit_rps = 1;
        s.rate_limit_burst = Some(2);
    })
    .await;
    let anonymous = app.anonymous();

    // Made-up tokens verify as nobody, so they share the address's budget.
    let mut statuses = Vec::new();
    for attempt in 0..3 {
        let forged = jwt::forged_hs256_token(&jwt::claims_for(&format!("mallory-{attempt}")));
        let resp = anonymous.with_bearer(&forged).get_me().await;
        statuses.push(resp.status().as_u16());
    }
    assert_eq!(statuses, [401, 401, 429], "forged tokens buy no budget");

    // Two valid tokens of one user (different expiries) spend one budget.
    let mut statuses = Vec::new();
    for attempt in 0..3 {
        let claims = json!({"sub": "alice", "exp": jwt::now() + 600 + attempt});
        let resp = anonymous
            .with_bearer(&jwt::hs256_token(&claims))
            .get_me()
            .await;
        statuses.push(resp.status().as_u16());
    }
    assert_eq!(statuses, [200, 200, 429], "one user, one budget");

    let bob = anonymous.with_bearer(&jwt::hs256_token(&jwt::claims_for("bob")));
    assert_eq!(
        bob.get_me().await.status().as_u16(),
        200,
        "another user has a budget of their own"
    );
}
