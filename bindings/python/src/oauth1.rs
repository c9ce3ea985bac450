//! OAuth 1.0a: the signer, and the tokens of the 3-legged flow.

use pyo3::prelude::*;
use x_api_auth::oauth1::OAuth1Settings;
use x_api_auth::{SignableRequest, conflicting_arguments};

use crate::api::{optional_form, reading};
use crate::credentials::{AccessToken, ConsumerKeys, repr};
use crate::errors::{guard, to_py_err};

/// The result of signing.
#[pyclass(module = "x_api_auth._native", frozen, get_all, subclass)]
pub struct SignedRequest {
    /// The `Authorization` header value.
    authorization: String,
    /// The signature base string.
    base_string: String,
    /// The nonce used.
    nonce: String,
    /// The timestamp used.
    timestamp: u64,
}

#[pymethods]
impl SignedRequest {
    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "SignedRequest(authorization=[redacted], nonce={}, timestamp={})",
            repr(py, &self.nonce),
            self.timestamp
        )
    }
}

/// An OAuth 1.0a signer.
#[pyclass(module = "x_api_auth._native", frozen, subclass)]
#[derive(Clone)]
pub struct OAuth1(pub x_api_auth::OAuth1);

#[pymethods]
impl OAuth1 {
    #[new]
    #[pyo3(signature = (consumer_key, consumer_secret, token=None, token_secret=None, signature_method=None, *, realm=None, include_version=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        consumer_key: String,
        consumer_secret: String,
        token: Option<String>,
        token_secret: Option<String>,
        signature_method: Option<String>,
        realm: Option<String>,
        include_version: Option<bool>,
    ) -> PyResult<Self> {
        let settings = OAuth1Settings {
            consumer_key,
            consumer_secret,
            token,
            token_secret,
            signature_method,
            realm,
            include_version,
        };
        guard(py, || settings.build()).map(Self)
    }

    /// From consumer keys and an optional access token.
    #[staticmethod]
    #[pyo3(signature = (consumer, token=None))]
    fn from_credentials(consumer: &ConsumerKeys, token: Option<&AccessToken>) -> Self {
        let signer = x_api_auth::OAuth1::new(consumer.0.clone());
        Self(match token {
            Some(t) => signer.with_token(t.0.clone()),
            None => signer,
        })
    }

    /// Signs a request and returns the `Authorization` header value.
    ///
    /// The hot path: its arguments are converted here, with the same typed
    /// errors the package's other methods give through their Python wrapper,
    /// so that the public method (whose options are keyword-only) can call it
    /// without one, passing them by position (matching keywords costs more
    /// than signing the rest of the request).
    #[pyo3(signature = (method, url, form=None, form_body=None, nonce=None, timestamp=None, callback=None, verifier=None))]
    #[allow(clippy::too_many_arguments)]
    fn authorization_header(
        &self,
        py: Python<'_>,
        method: &Bound<'_, PyAny>,
        url: &Bound<'_, PyAny>,
        form: Option<&Bound<'_, PyAny>>,
        form_body: Option<&Bound<'_, PyAny>>,
        nonce: Option<&Bound<'_, PyAny>>,
        timestamp: Option<&Bound<'_, PyAny>>,
        callback: Option<&Bound<'_, PyAny>>,
        verifier: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let text = |field: &'static str, obj: &Bound<'_, PyAny>| -> PyResult<String> {
            obj.extract::<String>().map_err(|e| reading(py, field, e))
        };
        let optional = |field: &'static str, obj: Option<&Bound<'_, PyAny>>| {
            obj.map(|o| text(field, o)).transpose()
        };
        let (method, url) = (text("method", method)?, text("url", url)?);
        let form_body = optional("form_body", form_body)?;
        let form = signed_form(py, form, form_body.as_deref())?;
        let (nonce, callback, verifier) = (
            optional("nonce", nonce)?,
            optional("callback", callback)?,
            optional("verifier", verifier)?,
        );
        let timestamp = timestamp
            .map(|t| t.extract::<u64>().map_err(|e| reading(py, "timestamp", e)))
            .transpose()?;
        let request = signable(
            &method,
            &url,
            &form,
            form_body.as_deref(),
            nonce.as_deref(),
            timestamp,
            callback.as_deref(),
            verifier.as_deref(),
        );
        guard(py, || self.0.authorization_header(&request))
    }

    /// Signs a request and returns the header with what went into it.
    #[pyo3(signature = (method, url, *, form=None, form_body=None, nonce=None, timestamp=None, callback=None, verifier=None))]
    #[allow(clippy::too_many_arguments)]
    fn sign(
        &self,
        py: Python<'_>,
        method: &str,
        url: &str,
        form: Option<&Bound<'_, PyAny>>,
        form_body: Option<&str>,
        nonce: Option<&str>,
        timestamp: Option<u64>,
        callback: Option<&str>,
        verifier: Option<&str>,
    ) -> PyResult<SignedRequest> {
        let form = signed_form(py, form, form_body)?;
        let request = signable(
            method, url, &form, form_body, nonce, timestamp, callback, verifier,
        );
        let mut signed = guard(py, || self.0.sign(&request))?;
        Ok(SignedRequest {
            authorization: std::mem::take(&mut signed.authorization),
            base_string: std::mem::take(&mut signed.base_string),
            nonce: std::mem::take(&mut signed.nonce),
            timestamp: signed.timestamp,
        })
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "OAuth1(consumer_key={}, token={}, signature_method={}, secrets=[redacted])",
            repr(py, self.0.consumer().key()),
            repr(py, self.0.token().map(|t| t.token())),
            repr(py, self.0.signature_method().as_str())
        )
    }
}

