//! Jwt mode with a public key file: the key's type pins the algorithm (RSA → RS256, P-256 →
//! ES256), so tokens of any other algorithm — `alg: none`, and HS256 "signed" with the public
//! key's bytes (algorithm confusion) above all — are 401, as are forged signatures.

use lightbox_api::config::Settings;
use reqwest::Response;
use serde_json::{Value, json};

use crate::helpers::jwt::{
    Challenge, check_refused, claims_for, confused_token, es256_mode, es256_token, hs256_token,
    now, rs256_mode, rs256_token, unsigned_token, with_claims_swapped,
};
use crate::helpers::{Failures, TestApp, spawn_app_with};

/// One key type under test: how the app is configured and how its genuine tokens are made.
struct KeyMode {
    name: &'static str,
    configure: fn(&mut Settings),
    sign: fn(&Value) -> String,
    public_key_file: &'static str,
    /// A genuine token of the other asymmetric algorithm (signed by a key of the other type).
    other_algorithm: fn(&Value) -> String,
}

const MODES: [KeyMode; 2] = [
    KeyMode {
        name: "RS256",
        configure: rs256_mode,
        sign: rs256_token,
        public_key_file: "rsa_public.pem",
        other_algorithm: es256_token,
    },
    KeyMode {
        name: "ES256",
        configure: es256_mode,
        sign: es256_token,
        public_key_file: "ec_public.pem",
        other_algorithm: rs256_token,
    },
];

async fn me_as(app: &TestApp, token: &str) -> Response {
    app.with_bearer(token).get_me().await
}

#[tokio::test]
async fn a_token_signed_with_the_private_key_names_the_caller() {
    let mut failures = Failures::new();
    for mode in MODES {
        let app = spawn_app_with(mode.configure).await;
        let token = (mode.sign)(&claims_for("alice"));
        let resp = me_as(&app, &token).await;
        if let Some(me) = failures.status(mode.name, resp, 200).await {
            failures.equal(mode.name, &me["user_id"], &json!("alice"));
        }
        // X-User-ID is ignored with a key file too.
        let resp = app
            .as_user("bob")
            .with_authorization(Some(format!("Bearer {token}").as_bytes()));
        let resp = resp.get_me().await;
        if let Some(me) = failures.status(mode.name, resp, 200).await {
            failures.equal(mode.name, &me["user_id"], &json!("alice"));
        }
    }
    failures.assert_none();
}

#[tokio::test]
async fn other_algorithms_forgeries_and_bad_claims_are_401() {
    let mut failures = Failures::new();
    for mode in MODES {
        let app = spawn_app_with(mode.configure).await;
        let alice = claims_for("alice");
        let genuine = (mode.sign)(&alice);
        let cases: Vec<(&str, String)> = vec![
            ("alg none", unsigned_token(&alice)),
            (
                "HS256 keyed with the public key file (algorithm confusion)",
                confused_token(mode.public_key_file, &alice),
            ),
            ("HS256 with some secret", hs256_token(&alice)),
            (
                "the other asymmetric algorithm",
                (mode.other_algorithm)(&alice),
            ),
            (
                "claims swapped under a genuine signature",
                with_claims_swapped(&genuine, &claims_for("bob")),
            ),
            ("signature cut off", {
                let (head, _) = genuine.rsplit_once('.').unwrap();
                format!("{head}.")
            }),
            ("signature of another token", {
                let other = (mode.sign)(&claims_for("bob"));
                let (head, _) = genuine.rsplit_once('.').unwrap();
                format!("{head}.{}", other.rsplit_once('.').unwrap().1)
            }),
            (
                "expired",
                (mode.sign)(&json!({"sub": "alice", "exp": now() - 3600})),
            ),
            (
                "not valid yet",
                (mode.sign)(&json!({"sub": "alice", "exp": now() + 7200, "nbf": now() + 3600})),
            ),
            ("no exp", (mode.sign)(&json!({"sub": "alice"}))),
            (
                "sub not a user id",
                (mode.sign)(&json!({"sub": "alice smith", "exp": now() + 600})),
            ),
        ];
        for (case, token) in cases {
            let case = format!("{}: {case}", mode.name);
            check_refused(
                &mut failures,
                &case,
                me_as(&app, &token).await,
                Challenge::InvalidToken,
            )
            .await;
        }
    }
    failures.assert_none();
}

#[tokio::test]
async fn issuer_and_audience_are_checked_with_a_key_file_too() {
    let mut failures = Failures::new();
    for mode in MODES {
        let app = spawn_app_with(|s| {
            (mode.configure)(s);
            s.jwt_issuer = Some("https://issuer.example.test".to_owned());
            s.jwt_audience = Some("lightbox".to_owned());
        })
        .await;
        let later = now() + 600;
        let good = json!({"sub": "alice", "exp": later, "iss": "https://issuer.example.test", "aud": "lightbox"});
        let resp = me_as(&app, &(mode.sign)(&good)).await;
        failures.status(mode.name, resp, 200).await;
        for (case, claims) in [
            (
                "wrong iss",
                json!({"sub": "alice", "exp": later, "iss": "https://evil.test", "aud": "lightbox"}),
            ),
            (
                "wrong aud",
                json!({"sub": "alice", "exp": later, "iss": "https://issuer.example.test", "aud": "other"}),
            ),
        ] {
            let case = format!("{}: {case}", mode.name);
            let resp = me_as(&app, &(mode.sign)(&claims)).await;
            check_refused(&mut failures, &case, resp, Challenge::InvalidToken).await;
        }
    }
    failures.assert_none();
}
