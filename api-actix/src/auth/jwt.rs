//! Verifying a bearer JWT and taking its `sub` as the caller: the signature with the one
//! configured key and algorithm, then `exp` (required), `nbf` (when present), and `iss`/`aud`
//! when configured, all within the configured leeway.

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, Validation};
use lightbox_domain::ids::OwnerId;
use serde::Deserialize;

use super::key::VerificationKey;

/// The checks beyond the signature, from the settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JwtOptions {
    /// The `iss` tokens must carry, if any.
    pub issuer: Option<String>,
    /// A value tokens' `aud` must hold, if any. Unset, `aud` is not checked at all: a token for
    /// another audience is then accepted, which is why start-up warns about it.
    pub audience: Option<String>,
    /// Clock skew allowed on `exp` and `nbf`, in seconds.
    pub leeway_seconds: u64,
}

/// Verifies tokens; built once at start-up, shared by every worker.
#[derive(Debug)]
pub struct JwtVerifier {
    key: VerificationKey,
    validation: Validation,
}

/// Why a bearer token was refused. Each message is safe to show the client: it names what
/// failed, never the key or what a valid token would need beyond the contract.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenRejection {
    /// Not three base64url parts of JSON, or an `alg` no verifier knows (`none` included).
    #[error("the token is not a well-formed JWT")]
    Malformed,
    /// Signed with another algorithm than the configured key's.
    #[error("the token must be signed with {expected}")]
    WrongAlgorithm {
        /// The configured key's algorithm.
        expected: &'static str,
    },
    /// The signature does not verify with the configured key.
    #[error("the token's signature does not verify")]
    BadSignature,
    /// `exp` has passed (beyond the leeway).
    #[error("the token has expired")]
    Expired,
    /// `nbf` is still to come (beyond the leeway).
    #[error("the token is not valid yet (nbf)")]
    NotYetValid,
    /// `iss` is not the configured issuer.
    #[error("the token's issuer (iss) is not accepted")]
    WrongIssuer,
    /// `aud` does not hold the configured audience.
    #[error("the token's audience (aud) is not this service")]
    WrongAudience,
    /// A claim the checks need is absent (or not of its type).
    #[error("the token has no valid `{0}` claim")]
    MissingClaim(String),
    /// A claim has the wrong type (`exp` as a string, ...).
    #[error("the token's `{0}` claim is malformed")]
    BadClaim(String),
    /// `sub` is not a valid user id (the `X-User-ID` rule).
    #[error("the token's sub is not a valid user id: {0}")]
    InvalidSubject(String),
    /// The configured key could not be used: a server fault, not the client's.
    #[error("the verification key could not be used: {0}")]
    KeyUnusable(String),
}

/// The claims lightbox reads itself; `exp`, `nbf`, `iss` and `aud` are checked by jsonwebtoken.
/// `sub` is taken as any JSON value so that a missing or non-string one is reported by the
/// required-claim check rather than as an unreadable token.
#[derive(Debug, Deserialize)]
struct Claims {
    #[serde(default)]
    sub: serde_json::Value,
}

impl JwtVerifier {
    /// A verifier accepting only `key`'s algorithm.
    pub fn new(key: VerificationKey, options: &JwtOptions) -> Self {
        let mut validation = Validation::new(key.algorithm());
        validation.leeway = options.leeway_seconds;
        validation.validate_exp = true;
        validation.validate_nbf = true;
        let mut required = vec!["exp", "sub"];
        if let Some(issuer) = &options.issuer {
            validation.set_issuer(&[issuer]);
            required.push("iss");
        }
        match &options.audience {
            Some(audience) => {
                validation.set_audience(&[audience]);
                required.push("aud");
            }
            // jsonwebtoken would otherwise refuse every token that carries an `aud`, even
            // though the operator asked for no audience check.
            None => validation.validate_aud = false,
        }
        validation.set_required_spec_claims(&required);
        Self { key, validation }
    }

    /// The one algorithm accepted.
    pub fn algorithm(&self) -> Algorithm {
        self.key.algorithm()
    }

    /// Whether tokens' `aud` is checked.
    pub fn checks_audience(&self) -> bool {
        self.validation.aud.is_some()
    }

    /// The caller a token names.
    ///
    /// # Errors
    /// [`TokenRejection`] saying what failed.
    pub fn verify(&self, token: &str) -> Result<OwnerId, TokenRejection> {
        let data = jsonwebtoken::decode::<Claims>(token, self.key.decoding_key(), &self.validation)
            .map_err(|error| self.rejection(error.into_kind()))?;
        let sub = data
            .claims
            .sub
            .as_str()
            .ok_or_else(|| TokenRejection::MissingClaim("sub".to_owned()))?;
        OwnerId::parse(sub).map_err(|error| TokenRejection::InvalidSubject(error.to_string()))
    }

    fn rejection(&self, kind: ErrorKind) -> TokenRejection {
        match kind {
            ErrorKind::InvalidSignature => TokenRejection::BadSignature,
            ErrorKind::InvalidAlgorithm => TokenRejection::WrongAlgorithm {
                expected: algorithm_name(self.algorithm()),
            },
            ErrorKind::ExpiredSignature => TokenRejection::Expired,
            ErrorKind::ImmatureSignature => TokenRejection::NotYetValid,
            ErrorKind::InvalidIssuer => TokenRejection::WrongIssuer,
            ErrorKind::InvalidAudience => TokenRejection::WrongAudience,
            ErrorKind::MissingRequiredClaim(claim) => TokenRejection::MissingClaim(claim),
            ErrorKind::InvalidClaimFormat(claim) => TokenRejection::BadClaim(claim),
            // The key was parsed with these very crates at start-up, so these mean a bug or a
            // library change, never a bad token.
            ErrorKind::InvalidEcdsaKey
            | ErrorKind::InvalidRsaKey(_)
            | ErrorKind::InvalidKeyFormat
            | ErrorKind::MissingAlgorithm
            | ErrorKind::Provider(_) => TokenRejection::KeyUnusable(format!("{kind:?}")),
            _ => TokenRejection::Malformed,
        }
    }
}

/// The JOSE name of an algorithm lightbox accepts.
fn algorithm_name(algorithm: Algorithm) -> &'static str {
    match algorithm {
        Algorithm::HS256 => "HS256",
        Algorithm::RS256 => "RS256",
        Algorithm::ES256 => "ES256",
        // Never configured: the key decides among the three above.
        _ => "the configured algorithm",
    }
}