/// `form` as pairs, refused alongside `form_body` (one body goes on the
/// wire; an empty form is none, as for the core).
fn signed_form(
    py: Python<'_>,
    form: Option<&Bound<'_, PyAny>>,
    form_body: Option<&str>,
) -> PyResult<Vec<(String, String)>> {
    let form = optional_form("form", form)?.unwrap_or_default();
    if !form.is_empty() && form_body.is_some() {
        return Err(to_py_err(py, conflicting_arguments("form", "form_body")));
    }
    Ok(form)
}

/// Announces a fork to the core (see `x_api_auth::oauth1::after_fork`).
#[pyfunction]
fn after_fork() {
    x_api_auth::oauth1::after_fork();
}

/// Calls the core's `after_fork` in every child `os.fork()` makes (and so
/// multiprocessing, gunicorn, ...), so that fresh nonces skip their
/// per-nonce process-id check.
pub fn install_fork_hook(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    let hook = wrap_pyfunction!(after_fork, m)?;
    let kwargs = pyo3::types::PyDict::new(py);
    kwargs.set_item("after_in_child", hook)?;
    py.import("os")?
        .getattr("register_at_fork")?
        .call((), Some(&kwargs))?;
    x_api_auth::oauth1::rely_on_after_fork();
    Ok(())
}

/// The core's request to sign from the keyword arguments.
#[allow(clippy::too_many_arguments)]
fn signable<'a>(
    method: &'a str,
    url: &'a str,
    form: &'a [(String, String)],
    form_body: Option<&'a str>,
    nonce: Option<&'a str>,
    timestamp: Option<u64>,
    callback: Option<&'a str>,
    verifier: Option<&'a str>,
) -> SignableRequest<'a> {
    let mut request =
        SignableRequest::new(method, url).form(form.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    if let Some(body) = form_body {
        request = request.form_body(body);
    }
    if let Some(n) = nonce {
        request = request.nonce(n);
    }
    if let Some(t) = timestamp {
        request = request.timestamp(t);
    }
    if let Some(c) = callback {
        request = request.callback(c);
    }
    if let Some(v) = verifier {
        request = request.verifier(v);
    }
    request
}

/// The temporary credentials of the 3-legged flow.
#[pyclass(module = "x_api_auth._native", frozen, subclass)]
pub struct RequestToken(pub x_api_auth::oauth1::RequestToken);

#[pymethods]
impl RequestToken {
    /// The request token (`oauth_token`, public).
    #[getter]
    fn token(&self) -> &str {
        &self.0.token
    }

    /// The request token secret, in clear.
    fn secret(&self) -> &str {
        self.0.secret.secret()
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "RequestToken(token={}, secret=[redacted])",
            repr(py, &self.0.token)
        )
    }
}

/// The user's access token from the 3-legged flow.
#[pyclass(module = "x_api_auth._native", frozen, get_all, subclass)]
pub struct AccessTokenResponse {
    /// The access token and secret.
    pub access_token: AccessToken,
    /// The user's id.
    pub user_id: Option<String>,
    /// The user's handle.
    pub screen_name: Option<String>,
    /// The token's access level (`x-access-level`).
    pub access_level: Option<String>,
}

#[pymethods]
impl AccessTokenResponse {
    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "AccessTokenResponse(access_token={}, user_id={}, screen_name={}, access_level={})",
            self.access_token.__repr__(py),
            repr(py, self.user_id.as_deref()),
            repr(py, self.screen_name.as_deref()),
            repr(py, self.access_level.as_deref())
        )
    }
}

/// RFC 3986 percent-encoding as OAuth 1.0a requires it.
#[pyfunction]
pub fn percent_encode(value: &str) -> String {
    x_api_auth::percent_encode(value)
}
