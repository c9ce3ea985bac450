//! `x_api_auth._native`: the Rust core for Python. Types and errors are
//! converted here; behaviour lives in the `x-api-auth` crate.

mod errors;

use std::future::Future;
use std::time::{Duration, UNIX_EPOCH};

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use x_api_auth::oauth2::{Scope, TokenTypeHint};
use x_api_auth::{Body, Credential, Error, SignableRequest};

use errors::{guard, internal, invalid, to_py_err};

/// Runs a network call with the GIL released.
fn block<T: Send>(
    py: Python<'_>,
    future: impl Future<Output = Result<T, Error>> + Send,
) -> PyResult<T> {
    let result =
        py.detach(|| x_api_auth::blocking::shared_runtime().and_then(|rt| rt.block_on(future)));
    guard(py, || result)
}

/// Decoded `(key, value)` pairs from a dict or an iterable of pairs.
fn pairs(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<(String, String)>> {
    let Some(obj) = obj else {
        return Ok(Vec::new());
    };
    if let Ok(dict) = obj.cast::<PyDict>() {
        return dict
            .iter()
            .map(|(k, v)| Ok((k.extract()?, v.extract()?)))
            .collect();
    }
    obj.try_iter()?
        .map(|item| item?.extract::<(String, String)>())
        .collect()
}

fn redacted(name: &str, public: &str) -> String {
    format!("{name}({public}secret=[redacted])")
}

/// API Key & Secret.
#[pyclass(module = "x_api_auth._native", frozen, subclass)]
#[derive(Clone)]
pub struct ConsumerKeys(x_api_auth::ConsumerKeys);

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

    #[getter]
    fn key(&self) -> &str {
        self.0.key()
    }

    /// The API Key Secret, in clear.
    fn secret(&self) -> &str {
        self.0.secret().secret()
    }

    fn __repr__(&self) -> String {
        redacted("ConsumerKeys", &format!("key={:?}, ", self.0.key()))
    }
}

/// Access Token & Secret (OAuth 1.0a).
#[pyclass(module = "x_api_auth._native", frozen, subclass)]
#[derive(Clone)]
pub struct AccessToken(x_api_auth::AccessToken);

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

    #[getter]
    fn token(&self) -> &str {
        self.0.token()
    }

    #[getter]
    fn user_id(&self) -> Option<&str> {
        self.0.user_id()
    }

    /// The Access Token Secret, in clear.
    fn secret(&self) -> &str {
        self.0.secret().secret()
    }

    fn __repr__(&self) -> String {
        redacted("AccessToken", &format!("token={:?}, ", self.0.token()))
    }
}

/// Client ID & (for confidential clients) Client Secret.
#[pyclass(module = "x_api_auth._native", frozen, subclass)]
#[derive(Clone)]
pub struct OAuth2Client(x_api_auth::OAuth2Client);

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

    #[getter]
    fn client_id(&self) -> &str {
        self.0.client_id()
    }

    #[getter]
    fn is_confidential(&self) -> bool {
        self.0.is_confidential()
    }

    fn __repr__(&self) -> String {
        format!(
            "OAuth2Client(client_id={:?}, confidential={})",
            self.0.client_id(),
            self.0.is_confidential()
        )
    }
}

/// An app-only bearer token.
#[pyclass(module = "x_api_auth._native", frozen, subclass)]
#[derive(Clone)]
pub struct BearerToken(x_api_auth::BearerToken);

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
pub struct OAuth2UserToken(x_api_auth::OAuth2UserToken);

#[pymethods]
impl OAuth2UserToken {
    #[new]
    #[pyo3(signature = (access_token, refresh_token=None, expires_at=None, scopes=None))]
    fn new(
        access_token: String,
        refresh_token: Option<String>,
        expires_at: Option<f64>,
        scopes: Option<Vec<String>>,
    ) -> Self {
        let mut token = x_api_auth::OAuth2UserToken::new(access_token);
        token.refresh_token = refresh_token.map(x_api_auth::RefreshToken::new);
        token.expires_at = expires_at
            .filter(|s| s.is_finite() && (0.0..1e12).contains(s))
            .map(|s| UNIX_EPOCH + Duration::from_secs_f64(s));
        token.scopes = scopes
            .unwrap_or_default()
            .into_iter()
            .map(Scope::new)
            .collect();
        Self(token)
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
        self.0
            .expires_at
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map(|d| d.as_secs_f64())
    }

