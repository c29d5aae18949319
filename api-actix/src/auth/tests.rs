//! Keys and token checks below HTTP: which PEM files are accepted and with which algorithm, why
//! others are refused, how each kind of bad token is named, and the start-up warnings. The
//! fixed test keys live in `tests/fixtures/jwt/` (made once with openssl).

use std::net::SocketAddr;

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use super::*;

const SECRET: &[u8] = b"auth unit tests: an HS256 secret of 32+ bytes";

macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!("../../../tests/fixtures/jwt/", $name))
    };
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn options() -> JwtOptions {
    JwtOptions {
        issuer: None,
        audience: None,
        leeway_seconds: 30,
    }
}

fn sign(algorithm: Algorithm, key: &EncodingKey, claims: &Value) -> String {
    jsonwebtoken::encode(&Header::new(algorithm), claims, key).unwrap()
}

fn hs256(claims: &Value) -> String {
    sign(Algorithm::HS256, &EncodingKey::from_secret(SECRET), claims)
}

fn hs_verifier(options: &JwtOptions) -> JwtVerifier {
    JwtVerifier::new(VerificationKey::hs256(SECRET), options)
}

#[test]
fn pem_keys_choose_their_algorithm() {
    for (pem, algorithm) in [
        (fixture!("rsa_public.pem"), Algorithm::RS256),
        (fixture!("rsa_public_pkcs1.pem"), Algorithm::RS256),
        (fixture!("ec_public.pem"), Algorithm::ES256),
    ] {
        let key = VerificationKey::from_pem(pem).unwrap();
        assert_eq!(key.algorithm(), algorithm);
    }
}

#[test]
fn unusable_pem_files_are_refused_saying_why() {
    for (text, expected) in [
        ("", "holds no PEM block"),
        ("not a key at all\n", "holds no PEM block"),
        (fixture!("rsa_private.pem"), "holds a private key"),
        (fixture!("ec_private.pem"), "holds a private key"),
        (
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
            "holds a certificate",
        ),
        (fixture!("rsa_1024_public.pem"), "holds a 1024-bit RSA key"),
        (fixture!("ec_p384_public.pem"), "holds no RSA public key"),
        (fixture!("ed25519_public.pem"), "holds no RSA public key"),
        (
            "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
            "holds no RSA public key",
        ),
    ] {
        let message = VerificationKey::from_pem(text).unwrap_err().to_string();
        assert!(message.starts_with(expected), "{text:?}: {message}");
        assert!(!message.contains('\n'), "one line: {message}");
    }
}

#[test]
fn a_missing_key_file_names_the_file() {
    let error = VerificationKey::from_pem_file(std::path::Path::new("/nonexistent/key.pem"))
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with("cannot read /nonexistent/key.pem: "),
        "{error}"
    );
}

#[test]
fn rs256_and_es256_tokens_verify_with_their_public_keys() {
    let cases = [
        (
            fixture!("rsa_public.pem"),
            Algorithm::RS256,
            EncodingKey::from_rsa_pem(fixture!("rsa_private.pem").as_bytes()).unwrap(),
        ),
        (
            fixture!("ec_public.pem"),
            Algorithm::ES256,
            EncodingKey::from_ec_pem(fixture!("ec_private.pem").as_bytes()).unwrap(),
        ),
    ];
    for (public, algorithm, private) in cases {
        let verifier = JwtVerifier::new(VerificationKey::from_pem(public).unwrap(), &options());
        let token = sign(
            algorithm,
            &private,
            &json!({"sub": "alice", "exp": now() + 60}),
        );
        assert_eq!(verifier.verify(&token).unwrap().as_str(), "alice");
        // The same claims under HS256 keyed with the public key's bytes: algorithm confusion.
        let confused = sign(
            Algorithm::HS256,
            &EncodingKey::from_secret(public.as_bytes()),
            &json!({"sub": "alice", "exp": now() + 60}),
        );
        assert!(
            matches!(
                verifier.verify(&confused),
                Err(TokenRejection::WrongAlgorithm { .. })
            ),
            "{algorithm:?}"
        );
    }
}

