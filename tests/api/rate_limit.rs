//! Per-caller rate limiting (`rate_limit_rps`, `rate_limit_burst`): 429 `rate_limited` with
//! `Retry-After`, per caller, recovering with time.

use std::time::Duration;

use crate::helpers::{assert_problem, spawn_app, spawn_app_with};

#[tokio::test]
#[ignore = "rate limits are not enforced yet: they come with abuse resistance"]
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
    let retry_after = limited
        .headers()
        .get("retry-after")
        .expect("429 carries Retry-After");
    let seconds: u64 = retry_after
        .to_str()
        .unwrap()
        .parse()
        .expect("Retry-After in seconds");
    assert!((1..=60).contains(&seconds), "Retry-After: {seconds}");
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
async fn rate_limiting_is_off_by_default() {
    let app = spawn_app().await;
    for _ in 0..30 {
        assert_eq!(app.get_me().await.status().as_u16(), 200);
    }
}