    #[getter]
    fn scopes(&self) -> Vec<String> {
        self.0
            .scopes
            .iter()
            .map(|s| s.as_str().to_owned())
            .collect()
    }

    /// Whether the token expires within `seconds` from now.
    fn expires_within(&self, seconds: f64) -> bool {
        let seconds = if seconds.is_nan() {
            0.0
        } else {
            seconds.clamp(0.0, 1e12)
        };
        let margin = Duration::from_secs_f64(seconds);
        self.0.expires_within(margin, std::time::SystemTime::now())
    }

    fn __repr__(&self) -> String {
        format!(
            "OAuth2UserToken(access_token=[redacted], refresh_token={}, expires_at={:?}, scopes={:?})",
            if self.0.refresh_token.is_some() {
                "[redacted]"
            } else {
                "None"
            },
            self.expires_at(),
            self.scopes()
        )
    }
}

/// The result of signing.
#[pyclass(module = "x_api_auth._native", frozen, get_all)]
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
    fn __repr__(&self) -> String {
        format!(
            "SignedRequest(authorization=[redacted], nonce={:?}, timestamp={})",
            self.nonce, self.timestamp
        )
    }
}

/// An OAuth 1.0a signer.
#[pyclass(module = "x_api_auth._native", frozen, subclass)]
#[derive(Clone)]
pub struct OAuth1(x_api_auth::OAuth1);

