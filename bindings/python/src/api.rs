//! API requests: credentials and bodies from Python values, the
//! `Authorization` header for any HTTP client, and responses.

use pyo3::exceptions::{PyOverflowError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDict, PyFloat, PyInt, PyList, PyMapping, PySequence, PyString,
    PyTuple,
};
use x_api_auth::{
    Body, Credential, FORM_CONTENT_TYPE, FormEntry, FormError, FormValue, RequestParts,
    conflicting_arguments,
};

use crate::credentials::{BearerToken, OAuth2UserToken};
use crate::errors::{guard, invalid, to_py_err, to_py_err_as, type_error};
use crate::flows::json_to_py;
use crate::oauth1::OAuth1;

/// What a form argument may be, in Python's terms (`body` of `authorize`
/// also takes the body as sent).
fn expected(argument: &str) -> &'static str {
    if argument == "body" {
        "str, bytes, a mapping (a dict) or an iterable of (key, value) pairs"
    } else {
        "a mapping (a dict) or an iterable of (key, value) pairs (or an encoded form as str)"
    }
}

/// The name of a value's type (`int`, `NoneType`), as Python shows it.
pub fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map_or_else(|_| "object".to_owned(), |n| n.to_string())
}

/// A Python exception met while reading argument `argument` as an
/// `XAuthError` naming it: a TypeError as InvalidTypeError, a ValueError (a
/// lone surrogate, an int too long for str) as InvalidInputError. Others
/// (the caller's own, from their objects) pass through.
pub fn reading(py: Python<'_>, argument: &'static str, e: PyErr) -> PyErr {
    let message = || e.value(py).to_string();
    if e.is_instance_of::<PyTypeError>(py) {
        type_error(py, argument, message())
    } else if e.is_instance_of::<PyValueError>(py) || e.is_instance_of::<PyOverflowError>(py) {
        invalid(py, argument, message())
    } else {
        e
    }
}

/// The core's refusal of a form, as InvalidTypeError or InvalidInputError.
fn refused(py: Python<'_>, e: FormError) -> PyErr {
    if e.wrong_type {
        to_py_err_as(py, e.error, "InvalidTypeError")
    } else {
        to_py_err(py, e.error)
    }
}

/// A key or value as the core's [`FormValue`]; `nested` for the items of
/// a list (which hold no further lists: the core refuses those unread).
fn form_value(value: &Bound<'_, PyAny>, nested: bool) -> PyResult<FormValue> {
    Ok(if value.is_instance_of::<PyBool>() {
        FormValue::Other("bool".to_owned())
    } else if value.is_instance_of::<PyString>() {
        FormValue::Text(value.extract()?)
    } else if let Ok(bytes) = value.cast::<PyBytes>() {
        FormValue::Bytes(bytes.as_bytes().to_vec())
    } else if let Ok(bytes) = value.cast::<PyByteArray>() {
        FormValue::Bytes(bytes.to_vec())
    } else if value.is_instance_of::<PyInt>() || value.is_instance_of::<PyFloat>() {
        // As str() writes it: what requests or urlencode would send.
        FormValue::Number(value.str()?.extract()?)
    } else if !nested && (value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>()) {
        FormValue::List(
            value
                .try_iter()?
                .map(|item| form_value(&item?, true))
                .collect::<PyResult<_>>()?,
        )
    } else {
        FormValue::Other(type_name(value))
    })
}

/// One item of an iterable of pairs as the core's [`FormEntry`].
fn form_entry(item: &Bound<'_, PyAny>) -> PyResult<FormEntry> {
    let text = item.is_instance_of::<PyString>()
        || item.is_instance_of::<PyBytes>()
        || item.is_instance_of::<PyByteArray>();
    match item.cast::<PySequence>() {
        Ok(pair) if !text => {
            let items = pair.len()?;
            if items != 2 {
                return Ok(FormEntry::NotAPair {
                    got: type_name(item),
                    items: Some(items),
                });
            }
            Ok(FormEntry::Pair(
                form_value(&pair.get_item(0)?, false)?,
                form_value(&pair.get_item(1)?, false)?,
            ))
        }
        _ => Ok(FormEntry::NotAPair {
            got: type_name(item),
            items: None,
        }),
    }
}

