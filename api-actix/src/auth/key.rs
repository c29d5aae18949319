//! The key JWTs are verified with, and the one algorithm it allows: an HS256 secret, or a PEM
//! public key whose type decides between RS256 (RSA) and ES256 (P-256).
//!
//! The algorithm comes from the key, never from a token's header: that is what makes
//! "alg: none" and algorithm confusion (an HS256 token "signed" with the RSA public key's bytes)
//! impossible. A PEM file is parsed completely at start-up with the same RustCrypto crates that
//! verify signatures, so a key that is wrong in any way stops the start instead of failing every
//! request.

use std::path::Path;

use jsonwebtoken::{Algorithm, DecodingKey};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::pkcs8::DecodePublicKey;
use rsa::traits::PublicKeyParts;

/// The shortest RSA modulus accepted: NIST has disallowed shorter keys for signatures since 2013.
const MIN_RSA_BITS: usize = 2048;

/// A verification key and the only algorithm tokens may use with it.
#[derive(Debug, Clone)]
pub struct VerificationKey {
    key: DecodingKey,
    algorithm: Algorithm,
}

/// Why a public key file cannot be used. Each message completes the sentence
/// "LIGHTBOX_JWT_PUBLIC_KEY_FILE: …".
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The file cannot be read.
    #[error("cannot read {path}: {source}")]
    Unreadable {
        /// The file, as configured.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// No PEM block in the file.
    #[error("holds no PEM block; expected -----BEGIN PUBLIC KEY-----")]
    NotPem,
    /// A private key: the server needs only the public half, and should never hold the other.
    #[error(
        "holds a private key; give lightbox only the public key (openssl pkey -in KEY -pubout)"
    )]
    PrivateKey,
    /// A certificate rather than a bare key.
    #[error(
        "holds a certificate; give lightbox its public key (openssl x509 -in CERT -pubkey -noout)"
    )]
    Certificate,
    /// An RSA key too short to be trusted.
    #[error("holds a {bits}-bit RSA key; RS256 needs at least {MIN_RSA_BITS} bits")]
    RsaTooShort {
        /// The modulus length.
        bits: usize,
    },
    /// Some other PEM block, or a key of another type or curve.
    #[error("holds no RSA public key (RS256) nor P-256 EC public key (ES256) that can be parsed")]
    Unsupported,
}

impl VerificationKey {
    /// An HS256 secret (its length is checked with the settings).
    pub fn hs256(secret: &[u8]) -> Self {
        Self {
            key: DecodingKey::from_secret(secret),
            algorithm: Algorithm::HS256,
        }
    }

    /// Reads and parses a PEM public key file.
    ///
    /// # Errors
    /// [`KeyError`] saying what is wrong with the file.
    pub fn from_pem_file(path: &Path) -> Result<Self, KeyError> {
        let text = std::fs::read_to_string(path).map_err(|source| KeyError::Unreadable {
            path: path.display().to_string(),
            source,
        })?;
        Self::from_pem(&text)
    }

    /// Parses a PEM public key: SPKI (`PUBLIC KEY`) holding an RSA or a P-256 key, or PKCS#1
    /// (`RSA PUBLIC KEY`).
    ///
    /// # Errors
    /// [`KeyError`] saying what the text holds instead.
    pub fn from_pem(text: &str) -> Result<Self, KeyError> {
        let text = text.trim();
        let label = first_label(text).ok_or(KeyError::NotPem)?;
        match label {
            "PUBLIC KEY" => {
                if let Ok(key) = rsa::RsaPublicKey::from_public_key_pem(text) {
                    return Self::rsa(&key);
                }
                match p256::PublicKey::from_public_key_pem(text) {
                    Ok(key) => Ok(Self::p256(&key)),
                    Err(_) => Err(KeyError::Unsupported),
                }
            }
            "RSA PUBLIC KEY" => match rsa::RsaPublicKey::from_pkcs1_pem(text) {
                Ok(key) => Self::rsa(&key),
                Err(_) => Err(KeyError::Unsupported),
            },
            "CERTIFICATE" => Err(KeyError::Certificate),
            label if label.ends_with("PRIVATE KEY") => Err(KeyError::PrivateKey),
            _ => Err(KeyError::Unsupported),
        }
    }

    fn rsa(key: &rsa::RsaPublicKey) -> Result<Self, KeyError> {
        let bits = key.n().bits();
        if bits < MIN_RSA_BITS {
            return Err(KeyError::RsaTooShort { bits });
        }
        Ok(Self {
            key: DecodingKey::from_rsa_raw_components(
                &key.n().to_bytes_be(),
                &key.e().to_bytes_be(),
            ),
            algorithm: Algorithm::RS256,
        })
    }

    fn p256(key: &p256::PublicKey) -> Self {
        // jsonwebtoken's ECDSA verifier takes the SEC1 point, as its own PEM reader extracts it.
        let point = key.to_encoded_point(false);
        Self {
            key: DecodingKey::from_ec_der(point.as_bytes()),
            algorithm: Algorithm::ES256,
        }
    }

    /// The one algorithm tokens may be signed with.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    pub(super) fn decoding_key(&self) -> &DecodingKey {
        &self.key
    }
}

/// The label of the first `-----BEGIN <label>-----` line.
fn first_label(text: &str) -> Option<&str> {
    text.lines().find_map(|line| {
        line.trim()
            .strip_prefix("-----BEGIN ")?
            .strip_suffix("-----")
    })
}