#[pymethods]
impl OAuth1 {
    #[new]
    #[pyo3(signature = (consumer_key, consumer_secret, token=None, token_secret=None, signature_method="HMAC-SHA1", *, realm=None, include_version=true))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        consumer_key: String,
        consumer_secret: String,
        token: Option<String>,
        token_secret: Option<String>,
        signature_method: &str,
        realm: Option<String>,
        include_version: bool,
    ) -> PyResult<Self> {
        guard(py, || {
            let mut signer = x_api_auth::OAuth1::new(x_api_auth::ConsumerKeys::new(
                consumer_key,
                consumer_secret,
            )?)
            .with_signature_method(signature_method.parse()?)
            .with_version_param(include_version);
            if let Some(realm) = realm {
                signer = signer.with_realm(realm)?;
            }
            match (token, token_secret) {
                (Some(t), Some(s)) => {
                    signer = signer.with_token(x_api_auth::AccessToken::new(t, s)?)
                }
                (None, None) => {}
                _ => {
                    return Err(Error::InvalidInput {
                        field: "token",
                        reason: "token and token_secret go together".to_owned(),
                    });
                }
            }
            Ok(Self(signer))
        })
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
    #[pyo3(signature = (method, url, *, form=None, form_body=None, nonce=None, timestamp=None, callback=None, verifier=None))]
    #[allow(clippy::too_many_arguments)]
    fn authorization_header(
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
    ) -> PyResult<String> {
        Ok(self
            .sign(
                py, method, url, form, form_body, nonce, timestamp, callback, verifier,
            )?
            .authorization)
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
        let form = pairs(form)?;
        guard(py, || {
            let mut request = SignableRequest::new(method, url)
                .form(form.iter().map(|(k, v)| (k.as_str(), v.as_str())));
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
            let signed = self.0.sign(&request)?;
            Ok(SignedRequest {
                authorization: signed.authorization,
                base_string: signed.base_string,
                nonce: signed.nonce,
                timestamp: signed.timestamp,
            })
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "OAuth1(consumer_key={:?}, token={:?}, signature_method={:?}, secrets=[redacted])",
            self.0.consumer().key(),
            self.0.token().map(|t| t.token()),
            self.0.signature_method().as_str()
        )
    }
}

/// The temporary credentials of the 3-legged flow.
#[pyclass(module = "x_api_auth._native", frozen)]
pub struct RequestToken(x_api_auth::oauth1::RequestToken);

#[pymethods]
impl RequestToken {
    #[getter]
    fn token(&self) -> &str {
        &self.0.token
    }

    /// The request token secret, in clear.
    fn secret(&self) -> &str {
        self.0.secret.secret()
    }

    fn __repr__(&self) -> String {
        redacted("RequestToken", &format!("token={:?}, ", self.0.token))
    }
}

/// The user's access token from the 3-legged flow.
#[pyclass(module = "x_api_auth._native", frozen, get_all)]
pub struct AccessTokenResponse {
    /// The access token and secret.
    access_token: AccessToken,
    /// The user's id.
    user_id: Option<String>,
    /// The user's handle.
    screen_name: Option<String>,
}

#[pymethods]
impl AccessTokenResponse {
    fn __repr__(&self) -> String {
        format!(
            "AccessTokenResponse(access_token={}, user_id={:?}, screen_name={:?})",
            self.access_token.__repr__(),
            self.user_id,
            self.screen_name
        )
    }
}

/// An OAuth 2.0 authorization in progress.
#[pyclass(module = "x_api_auth._native", subclass)]
pub struct PendingAuthorization(Option<x_api_auth::PendingAuthorization>);

impl PendingAuthorization {
    fn take(&mut self, py: Python<'_>) -> PyResult<x_api_auth::PendingAuthorization> {
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

/// X's rate-limit headers.
#[pyclass(module = "x_api_auth._native", frozen, get_all)]
pub struct RateLimit {
    /// `x-rate-limit-limit`.
    limit: u64,
    /// `x-rate-limit-remaining`.
    remaining: u64,
    /// `x-rate-limit-reset` (Unix seconds).
    reset: u64,
}

/// A successful API response.
#[pyclass(module = "x_api_auth._native", frozen)]
pub struct ApiResponse(x_api_auth::ApiResponse);

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
            reset: r.reset,
        })
    }

    #[getter]
    fn body<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.body)
    }

    /// The body decoded as JSON.
    fn json(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(py
            .import("json")?
            .call_method1("loads", (PyBytes::new(py, &self.0.body),))?
            .unbind())
    }

    /// The body as text.
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.body).into_owned()
    }
}

