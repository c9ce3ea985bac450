//! OAuth 2.0 pieces: a login in progress, PKCE challenges, HTTP Basic.

use pyo3::prelude::*;

use crate::errors::{guard, internal};

/// An OAuth 2.0 authorization in progress.
#[pyclass(module = "x_api_auth._native", subclass)]
pub struct PendingAuthorization(pub Option<x_api_auth::PendingAuthorization>);

impl PendingAuthorization {
    /// The authorization, once: finishing it consumes it.
    pub fn take(&mut self, py: Python<'_>) -> PyResult<x_api_auth::PendingAuthorization> {
        self.0
            .take()
            .ok_or_else(|| internal(py, "this pending authorization was already used"))
    }
}

#[pymethods]
impl PendingAuthorization {
    /// The consent URL to send the user to.
    #[getter]
    fn url(&self) -> String {
        self.0.as_ref().map(|p| p.url.clone()).unwrap_or_default()
    }

    /// One string with state, verifier and redirect URI, to keep in a
    /// server-side session. It holds the PKCE verifier: treat it as a secret.
    fn to_compact(&self) -> String {
        self.0.as_ref().map(|p| p.to_compact()).unwrap_or_default()
    }

    /// Parses `to_compact()`'s output.
    #[staticmethod]
    fn from_compact(py: Python<'_>, compact: &str) -> PyResult<Self> {
        guard(py, || {
            x_api_auth::PendingAuthorization::from_compact(compact)
        })
        .map(|p| Self(Some(p)))
    }

    fn __repr__(&self) -> String {
        format!(
            "PendingAuthorization(url={:?}, state=[redacted], verifier=[redacted])",
            self.url()
        )
    }
}

/// The `Basic …` header for an id and a secret (RFC 6749 §2.3.1).
#[pyfunction]
pub fn basic_authorization(id: &str, secret: &str) -> String {
    x_api_auth::oauth2::basic_authorization(id, secret).to_string()
}

/// The PKCE challenge of a verifier (`S256` or `plain`).
#[pyfunction]
#[pyo3(signature = (verifier, method="S256"))]
pub fn pkce_challenge(py: Python<'_>, verifier: &str, method: &str) -> PyResult<String> {
    guard(py, || {
        Ok(x_api_auth::PkceCodeVerifier::new(verifier)?
            .challenge(method.parse()?)
            .value)
    })
}
