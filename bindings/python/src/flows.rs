//! Every flow over HTTP on one `XAuth`; network calls release the GIL.

use std::future::Future;

use pyo3::prelude::*;
use x_api_auth::oauth2::Scope;
use x_api_auth::{Error, XAuthSettings};

use crate::api::{ApiResponse, body, credential};
use crate::credentials::{AccessToken, BearerToken, ConsumerKeys, OAuth2Client, OAuth2UserToken};
use crate::errors::guard;
use crate::oauth1::{AccessTokenResponse, RequestToken};
use crate::oauth2::{PendingAuthorization, scope_names};

/// Runs a network call on the core's shared runtime with the GIL released;
/// a panic inside it becomes `InternalError`.
pub fn block<T: Send>(
    py: Python<'_>,
    future: impl Future<Output = Result<T, Error>> + Send,
) -> PyResult<T> {
    let result = py.detach(|| {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            x_api_auth::blocking::shared_runtime().and_then(|rt| rt.block_on(future))
        }))
    });
    guard(py, || {
        result.unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// A JSON value (parsed by the core, so at most 128 levels deep) as Python
/// values.
pub fn json_to_py(py: Python<'_>, value: &serde_json::Value) -> PyResult<Py<PyAny>> {
    let text = value.to_string();
    Ok(py.import("json")?.call_method1("loads", (text,))?.unbind())
}

/// Every flow over HTTP.
#[pyclass(module = "x_api_auth._native", frozen, subclass)]
pub struct XAuth(pub x_api_auth::XAuth);

#[pymethods]
impl XAuth {
    #[new]
    #[pyo3(signature = (api_base=None, web_base=None, timeout=None, simulated_clock_skew=None, *, insecure_allow_http=None, user_agent=None, proxy=None, ca_certs=None, wait_on_rate_limit=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        api_base: Option<String>,
        web_base: Option<String>,
        timeout: Option<f64>,
        simulated_clock_skew: Option<i64>,
        insecure_allow_http: Option<bool>,
        user_agent: Option<String>,
        proxy: Option<String>,
        ca_certs: Option<Vec<std::path::PathBuf>>,
        wait_on_rate_limit: Option<bool>,
    ) -> PyResult<Self> {
        let settings = XAuthSettings {
            api_base,
            web_base,
            timeout,
            simulated_clock_skew,
            insecure_allow_http,
            user_agent,
            binding: Some("python".to_owned()),
            proxy,
            ca_certs: ca_certs.map(|paths| {
                paths
                    .iter()
                    .map(|p| p.to_string_lossy().into_owned())
                    .collect()
            }),
            wait_on_rate_limit,
        };
        guard(py, || settings.build()).map(Self)
    }

    /// The `User-Agent` sent with every request.
    #[getter]
    fn user_agent(&self) -> &str {
        self.0.user_agent()
    }

    /// Seconds added to the local clock, learnt after a clock-skew error.
    #[getter]
    fn clock_offset(&self) -> i64 {
        self.0.clock_offset()
    }

    /// OAuth 1.0a step 1: obtains a request token. `callback` is a URL of the
    /// app's allow-list, or `oob` for a PIN; `access_type` is `read` or `write`.
    #[pyo3(signature = (consumer, callback, access_type=None))]
    fn request_token(
        &self,
        py: Python<'_>,
        consumer: &ConsumerKeys,
        callback: &str,
        access_type: Option<&str>,
    ) -> PyResult<RequestToken> {
        let future = self.0.request_token(&consumer.0, callback, access_type);
        block(py, future).map(RequestToken)
    }

    /// OAuth 1.0a step 2: the consent page's URL (always prompts). `force_login`
    /// asks for the password again; `screen_name` pre-fills it.
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

    /// OAuth 1.0a step 2, "Sign in with X": like `authorize_url`, but skips the
    /// prompt for a user who approved the app before.
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

    /// OAuth 1.0a step 3: exchanges the verifier (from `parse_callback`, or the
    /// PIN) for the user's Access Token & Secret.
    fn access_token(
        &self,
        py: Python<'_>,
        consumer: &ConsumerKeys,
        request_token: &RequestToken,
        verifier: &str,
    ) -> PyResult<AccessTokenResponse> {
        let verifier = x_api_auth::OAuthVerifier::new(verifier);
        let future = self
            .0
            .access_token(&consumer.0, &request_token.0, &verifier);
        block(py, future).map(|r| AccessTokenResponse {
            access_token: AccessToken(r.access_token),
            user_id: r.user_id,
            screen_name: r.screen_name,
            access_level: r.access_level,
        })
    }

    /// Revokes an OAuth 1.0a Access Token (`POST /1.1/oauth/invalidate_token`).
    fn invalidate_access_token(
        &self,
        py: Python<'_>,
        consumer: &ConsumerKeys,
        token: &AccessToken,
    ) -> PyResult<()> {
        block(py, self.0.invalidate_access_token(&consumer.0, &token.0))
    }

    /// Obtains the app's bearer token (OAuth 2.0 client credentials,
    /// `POST /oauth2/token`).
    fn obtain_bearer(&self, py: Python<'_>, consumer: &ConsumerKeys) -> PyResult<BearerToken> {
        block(py, self.0.obtain_bearer(&consumer.0)).map(BearerToken)
    }

    /// Invalidates the app's bearer token (`POST /oauth2/invalidate_token`).
    fn invalidate_bearer(
        &self,
        py: Python<'_>,
        consumer: &ConsumerKeys,
        bearer: &BearerToken,
    ) -> PyResult<()> {
        block(py, self.0.invalidate_bearer(&consumer.0, &bearer.0))
    }

    /// Starts an OAuth 2.0 Authorization Code with PKCE (S256) login: send the
    /// user to the result's `url`, then pass the callback to `finish_authorization`.
    /// `scopes`: a list or one space-separated string (`custom:NAME` for a new one).
    fn start_authorization(
        &self,
        py: Python<'_>,
        client: &OAuth2Client,
        redirect_uri: &str,
        scopes: &Bound<'_, PyAny>,
    ) -> PyResult<PendingAuthorization> {
        let names = scope_names(scopes)?;
        let scopes = guard(py, || Scope::parse_requested(&names))?;
        guard(py, || {
            self.0.start_authorization(&client.0, redirect_uri, &scopes)
        })
        .map(PendingAuthorization::new)
    }

    /// Finishes a PKCE login: checks the callback URL's `state`, exchanges the
    /// code for the user's token. `pending` can be used once.
    fn finish_authorization(
        &self,
        py: Python<'_>,
        client: &OAuth2Client,
        pending: &PendingAuthorization,
        callback: &str,
    ) -> PyResult<OAuth2UserToken> {
        let pending = pending.take(py)?;
        let future = self.0.finish_authorization(&client.0, pending, callback);
        block(py, future).map(OAuth2UserToken)
    }

    /// Refreshes a user token. X rotates refresh tokens: the result carries the
    /// new one and the old one is dead, so store the result at once.
    fn refresh(
        &self,
        py: Python<'_>,
        client: &OAuth2Client,
        token: &OAuth2UserToken,
    ) -> PyResult<OAuth2UserToken> {
        block(py, self.0.refresh(&client.0, &token.0)).map(OAuth2UserToken)
    }

    /// Revokes an OAuth 2.0 access or refresh token (`token_type_hint`:
    /// `access_token` or `refresh_token`).
    #[pyo3(signature = (client, token, token_type_hint="access_token"))]
    fn revoke(
        &self,
        py: Python<'_>,
        client: &OAuth2Client,
        token: &str,
        token_type_hint: &str,
    ) -> PyResult<()> {
        let hint = guard(py, || token_type_hint.parse())?;
        block(py, self.0.revoke(&client.0, token, hint))
    }

    /// Sends an authorised request; `form` (a dict or pairs) is signed with
    /// OAuth 1.0a, `json_body` (any JSON value) never is.
    #[pyo3(signature = (credential, method, path, *, form=None, json_body=None))]
    fn send(
        &self,
        py: Python<'_>,
        credential: &Bound<'_, PyAny>,
        method: &str,
        path: &str,
        form: Option<&Bound<'_, PyAny>>,
        json_body: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<ApiResponse> {
        let (credential, body) = (self::credential(credential)?, body(py, form, json_body)?);
        block(py, self.0.send(&credential, method, path, &body)).map(ApiResponse)
    }

    /// `GET /2/users/me`: checks a user credential; returns the decoded body.
    fn users_me(&self, py: Python<'_>, credential: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let credential = self::credential(credential)?;
        let user = block(py, self.0.users_me(&credential))?;
        json_to_py(py, &user)
    }

    /// `GET /2/users/by/username/{username}`: a public lookup that works with
    /// a bearer token; returns the decoded body.
    fn user_by_username(
        &self,
        py: Python<'_>,
        credential: &Bound<'_, PyAny>,
        username: &str,
    ) -> PyResult<Py<PyAny>> {
        let credential = self::credential(credential)?;
        let user = block(py, self.0.user_by_username(&credential, username))?;
        json_to_py(py, &user)
    }
}
