//! Per-client rate limits by cost: each client (its address, or the address a trusted proxy
//! reports) has a budget of complexity points per minute, refilled continuously (GCRA, the
//! algorithm of `governor`); a request spends its computed complexity, a response-cache hit or a
//! 304 spends [`SMALL_COST`].
//!
//! Hand-written rather than `governor`: the state must stay bounded whatever clients send, and
//! governor's keyed store grows with every distinct address until it is swept, with no cap and no
//! way to evict one key. Here the state of a client is one `u64` in an LRU of at most
//! `max_clients` entries (~100 bytes each), so memory is bounded by construction, and the same
//! arithmetic gives the `RateLimit-*` headers.

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use lru::LruCache;
use std::net::{IpAddr, Ipv6Addr};
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What a response-cache hit or a 304 costs.
pub const SMALL_COST: u64 = 1;

/// The limiter: a budget of `points` per minute for each client.
pub struct RateLimiter {
    points: u64,
    /// Nanoseconds to earn one point back.
    interval: u64,
    start: Instant,
    /// Per client: the theoretical arrival time (nanoseconds since `start`) of its next request.
    clients: Mutex<LruCache<IpAddr, u64>>,
    trusted: Vec<IpNet>,
}

/// The state of a client after a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    /// Points per minute.
    pub limit: u64,
    /// Points left now.
    pub remaining: u64,
    /// Seconds until the budget is full again.
    pub reset: u64,
    /// `Some(seconds)` when the request was refused: when it can be sent again.
    pub retry_after: Option<u64>,
}

impl Quota {
    /// Adds the IETF `RateLimit-*` headers (and `Retry-After` on a refusal).
    pub fn write_headers(&self, headers: &mut HeaderMap) {
        for (name, value) in [
            ("ratelimit-limit", self.limit),
            ("ratelimit-remaining", self.remaining),
            ("ratelimit-reset", self.reset),
        ] {
            headers.insert(HeaderName::from_static(name), HeaderValue::from(value));
        }
        if let Some(seconds) = self.retry_after {
            headers.insert(
                axum::http::header::RETRY_AFTER,
                HeaderValue::from(seconds.max(1)),
            );
        }
    }
}

impl RateLimiter {
    /// `points` per minute for each client (must be > 0), at most `max_clients` remembered,
    /// forwarded addresses believed only from `trusted` proxies.
    pub fn new(points: u64, max_clients: usize, trusted: Vec<IpNet>) -> RateLimiter {
        let points = points.max(1);
        RateLimiter {
            points,
            interval: (60_000_000_000 / points).max(1),
            start: Instant::now(),
            clients: Mutex::new(LruCache::new(
                NonZeroUsize::new(max_clients).unwrap_or(NonZeroUsize::MIN),
            )),
            trusted,
        }
    }

    fn now(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }

    /// Spends `cost` points of `client`'s budget, or refuses without spending anything.
    /// A cost above the whole budget spends the whole budget.
    pub fn spend(&self, client: IpAddr, cost: u64) -> Quota {
        let now = self.now();
        let cost = cost.clamp(1, self.points);
        let window = self.points * self.interval;
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        let tat = clients.get(&client).copied().unwrap_or(now).max(now);
        let next = tat + cost * self.interval;
        if next - now > window {
            let wait = next - now - window;
            return Quota {
                limit: self.points,
                remaining: (window - (tat - now)) / self.interval,
                reset: seconds(tat - now),
                retry_after: Some(seconds(wait)),
            };
        }
        clients.put(client, next);
        Quota {
            limit: self.points,
            remaining: (window - (next - now)) / self.interval,
            reset: seconds(next - now),
            retry_after: None,
        }
    }

    /// Forgets clients whose budget is full again (their state equals a new client's).
    pub fn forget_idle(&self) {
        let now = self.now();
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        let idle: Vec<IpAddr> = clients
            .iter()
            .filter(|(_, tat)| **tat <= now)
            .map(|(ip, _)| *ip)
            .collect();
        for ip in idle {
            clients.pop(&ip);
        }
    }

    /// Clients remembered now.
    pub fn clients(&self) -> usize {
        self.clients.lock().map(|c| c.len()).unwrap_or(0)
    }

    /// The client of a request: the peer address, or, when the peer is a trusted proxy, the
    /// address it reports (`Forwarded: for=`, else `X-Forwarded-For`), read from the right and
    /// skipping further trusted proxies. IPv6 clients are keyed by their /64, as one host
    /// usually holds a whole /64.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let mut client = peer;
        if self.is_trusted(peer) {
            for hop in forwarded_chain(headers).into_iter().rev() {
                client = hop;
                if !self.is_trusted(hop) {
                    break;
                }
            }
        }
        match client {
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => IpAddr::V4(v4),
                None => {
                    let s = v6.segments();
                    IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
                }
            },
            v4 => v4,
        }
    }

    fn is_trusted(&self, ip: IpAddr) -> bool {
        self.trusted.iter().any(|net| net.contains(ip))
    }
}

fn seconds(nanos: u64) -> u64 {
    nanos.div_ceil(1_000_000_000)
}

