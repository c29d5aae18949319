//! Identity in `jwt` mode with an HS256 secret: the caller is the `sub` of a bearer token; `exp`
//! is required, `nbf` honoured, `iss`/`aud` checked when configured, `X-User-ID` ignored, and
//! every refusal is 401 `unauthenticated` with a `WWW-Authenticate: Bearer` challenge —
//! `error="invalid_token"` when a token was sent (RFC 6750 §3.1).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::{Method, Response};
use serde_json::{Value, json};

use crate::helpers::jwt::{
    Challenge, check_refused, forged_hs256_token, hs256_mode, hs256_token, now, rs256_token,
    unsigned_token,
};
use crate::helpers::{Failures, TestApp, spawn_app_with};

async fn me_with(
    app: &TestApp,
    authorization: Option<&str>,
    user_header: Option<&str>,
) -> Response {
    let mut request = app.anonymous().request(Method::GET, "/api/v1/me");
    if let Some(authorization) = authorization {
        request = request.header("Authorization", authorization);
    }
    if let Some(user) = user_header {
        request = request.header("X-User-ID", user);
    }
    request.send().await.unwrap()
}

fn bearer(claims: &Value) -> String {
    format!("Bearer {}", hs256_token(claims))
}

#[tokio::test]
async fn the_sub_of_a_valid_token_is_the_caller() {
    let app = spawn_app_with(hs256_mode).await;
    let bearer = bearer(&json!({"sub": "alice", "exp": now() + 600}));

    let resp = me_with(&app, Some(&bearer), None).await;

    assert_eq!(resp.status().as_u16(), 200);
    let me: Value = resp.json().await.unwrap();
    assert_eq!(me["user_id"], "alice");
}

#[tokio::test]
async fn the_scheme_is_case_insensitive_and_every_user_id_character_is_a_valid_sub() {
    let app = spawn_app_with(hs256_mode).await;
    let longest = "u".repeat(128);
    let mut failures = Failures::new();
    for (scheme, sub) in [
        ("bearer", "user-123"),
        ("BEARER", "A.z_0@x:y-1"),
        ("Bearer", longest.as_str()),
    ] {
        let token = hs256_token(&json!({"sub": sub, "exp": now() + 600}));
        let authorization = format!("{scheme} {token}");
        let case = format!("{scheme} with sub {sub:?}");
        let resp = me_with(&app, Some(&authorization), None).await;
        if let Some(me) = failures.status(&case, resp, 200).await {
            failures.equal(&case, &me["user_id"], &json!(sub));
        }
    }
    failures.assert_none();
}

#[tokio::test]
async fn x_user_id_is_ignored_in_jwt_mode() {
    let app = spawn_app_with(hs256_mode).await;
    let bearer = bearer(&json!({"sub": "alice", "exp": now() + 600}));
    let mut failures = Failures::new();

    check_refused(
        &mut failures,
        "X-User-ID alone",
        me_with(&app, None, Some("bob")).await,
        Challenge::NoToken,
    )
    .await;
    let resp = me_with(&app, Some(&bearer), Some("bob")).await;
    if let Some(me) = failures.status("token and X-User-ID", resp, 200).await {
        failures.equal("the token wins", &me["user_id"], &json!("alice"));
    }
    let expired = self::bearer(&json!({"sub": "alice", "exp": now() - 3600}));
    check_refused(
        &mut failures,
        "an expired token with a valid X-User-ID",
        me_with(&app, Some(&expired), Some("alice")).await,
        Challenge::InvalidToken,
    )
    .await;
    failures.assert_none();
}

