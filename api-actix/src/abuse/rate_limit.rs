//! Per-caller and per-address request rates: one GCRA budget per [`RateKey`] (`governor`),
//! checked before routing, so that a refused request costs a hash lookup and nothing more.
//!
//! `LIGHTBOX_RATE_LIMIT_RPS` requests a second are allowed per key, with bursts of
//! `LIGHTBOX_RATE_LIMIT_BURST` (2 × rps by default); the next one is answered 429 `rate_limited`
//! with `Retry-After`. `/health` and `/ready` are never limited: probes must not fail because a
//! load balancer shares an address with a busy client. Budgets live in this process only, so
//! behind N nodes a caller gets up to N times the rate.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::{Arc, Weak};
use std::time::Duration;

use actix_web::HttpMessage;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use governor::clock::Clock;
use governor::{DefaultKeyedRateLimiter, Quota};

use super::announces_body;
use super::rate_key::RateKey;
use crate::config::Settings;
use crate::extract::Caller;
use crate::problem::ApiError;

/// How often budgets that are full again are forgotten. A key lives at most this long after its
/// budget refilled, which bounds memory by the number of keys seen in that window.
const SWEEP_INTERVAL: Duration = Duration::from_secs(10);

/// Paths never limited.
/// (`/metrics`: a scraper behind a shared address must not be refused because of its neighbours.)
pub const UNLIMITED_PATHS: [&str; 3] = ["/health", "/ready", "/metrics"];

/// The budgets of every key, shared by all workers.
#[derive(Debug)]
pub struct RateLimiter {
    budgets: DefaultKeyedRateLimiter<RateKey>,
}

impl RateLimiter {
    /// The limiter the settings ask for; `None` when rate limiting is off (`rps` 0).
    pub fn from_settings(settings: &Settings) -> Option<Arc<Self>> {
        let rps = NonZeroU32::new(settings.rate_limit_rps)?;
        let burst = settings
            .rate_limit_burst
            .unwrap_or_else(|| rps.get().saturating_mul(2));
        let burst = NonZeroU32::new(burst).unwrap_or(rps);
        let quota = Quota::per_second(rps).allow_burst(burst);
        Some(Arc::new(Self {
            budgets: DefaultKeyedRateLimiter::keyed(quota),
        }))
    }

    /// Spends one request of `key`'s budget.
    ///
    /// # Errors
    /// The time until the budget allows one more request, when it is spent.
    pub fn check(&self, key: &RateKey) -> Result<(), Duration> {
        self.budgets
            .check_key(key)
            .map_err(|refused| refused.wait_time_from(self.budgets.clock().now()))
    }

    /// How many keys are remembered.
    pub fn remembered_keys(&self) -> usize {
        self.budgets.len()
    }

    /// Forgets every key whose budget is full again (indistinguishable from a new key).
    pub fn forget_refilled(&self) {
        self.budgets.retain_recent();
        self.budgets.shrink_to_fit();
    }

    /// Forgets refilled budgets every few seconds for as long as the limiter is in use: the task
    /// holds only a weak reference, and ends once the server has dropped the limiter.
    pub fn sweep_periodically(limiter: &Arc<Self>) {
        let limiter: Weak<Self> = Arc::downgrade(limiter);
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(SWEEP_INTERVAL);
            ticks.tick().await;
            loop {
                ticks.tick().await;
                let Some(alive) = limiter.upgrade() else {
                    return;
                };
                // Walking a large map takes a while, so it runs off the async threads.
                let swept = tokio::task::spawn_blocking(move || {
                    alive.forget_refilled();
                    alive.remembered_keys()
                })
                .await;
                match swept {
                    Ok(keys) => tracing::debug!(keys, "rate limiter swept"),
                    Err(error) => {
                        tracing::warn!(error = %error, "sweeping the rate limiter failed")
                    }
                }
            }
        });
    }
}

/// Middleware: answers 429 once the request's key has spent its budget (with no limiter, when
/// rate limiting is off, it passes every request on).
///
/// # Errors
/// None of its own; inner errors pass through.
pub async fn limit_rate<B: MessageBody + 'static>(
    limiter: Option<Arc<RateLimiter>>,
    request: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    let Some(limiter) = limiter.filter(|_| !UNLIMITED_PATHS.contains(&request.path())) else {
        return Ok(next.call(request).await?.map_into_left_body());
    };
    let peer: Option<IpAddr> = request.peer_addr().map(|address| address.ip());
    let caller = Caller::identify(request.request()).ok();
    let key = RateKey::of(caller.as_ref(), peer);
    if let Some(caller) = caller {
        // Kept for the handler's `Caller` extractor, so a token is verified once per request.
        request.extensions_mut().insert(caller);
    }
    match limiter.check(&key) {
        Ok(()) => Ok(next.call(request).await?.map_into_left_body()),
        Err(wait) => {
            let mut error = ApiError::rate_limited(wait);
            // The body is not read, so the connection cannot carry another request.
            if announces_body(request.headers()) {
                error = error.closing_connection();
            }
            Ok(request.error_response(error).map_into_right_body())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(rps: u32, burst: Option<u32>) -> Arc<RateLimiter> {
        let settings = Settings {
            rate_limit_rps: rps,
            rate_limit_burst: burst,
            ..Settings::default()
        };
        RateLimiter::from_settings(&settings).unwrap()
    }

    fn user(name: &str) -> RateKey {
        RateKey::User(lightbox_domain::ids::OwnerId::parse(name).unwrap())
    }

    #[test]
    fn rate_limiting_is_off_at_zero_rps() {
        assert!(RateLimiter::from_settings(&Settings::default()).is_none());
    }

    #[test]
    fn the_burst_defaults_to_twice_the_rate_and_keys_have_their_own_budgets() {
        let limiter = limiter(5, None);
        for _ in 0..10 {
            assert_eq!(limiter.check(&user("alice")), Ok(()));
        }
        let wait = limiter.check(&user("alice")).unwrap_err();
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_millis(200),
            "{wait:?}"
        );
        assert_eq!(limiter.check(&user("bob")), Ok(()));
    }

    #[test]
    fn refilled_budgets_are_forgotten_and_recent_ones_kept() {
        let limiter = limiter(1000, Some(1));
        limiter.check(&user("alice")).unwrap();
        std::thread::sleep(Duration::from_millis(5));
        limiter.check(&user("bob")).unwrap();
        limiter.forget_refilled();
        assert!(
            limiter.remembered_keys() <= 1,
            "alice's budget refilled 4 ms ago"
        );
        std::thread::sleep(Duration::from_millis(5));
        limiter.forget_refilled();
        assert_eq!(limiter.remembered_keys(), 0);
    }
}
