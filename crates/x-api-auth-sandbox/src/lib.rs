//! # x-api-auth-sandbox
//!
//! An X-compatible auth sandbox: X's OAuth 1.0a, OAuth 2.0 (PKCE and app-only)
//! and token-checking endpoints on a loopback port, with X's exact error
//! bodies, so that auth code can be tested offline.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let sandbox = x_api_auth_sandbox::Sandbox::start(Default::default()).await?;
//! println!("{}", sandbox.base_url());
//! # Ok(()) }
//! ```
//!
//! ## Test-only additions
//!
//! Beyond X's endpoints, the sandbox has a few knobs for tests, none of which
//! exists at X:
//!
//! - the consent pages (`/i/oauth2/authorize`, `/oauth/authorize`,
//!   `/oauth/authenticate`) take `sandbox_decision` (`approve`, `deny`,
//!   `page`) and `sandbox_user` (the id or username of the configured user
//!   who approves; the first user without it);
//! - `GET /__sandbox__/counters` ([`Counters::PATH`]) answers with the
//!   [`Counters`] as JSON (also [`Sandbox::counters`]): refreshes, refresh
//!   token reuse, tokens and codes issued, API calls and 401s. This path is
//!   test-only and does not exist at X.

#![forbid(unsafe_code)]
pub mod browser;
mod config;
mod counters;
pub mod hostile;
pub mod oauth1_verify;
mod server;
mod store;
mod x_errors;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use tokio::sync::oneshot;
use x_api_auth::{Clock, Error};

pub use config::{AppConfig, ClientConfig, RateLimitConfig, SandboxConfig, UserConfig};
pub use counters::Counters;

use counters::LiveCounters;

/// The sandbox's default clock: the system's, moved forward by
/// [`Sandbox::advance_clock`] so tests can expire codes and tokens without
/// sleeping.
#[derive(Debug, Default)]
pub struct AdvancingClock {
    ahead_secs: AtomicU64,
}

impl Clock for AdvancingClock {
    fn now(&self) -> SystemTime {
        let ahead = Duration::from_secs(self.ahead_secs.load(Ordering::Relaxed));
        let now = SystemTime::now();
        now.checked_add(ahead).unwrap_or(now)
    }
}

/// How far [`Sandbox::advance_clock`] can move the clock: 1,000 years.
pub const MAX_CLOCK_AHEAD: Duration = Duration::from_secs(1_000 * 365 * 86_400);

/// A running sandbox; it stops when dropped.
#[derive(Debug)]
pub struct Sandbox {
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    config: SandboxConfig,
    clock: Option<Arc<AdvancingClock>>,
    counters: Arc<LiveCounters>,
}

impl Sandbox {
    /// Starts on an ephemeral port of 127.0.0.1, on the system clock that
    /// [`Sandbox::advance_clock`] can move forward.
    pub async fn start(config: SandboxConfig) -> std::io::Result<Self> {
        let clock = Arc::new(AdvancingClock::default());
        let mut sandbox = Self::start_with(config, clock.clone(), 0).await?;
        sandbox.clock = Some(clock);
        Ok(sandbox)
    }

    /// Moves the sandbox's clock forward (codes expire after 30 s, access
    /// tokens after [`SandboxConfig::access_token_lifetime_secs`]). Returns
    /// false when the sandbox was started with a clock of the caller's
    /// ([`Sandbox::start_with`]): move that one instead.
    /// OAuth 1.0a requests signed with the real time fail with code 135 once
    /// the sandbox is more than its timestamp window ahead. The clock never
    /// goes more than [`MAX_CLOCK_AHEAD`] ahead, however far it is moved.
    pub fn advance_clock(&self, by: Duration) -> bool {
        match &self.clock {
            Some(clock) => {
                let _ =
                    clock
                        .ahead_secs
                        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |ahead| {
                            Some(
                                ahead
                                    .saturating_add(by.as_secs())
                                    .min(MAX_CLOCK_AHEAD.as_secs()),
                            )
                        });
                true
            }
            None => false,
        }
    }

    /// Starts on `port` (0: ephemeral) of 127.0.0.1, reading time from `clock`.
    pub async fn start_with(
        config: SandboxConfig,
        clock: Arc<dyn Clock>,
        port: u16,
    ) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
        let addr = listener.local_addr()?;
        let counters = Arc::new(LiveCounters::default());
        let router = server::router(config.clone(), clock, counters.clone());
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        });
        Ok(Self {
            addr,
            shutdown: Some(tx),
            config,
            clock: None,
            counters,
        })
    }

    /// `http://127.0.0.1:PORT`, the base of every endpoint (both the API and
    /// the consent pages).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The configuration it runs with (default credentials included).
    pub fn config(&self) -> &SandboxConfig {
        &self.config
    }

    /// What it counted since it started (the same as `GET
    /// /__sandbox__/counters`, a test-only path that does not exist at X).
    pub fn counters(&self) -> Counters {
        self.counters.snapshot()
    }

    /// Where it listens and what it accepts: `{"base_url": …, "apps": […],
    /// "users": […]}` (the `x-api-auth-sandbox` binary prints it as one line).
    pub fn info(&self) -> serde_json::Value {
        serde_json::json!({"base_url": self.base_url(), "apps": self.config.apps, "users": self.config.users})
    }

    /// Starts it from synchronous code on `runtime` (which must not be the
    /// caller's own): `config_json` is a [`SandboxConfig`] document, the
    /// built-in app and users when `None`. Errors are the core's, so that
    /// the Python and Node bindings report them like any other: a bad
    /// configuration is `X_INVALID_INPUT`, a port that cannot be bound
    /// `X_TRANSPORT`.
    pub fn start_blocking(
        runtime: &tokio::runtime::Runtime,
        config_json: Option<&str>,
    ) -> x_api_auth::Result<Self> {
        let config = match config_json {
            Some(text) => serde_json::from_str(text).map_err(|e| Error::InvalidInput {
                field: "sandbox configuration",
                reason: e.to_string(),
            })?,
            None => SandboxConfig::default(),
        };
        runtime
            .block_on(Self::start(config))
            .map_err(|e| Error::Transport {
                reason: format!("cannot start the sandbox: {e}"),
                timeout: false,
            })
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