/// The form of argument `argument` as decoded pairs, through the core's one
/// conversion ([`x_api_auth::form_pairs`]): a mapping (values str, int,
/// float, bytes, or a list or tuple of those for a repeated key), an
/// iterable of (key, value) pairs, or an encoded form (str).
pub fn form(argument: &'static str, obj: &Bound<'_, PyAny>) -> PyResult<Vec<(String, String)>> {
    if let Some(pairs) = str_dict_pairs(obj) {
        return Ok(pairs);
    }
    let py = obj.py();
    if obj.is_instance_of::<PyString>() {
        let encoded: String = obj.extract().map_err(|e| reading(py, argument, e))?;
        return guard(py, || x_api_auth::parse_form(&encoded, argument));
    }
    let entries =
        (|| -> PyResult<Vec<FormEntry>> {
            if let Ok(dict) = obj.cast::<PyDict>() {
                return dict
                    .iter()
                    .map(|(k, v)| {
                        Ok(FormEntry::Pair(
                            form_value(&k, false)?,
                            form_value(&v, false)?,
                        ))
                    })
                    .collect();
            }
            if let Ok(mapping) = obj.cast::<PyMapping>() {
                return mapping
                    .items()?
                    .iter()
                    .map(|item| form_entry(&item))
                    .collect();
            }
            if obj.is_instance_of::<PyBytes>() || obj.is_instance_of::<PyByteArray>() {
                let expected = expected(argument);
                return Err(PyTypeError::new_err(format!(
                    "expected {expected}, got {}",
                    type_name(obj)
                )));
            }
            match obj.try_iter() {
                Ok(items) => items.map(|item| form_entry(&item?)).collect(),
                Err(e) if e.is_instance_of::<PyTypeError>(py) => Err(PyTypeError::new_err(
                    format!("expected {}, got {}", expected(argument), type_name(obj)),
                )),
                Err(e) => Err(e),
            }
        })()
        .map_err(|e| reading(py, argument, e))?;
    x_api_auth::form_pairs(argument, entries).map_err(|e| refused(py, e))
}

/// The pairs of a form that is exactly a `dict` of `str` keys and values
/// (the common call), read without the general path's conversions; `None`
/// for any other form (or a string that cannot be read), which the general
/// path of [`form`] then reads, or refuses with its error.
fn str_dict_pairs(obj: &Bound<'_, PyAny>) -> Option<Vec<(String, String)>> {
    let dict = obj.cast_exact::<PyDict>().ok()?;
    let mut pairs = Vec::with_capacity(dict.len());
    for (key, value) in dict.iter() {
        let text = |item: &Bound<'_, PyAny>| -> Option<String> {
            Some(
                item.cast_exact::<PyString>()
                    .ok()?
                    .to_cow()
                    .ok()?
                    .into_owned(),
            )
        };
        pairs.push((text(&key)?, text(&value)?));
    }
    Some(pairs)
}

/// `argument`'s form, when given.
pub fn optional_form(
    argument: &'static str,
    obj: Option<&Bound<'_, PyAny>>,
) -> PyResult<Option<Vec<(String, String)>>> {
    obj.map(|obj| form(argument, obj)).transpose()
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
    Err(type_error(
        obj.py(),
        "credential",
        format!(
            "expected OAuth1, BearerToken or OAuth2UserToken, got {}",
            type_name(obj)
        ),
    ))
}

