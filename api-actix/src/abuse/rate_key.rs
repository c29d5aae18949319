//! Whose budget a request spends: its caller's when it has one, else its client address's.
//!
//! The caller is decided by the same rule the handlers use ([`Caller::identify`]: `X-User-ID` in
//! header mode, a verified bearer JWT's `sub` in jwt mode), before routing, so that refused
//! requests (401s included) are limited too. Keying by the verified caller, never by what a
//! request merely claims, means that a client cannot buy fresh budgets by sending made-up tokens:
//! a request whose credential does not verify spends its address's budget.
//!
//! Requests without a caller are keyed by the peer address of the TCP connection.
//! `X-Forwarded-For` is never trusted, since any client can send it; behind a reverse proxy every
//! anonymous request therefore shares the proxy's budget. IPv6 peers are keyed by their /64, the
//! block one subscriber is usually given, so that rotating addresses within it buys nothing.

use std::net::{IpAddr, Ipv6Addr};

use lightbox_domain::ids::OwnerId;

use crate::extract::Caller;

/// A rate-limit budget's owner.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RateKey {
    /// An authenticated caller.
    User(OwnerId),
    /// A client address (IPv6: its /64) for requests without a caller.
    Peer(IpAddr),
}

impl RateKey {
    /// The key of a request from `peer` whose caller, if any, is `caller`.
    pub fn of(caller: Option<&Caller>, peer: Option<IpAddr>) -> Self {
        match caller {
            Some(caller) => Self::User(caller.id().clone()),
            None => Self::Peer(peer.map_or(IpAddr::from([0, 0, 0, 0]), network)),
        }
    }
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
    use super::*;

    fn peer(text: &str) -> Option<IpAddr> {
        Some(text.parse().unwrap())
    }

    fn caller(name: &str) -> Caller {
        Caller(OwnerId::parse(name).unwrap())
    }

    #[test]
    fn a_caller_is_the_key_wherever_it_connects_from() {
        let alice = caller("alice");
        assert_eq!(
            RateKey::of(Some(&alice), peer("10.0.0.1")),
            RateKey::of(Some(&alice), peer("10.0.0.2"))
        );
        assert_eq!(
            RateKey::of(Some(&alice), None),
            RateKey::User(OwnerId::parse("alice").unwrap())
        );
    }

    #[test]
    fn requests_without_a_caller_are_keyed_by_address() {
        assert_eq!(
            RateKey::of(None, peer("192.0.2.7")),
            RateKey::Peer(peer("192.0.2.7").unwrap())
        );
        assert_ne!(
            RateKey::of(None, peer("192.0.2.7")),
            RateKey::of(None, peer("192.0.2.8"))
        );
    }

    #[test]
    fn ipv6_peers_share_their_slash_64_and_mapped_ipv4_is_ipv4() {
        let key = |address: &str| RateKey::of(None, peer(address));
        assert_eq!(key("2001:db8:1:2:aaaa::1"), key("2001:db8:1:2:ffff::9"));
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
        assert_eq!(key("::ffff:192.0.2.1"), key("192.0.2.1"));
    }
}
