//! Idempotency keys: a client's promise that two uploads with the same key are one request.

use std::fmt;

use thiserror::Error;

/// A client-chosen key, 1-255 visible ASCII characters (RFC 9110 token-like, no spaces).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

/// Why an idempotency key was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("Idempotency-Key must be 1-{max} visible ASCII characters", max = IdempotencyKey::MAX_LEN)]
pub struct InvalidIdempotencyKey;

impl IdempotencyKey {
    /// Longest accepted key.
    pub const MAX_LEN: usize = 255;

    /// Parses a header value (surrounding quotes, as some clients send, are kept as part of the key).
    ///
    /// # Errors
    /// [`InvalidIdempotencyKey`] for an empty, too long or non-visible-ASCII key.
    pub fn parse(text: &str) -> Result<Self, InvalidIdempotencyKey> {
        let visible = |b: u8| (0x21..=0x7e).contains(&b);
        if text.is_empty() || text.len() > Self::MAX_LEN || !text.bytes().all(visible) {
            return Err(InvalidIdempotencyKey);
        }
        Ok(Self(text.to_owned()))
    }

    /// The key as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        assert!(IdempotencyKey::parse("8e03978e-40d5-43e8-bc93-6894a57f9324").is_ok());
        assert!(IdempotencyKey::parse(&"k".repeat(255)).is_ok());
        assert!(IdempotencyKey::parse(&"k".repeat(256)).is_err());
        assert!(IdempotencyKey::parse("").is_err());
        assert!(IdempotencyKey::parse("a b").is_err());
        assert!(IdempotencyKey::parse("ключ").is_err());
    }
}
