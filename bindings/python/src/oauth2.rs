//! OAuth 2.0 pieces: a login in progress, PKCE challenges, HTTP Basic.

use std::sync::{Mutex, MutexGuard, PoisonError};

use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyString};

use crate::api::{reading, type_name};
use crate::credentials::repr;
use crate::errors::{guard, to_py_err, type_error};

/// Scope names as a caller writes them: one string (`"tweet.read
/// users.read"`) or an iterable of strings. The core checks the names
/// (`Scope::parse_requested`).
pub fn scope_names(scopes: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    let py = scopes.py();
    let expected = "a list of scope names or one space-separated str";
    if scopes.is_instance_of::<PyString>() {
        return Ok(vec![
            scopes.extract().map_err(|e| reading(py, "scopes", e))?,
        ]);
    }
    if scopes.is_instance_of::<PyBytes>() || scopes.is_instance_of::<PyByteArray>() {
        return Err(type_error(
            py,
            "scopes",
            format!("expected {expected}, got {}", type_name(scopes)),
        ));
    }
    let items = scopes.try_iter().map_err(|e| {
        if e.is_instance_of::<pyo3::exceptions::PyTypeError>(py) {
            type_error(
                py,
                "scopes",
                format!("expected {expected}, got {}", type_name(scopes)),
            )
        } else {
            e
        }
    })?;
    items
        .enumerate()
        .map(|(i, item)| {
            let item = item?;
            if !item.is_instance_of::<PyString>() {
                return Err(type_error(
                    py,
                    "scopes",
                    format!(
                        "item #{i} is of type {}: scope names are str",
                        type_name(&item)
                    ),
                ));
            }
            item.extract::<String>()
                .map_err(|e| reading(py, "scopes", e))
        })
        .collect()
}

/// An OAuth 2.0 authorization in progress. Frozen, its slot behind a lock:
/// threads may read it while another finishes it.
#[pyclass(module = "x_api_auth._native", frozen, subclass)]
pub struct PendingAuthorization(Mutex<Option<x_api_auth::PendingAuthorization>>);

impl PendingAuthorization {
    /// Holds `pending` until it is finished.
    pub fn new(pending: x_api_auth::PendingAuthorization) -> Self {
        Self(Mutex::new(Some(pending)))
    }

    fn slot(&self) -> MutexGuard<'_, Option<x_api_auth::PendingAuthorization>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The state the callback must carry, while the authorization is not
    /// finished.
    pub fn state(&self, py: Python<'_>) -> PyResult<x_api_auth::State> {
        self.slot()
            .as_ref()
            .map(|p| p.state.clone())
            .ok_or_else(|| {
                to_py_err(
                    py,
                    x_api_auth::oauth2::PendingAuthorization::already_finished(),
                )
            })
    }

    /// The authorization, once: finishing it consumes it.
    pub fn take(&self, py: Python<'_>) -> PyResult<x_api_auth::PendingAuthorization> {
        self.slot().take().ok_or_else(|| {
            to_py_err(
                py,
                x_api_auth::oauth2::PendingAuthorization::already_finished(),
            )
        })
    }
}

#[pymethods]
impl PendingAuthorization {
    /// The consent URL to send the user to.
    #[getter]
    fn url(&self) -> String {
        self.slot()
            .as_ref()
            .map(|p| p.url.clone())
            .unwrap_or_default()
    }

    /// One string with state, verifier and redirect URI, to keep in a
    /// server-side session. It holds the PKCE verifier: treat it as a secret.
    fn to_compact(&self) -> String {
        self.slot()
            .as_ref()
            .map(|p| p.to_compact())
            .unwrap_or_default()
    }

    /// Parses `to_compact()`'s output.
    #[staticmethod]
    fn from_compact(py: Python<'_>, compact: &str) -> PyResult<Self> {
        guard(py, || {
            x_api_auth::PendingAuthorization::from_compact(compact)
        })
        .map(Self::new)
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "PendingAuthorization(url={}, state=[redacted], verifier=[redacted])",
            repr(py, self.url())
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
