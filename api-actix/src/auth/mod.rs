//! How callers are authenticated: the mode the settings chose, built once at start-up (a JWT
//! mode's decoding key included) and handed to the `Caller` extractor as app data.
//!
//! Architecture invariant: identity is decided in one place, the `Caller` extractor, which asks
//! the [`Authentication`] registered here; no handler or middleware reads `X-User-ID` or
//! `Authorization` itself.

mod jwt;
mod key;

#[cfg(test)]
mod tests;

use std::net::SocketAddr;
use std::sync::Arc;

pub use jwt::{JwtOptions, JwtVerifier, TokenRejection};
pub use key::{KeyError, VerificationKey};

/// The auth mode in force, with what it needs to decide who a caller is.
#[derive(Debug, Clone)]
pub enum Authentication {
    /// The caller is the `X-User-ID` header, trusted as sent: a gateway in front authenticates.
    Header,
    /// The caller is the `sub` of a bearer JWT verified with the configured key.
    Jwt(Arc<JwtVerifier>),
}

impl Authentication {
    /// What an operator should know about this mode on a server bound to `address`, one
    /// sentence each, to be logged as warnings at start-up.
    pub fn warnings(&self, address: SocketAddr) -> Vec<String> {
        match self {
            // On loopback only local processes can forge the header; anywhere else, anyone who
            // can open a connection can claim to be any user.
            Self::Header if !address.ip().is_loopback() => vec![format!(
                "LIGHTBOX_AUTH=header: X-User-ID is trusted from anyone who can reach {address}; \
                 serve only behind a gateway that authenticates callers and sets it, or use \
                 LIGHTBOX_AUTH=jwt"
            )],
            Self::Header => Vec::new(),
            Self::Jwt(verifier) if !verifier.checks_audience() => vec![
                "LIGHTBOX_AUTH=jwt without LIGHTBOX_JWT_AUDIENCE: a token the same key signed for \
                 another service is accepted too; set the audience lightbox's tokens carry"
                    .to_owned(),
            ],
            Self::Jwt(_) => Vec::new(),
        }
    }
}
