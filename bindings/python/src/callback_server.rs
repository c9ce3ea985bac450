//! The browser login's loopback server, for desktop apps (the core's
//! `callback_server`): it catches the redirect after consent.

use std::sync::{Mutex, PoisonError};

use pyo3::prelude::*;
use x_api_auth::callback_server::{CallbackCheck, CallbackServer as Core};

use crate::errors::to_py_err;
use crate::flows::block;
use crate::oauth1::RequestToken;
use crate::oauth2::PendingAuthorization;

/// Listens on the registered loopback callback URL until one login comes
/// back.
#[pyclass(module = "x_api_auth._native", frozen, subclass)]
pub struct CallbackServer {
    server: Mutex<Option<Core>>,
    redirect_uri: String,
}

impl CallbackServer {
    fn take(&self, py: Python<'_>) -> PyResult<Core> {
        self.server
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
            .ok_or_else(|| to_py_err(py, Core::already_used()))
    }
}

#[pymethods]
impl CallbackServer {
    #[new]
    fn new(py: Python<'_>, redirect_uri: &str) -> PyResult<Self> {
        let server = block(py, Core::bind(redirect_uri))?;
        Ok(Self {
            redirect_uri: server.redirect_uri().to_owned(),
            server: Mutex::new(Some(server)),
        })
    }

    /// The callback URL, its port filled in.
    #[getter]
    fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// Waits for the OAuth 2.0 callback of `pending` (its state checked);
    /// returns the callback URL for `finish_authorization`.
    #[pyo3(signature = (pending, timeout=300.0))]
    fn wait(
        &self,
        py: Python<'_>,
        pending: &PendingAuthorization,
        timeout: f64,
    ) -> PyResult<String> {
        let state = pending.state(py)?;
        let server = self.take(py)?;
        block(py, async move {
            server
                .wait_secs(CallbackCheck::State(&state), timeout)
                .await
        })
    }

    /// Waits for the OAuth 1.0a callback of `request_token`; returns the
    /// callback URL for `parse_callback`.
    #[pyo3(signature = (request_token, timeout=300.0))]
    fn wait_for_request_token(
        &self,
        py: Python<'_>,
        request_token: &RequestToken,
        timeout: f64,
    ) -> PyResult<String> {
        let token = request_token.0.token.clone();
        let server = self.take(py)?;
        block(py, async move {
            server
                .wait_secs(CallbackCheck::RequestToken(&token), timeout)
                .await
        })
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "CallbackServer(redirect_uri={})",
            crate::credentials::repr(py, &self.redirect_uri)
        )
    }
}
