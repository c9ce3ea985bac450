//! API requests: credentials and bodies from Python values, the
//! `Authorization` header for any HTTP client, and responses.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};
use x_api_auth::{Body, Credential, RequestParts};

use crate::credentials::{BearerToken, OAuth2UserToken};
use crate::errors::{guard, invalid};
use crate::flows::json_to_py;
use crate::oauth1::OAuth1;

/// Decoded `(key, value)` pairs from a dict or an iterable of pairs.
pub fn pairs(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<(String, String)>> {
    let Some(obj) = obj else {
        return Ok(Vec::new());
    };
    let py = obj.py();
    // A wrong type stays a TypeError that names the argument (the package
    // raises InvalidTypeError), a bad shape becomes X_INVALID_INPUT, and the
    // caller's own exceptions (from an iterator of theirs) pass through.
    let bad = |e: PyErr| {
        if e.is_instance_of::<PyTypeError>(py) {
            let _ = e
                .value(py)
                .call_method1("add_note", ("while processing 'form'",));
            e
        } else if e.is_instance_of::<PyValueError>(py) {
            invalid(
                py,
                "form",
                format!("must be a dict or pairs of strings: {e}"),
            )
        } else {
            e
        }
    };
    if let Ok(dict) = obj.cast::<PyDict>() {
        return dict
            .iter()
            .map(|(k, v)| Ok((k.extract().map_err(bad)?, v.extract().map_err(bad)?)))
            .collect();
    }
    obj.try_iter()
        .map_err(bad)?
        .map(|item| {
            item.and_then(|i| i.extract::<(String, String)>())
                .map_err(bad)
        })
        .collect()
}

/// A credential object as the core's [`Credential`].
pub fn credential(obj: &Bound<'_, PyAny>) -> PyResult<Credential> {
    if let Ok(c) = obj.cast::<OAuth1>() {
        return Ok(Credential::OAuth1(c.get().0.clone()));
    }
    if let Ok(c) = obj.cast::<BearerToken>() {
        return Ok(Credential::Bearer(c.get().0.clone()));
    }
    if let Ok(c) = obj.cast::<OAuth2UserToken>() {
        return Ok(Credential::OAuth2User(c.get().0.clone()));
    }
    Err(pyo3::exceptions::PyTypeError::new_err(
        "argument 'credential': expected OAuth1, BearerToken or OAuth2UserToken",
    ))
}

/// A request body from `form` (pairs) or `json_body` (any JSON value).
pub fn body(
    py: Python<'_>,
    form: Option<&Bound<'_, PyAny>>,
    json_body: Option<&Bound<'_, PyAny>>,
) -> PyResult<Body> {
    Ok(match (form, json_body) {
        (Some(_), Some(_)) => return Err(invalid(py, "body", "pass form or json_body, not both")),
        (Some(form), None) => Body::Form(pairs(Some(form))?),
        (None, Some(value)) => {
            let text: String = py
                .import("json")?
                .call_method1("dumps", (value,))
                .and_then(|text| text.extract())
                .map_err(|e| invalid(py, "json_body", format!("cannot be encoded as JSON: {e}")))?;
            Body::Json(
                serde_json::from_str(&text)
                    .map_err(|_| invalid(py, "json_body", "is not a JSON value"))?,
            )
        }
        (None, None) => Body::Empty,
    })
}

/// The bytes of a `str` or `bytes` value; anything else (a stream, a
/// generator) has none that could be a form.
fn bytes_of(value: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<u8>> {
    match value {
        Some(v) if v.is_instance_of::<PyString>() => Ok(v.extract::<String>()?.into_bytes()),
        Some(v) if v.is_instance_of::<PyBytes>() => v.extract(),
        _ => Ok(Vec::new()),
    }
}

/// The `Authorization` header for a request any HTTP client is about to
/// send: OAuth 1.0a signs the method, URL and a form body (by
/// `content_type`), never a JSON one.
#[pyfunction]
#[pyo3(signature = (credential, method, url, *, content_type=None, body=None))]
pub fn authorize(
    py: Python<'_>,
    credential: &Bound<'_, PyAny>,
    method: &str,
    url: &str,
    content_type: Option<&Bound<'_, PyAny>>,
    body: Option<&Bound<'_, PyAny>>,
) -> PyResult<String> {
    let credential = self::credential(credential)?;
    let (content_type, body) = (bytes_of(content_type)?, bytes_of(body)?);
    let content_type = String::from_utf8_lossy(&content_type);
    let parts = RequestParts {
        method,
        url,
        content_type: Some(content_type.as_ref()).filter(|ct| !ct.is_empty()),
        body: &body,
        timestamp: None,
    };
    guard(py, || credential.authorize(&parts)).map(|a| a.header)
}

/// X's rate-limit headers.
#[pyclass(module = "x_api_auth._native", frozen, get_all, subclass)]
pub struct RateLimit {
    /// `x-rate-limit-limit`.
    limit: u64,
    /// `x-rate-limit-remaining`.
    remaining: u64,
    /// `x-rate-limit-reset`: when the window resets (Unix seconds).
    reset_at: u64,
}

/// A successful API response.
#[pyclass(module = "x_api_auth._native", frozen, subclass)]
pub struct ApiResponse(pub x_api_auth::ApiResponse);

#[pymethods]
impl ApiResponse {
    #[getter]
    fn status(&self) -> u16 {
        self.0.status
    }

    #[getter]
    fn rate_limit(&self) -> Option<RateLimit> {
        self.0.rate_limit.map(|r| RateLimit {
            limit: r.limit,
            remaining: r.remaining,
            reset_at: r.reset_at,
        })
    }

    #[getter]
    fn body<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.body)
    }

    /// The body decoded as JSON (`UnexpectedResponseError` when it is not).
    fn json(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let value = guard(py, || self.0.json())?;
        json_to_py(py, &value)
    }

    /// The body as text.
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.body).into_owned()
    }
}
