//! Who may scrape: the bearer token (compared in constant time), the trusted networks, and
//! `X-Forwarded-For` believed only from trusted proxies.

use std::net::{IpAddr, SocketAddr};

use axum::http::{HeaderMap, header};
use ipnet::IpNet;
use subtle::ConstantTimeEq;

use crate::config::AuthConfig;

/// Why a scrape was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    /// No token, or the wrong one: 401.
    Unauthorized,
    /// The source is outside the trusted networks (or unknown): 403.
    Forbidden,
}

/// The client address: the peer, or, when the peer is a trusted proxy, the right-most
/// `X-Forwarded-For` entry that is not itself a trusted proxy. `None` when a trusted proxy
/// forwards an entry that is not an address.
///
/// Addresses are compared in their canonical form: an IPv4-mapped IPv6 address
/// (`::ffff:127.0.0.1`, what a dual-stack `[::]` listener sees for an IPv4 peer) is the IPv4
/// address it maps, so `127.0.0.0/8` admits it.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted_proxies: &[IpNet]) -> Option<IpAddr> {
    let peer = peer.to_canonical();
    let trusted = |ip: &IpAddr| trusted_proxies.iter().any(|n| holds(n, *ip));
    if !trusted(&peer) {
        return Some(peer);
    }
    let mut hops: Vec<&str> = Vec::new();
    for value in headers.get_all("x-forwarded-for") {
        let value = value.to_str().ok()?;
        hops.extend(value.split(',').map(str::trim).filter(|h| !h.is_empty()));
    }
    let mut client = peer;
    for hop in hops.iter().rev() {
        let ip = hop
            .parse::<IpAddr>()
            .ok()
            .or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))?
            .to_canonical();
        client = ip;
        if !trusted(&ip) {
            break;
        }
    }
    Some(client)
}

/// Whether `net` holds the canonical address `ip`, an IPv4 address in either of its forms: a
/// network written as IPv4-mapped IPv6 (`::ffff:10.0.0.0/104`, which a config built by hand
/// may hold; a parsed one is IPv4 already) holds the IPv4 clients it maps. Without this such
/// a network matched nothing: as a trusted proxy it was ignored, and the proxy's own address
/// then stood for every client behind it.
fn holds(net: &IpNet, ip: IpAddr) -> bool {
    match (net, ip) {
        (IpNet::V6(net), IpAddr::V4(v4)) => net.contains(&v4.to_ipv6_mapped()),
        (net, ip) => net.contains(&ip),
    }
}

/// The gate: the source must be inside a trusted CIDR when CIDRs are set, and the
/// bearer token must match (constant-time) when a token is set; both when both are.
pub fn authorize(
    auth: &AuthConfig,
    peer: Option<IpAddr>,
    headers: &HeaderMap,
) -> Result<(), Denied> {
    if !auth.trusted_cidrs.is_empty() {
        let client = peer.and_then(|p| client_ip(p, headers, &auth.trusted_proxies));
        match client {
            Some(ip) if auth.trusted_cidrs.iter().any(|n| holds(n, ip)) => {}
            _ => return Err(Denied::Forbidden),
        }
    }
    if let Some(expected) = &auth.token {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                let (scheme, token) = v.trim().split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
            });
        match given {
            Some(t) if token_matches(t.as_bytes(), expected.as_bytes()) => {}
            _ => return Err(Denied::Unauthorized),
        }
    }
    Ok(())
}

