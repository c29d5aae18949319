//! Whose budget a request spends: its caller's when it names one, else its client address's.
//!
//! The key is read from the raw request, before any handler authenticates it, so that refused
//! requests (401s included) are limited too:
//! - `header` mode: a well-formed `X-User-ID` (sent once) is the key. The gateway in front is
//!   trusted to have authenticated it, as everywhere else in header mode.
//! - `jwt` mode: the SHA-256 of the bearer token. A token is not verified here, so one caller
//!   with several valid tokens has several budgets; keying by the verified `sub` needs the
//!   verifier to run first, and is the change to make once it does. Only the digest is kept, so
//!   the limiter's memory never holds a credential.
//! - Otherwise (no credential, or a malformed one): the peer address of the TCP connection.
//!   `X-Forwarded-For` is never trusted, since any client can send it; behind a reverse proxy
//!   every anonymous request therefore shares the proxy's budget. IPv6 peers are keyed by their
//!   /64, the block one subscriber is usually given, so that rotating addresses within it buys
//!   nothing.

use std::net::{IpAddr, Ipv6Addr};

use actix_web::http::header::{self, HeaderMap};
use lightbox_domain::ids::OwnerId;
use sha2::{Digest, Sha256};

use crate::config::AuthMode;
use crate::extract::USER_ID_HEADER;

/// A rate-limit budget's owner.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RateKey {
    /// A caller named by `X-User-ID` (header mode).
    User(Box<str>),
    /// A bearer token's SHA-256 (jwt mode).
    BearerToken([u8; 32]),
    /// A client address (IPv6: its /64) for requests without a usable credential.
    Peer(IpAddr),
}

impl RateKey {
    /// The key of a request with these headers from this peer, under this auth mode.
    pub fn of(headers: &HeaderMap, peer: Option<IpAddr>, auth: AuthMode) -> Self {
        let credential = match auth {
            AuthMode::Header => user_id(headers).map(Self::User),
            AuthMode::Jwt => bearer_token(headers)
                .map(|token| Self::BearerToken(Sha256::digest(token.as_bytes()).into())),
        };
        credential.unwrap_or_else(|| Self::Peer(peer.map_or(IpAddr::from([0, 0, 0, 0]), network)))
    }
}

/// The one `X-User-ID`, when it is a valid user id.
fn user_id(headers: &HeaderMap) -> Option<Box<str>> {
    let mut values = headers.get_all(USER_ID_HEADER);
    let (Some(value), None) = (values.next(), values.next()) else {
        return None;
    };
    let text = value.to_str().ok()?;
    OwnerId::parse(text).ok()?;
    Some(text.into())
}

/// The token of the one `Authorization: Bearer <token>` header, when non-empty.
fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let mut values = headers.get_all(header::AUTHORIZATION);
    let (Some(value), None) = (values.next(), values.next()) else {
        return None;
    };
    let (scheme, token) = value.to_str().ok()?.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// The address a budget belongs to: IPv4 as is (IPv4-mapped IPv6 included), IPv6 by its /64.
fn network(address: IpAddr) -> IpAddr {
    match address.to_canonical() {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => {
            let prefix = u128::from(v6) & !u128::from(u64::MAX);
            IpAddr::V6(Ipv6Addr::from(prefix))
        }
    }
}

#[cfg(test)]
mod tests {
    use actix_web::http::header::{HeaderName, HeaderValue};

    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        map
    }

    fn peer(text: &str) -> Option<IpAddr> {
        Some(text.parse().unwrap())
    }

    #[test]
    fn a_valid_user_id_is_the_key_in_header_mode() {
        let key = RateKey::of(
            &headers(&[("X-User-ID", "alice")]),
            peer("10.0.0.1"),
            AuthMode::Header,
        );
        assert_eq!(key, RateKey::User("alice".into()));
    }

    #[test]
    fn requests_without_a_usable_identity_are_keyed_by_address() {
        let from = peer("192.0.2.7");
        let by_address = RateKey::Peer(from.unwrap());
        for (case, sent) in [
            ("none", headers(&[])),
            ("invalid", headers(&[("X-User-ID", "not valid!")])),
            (
                "repeated",
                headers(&[("X-User-ID", "alice"), ("X-User-ID", "bob")]),
            ),
            ("forwarded", headers(&[("X-Forwarded-For", "203.0.113.9")])),
        ] {
            assert_eq!(
                RateKey::of(&sent, from, AuthMode::Header),
                by_address,
                "{case}"
            );
        }
    }

    #[test]
    fn jwt_mode_keys_by_the_tokens_digest_and_ignores_the_user_header() {
        let token = headers(&[
            ("Authorization", "Bearer abc.def.ghi"),
            ("X-User-ID", "alice"),
        ]);
        let RateKey::BearerToken(digest) = RateKey::of(&token, peer("10.0.0.1"), AuthMode::Jwt)
        else {
            panic!("a bearer token is the key");
        };
        assert_eq!(digest, <[u8; 32]>::from(Sha256::digest(b"abc.def.ghi")));
        let other = headers(&[("Authorization", "Bearer xyz")]);
        assert_ne!(
            RateKey::of(&other, None, AuthMode::Jwt),
            RateKey::of(&token, None, AuthMode::Jwt)
        );
        let basic = headers(&[
            ("Authorization", "Basic YWxpY2U6cHc="),
            ("X-User-ID", "alice"),
        ]);
        assert_eq!(
            RateKey::of(&basic, peer("10.0.0.1"), AuthMode::Jwt),
            RateKey::Peer(peer("10.0.0.1").unwrap())
        );
    }

    #[test]
    fn ipv6_peers_share_their_slash_64_and_mapped_ipv4_is_ipv4() {
        let key = |address: &str| RateKey::of(&headers(&[]), peer(address), AuthMode::Header);
        assert_eq!(key("2001:db8:1:2:aaaa::1"), key("2001:db8:1:2:ffff::9"));
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
        assert_eq!(key("::ffff:192.0.2.1"), key("192.0.2.1"));
    }
}
