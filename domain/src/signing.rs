//! The server's signing key and the signed, expiring content URLs made with it.
//!
//! One configured key serves several purposes; each purpose signs with its own sub-key
//! (HMAC of a label), so a signature made for one purpose never verifies for another.

use std::fmt;

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use thiserror::Error;

use crate::ids::ImageId;

type HmacSha256 = Hmac<Sha256>;

/// Shortest accepted signing key, in bytes.
pub const MIN_KEY_BYTES: usize = 32;

/// The secret key for content URLs and cursors. Its `Debug` never shows the bytes.
#[derive(Clone)]
pub struct SigningKey {
    urls: [u8; 32],
    cursors: [u8; 32],
}

/// Why a key was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("the signing key must be at least {MIN_KEY_BYTES} bytes long (got {0})")]
pub struct WeakSigningKey(usize);

impl SigningKey {
    /// Derives the per-purpose keys from the configured secret.
    ///
    /// # Errors
    /// [`WeakSigningKey`] when the secret is shorter than [`MIN_KEY_BYTES`].
    pub fn new(secret: &[u8]) -> Result<Self, WeakSigningKey> {
        if secret.len() < MIN_KEY_BYTES {
            return Err(WeakSigningKey(secret.len()));
        }
        Ok(Self {
            urls: derive(secret, b"lightbox/content-url/v1"),
            cursors: derive(secret, b"lightbox/list-cursor/v1"),
        })
    }

    pub(crate) fn cursor_mac(&self) -> HmacSha256 {
        keyed(&self.cursors)
    }

    fn url_mac(&self) -> HmacSha256 {
        keyed(&self.urls)
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey(<redacted>)")
    }
}

fn keyed(key: &[u8; 32]) -> HmacSha256 {
    // HMAC accepts keys of any length, so this cannot fail for a 32-byte key.
    match HmacSha256::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC-SHA256 takes keys of any length"),
    }
}

fn derive(secret: &[u8], label: &[u8]) -> [u8; 32] {
    let mut mac = match HmacSha256::new_from_slice(secret) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC-SHA256 takes keys of any length"),
    };
    mac.update(label);
    mac.finalize().into_bytes().into()
}

/// Which bytes of an image a URL serves: the original, or a derived variant such as a thumbnail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContentVariant {
    /// The stored upload.
    Original,
    /// A thumbnail whose longer side is this preset.
    Thumbnail(u32),
}

impl ContentVariant {
    fn label(self) -> String {
        match self {
            Self::Original => "original".to_owned(),
            Self::Thumbnail(size) => format!("thumbnail-{size}"),
        }
    }
}

/// A content URL's signature, as it travels in the query string (lower-case hex).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UrlSignature(String);

impl UrlSignature {
    /// The hex text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Why a signed URL was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SignedUrlError {
    #[error("the URL's signature is missing or wrong")]
    InvalidSignature,
    #[error("the URL has expired")]
    Expired,
}

/// What a signed URL grants: one variant of one image until a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignedContent {
    /// Which image.
    pub id: ImageId,
    /// Which bytes of it.
    pub variant: ContentVariant,
    /// Unix seconds after which the URL no longer works.
    pub expires: i64,
}

impl SignedContent {
    /// Signs this grant.
    pub fn sign(&self, key: &SigningKey) -> UrlSignature {
        let mut mac = key.url_mac();
        self.feed(&mut mac);
        UrlSignature(hex::encode(mac.finalize().into_bytes()))
    }

    /// Checks a signature (in constant time), then the expiry against `now`.
    ///
    /// # Errors
    /// [`SignedUrlError::InvalidSignature`] for a missing, malformed or wrong signature;
    /// [`SignedUrlError::Expired`] for a genuine one past its expiry.
    pub fn verify(
        &self,
        signature: &str,
        key: &SigningKey,
        now: DateTime<Utc>,
    ) -> Result<(), SignedUrlError> {
        let bytes = hex::decode(signature).map_err(|_| SignedUrlError::InvalidSignature)?;
        let mut mac = key.url_mac();
        self.feed(&mut mac);
        mac.verify_slice(&bytes)
            .map_err(|_| SignedUrlError::InvalidSignature)?;
        if now.timestamp() > self.expires {
            return Err(SignedUrlError::Expired);
        }
        Ok(())
    }

    fn feed(&self, mac: &mut HmacSha256) {
        mac.update(self.id.as_bytes());
        mac.update(&self.expires.to_be_bytes());
        mac.update(self.variant.label().as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn key(byte: u8) -> SigningKey {
        SigningKey::new(&[byte; 32]).unwrap()
    }

    fn grant() -> SignedContent {
        SignedContent {
            id: ImageId::generate(),
            variant: ContentVariant::Original,
            expires: 2_000_000_000,
        }
    }

    fn before_expiry() -> DateTime<Utc> {
        Utc.timestamp_opt(1_999_999_000, 0).unwrap()
    }

    #[test]
    fn short_keys_are_refused_and_debug_hides_the_key() {
        assert_eq!(SigningKey::new(&[1; 31]).unwrap_err(), WeakSigningKey(31));
        assert_eq!(format!("{:?}", key(7)), "SigningKey(<redacted>)");
    }

    #[test]
    fn a_signature_verifies_until_expiry() {
        let grant = grant();
        let signature = grant.sign(&key(1));
        assert_eq!(
            grant.verify(signature.as_str(), &key(1), before_expiry()),
            Ok(())
        );
        let at_expiry = Utc.timestamp_opt(grant.expires, 0).unwrap();
        assert_eq!(grant.verify(signature.as_str(), &key(1), at_expiry), Ok(()));
        let after = Utc.timestamp_opt(grant.expires + 1, 0).unwrap();
        assert_eq!(
            grant.verify(signature.as_str(), &key(1), after),
            Err(SignedUrlError::Expired)
        );
    }

    #[test]
    fn any_change_breaks_the_signature() {
        let grant = grant();
        let signature = grant.sign(&key(1));
        let now = before_expiry();
        let bad = |g: SignedContent, sig: &str, k: &SigningKey| g.verify(sig, k, now);
        assert_eq!(
            bad(grant, signature.as_str(), &key(2)),
            Err(SignedUrlError::InvalidSignature)
        );
        assert_eq!(
            bad(
                SignedContent {
                    expires: grant.expires + 1,
                    ..grant
                },
                signature.as_str(),
                &key(1)
            ),
            Err(SignedUrlError::InvalidSignature)
        );
        assert_eq!(
            bad(
                SignedContent {
                    id: ImageId::generate(),
                    ..grant
                },
                signature.as_str(),
                &key(1)
            ),
            Err(SignedUrlError::InvalidSignature)
        );
        assert_eq!(
            bad(
                SignedContent {
                    variant: ContentVariant::Thumbnail(256),
                    ..grant
                },
                signature.as_str(),
                &key(1)
            ),
            Err(SignedUrlError::InvalidSignature)
        );
        assert_eq!(
            bad(grant, "", &key(1)),
            Err(SignedUrlError::InvalidSignature)
        );
        assert_eq!(
            bad(grant, "zz", &key(1)),
            Err(SignedUrlError::InvalidSignature)
        );
        // An expired URL with a forged signature is reported as forged, not as expired.
        let later = Utc.timestamp_opt(grant.expires + 10, 0).unwrap();
        assert_eq!(
            grant.verify("00", &key(1), later),
            Err(SignedUrlError::InvalidSignature)
        );
    }
}