#[test]
fn each_bad_token_is_named() {
    let verifier = hs_verifier(&JwtOptions {
        issuer: Some("https://issuer.test".to_owned()),
        audience: Some("lightbox".to_owned()),
        leeway_seconds: 30,
    });
    let good = |extra: Value| {
        let mut claims = json!({"sub": "alice", "exp": now() + 60, "iss": "https://issuer.test", "aud": "lightbox"});
        for (name, value) in extra.as_object().unwrap() {
            if value.is_null() {
                claims.as_object_mut().unwrap().remove(name);
            } else {
                claims[name] = value.clone();
            }
        }
        claims
    };
    assert!(verifier.verify(&hs256(&good(json!({})))).is_ok());
    let forged = sign(
        Algorithm::HS256,
        &EncodingKey::from_secret(b"another secret, 32 bytes or more!"),
        &good(json!({})),
    );
    let cases: Vec<(String, TokenRejection)> = vec![
        ("a.b".to_owned(), TokenRejection::Malformed),
        ("not even a token".to_owned(), TokenRejection::Malformed),
        (forged, TokenRejection::BadSignature),
        (
            hs256(&good(json!({"exp": now() - 120}))),
            TokenRejection::Expired,
        ),
        (
            hs256(&good(json!({"nbf": now() + 120}))),
            TokenRejection::NotYetValid,
        ),
        (
            hs256(&good(json!({"iss": "https://evil.test"}))),
            TokenRejection::WrongIssuer,
        ),
        (
            hs256(&good(json!({"aud": ["other", "another"]}))),
            TokenRejection::WrongAudience,
        ),
        (
            hs256(&good(json!({"exp": null}))),
            TokenRejection::MissingClaim("exp".to_owned()),
        ),
        (
            hs256(&good(json!({"sub": null}))),
            TokenRejection::MissingClaim("sub".to_owned()),
        ),
        (
            hs256(&good(json!({"sub": 42}))),
            TokenRejection::MissingClaim("sub".to_owned()),
        ),
        (
            hs256(&good(json!({"exp": "tomorrow"}))),
            TokenRejection::MissingClaim("exp".to_owned()),
        ),
        (
            hs256(&good(json!({"nbf": "soon"}))),
            TokenRejection::BadClaim("nbf".to_owned()),
        ),
        (
            hs256(&good(json!({"sub": "a/b"}))),
            TokenRejection::InvalidSubject(String::new()),
        ),
    ];
    for (token, expected) in cases {
        let got = verifier.verify(&token).unwrap_err();
        let same = match (&got, &expected) {
            (TokenRejection::InvalidSubject(_), TokenRejection::InvalidSubject(_)) => true,
            _ => got == expected,
        };
        assert!(same, "{token}: got {got:?}, expected {expected:?}");
    }
}

#[test]
fn nbf_and_exp_allow_the_leeway() {
    let verifier = hs_verifier(&options());
    let within = hs256(&json!({"sub": "alice", "exp": now() - 10, "nbf": now() + 10}));
    assert!(verifier.verify(&within).is_ok());
    let strict = hs_verifier(&JwtOptions {
        leeway_seconds: 0,
        ..options()
    });
    assert_eq!(strict.verify(&within), Err(TokenRejection::Expired));
}

#[test]
fn without_a_configured_audience_aud_is_not_checked() {
    let verifier = hs_verifier(&options());
    let token = hs256(&json!({"sub": "alice", "exp": now() + 60, "aud": "anything"}));
    assert!(verifier.verify(&token).is_ok());
    assert!(!verifier.checks_audience());
}

#[test]
fn header_mode_warns_off_loopback_and_jwt_mode_without_an_audience() {
    let loopback: SocketAddr = "127.0.0.1:8080".parse().unwrap();
    let loopback_v6: SocketAddr = "[::1]:8080".parse().unwrap();
    let everywhere: SocketAddr = "0.0.0.0:8080".parse().unwrap();
    assert!(Authentication::Header.warnings(loopback).is_empty());
    assert!(Authentication::Header.warnings(loopback_v6).is_empty());
    let warnings = Authentication::Header.warnings(everywhere);
    assert_eq!(warnings.len(), 1);
    assert!(
        warnings[0].contains("X-User-ID is trusted from anyone who can reach 0.0.0.0:8080"),
        "{warnings:?}"
    );

    let jwt = |audience: Option<&str>| {
        Authentication::Jwt(std::sync::Arc::new(hs_verifier(&JwtOptions {
            audience: audience.map(str::to_owned),
            ..options()
        })))
    };
    assert!(jwt(Some("lightbox")).warnings(everywhere).is_empty());
    let warnings = jwt(None).warnings(loopback);
    assert_eq!(warnings.len(), 1);
    assert!(
        warnings[0].contains("LIGHTBOX_JWT_AUDIENCE"),
        "{warnings:?}"
    );
}
