//! The credentials X hands out: API Key & Secret, Access Token & Secret,
//! Client ID & Secret, bearer tokens and OAuth 2.0 user tokens.

use pyo3::prelude::*;

use crate::errors::guard;
use crate::oauth2::scope_names;

fn redacted(name: &str, public: &str) -> String {
    format!("{name}({public}secret=[redacted])")
}

/// A value as Python's `repr()` shows it (`'text'`, `None`, `2000000000.0`,
/// `True`, `['tweet.read']`): the reprs of this module read as Python.
pub fn repr<'py>(py: Python<'py>, value: impl IntoPyObject<'py>) -> String {
    value
        .into_pyobject(py)
        .ok()
        .and_then(|object| pyo3::BoundObject::into_bound(object).into_any().repr().ok())
        .map_or_else(|| "?".to_owned(), |text| text.to_string())
}

/// API Key & Secret.
#[pyclass(module = "x_api_auth._native", frozen, subclass)]
#[derive(Clone)]
pub struct ConsumerKeys(pub x_api_auth::ConsumerKeys);

#[pymethods]
impl ConsumerKeys {
    #[new]
    fn new(py: Python<'_>, key: String, secret: String) -> PyResult<Self> {
        guard(py, || x_api_auth::ConsumerKeys::new(key, secret)).map(Self)
    }

    /// From `X_API_KEY` and `X_API_SECRET`.
    #[staticmethod]
    fn from_env(py: Python<'_>) -> PyResult<Self> {
        guard(py, x_api_auth::ConsumerKeys::from_env).map(Self)
    }

    /// The API Key (public).
    #[getter]
    fn key(&self) -> &str {
        self.0.key()
    }

    /// The API Key Secret, in clear.
    fn secret(&self) -> &str {
        self.0.secret().secret()
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        redacted("ConsumerKeys", &format!("key={}, ", repr(py, self.0.key())))
    }
}

/// Access Token & Secret (OAuth 1.0a).
#[pyclass(module = "x_api_auth._native", frozen, subclass)]
#[derive(Clone)]
pub struct AccessToken(pub x_api_auth::AccessToken);

#[pymethods]
impl AccessToken {
    #[new]
    fn new(py: Python<'_>, token: String, secret: String) -> PyResult<Self> {
        guard(py, || x_api_auth::AccessToken::new(token, secret)).map(Self)
    }

    /// From `X_ACCESS_TOKEN` and `X_ACCESS_TOKEN_SECRET`.
    #[staticmethod]
    fn from_env(py: Python<'_>) -> PyResult<Self> {
        guard(py, x_api_auth::AccessToken::from_env).map(Self)
    }

    /// The Access Token (public: it starts with the user's id).
    #[getter]
    fn token(&self) -> &str {
        self.0.token()
    }

    /// The user's id, read from the Access Token's prefix (None when it has none).
    #[getter]
    fn user_id(&self) -> Option<&str> {
        self.0.user_id()
    }

    /// The Access Token Secret, in clear.
    fn secret(&self) -> &str {
        self.0.secret().secret()
    }

    pub fn __repr__(&self, py: Python<'_>) -> String {
        redacted(
            "AccessToken",
            &format!("token={}, ", repr(py, self.0.token())),
        )
    }
}

/// Client ID & (for confidential clients) Client Secret.
#[pyclass(module = "x_api_auth._native", frozen, subclass)]
#[derive(Clone)]
pub struct OAuth2Client(pub x_api_auth::OAuth2Client);

#[pymethods]
impl OAuth2Client {
    #[new]
    #[pyo3(signature = (client_id, client_secret=None))]
    fn new(py: Python<'_>, client_id: String, client_secret: Option<String>) -> PyResult<Self> {
        guard(py, || match client_secret {
            Some(secret) => x_api_auth::OAuth2Client::confidential(client_id, secret),
            None => x_api_auth::OAuth2Client::public(client_id),
        })
        .map(Self)
    }

    /// From `X_CLIENT_ID` and, when set, `X_CLIENT_SECRET`.
    #[staticmethod]
    fn from_env(py: Python<'_>) -> PyResult<Self> {
        guard(py, x_api_auth::OAuth2Client::from_env).map(Self)
    }