/// A request body from `form` (any form [`form`] takes) or `json_body`
/// (any JSON value).
pub fn body(
    py: Python<'_>,
    form: Option<&Bound<'_, PyAny>>,
    json_body: Option<&Bound<'_, PyAny>>,
) -> PyResult<Body> {
    Ok(match (form, json_body) {
        (Some(_), Some(_)) => {
            return Err(to_py_err(py, conflicting_arguments("form", "json_body")));
        }
        (Some(form), None) => Body::Form(self::form("form", form)?),
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

/// The bytes of a `str` or bytes-like `content_type` (none for `None`).
fn text_bytes(argument: &'static str, value: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<u8>> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    let py = value.py();
    if value.is_instance_of::<PyString>() {
        let text: String = value.extract().map_err(|e| reading(py, argument, e))?;
        return Ok(text.into_bytes());
    }
    if let Ok(bytes) = value.cast::<PyBytes>() {
        return Ok(bytes.as_bytes().to_vec());
    }
    if let Ok(bytes) = value.cast::<PyByteArray>() {
        return Ok(bytes.to_vec());
    }
    Err(type_error(
        py,
        argument,
        format!("expected str or bytes, got {}", type_name(value)),
    ))
}

/// The `Authorization` header for a request any HTTP client is about to
/// send: OAuth 1.0a signs the method, URL and a form body (by
/// `content_type`), never a JSON one. `body` is the body as it will be sent
/// (str or bytes), or a form ([`form`]): it is then encoded as the core
/// encodes forms, and the content type is a form's.
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
    let content_type = text_bytes("content_type", content_type)?;
    let content_type = String::from_utf8_lossy(&content_type);
    let mut content_type = Some(content_type.as_ref()).filter(|ct| !ct.is_empty());
    let text = body.is_some_and(|b| {
        b.is_instance_of::<PyString>()
            || b.is_instance_of::<PyBytes>()
            || b.is_instance_of::<PyByteArray>()
    });
    let body = match body {
        Some(form) if !text => {
            let encoded = x_api_auth::encode_form(self::form("body", form)?);
            let form_type = content_type.get_or_insert(FORM_CONTENT_TYPE);
            let parts = RequestParts {
                content_type: Some(form_type),
                body: b"=",
                ..RequestParts::default()
            };
            if !matches!(x_api_auth::form_body(&parts), Ok(Some(_))) {
                return Err(invalid(
                    py,
                    "body",
                    format!(
                        "is a form (a mapping or pairs), which cannot be sent with content_type \
                         {form_type:?}: pass that body as str or bytes, or no content_type"
                    ),
                ));
            }
            encoded.into_bytes()
        }
        body => text_bytes("body", body)?,
    };
    let parts = RequestParts {
        method,
        url,
        content_type,
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
    /// The app's 24-hour window (`x-app-limit-24hour-*`) as `(limit,
    /// remaining, reset_at)`, when X sent it.
    app_24h: Option<(u64, u64, u64)>,
    /// The user's 24-hour window (`x-user-limit-24hour-*`) as `(limit,
    /// remaining, reset_at)`, when X sent it.
    user_24h: Option<(u64, u64, u64)>,
}

/// A successful API response.
#[pyclass(module = "x_api_auth._native", frozen, subclass)]
pub struct ApiResponse(pub x_api_auth::ApiResponse);

#[pymethods]
impl ApiResponse {
    /// The HTTP status code.
    #[getter]
    fn status(&self) -> u16 {
        self.0.status
    }

    /// The `x-rate-limit-*` headers, when X sent them.
    #[getter]
    fn rate_limit(&self) -> Option<RateLimit> {
        let window = |w: x_api_auth::RateWindow| (w.limit, w.remaining, w.reset_at);
        self.0.rate_limit.map(|r| RateLimit {
            limit: r.limit,
            remaining: r.remaining,
            reset_at: r.reset_at,
            app_24h: r.app_24h.map(window),
            user_24h: r.user_24h.map(window),
        })
    }

    /// The body, as bytes.
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

/// After a response with `status` and `headers` (a mapping or `(name, value)`
/// pairs, e.g. `response.headers`), how many seconds to wait before sending
/// it again when waiting on rate limits (tweepy's `wait_on_rate_limit`):
/// a number only for a 429 whose reset is within 15 minutes, else `None`.
#[pyfunction]
pub fn rate_limit_wait(
    py: Python<'_>,
    status: u16,
    headers: &Bound<'_, PyAny>,
) -> PyResult<Option<f64>> {
    let expected = || {
        crate::errors::type_error(
            py,
            "headers",
            "expected a mapping or (name, value) pairs of strings",
        )
    };
    let items = match headers.call_method0("items") {
        Ok(items) => items,
        Err(_) => headers.clone(),
    };
    let mut pairs: Vec<(String, String)> = Vec::new();
    for item in items.try_iter().map_err(|_| expected())? {
        let (name, value): (String, String) = item?.extract().map_err(|_| expected())?;
        pairs.push((name, value));
    }
    let now = x_api_auth::Clock::unix_seconds(&x_api_auth::SystemClock);
    Ok(x_api_auth::rate_limit_wait(status, &pairs, now).map(|d| d.as_secs_f64()))
}