#[tokio::test]
async fn bad_tokens_are_401_with_a_bearer_challenge() {
    let app = spawn_app_with(hs256_mode).await;
    let later = now() + 600;
    let alice = json!({"sub": "alice", "exp": later});
    let cases: Vec<(&str, Option<String>, Challenge)> = vec![
        ("no Authorization", None, Challenge::NoToken),
        (
            "Basic credentials",
            Some("Basic YWxpY2U6cHc=".to_owned()),
            Challenge::NoToken,
        ),
        (
            "Bearer without a token",
            Some("Bearer".to_owned()),
            Challenge::InvalidToken,
        ),
        (
            "Bearer and blanks",
            Some("Bearer    ".to_owned()),
            Challenge::InvalidToken,
        ),
        (
            "not a JWT",
            Some("Bearer not.a.jwt".to_owned()),
            Challenge::InvalidToken,
        ),
        (
            "two parts",
            Some(format!("Bearer {}", {
                let token = hs256_token(&alice);
                token.rsplit_once('.').unwrap().0.to_owned()
            })),
            Challenge::InvalidToken,
        ),
        (
            "wrong secret",
            Some(format!("Bearer {}", forged_hs256_token(&alice))),
            Challenge::InvalidToken,
        ),
        (
            "alg none",
            Some(format!("Bearer {}", unsigned_token(&alice))),
            Challenge::InvalidToken,
        ),
        (
            "alg none with the HS256 signature kept",
            Some(format!("Bearer {}", {
                let unsigned = unsigned_token(&alice);
                let signed = hs256_token(&alice);
                format!("{unsigned}{}", signed.rsplit_once('.').unwrap().1)
            })),
            Challenge::InvalidToken,
        ),
        (
            "RS256 where HS256 is configured",
            Some(format!("Bearer {}", rs256_token(&alice))),
            Challenge::InvalidToken,
        ),
        (
            "expired",
            Some(bearer(&json!({"sub": "alice", "exp": now() - 3600}))),
            Challenge::InvalidToken,
        ),
        (
            "no exp",
            Some(bearer(&json!({"sub": "alice"}))),
            Challenge::InvalidToken,
        ),
        (
            "exp not a number",
            Some(bearer(&json!({"sub": "alice", "exp": "tomorrow"}))),
            Challenge::InvalidToken,
        ),
        (
            "not valid before an hour from now",
            Some(bearer(
                &json!({"sub": "alice", "exp": later, "nbf": now() + 3600}),
            )),
            Challenge::InvalidToken,
        ),
        (
            "no sub",
            Some(bearer(&json!({"exp": later}))),
            Challenge::InvalidToken,
        ),
        (
            "sub a number",
            Some(bearer(&json!({"sub": 42, "exp": later}))),
            Challenge::InvalidToken,
        ),
        (
            "sub empty",
            Some(bearer(&json!({"sub": "", "exp": later}))),
            Challenge::InvalidToken,
        ),
        (
            "sub with a space",
            Some(bearer(&json!({"sub": "a b", "exp": later}))),
            Challenge::InvalidToken,
        ),
        (
            "sub with a slash",
            Some(bearer(&json!({"sub": "../alice", "exp": later}))),
            Challenge::InvalidToken,
        ),
        (
            "sub of 129 chars",
            Some(bearer(&json!({"sub": "u".repeat(129), "exp": later}))),
            Challenge::InvalidToken,
        ),
        (
            "claims not JSON",
            Some(format!(
                "Bearer {}",
                crate::helpers::jwt::hmac_token(
                    &json!({"alg": "HS256"}),
                    &json!("not an object"),
                    crate::helpers::jwt::JWT_SECRET.as_bytes()
                )
            )),
            Challenge::InvalidToken,
        ),
        (
            "header not base64",
            Some(format!("Bearer !!!.{}.x", URL_SAFE_NO_PAD.encode("{}"))),
            Challenge::InvalidToken,
        ),
    ];

    let mut failures = Failures::new();
    for (case, authorization, challenge) in cases {
        let resp = me_with(&app, authorization.as_deref(), None).await;
        check_refused(&mut failures, case, resp, challenge).await;
    }
    failures.assert_none();
}

