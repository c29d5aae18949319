//! Jwt mode for test apps: the settings of each key type, and tokens good and bad. Good tokens
//! are signed with jsonwebtoken and the fixed test keys of `tests/fixtures/jwt/`; the hostile
//! ones (`alg: none`, algorithm confusion, forged signatures) are assembled by hand, as an
//! attacker would.

use std::path::PathBuf;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use lightbox_api::config::{AuthMode, Secret, Settings};
use reqwest::Response;
use serde_json::{Value, json};
use sha2::Sha256;

use super::failures::Failures;

/// The HS256 secret of [`hs256_mode`].
pub const JWT_SECRET: &str = "lightbox-tests: the HS256 secret of jwt mode";

/// A secret the server does not know (for forged HS256 signatures).
pub const OTHER_SECRET: &str = "another secret, not the configured one";

/// A fixed test key file (made once with openssl; see the folder's README).
pub fn key_file(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/jwt")
        .join(name)
}

fn key_text(name: &str) -> String {
    std::fs::read_to_string(key_file(name)).expect("a test key fixture")
}

/// Jwt mode with the HS256 secret [`JWT_SECRET`].
pub fn hs256_mode(settings: &mut Settings) {
    settings.auth = AuthMode::Jwt;
    settings.jwt_secret = Some(Secret::new(JWT_SECRET.to_owned()));
}

/// Jwt mode with the test RSA public key (RS256).
pub fn rs256_mode(settings: &mut Settings) {
    settings.auth = AuthMode::Jwt;
    settings.jwt_public_key_file = Some(key_file("rsa_public.pem"));
}

/// Jwt mode with the test P-256 public key (ES256).
pub fn es256_mode(settings: &mut Settings) {
    settings.auth = AuthMode::Jwt;
    settings.jwt_public_key_file = Some(key_file("ec_public.pem"));
}

/// Now, in seconds since the epoch.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Claims naming `sub`, valid for ten minutes.
pub fn claims_for(sub: &str) -> Value {
    json!({"sub": sub, "exp": now() + 600})
}

/// A compact JWS with this header, its signature an HMAC-SHA256 under `secret`: how an HS256
/// token is made, and how an algorithm-confusion attack keys it with a public key's bytes.
pub fn hmac_token(header: &Value, claims: &Value, secret: &[u8]) -> String {
    let signing_input = format!("{}.{}", encode_part(header), encode_part(claims));
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).unwrap();
    mac.update(signing_input.as_bytes());
    let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    format!("{signing_input}.{signature}")
}

/// An HS256 token with these claims, signed with the configured secret.
pub fn hs256_token(claims: &Value) -> String {
    hmac_token(
        &json!({"alg": "HS256", "typ": "JWT"}),
        claims,
        JWT_SECRET.as_bytes(),
    )
}

/// An HS256 token signed with a secret the server does not know.
pub fn forged_hs256_token(claims: &Value) -> String {
    hmac_token(
        &json!({"alg": "HS256", "typ": "JWT"}),
        claims,
        OTHER_SECRET.as_bytes(),
    )
}

/// An RS256 token signed with the test RSA private key.
pub fn rs256_token(claims: &Value) -> String {
    let key = EncodingKey::from_rsa_pem(key_text("rsa_private.pem").as_bytes()).unwrap();
    jsonwebtoken::encode(&Header::new(Algorithm::RS256), claims, &key).unwrap()
}

/// An ES256 token signed with the test P-256 private key.
pub fn es256_token(claims: &Value) -> String {
    let key = EncodingKey::from_ec_pem(key_text("ec_private.pem").as_bytes()).unwrap();
    jsonwebtoken::encode(&Header::new(Algorithm::ES256), claims, &key).unwrap()
}

/// `alg: none` with an empty signature: a token anyone can make.
pub fn unsigned_token(claims: &Value) -> String {
    format!(
        "{}.{}.",
        encode_part(&json!({"alg": "none", "typ": "JWT"})),
        encode_part(claims)
    )
}

/// The HS256 algorithm-confusion attack: HMAC keyed with the bytes of the server's public key
/// file, which a verifier that let the token pick its algorithm would accept.
pub fn confused_token(public_key_file: &str, claims: &Value) -> String {
    hmac_token(
        &json!({"alg": "HS256", "typ": "JWT"}),
        claims,
        key_text(public_key_file).as_bytes(),
    )
}

/// `token` with its claims replaced by `claims` and its signature kept: a forged payload.
pub fn with_claims_swapped(token: &str, claims: &Value) -> String {
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "a compact JWS: {token}");
    format!("{}.{}.{}", parts[0], encode_part(claims), parts[2])
}

fn encode_part(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}

/// What a 401's `WWW-Authenticate` must say (RFC 6750 §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Challenge {
    /// No bearer token was sent: a bare `Bearer` challenge, no error code.
    NoToken,
    /// A token was sent and refused: `error="invalid_token"`.
    InvalidToken,
}

/// Records `case` unless `resp` is a 401 `unauthenticated` problem with this challenge.
pub async fn check_refused(
    failures: &mut Failures,
    case: &str,
    resp: Response,
    challenge: Challenge,
) {
    check_challenge(failures, case, &resp, challenge);
    failures.problem(case, resp, 401, "unauthenticated").await;
}

/// Records `case` unless `resp` carries the `WWW-Authenticate` challenge expected.
pub fn check_challenge(failures: &mut Failures, case: &str, resp: &Response, expected: Challenge) {
    let values: Vec<String> = resp
        .headers()
        .get_all("www-authenticate")
        .iter()
        .map(|v| v.to_str().unwrap_or_default().to_owned())
        .collect();
    let ok = match (values.as_slice(), expected) {
        ([one], Challenge::NoToken) => one == "Bearer",
        ([one], Challenge::InvalidToken) => {
            one.starts_with("Bearer ") && one.contains("error=\"invalid_token\"")
        }
        _ => false,
    };
    failures.check(
        case,
        ok,
        format!("WWW-Authenticate {values:?}, expected {expected:?}"),
    );
}
