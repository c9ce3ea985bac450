//! The X-compatible auth sandbox, in-process, for tests.

use std::time::Duration;

use pyo3::prelude::*;

use crate::errors::guard;
use crate::flows::{block, json_to_py};

/// A running sandbox (stopped by `stop()` or when collected).
#[pyclass(module = "x_api_auth._native")]
pub struct Sandbox(Option<x_api_auth_sandbox::Sandbox>);

#[pymethods]
impl Sandbox {
    /// Starts the sandbox on a loopback port; `config_json` is a
    /// configuration document (the default app and users when absent).
    #[new]
    #[pyo3(signature = (config_json=None))]
    fn new(py: Python<'_>, config_json: Option<&str>) -> PyResult<Self> {
        let started = py.detach(|| {
            x_api_auth::blocking::shared_runtime()
                .and_then(|rt| x_api_auth_sandbox::Sandbox::start_blocking(rt, config_json))
        });
        guard(py, || started).map(|s| Self(Some(s)))
    }

    /// `{"base_url": …, "apps": […], "users": […]}`: where it listens and
    /// what it accepts (`None` once stopped).
    #[getter]
    fn info(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let info = self.0.as_ref().map(|s| s.info()).unwrap_or_default();
        json_to_py(py, &info)
    }

    /// What it counted since it started (refreshes, refresh-token reuse,
    /// tokens issued, API requests); `None` once stopped.
    #[getter]
    fn counters(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let counters = self.0.as_ref().map(|s| s.counters());
        json_to_py(py, &serde_json::to_value(counters).unwrap_or_default())
    }

    /// Moves the sandbox's clock forward: codes expire after 30 s, access
    /// tokens after 7200 s.
    fn advance_clock(&self, seconds: u64) -> bool {
        self.0
            .as_ref()
            .is_some_and(|s| s.advance_clock(Duration::from_secs(seconds)))
    }

    /// Approves the consent page at `authorize_url` (OAuth 2.0 or 1.0a) as
    /// `user` (an id or username; the first user when absent), as a browser
    /// would, and returns what the browser gets: the callback URL to pass to
    /// `finish_authorization` / `parse_callback` (or the PIN, for `oob`).
    #[staticmethod]
    #[pyo3(signature = (authorize_url, user=None))]
    fn approve(py: Python<'_>, authorize_url: &str, user: Option<&str>) -> PyResult<String> {
        block(py, consent(authorize_url, true, user))
    }

    /// Denies the consent page at `authorize_url`: returns the callback URL
    /// carrying the denial.
    #[staticmethod]
    fn deny(py: Python<'_>, authorize_url: &str) -> PyResult<String> {
        block(py, consent(authorize_url, false, None))
    }

    /// Stops the server.
    fn stop(&mut self) {
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