fn credential(obj: &Bound<'_, PyAny>) -> PyResult<Credential> {
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

fn body(py: Python<'_>, form: Option<&Bound<'_, PyAny>>, json: Option<&str>) -> PyResult<Body> {
    Ok(match (form, json) {
        (Some(form), None) => Body::Form(pairs(Some(form))?),
        (None, Some(text)) => Body::Json(
            serde_json::from_str(text)
                .map_err(|_| invalid(py, "json_text", "is not valid JSON"))?,
        ),
        (None, None) => Body::Empty,
        (Some(_), Some(_)) => {
            return Err(invalid(py, "body", "pass form or json, not both"));
        }
    })
}

fn hint(py: Python<'_>, hint: &str) -> PyResult<TokenTypeHint> {
    match hint {
        "access_token" => Ok(TokenTypeHint::AccessToken),
        "refresh_token" => Ok(TokenTypeHint::RefreshToken),
        _ => Err(invalid(
            py,
            "token_type_hint",
            "must be access_token or refresh_token",
        )),
    }
}

/// Every flow over HTTP.
#[pyclass(module = "x_api_auth._native", frozen, subclass)]
pub struct XAuth(x_api_auth::XAuth);

#[pymethods]
impl XAuth {
    #[new]
    #[pyo3(signature = (api_base="https://api.x.com", web_base="https://x.com", timeout=30.0, simulated_clock_skew=0))]
    fn new(
        py: Python<'_>,
        api_base: &str,
        web_base: &str,
        timeout: f64,
        simulated_clock_skew: i64,
    ) -> PyResult<Self> {
        if !(timeout.is_finite() && timeout > 0.0) {
            return Err(invalid(
                py,
                "timeout",
                "must be a positive number of seconds",
            ));
        }
        let timeout = Duration::from_secs_f64(timeout.min(86_400.0));
        guard(py, || {
            x_api_auth::XAuth::with_base_urls(api_base, web_base, timeout)
        })
        .map(|x| match simulated_clock_skew {
            0 => x,
            skew => x.with_clock(std::sync::Arc::new(x_api_auth::OffsetClock::new(skew))),
        })
        .map(Self)
    }

    /// Seconds added to the local clock, learnt after a clock-skew error.
    #[getter]
    fn clock_offset(&self) -> i64 {
        self.0.clock_offset()
    }

    #[pyo3(signature = (consumer, callback, access_type=None))]
    fn request_token(
        &self,
        py: Python<'_>,
        consumer: &ConsumerKeys,
        callback: &str,
        access_type: Option<&str>,
    ) -> PyResult<RequestToken> {
        let (x, consumer) = (self.0.clone(), consumer.0.clone());
        let (callback, access_type) = (callback.to_owned(), access_type.map(str::to_owned));
        block(py, async move {
            x.request_token(&consumer, &callback, access_type.as_deref())
                .await
        })
        .map(RequestToken)
    }

    #[pyo3(signature = (request_token, force_login=false, screen_name=None))]
    fn authorize_url(
        &self,
        request_token: &RequestToken,
        force_login: bool,
        screen_name: Option<&str>,
    ) -> String {
        self.0
            .authorize_url(&request_token.0, force_login, screen_name)
    }

    #[pyo3(signature = (request_token, force_login=false, screen_name=None))]
    fn authenticate_url(
        &self,
        request_token: &RequestToken,
        force_login: bool,
        screen_name: Option<&str>,
    ) -> String {
        self.0
            .authenticate_url(&request_token.0, force_login, screen_name)
    }

    /// Checks the OAuth 1.0a callback URL (or query) and returns the verifier.
    fn parse_callback(
        &self,
        py: Python<'_>,
        callback: &str,
        request_token: &RequestToken,
    ) -> PyResult<String> {
        guard(py, || {
            x_api_auth::oauth1::parse_callback(callback, &request_token.0.token)
        })
        .map(|v| v.secret().to_owned())
    }

    fn access_token(
        &self,
        py: Python<'_>,
        consumer: &ConsumerKeys,
        request_token: &RequestToken,
        verifier: &str,
    ) -> PyResult<AccessTokenResponse> {
        let (x, consumer) = (self.0.clone(), consumer.0.clone());
        let request_token = x_api_auth::oauth1::RequestToken {
            token: request_token.0.token.clone(),
            secret: request_token.0.secret.clone(),
        };
        let verifier = x_api_auth::OAuthVerifier::new(verifier);
        block(py, async move {
            x.access_token(&consumer, &request_token, &verifier).await
        })
        .map(|r| AccessTokenResponse {
            access_token: AccessToken(r.access_token),
            user_id: r.user_id,
            screen_name: r.screen_name,
        })
    }

    fn invalidate_access_token(
        &self,
        py: Python<'_>,
        consumer: &ConsumerKeys,
        token: &AccessToken,
    ) -> PyResult<()> {
        let (x, consumer, token) = (self.0.clone(), consumer.0.clone(), token.0.clone());
        block(py, async move {
            x.invalidate_access_token(&consumer, &token).await
        })
    }

    fn obtain_bearer(&self, py: Python<'_>, consumer: &ConsumerKeys) -> PyResult<BearerToken> {
        let (x, consumer) = (self.0.clone(), consumer.0.clone());
        block(py, async move { x.obtain_bearer(&consumer).await }).map(BearerToken)
    }

    fn invalidate_bearer(
        &self,
        py: Python<'_>,
        consumer: &ConsumerKeys,
        bearer: &BearerToken,
    ) -> PyResult<()> {
        let (x, consumer, bearer) = (self.0.clone(), consumer.0.clone(), bearer.0.clone());
        block(
            py,
            async move { x.invalidate_bearer(&consumer, &bearer).await },
        )
    }

    fn start_authorization(
        &self,
        py: Python<'_>,
        client: &OAuth2Client,
        redirect_uri: &str,
        scopes: Vec<String>,
    ) -> PyResult<PendingAuthorization> {
        let scopes: Vec<Scope> = scopes.into_iter().map(Scope::new).collect();
        guard(py, || {
            self.0.start_authorization(&client.0, redirect_uri, &scopes)
        })
        .map(|p| PendingAuthorization(Some(p)))
    }

    fn finish_authorization(
        &self,
        py: Python<'_>,
        client: &OAuth2Client,
        mut pending: PyRefMut<'_, PendingAuthorization>,
        callback: &str,
    ) -> PyResult<OAuth2UserToken> {
        let pending = pending.take(py)?;
        let (x, client, callback) = (self.0.clone(), client.0.clone(), callback.to_owned());
        block(py, async move {
            x.finish_authorization(&client, pending, &callback).await
        })
        .map(OAuth2UserToken)
    }

    fn refresh(
        &self,
        py: Python<'_>,
        client: &OAuth2Client,
        token: &OAuth2UserToken,
    ) -> PyResult<OAuth2UserToken> {
        let (x, client, token) = (self.0.clone(), client.0.clone(), token.0.clone());
        block(py, async move { x.refresh(&client, &token).await }).map(OAuth2UserToken)
    }

    #[pyo3(signature = (client, token, token_type_hint="access_token"))]
    fn revoke(
        &self,
        py: Python<'_>,
        client: &OAuth2Client,
        token: &str,
        token_type_hint: &str,
    ) -> PyResult<()> {
        let hint = hint(py, token_type_hint)?;
        let (x, client, token) = (self.0.clone(), client.0.clone(), token.to_owned());
        block(py, async move { x.revoke(&client, &token, hint).await })
    }

    /// Sends an authorised request; `form` is signed with OAuth 1.0a,
    /// `json_text` (a JSON document) never is.
    #[pyo3(signature = (credential, method, path, *, form=None, json_text=None))]
    fn send(
        &self,
        py: Python<'_>,
        credential: &Bound<'_, PyAny>,
        method: &str,
        path: &str,
        form: Option<&Bound<'_, PyAny>>,
        json_text: Option<&str>,
    ) -> PyResult<ApiResponse> {
        let credential = self::credential(credential)?;
        let body = self::body(py, form, json_text)?;
        let (x, method, path) = (self.0.clone(), method.to_owned(), path.to_owned());
        block(py, async move {
            x.send(&credential, &method, &path, &body).await
        })
        .map(ApiResponse)
    }

    /// `GET /2/users/me`, the response body as JSON text.
    fn users_me(&self, py: Python<'_>, credential: &Bound<'_, PyAny>) -> PyResult<String> {
        let (x, credential) = (self.0.clone(), self::credential(credential)?);
        block(py, async move { x.users_me(&credential).await }).map(|v| v.to_string())
    }

    /// `GET /2/users/by/username/{username}`, the response body as JSON text.
    fn user_by_username(
        &self,
        py: Python<'_>,
        credential: &Bound<'_, PyAny>,
        username: &str,
    ) -> PyResult<String> {
        let (x, credential, username) = (
            self.0.clone(),
            self::credential(credential)?,
            username.to_owned(),
        );
        block(py, async move {
            x.user_by_username(&credential, &username).await
        })
        .map(|v| v.to_string())
    }
}

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
        let config: x_api_auth_sandbox::SandboxConfig = match config_json {
            Some(text) => serde_json::from_str(text)
                .map_err(|e| invalid(py, "sandbox configuration", e.to_string()))?,
            None => Default::default(),
        };
        let started = py.detach(|| {
            x_api_auth::blocking::shared_runtime().and_then(|rt| {
                rt.block_on(x_api_auth_sandbox::Sandbox::start(config))
                    .map_err(|e| Error::Transport {
                        reason: format!("cannot start the sandbox: {e}"),
                        timeout: false,
                    })
            })
        });
        guard(py, || started).map(|s| Self(Some(s)))
    }

    /// `{"base_url": …, "apps": […], "users": […]}` as JSON text.
    fn describe(&self) -> String {
        self.0.as_ref().map(|s| s.describe()).unwrap_or_default()
    }

    /// Moves the sandbox's clock forward: codes expire after 30 s, access
    /// tokens after 7200 s.
    fn advance_clock(&self, seconds: u64) -> bool {
        self.0
            .as_ref()
            .is_some_and(|s| s.advance_clock(Duration::from_secs(seconds)))
    }

    /// Stops the server.
    fn stop(&mut self) {
        self.0 = None;
    }
}