#[tokio::test]
async fn two_authorization_headers_are_refused() {
    let app = spawn_app_with(hs256_mode).await;
    let good = bearer(&json!({"sub": "alice", "exp": now() + 600}));
    let resp = app
        .anonymous()
        .request(Method::GET, "/api/v1/me")
        .header("Authorization", &good)
        .header("Authorization", &good)
        .send()
        .await
        .unwrap();
    let mut failures = Failures::new();
    check_refused(&mut failures, "two headers", resp, Challenge::InvalidToken).await;
    failures.assert_none();
}

#[tokio::test]
async fn issuer_and_audience_are_checked_when_configured() {
    let app = spawn_app_with(|s| {
        hs256_mode(s);
        s.jwt_issuer = Some("https://issuer.example.test".to_owned());
        s.jwt_audience = Some("lightbox".to_owned());
    })
    .await;
    let later = now() + 600;
    let mut failures = Failures::new();

    for (case, claims) in [
        (
            "matching iss and aud",
            json!({"sub": "alice", "exp": later, "iss": "https://issuer.example.test", "aud": "lightbox"}),
        ),
        (
            "aud a list holding lightbox",
            json!({"sub": "alice", "exp": later, "iss": "https://issuer.example.test", "aud": ["other", "lightbox"]}),
        ),
    ] {
        failures
            .status(case, me_with(&app, Some(&bearer(&claims)), None).await, 200)
            .await;
    }
    let refused = [
        (
            "wrong iss",
            json!({"sub": "alice", "exp": later, "iss": "https://evil.test", "aud": "lightbox"}),
        ),
        (
            "no iss",
            json!({"sub": "alice", "exp": later, "aud": "lightbox"}),
        ),
        (
            "wrong aud",
            json!({"sub": "alice", "exp": later, "iss": "https://issuer.example.test", "aud": "other"}),
        ),
        (
            "aud a list without lightbox",
            json!({"sub": "alice", "exp": later, "iss": "https://issuer.example.test", "aud": ["a", "b"]}),
        ),
        (
            "no aud",
            json!({"sub": "alice", "exp": later, "iss": "https://issuer.example.test"}),
        ),
    ];
    for (case, claims) in refused {
        check_refused(
            &mut failures,
            case,
            me_with(&app, Some(&bearer(&claims)), None).await,
            Challenge::InvalidToken,
        )
        .await;
    }
    failures.assert_none();
}

#[tokio::test]
async fn without_configured_checks_iss_and_aud_are_not_required() {
    let app = spawn_app_with(hs256_mode).await;
    let claims = json!({"sub": "alice", "exp": now() + 600, "iss": "anyone", "aud": "anything"});

    let resp = me_with(&app, Some(&bearer(&claims)), None).await;

    assert_eq!(resp.status().as_u16(), 200);
}

#[tokio::test]
async fn expiry_and_not_before_allow_the_configured_leeway() {
    let app = spawn_app_with(|s| {
        hs256_mode(s);
        s.jwt_leeway_seconds = 30;
    })
    .await;
    let mut failures = Failures::new();

    for (case, claims) in [
        (
            "expired 10 s ago, within 30 s of leeway",
            json!({"sub": "alice", "exp": now() - 10}),
        ),
        (
            "valid from 10 s on, within 30 s of leeway",
            json!({"sub": "alice", "exp": now() + 600, "nbf": now() + 10}),
        ),
        (
            "valid since a minute ago",
            json!({"sub": "alice", "exp": now() + 600, "nbf": now() - 60}),
        ),
    ] {
        failures
            .status(case, me_with(&app, Some(&bearer(&claims)), None).await, 200)
            .await;
    }
    for (case, claims) in [
        (
            "expired 120 s ago",
            json!({"sub": "alice", "exp": now() - 120}),
        ),
        (
            "valid from 120 s on",
            json!({"sub": "alice", "exp": now() + 600, "nbf": now() + 120}),
        ),
    ] {
        check_refused(
            &mut failures,
            case,
            me_with(&app, Some(&bearer(&claims)), None).await,
            Challenge::InvalidToken,
        )
        .await;
    }
    failures.assert_none();
}