/// Compares a presented token with the expected one in constant time: the work depends on
/// the expected token's length only, so neither its bytes nor its length leak through timing
/// (`subtle`'s slice comparison returns at once on a length mismatch).
fn token_matches(given: &[u8], expected: &[u8]) -> bool {
    let mut same = (given.len() as u64).ct_eq(&(expected.len() as u64));
    for (i, e) in expected.iter().enumerate() {
        same &= given.get(i).copied().unwrap_or(0).ct_eq(e);
    }
    bool::from(same)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn net(s: &str) -> IpNet {
        s.parse()
            .unwrap_or_else(|_| IpNet::from(IpAddr::from([0, 0, 0, 0])))
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            if let Ok(v) = HeaderValue::from_str(v) {
                h.append(*k, v);
            }
        }
        h
    }

    #[test]
    fn token_and_cidr_matrix() {
        let local: IpAddr = [127, 0, 0, 1].into();
        let outside: IpAddr = [192, 0, 2, 7].into();
        let both = AuthConfig {
            token: Some("t0k".into()),
            trusted_cidrs: vec![net("127.0.0.0/8")],
            ..AuthConfig::default()
        };
        let good = headers(&[("authorization", "Bearer t0k")]);
        assert_eq!(authorize(&both, Some(local), &good), Ok(()));
        assert_eq!(
            authorize(
                &both,
                Some(local),
                &headers(&[("authorization", "bearer t0k")])
            ),
            Ok(())
        );
        assert_eq!(
            authorize(&both, Some(local), &headers(&[])),
            Err(Denied::Unauthorized)
        );
        assert_eq!(
            authorize(
                &both,
                Some(local),
                &headers(&[("authorization", "Bearer t0kx")])
            ),
            Err(Denied::Unauthorized)
        );
        assert_eq!(
            authorize(
                &both,
                Some(local),
                &headers(&[("authorization", "Basic t0k")])
            ),
            Err(Denied::Unauthorized)
        );
        assert_eq!(
            authorize(&both, Some(outside), &good),
            Err(Denied::Forbidden)
        );
        assert_eq!(authorize(&both, None, &good), Err(Denied::Forbidden));
        let token_only = AuthConfig {
            token: Some("t0k".into()),
            ..AuthConfig::default()
        };
        assert_eq!(authorize(&token_only, Some(outside), &good), Ok(()));
    }

    #[test]
    fn forwarded_for_only_from_trusted_proxies() {
        let proxy: IpAddr = [10, 0, 0, 1].into();
        let proxies = [net("10.0.0.0/24")];
        let xff = headers(&[("x-forwarded-for", "203.0.113.9, 10.0.0.2")]);
        assert_eq!(
            client_ip(proxy, &xff, &proxies),
            Some([203, 0, 113, 9].into())
        );
        // An untrusted peer's header is ignored.
        let peer: IpAddr = [198, 51, 100, 1].into();
        assert_eq!(client_ip(peer, &xff, &proxies), Some(peer));
        // Spoofed left-most entries do not win over the first untrusted hop from the right.
        let spoof = headers(&[("x-forwarded-for", "127.0.0.1, 203.0.113.9")]);
        assert_eq!(
            client_ip(proxy, &spoof, &proxies),
            Some([203, 0, 113, 9].into())
        );
        // Garbage from a trusted proxy: unknown client.
        assert_eq!(
            client_ip(
                proxy,
                &headers(&[("x-forwarded-for", "not-an-ip")]),
                &proxies
            ),
            None
        );
    }

    #[test]
    fn ipv4_mapped_peers_and_hops_are_their_ipv4_address() {
        let mapped: IpAddr = "::ffff:127.0.0.1".parse().unwrap_or(IpAddr::from([0; 16]));
        let loopback_only = AuthConfig {
            trusted_cidrs: vec![net("127.0.0.0/8")],
            ..AuthConfig::default()
        };
        assert_eq!(
            authorize(&loopback_only, Some(mapped), &headers(&[])),
            Ok(())
        );
        let proxied = AuthConfig {
            trusted_cidrs: vec![net("10.0.0.0/8")],
            trusted_proxies: vec![net("127.0.0.1/32")],
            ..AuthConfig::default()
        };
        let xff = headers(&[("x-forwarded-for", "::ffff:10.1.2.3")]);
        assert_eq!(authorize(&proxied, Some(mapped), &xff), Ok(()));
        let outside = headers(&[("x-forwarded-for", "::ffff:192.0.2.1")]);
        assert_eq!(
            authorize(&proxied, Some(mapped), &outside),
            Err(Denied::Forbidden)
        );
    }

    /// A network written as IPv4-mapped IPv6 in a config built by hand holds the IPv4
    /// clients it maps, as a trusted CIDR and as a trusted proxy. (Before: it matched
    /// nothing, so a mapped proxy's `X-Forwarded-For` was ignored and every client behind it
    /// was let in as the proxy's own address.)
    #[test]
    fn ipv4_mapped_networks_hold_their_ipv4_clients() {
        let proxy: IpAddr = [10, 0, 0, 5].into();
        let auth = AuthConfig {
            trusted_cidrs: vec![net("10.0.0.0/8")],
            trusted_proxies: vec![net("::ffff:10.0.0.5/128")],
            ..AuthConfig::default()
        };
        let outside = headers(&[("x-forwarded-for", "192.0.2.1")]);
        assert_eq!(
            authorize(&auth, Some(proxy), &outside),
            Err(Denied::Forbidden)
        );
        let inside = headers(&[("x-forwarded-for", "10.9.9.9")]);
        assert_eq!(authorize(&auth, Some(proxy), &inside), Ok(()));
        let mapped_cidr = AuthConfig {
            trusted_cidrs: vec![net("::ffff:127.0.0.0/104")],
            ..AuthConfig::default()
        };
        for peer in ["127.0.0.1", "::ffff:127.0.0.1"] {
            let peer = peer.parse().unwrap_or(IpAddr::from([0; 16]));
            assert_eq!(authorize(&mapped_cidr, Some(peer), &headers(&[])), Ok(()));
        }
        let other: IpAddr = [192, 0, 2, 1].into();
        assert_eq!(
            authorize(&mapped_cidr, Some(other), &headers(&[])),
            Err(Denied::Forbidden)
        );
        // An IPv6 network that holds no mapped address holds no IPv4 client.
        assert!(!holds(&net("2001:db8::/32"), other));
        assert!(holds(
            &net("2001:db8::/32"),
            "2001:db8::1".parse().unwrap_or(other)
        ));
    }

    #[test]
    fn tokens_compare_by_content_and_length() {
        assert!(token_matches(b"s3cret", b"s3cret"));
        for wrong in [&b""[..], b"s3cre", b"s3crett", b"s3creT", b"s3cret\0"] {
            assert!(!token_matches(wrong, b"s3cret"), "{wrong:?}");
        }
    }
}
