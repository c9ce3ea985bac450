//! What the sandbox counts since it started, so that a test can check how
//! often its clients refreshed, reused a refresh token or called the API.
//! X has no such counters: [`Counters::PATH`] exists only in the sandbox.

use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;

/// The sandbox's counts since it started, read with
/// [`Sandbox::counters`](crate::Sandbox::counters) or, as JSON, from
/// [`Counters::PATH`] (test-only: the route does not exist at X).
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Counters {
    /// Successful `refresh_token` grants.
    pub refreshes: u64,
    /// Spent refresh tokens presented again (each is refused, and revokes
    /// its family when `revoke_family_on_reuse` is set).
    pub refresh_reuse_detected: u64,
    /// OAuth 2.0 user access tokens issued, by either grant.
    pub tokens_issued: u64,
    /// OAuth 2.0 authorization codes issued by an approved consent page.
    pub authorization_codes_issued: u64,
    /// Requests to the API endpoints (`/2/users/me`, `/2/users/by/username/…`,
    /// `/1.1/account/verify_credentials.json`, `/2/echo` and every other
    /// operation of X's endpoint table) that authenticated.
    pub api_requests: u64,
    /// 401 responses of those API endpoints.
    pub api_unauthorized: u64,
    /// OAuth 1.0a nonces remembered now (not a count: those whose timestamp
    /// is still inside the window, plus the expired ones not yet swept).
    pub nonces_remembered: u64,
}

impl Counters {
    /// `GET /__sandbox__/counters` answers with the counters as JSON. It is
    /// test-only: the path does not exist at X.
    pub const PATH: &'static str = "/__sandbox__/counters";
}

/// One of the [`Counters`].
#[derive(Debug, Clone, Copy)]
pub(crate) enum Counter {
    Refreshes,
    RefreshReuseDetected,
    TokensIssued,
    AuthorizationCodesIssued,
    ApiRequests,
    ApiUnauthorized,
}

/// The counters as concurrent requests update them: one atomic each, so that
/// no count is ever lost.
#[derive(Debug, Default)]
pub(crate) struct LiveCounters {
    refreshes: AtomicU64,
    refresh_reuse_detected: AtomicU64,
    tokens_issued: AtomicU64,
    authorization_codes_issued: AtomicU64,
    api_requests: AtomicU64,
    api_unauthorized: AtomicU64,
    nonces_remembered: AtomicU64,
}

impl LiveCounters {
    /// Adds one to `counter`.
    pub(crate) fn count(&self, counter: Counter) {
        let cell = match counter {
            Counter::Refreshes => &self.refreshes,
            Counter::RefreshReuseDetected => &self.refresh_reuse_detected,
            Counter::TokensIssued => &self.tokens_issued,
            Counter::AuthorizationCodesIssued => &self.authorization_codes_issued,
            Counter::ApiRequests => &self.api_requests,
            Counter::ApiUnauthorized => &self.api_unauthorized,
        };
        cell.fetch_add(1, Ordering::Relaxed);
    }

    /// Records how many nonces are remembered.
    pub(crate) fn set_nonces_remembered(&self, n: usize) {
        self.nonces_remembered
            .store(u64::try_from(n).unwrap_or(u64::MAX), Ordering::Relaxed);
    }

    /// The counts now.
    pub(crate) fn snapshot(&self) -> Counters {
        let read = |cell: &AtomicU64| cell.load(Ordering::Relaxed);
        Counters {
            refreshes: read(&self.refreshes),
            refresh_reuse_detected: read(&self.refresh_reuse_detected),
            tokens_issued: read(&self.tokens_issued),
            authorization_codes_issued: read(&self.authorization_codes_issued),
            api_requests: read(&self.api_requests),
            api_unauthorized: read(&self.api_unauthorized),
            nonces_remembered: read(&self.nonces_remembered),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concurrent_counts_are_never_lost() {
        let live = LiveCounters::default();
        std::thread::scope(|scope| {
            for _ in 0..8 {
                scope.spawn(|| {
                    for _ in 0..1000 {
                        live.count(Counter::Refreshes);
                        live.count(Counter::ApiRequests);
                    }
                });
            }
        });
        live.count(Counter::TokensIssued);
        assert_eq!(
            live.snapshot(),
            Counters {
                refreshes: 8000,
                api_requests: 8000,
                tokens_issued: 1,
                ..Counters::default()
            }
        );
    }

    #[test]
    fn each_counter_has_its_own_field() {
        let live = LiveCounters::default();
        live.count(Counter::RefreshReuseDetected);
        live.count(Counter::AuthorizationCodesIssued);
        live.count(Counter::AuthorizationCodesIssued);
        live.count(Counter::ApiUnauthorized);
        live.count(Counter::ApiUnauthorized);
        live.count(Counter::ApiUnauthorized);
        live.set_nonces_remembered(4);
        let json = serde_json::to_value(live.snapshot()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "refreshes": 0,
                "refresh_reuse_detected": 1,
                "tokens_issued": 0,
                "authorization_codes_issued": 2,
                "api_requests": 0,
                "api_unauthorized": 3,
                "nonces_remembered": 4,
            })
        );
    }
}