/// The addresses a request passed through, nearest last: `Forwarded` (RFC 7239) if present,
/// else `X-Forwarded-For`. Unparseable entries (`unknown`, obfuscated ids) end the chain.
fn forwarded_chain(headers: &HeaderMap) -> Vec<IpAddr> {
    let forwarded: Vec<&str> = headers
        .get_all(axum::http::header::FORWARDED)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    let hops: Vec<String> = if !forwarded.is_empty() {
        forwarded
            .iter()
            .flat_map(|v| v.split(','))
            .filter_map(|element| {
                element.split(';').find_map(|pair| {
                    let (key, value) = pair.trim().split_once('=')?;
                    key.trim()
                        .eq_ignore_ascii_case("for")
                        .then(|| value.trim().trim_matches('"').to_owned())
                })
            })
            .collect()
    } else {
        headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|s| s.trim().to_owned())
            .collect()
    };
    let mut chain = Vec::new();
    for hop in hops {
        match parse_hop(&hop) {
            Some(ip) => chain.push(ip),
            None => chain.clear(), // what came before an unknown hop cannot be trusted
        }
    }
    chain
}

/// `192.0.2.1`, `192.0.2.1:4711`, `[2001:db8::1]`, `[2001:db8::1]:4711`, `2001:db8::1`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(ip) = hop.parse() {
        return Some(ip);
    }
    if let Some(rest) = hop.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    hop.rsplit_once(':')?.0.parse().ok()
}

/// An address range (`10.0.0.0/8`, `::1`, `2001:db8::/32`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpNet {
    addr: IpAddr,
    prefix: u8,
}

impl IpNet {
    fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl std::str::FromStr for IpNet {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (addr, prefix) = match text.trim().split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (text.trim(), None),
        };
        let addr: IpAddr = addr
            .parse()
            .map_err(|_| format!("`{text}` is not an address or range"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("`{text}`: the prefix must be 0–{max}"))?,
            None => max,
        };
        Ok(IpNet { addr, prefix })
    }
}

/// `TRUSTED_PROXIES`: comma-separated addresses or ranges; empty: none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(pub Vec<IpNet>);

impl std::str::FromStr for TrustedProxies {
    type Err = String;

    fn from_str(list: &str) -> Result<Self, Self::Err> {
        list.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::parse)
            .collect::<Result<_, _>>()
            .map(TrustedProxies)
    }
}

/// Parses `TRUSTED_PROXIES`.
pub fn parse_trusted(list: &str) -> Result<Vec<IpNet>, String> {
    list.parse::<TrustedProxies>().map(|t| t.0)
}

/// One request's access to its client's budget. The HTTP layer puts it in the request data;
/// validation spends the computed complexity through it, so a refused request never executes.
/// A request spends once.
pub struct RateTicket {
    limiter: Arc<RateLimiter>,
    client: IpAddr,
    quota: Mutex<Option<Quota>>,
}

impl RateTicket {
    /// A ticket for `client`.
    pub fn new(limiter: Arc<RateLimiter>, client: IpAddr) -> RateTicket {
        RateTicket {
            limiter,
            client,
            quota: Mutex::new(None),
        }
    }

    /// Spends `cost` unless this request already spent; returns where the client stands.
    pub fn spend(&self, cost: u64) -> Quota {
        let mut quota = self.quota.lock().unwrap_or_else(|e| e.into_inner());
        *quota.get_or_insert_with(|| self.limiter.spend(self.client, cost))
    }
}

/// Sweeps idle clients every `period`.
pub fn sweep(limiter: Arc<RateLimiter>, period: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(period);
        loop {
            tick.tick().await;
            limiter.forget_idle();
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn spends_refuses_and_reports() {
        let limiter = RateLimiter::new(100, 10, vec![]);
        let first = limiter.spend(ip("127.0.0.1"), 60);
        assert_eq!((first.remaining, first.retry_after), (40, None));
        let refused = limiter.spend(ip("127.0.0.1"), 60);
        assert_eq!(refused.remaining, 40);
        assert!(refused.retry_after.is_some_and(|s| (1..=13).contains(&s)));
        // Nothing was spent by the refusal; another client has its own budget.
        assert_eq!(limiter.spend(ip("127.0.0.1"), 40).remaining, 0);
        assert_eq!(limiter.spend(ip("127.0.0.2"), 1).remaining, 99);
    }

    #[test]
    fn memory_is_bounded_and_idle_clients_are_forgotten() {
        let limiter = RateLimiter::new(1_000_000, 100, vec![]);
        for n in 0..10_000u32 {
            limiter.spend(IpAddr::V4(n.into()), 1);
        }
        assert_eq!(limiter.clients(), 100);
        std::thread::sleep(Duration::from_millis(5));
        limiter.forget_idle();
        assert_eq!(limiter.clients(), 0);
    }

    #[test]
    fn forwarded_addresses_count_only_from_trusted_proxies() {
        let limiter = RateLimiter::new(10, 10, parse_trusted("10.0.0.0/8, ::1").unwrap());
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", "203.0.113.7, 10.1.2.3".parse().unwrap());
        assert_eq!(limiter.client(ip("10.0.0.1"), &headers), ip("203.0.113.7"));
        assert_eq!(
            limiter.client(ip("198.51.100.1"), &headers),
            ip("198.51.100.1")
        );
        headers.insert(
            "forwarded",
            r#"for="[2001:db8:1:2::9]:443";proto=https"#.parse().unwrap(),
        );
        assert_eq!(limiter.client(ip("::1"), &headers), ip("2001:db8:1:2::"));
        assert!(parse_trusted("10.0.0.0/33").is_err());
        assert!(parse_trusted("nope").is_err());
    }
}
