//! The X-compatible auth sandbox, in-process, for tests.

use std::time::Duration;

use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::api::Json;
use crate::errors::{core, invalid};
use crate::flows::Job;

/// A running sandbox.
#[napi]
pub struct Sandbox(Option<x_api_auth_sandbox::Sandbox>);

#[napi]
impl Sandbox {
    /// Starts the sandbox on a loopback port (`configJson`: a configuration
    /// document; the built-in app and users when absent).
    #[napi(factory, catch_unwind)]
    pub fn start(config_json: Option<String>) -> Result<Self> {
        let started = x_api_auth::blocking::shared_runtime()
            .and_then(|rt| x_api_auth_sandbox::Sandbox::start_blocking(rt, config_json.as_deref()));
        core(started).map(|s| Self(Some(s)))
    }

    /// `{ base_url, apps: [...], users: [...] }`: where it listens and what
    /// it accepts (`null` once stopped).
    #[napi(getter, ts_return_type = "any", catch_unwind)]
    pub fn info(&self) -> Json {
        Json(self.0.as_ref().map(|s| s.info()).unwrap_or_default())
    }

    /// `http://127.0.0.1:PORT`.
    #[napi(getter, catch_unwind)]
    pub fn base_url(&self) -> String {
        self.0.as_ref().map(|s| s.base_url()).unwrap_or_default()
    }

    /// What it counted since it started (refreshes, refresh-token reuse,
    /// tokens issued, API requests); null once stopped.
    #[napi(getter, ts_return_type = "any", catch_unwind)]
    pub fn counters(&self) -> Json {
        let counters = self.0.as_ref().map(|s| s.counters());
        Json(serde_json::to_value(counters).unwrap_or_default())
    }

    /// Moves the sandbox's clock forward: codes expire after 30 s, access
    /// tokens after 7200 s.
    #[napi(catch_unwind)]
    pub fn advance_clock(&self, seconds: f64) -> Result<bool> {
        if !(seconds.is_finite() && seconds >= 0.0 && seconds.fract() == 0.0) {
            return Err(invalid("seconds", "expected a non-negative integer"));
        }
        let by = Duration::from_secs_f64(seconds.min(1e12));
        Ok(self.0.as_ref().is_some_and(|s| s.advance_clock(by)))
    }

    /// Approves the consent page at `authorizeUrl` (OAuth 2.0 or 1.0a) as
    /// `user` (an id or username; the first user when absent), as a browser
    /// would: resolves to what the browser gets, the callback URL to pass to
    /// `finishAuthorization` / `parseCallback` (or the PIN, for `oob`).
    #[napi(ts_return_type = "Promise<string>", catch_unwind)]
    pub fn approve(authorize_url: String, user: Option<String>) -> AsyncTask<Job<String>> {
        Job::new(async move { consent(&authorize_url, true, user.as_deref()).await })
    }

    /// Denies the consent page at `authorizeUrl`: resolves to the callback
    /// URL carrying the denial.
    #[napi(ts_return_type = "Promise<string>", catch_unwind)]
    pub fn deny(authorize_url: String) -> AsyncTask<Job<String>> {
        Job::new(async move { consent(&authorize_url, false, None).await })
    }

    /// Stops the server.
    #[napi(catch_unwind)]
    pub fn stop(&mut self) {
        self.0 = None;
    }
}

/// The consent page's answer as one string: the redirect, or the PIN.
async fn consent(url: &str, approve: bool, user: Option<&str>) -> x_api_auth::Result<String> {
    use x_api_auth_sandbox::browser::Consent;
    Ok(
        match x_api_auth_sandbox::browser::consent(url, approve, user).await? {
            Consent::Redirect(callback) => callback,
            Consent::Pin(pin) => pin,
        },
    )
}