    /// The OAuth 2.0 Client ID (public).
    #[getter]
    fn client_id(&self) -> &str {
        self.0.client_id()
    }

    /// Whether the client has a Client Secret (a confidential client).
    #[getter]
    fn is_confidential(&self) -> bool {
        self.0.is_confidential()
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "OAuth2Client(client_id={}, confidential={})",
            repr(py, self.0.client_id()),
            repr(py, self.0.is_confidential())
        )
    }
}

/// An app-only bearer token.
#[pyclass(module = "x_api_auth._native", frozen, subclass)]
#[derive(Clone)]
pub struct BearerToken(pub x_api_auth::BearerToken);

#[pymethods]
impl BearerToken {
    #[new]
    fn new(token: String) -> Self {
        Self(x_api_auth::BearerToken::new(token))
    }

    /// From `X_BEARER_TOKEN`.
    #[staticmethod]
    fn from_env(py: Python<'_>) -> PyResult<Self> {
        guard(py, x_api_auth::BearerToken::from_env).map(Self)
    }

    /// The token, in clear.
    fn secret(&self) -> &str {
        self.0.secret()
    }

    /// `Bearer <token>`.
    fn authorization_header(&self, py: Python<'_>) -> PyResult<String> {
        guard(py, || self.0.authorization_header())
    }

    fn __eq__(&self, other: &Self) -> bool {
        self.0 == other.0
    }

    fn __hash__(&self) -> u64 {
        0
    }

    fn __repr__(&self) -> &'static str {
        "BearerToken([redacted])"
    }
}

/// An OAuth 2.0 user token.
#[pyclass(module = "x_api_auth._native", frozen, subclass)]
#[derive(Clone)]
pub struct OAuth2UserToken(pub x_api_auth::OAuth2UserToken);

#[pymethods]
impl OAuth2UserToken {
    /// `scopes`: those X granted, as a list or one space-separated string,
    /// kept as X names them (not checked: X may grant scopes newer than
    /// this release).
    #[new]
    #[pyo3(signature = (access_token, refresh_token=None, expires_at=None, scopes=None))]
    fn new(
        access_token: String,
        refresh_token: Option<String>,
        expires_at: Option<f64>,
        scopes: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let names = scopes.map(scope_names).transpose()?.unwrap_or_default();
        let scopes = names
            .iter()
            .flat_map(|n| x_api_auth::oauth2::Scope::parse_list(n))
            .map(|s| s.as_str().to_owned());
        Ok(Self(x_api_auth::OAuth2UserToken::from_parts(
            access_token,
            refresh_token,
            expires_at,
            scopes,
        )))
    }

    /// The access token, in clear.
    fn access_token(&self) -> &str {
        self.0.access_token.secret()
    }

    /// The refresh token, in clear (only with `offline.access`).
    fn refresh_token(&self) -> Option<&str> {
        self.0.refresh_token.as_ref().map(|t| t.secret())
    }

    /// Expiry as Unix seconds, if known.
    #[getter]
    fn expires_at(&self) -> Option<f64> {
        self.0.expires_at_unix()
    }

    /// The scopes X granted, e.g. `["tweet.read", "users.read"]`.
    #[getter]
    fn scopes(&self) -> Vec<String> {
        self.0.scopes.iter().map(ToString::to_string).collect()
    }

    /// Whether the token expires within `seconds` from now.
    fn expires_within(&self, seconds: f64) -> bool {
        self.0.expires_within_secs(seconds)
    }

    /// `Bearer <access token>`.
    fn authorization_header(&self, py: Python<'_>) -> PyResult<String> {
        guard(py, || self.0.authorization_header())
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let refresh = match self.0.refresh_token {
            Some(_) => "[redacted]",
            None => "None",
        };
        format!(
            "OAuth2UserToken(access_token=[redacted], refresh_token={refresh}, expires_at={}, scopes={})",
            repr(py, self.expires_at()),
            repr(py, self.scopes())
        )
    }
}
