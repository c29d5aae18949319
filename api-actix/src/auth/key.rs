//! The key JWTs are verified with, and the one algorithm it allows: an HS256 secret, or a PEM
//! public key whose type decides between RS256 (RSA) and ES256 (P-256).
//!
//! The algorithm comes from the key, never from a token's header: that is what makes
//! "alg: none" and algorithm confusion (an HS256 token "signed" with the RSA public key's bytes)
//! impossible. A PEM file is parsed completely at start-up (RSA modulus and exponent, the P-256
//! point checked to lie on the curve), so a key that is wrong in any way stops the start instead
//! of failing every request.

use std::path::Path;

use jsonwebtoken::{Algorithm, DecodingKey};
use p256::elliptic_curve::sec1::ToSec1Point;
use p256::pkcs8::DecodePublicKey;
use pkcs1::der::asn1::UintRef;
use pkcs1::der::{Decode, Document};
use spki::SubjectPublicKeyInfoRef;

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
                let der = pem_document(text)?;
                let info = SubjectPublicKeyInfoRef::from_der(der.as_bytes())
                    .map_err(|_| KeyError::Unsupported)?;
                if info.algorithm.oid == pkcs1::ALGORITHM_OID {
                    let pkcs1 = info
                        .subject_public_key
                        .as_bytes()
                        .ok_or(KeyError::Unsupported)?;
                    return Self::rsa(pkcs1);
                }
                match p256::PublicKey::from_public_key_der(der.as_bytes()) {
                    Ok(key) => Ok(Self::p256(&key)),
                    Err(_) => Err(KeyError::Unsupported),
                }
            }
            "RSA PUBLIC KEY" => Self::rsa(pem_document(text)?.as_bytes()),
            "CERTIFICATE" => Err(KeyError::Certificate),
            label if label.ends_with("PRIVATE KEY") => Err(KeyError::PrivateKey),
            _ => Err(KeyError::Unsupported),
        }
    }

    /// An RSA key from its PKCS#1 `RSAPublicKey` DER.
    fn rsa(pkcs1_der: &[u8]) -> Result<Self, KeyError> {
        let key = pkcs1::RsaPublicKey::<UintRef>::from_der(pkcs1_der)
            .map_err(|_| KeyError::Unsupported)?;
        let modulus = key.modulus.as_bytes();
        let exponent = key.public_exponent.as_bytes();
        if exponent.is_empty() || exponent == [1] || exponent.last().is_some_and(|low| low % 2 == 0)
        {
            // e must be odd and above 1 for RSA to be RSA.
            return Err(KeyError::Unsupported);
        }
        let bits = bit_length(modulus);
        if bits < MIN_RSA_BITS {
            return Err(KeyError::RsaTooShort { bits });
        }
        Ok(Self {
            key: DecodingKey::from_rsa_raw_components(modulus, exponent),
            algorithm: Algorithm::RS256,
        })
    }

    fn p256(key: &p256::PublicKey) -> Self {
        // jsonwebtoken's ECDSA verifier takes the SEC1 point, as its own PEM reader extracts it.
        let point = key.to_sec1_point(false);
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

/// The DER inside a PEM text's (first) block.
fn pem_document(text: &str) -> Result<Document, KeyError> {
    Document::from_pem(text)
        .map(|(_, document)| document)
        .map_err(|_| KeyError::Unsupported)
}

/// The number of significant bits of a big-endian unsigned integer.
fn bit_length(big_endian: &[u8]) -> usize {
    let significant = match big_endian.iter().position(|byte| *byte != 0) {
        Some(first) => &big_endian[first..],
        None => return 0,
    };
    significant.len() * 8 - significant[0].leading_zeros() as usize
}

/// The label of the first `-----BEGIN <label>-----` line.
fn first_label(text: &str) -> Option<&str> {
    text.lines().find_map(|line| {
        line.trim()
            .strip_prefix("-----BEGIN ")?
            .strip_suffix("-----")
    })
}