/// `sha256=…`: the answer to a webhook CRC challenge.
#[pyfunction]
fn crc_response_token(consumer_secret: &str, crc_token: &str) -> String {
    x_api_auth::webhook::crc_response_token(
        &x_api_auth::ConsumerSecret::new(consumer_secret),
        crc_token,
    )
}

/// Verifies `x-twitter-webhooks-signature` over the raw body; raises on mismatch.
#[pyfunction]
fn verify_webhook_signature(
    py: Python<'_>,
    consumer_secret: &str,
    body: &[u8],
    signature: &str,
) -> PyResult<()> {
    guard(py, || {
        x_api_auth::webhook::verify_signature(
            &x_api_auth::ConsumerSecret::new(consumer_secret),
            body,
            signature,
        )
    })
}

/// The exception X's error response (any shape) maps to.
#[pyfunction]
fn parse_error(py: Python<'_>, status: u16, body: &[u8]) -> PyErr {
    to_py_err(py, x_api_auth::ApiError::parse(status, body).into())
}

/// RFC 3986 percent-encoding as OAuth 1.0a requires it.
#[pyfunction]
fn percent_encode(value: &str) -> String {
    x_api_auth::percent_encode(value)
}

/// The `Basic …` header for an id and a secret (RFC 6749 §2.3.1).
#[pyfunction]
fn basic_authorization(id: &str, secret: &str) -> String {
    x_api_auth::oauth2::basic_authorization(id, secret).to_string()
}

/// The PKCE challenge of a verifier (`S256` or `plain`).
#[pyfunction]
#[pyo3(signature = (verifier, method="S256"))]
fn pkce_challenge(py: Python<'_>, verifier: &str, method: &str) -> PyResult<String> {
    let method = match method {
        "S256" => x_api_auth::oauth2::PkceMethod::S256,
        "plain" => x_api_auth::oauth2::PkceMethod::Plain,
        _ => return Err(invalid(py, "method", "must be S256 or plain")),
    };
    guard(py, || {
        Ok(x_api_auth::PkceCodeVerifier::new(verifier)?
            .challenge(method)
            .value)
    })
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<ConsumerKeys>()?;
    m.add_class::<AccessToken>()?;
    m.add_class::<OAuth2Client>()?;
    m.add_class::<BearerToken>()?;
    m.add_class::<OAuth2UserToken>()?;
    m.add_class::<OAuth1>()?;
    m.add_class::<SignedRequest>()?;
    m.add_class::<RequestToken>()?;
    m.add_class::<AccessTokenResponse>()?;
    m.add_class::<PendingAuthorization>()?;
    m.add_class::<RateLimit>()?;
    m.add_class::<ApiResponse>()?;
    m.add_class::<XAuth>()?;
    m.add_class::<Sandbox>()?;
    m.add_function(wrap_pyfunction!(crc_response_token, m)?)?;
    m.add_function(wrap_pyfunction!(verify_webhook_signature, m)?)?;
    m.add_function(wrap_pyfunction!(parse_error, m)?)?;
    m.add_function(wrap_pyfunction!(percent_encode, m)?)?;
    m.add_function(wrap_pyfunction!(basic_authorization, m)?)?;
    m.add_function(wrap_pyfunction!(pkce_challenge, m)?)?;
    Ok(())
}
