//! Blocking variants of every flow, for scripts and synchronous callers:
//! each method runs the async one on a private current-thread runtime.

use std::future::Future;
use std::sync::OnceLock;
use std::time::Duration;

use crate::client::{ApiResponse, Body, Credential, PendingAuthorization, XAuth};
use crate::credentials::{AccessToken, ConsumerKeys, OAuth2Client, OAuth2UserToken};
use crate::error::{Error, Result};
use crate::oauth1::{AccessTokenResponse, RequestToken};
use crate::oauth2::{Scope, TokenTypeHint};
use crate::secret::{BearerToken, OAuthVerifier};

/// [`XAuth`] with blocking methods. Do not call it from inside an async
/// runtime: use [`XAuth`] there.
///
/// ```no_run
/// use x_api_auth::{ConsumerKeys, blocking::XAuthBlocking};
/// let x = XAuthBlocking::new()?;
/// let bearer = x.obtain_bearer(&ConsumerKeys::from_env()?)?;
/// # Ok::<(), x_api_auth::Error>(())
/// ```
#[derive(Debug)]
pub struct XAuthBlocking {
    inner: XAuth,
    runtime: &'static tokio::runtime::Runtime,
}

/// The I/O runtime shared by every blocking call of the process (and by the
/// Python and Node bindings): two worker threads, started on first use.
/// Call `block_on` on it only from threads that are not themselves inside a
/// Tokio runtime.
pub fn shared_runtime() -> Result<&'static tokio::runtime::Runtime> {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    if let Some(rt) = RUNTIME.get() {
        return Ok(rt);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("x-api-auth-io")
        .enable_all()
        .build()
        .map_err(|e| Error::Transport {
            reason: format!("cannot start the I/O runtime: {e}"),
            timeout: false,
        })?;
    Ok(RUNTIME.get_or_init(|| rt))
}

impl XAuthBlocking {
    /// A blocking client for X.
    pub fn new() -> Result<Self> {
        Self::from_async(XAuth::new()?)
    }

    /// A blocking client for other hosts (the sandbox, a proxy).
    pub fn with_base_urls(api_base: &str, web_base: &str, timeout: Duration) -> Result<Self> {
        Self::from_async(XAuth::with_base_urls(api_base, web_base, timeout)?)
    }

    /// Wraps an async client.
    pub fn from_async(inner: XAuth) -> Result<Self> {
        Ok(Self {
            inner,
            runtime: shared_runtime()?,
        })
    }

    /// The async client inside.
    pub fn as_async(&self) -> &XAuth {
        &self.inner
    }

    fn run<T>(&self, future: impl Future<Output = Result<T>>) -> Result<T> {
        self.runtime.block_on(future)
    }

    /// See [`XAuth::request_token`].
    pub fn request_token(
        &self,
        consumer: &ConsumerKeys,
        callback: &str,
        access_type: Option<&str>,
    ) -> Result<RequestToken> {
        self.run(self.inner.request_token(consumer, callback, access_type))
    }

    /// See [`XAuth::authorize_url`].
    pub fn authorize_url(
        &self,
        request_token: &RequestToken,
        force_login: bool,
        screen_name: Option<&str>,
    ) -> String {
        self.inner
            .authorize_url(request_token, force_login, screen_name)
    }

    /// See [`XAuth::authenticate_url`].
    pub fn authenticate_url(
        &self,
        request_token: &RequestToken,
        force_login: bool,
        screen_name: Option<&str>,
    ) -> String {
        self.inner
            .authenticate_url(request_token, force_login, screen_name)
    }

    /// See [`XAuth::access_token`].
    pub fn access_token(
        &self,
        consumer: &ConsumerKeys,
        request_token: &RequestToken,
        verifier: &OAuthVerifier,
    ) -> Result<AccessTokenResponse> {
        self.run(self.inner.access_token(consumer, request_token, verifier))
    }

    /// See [`XAuth::invalidate_access_token`].
    pub fn invalidate_access_token(
        &self,
        consumer: &ConsumerKeys,
        token: &AccessToken,
    ) -> Result<()> {
        self.run(self.inner.invalidate_access_token(consumer, token))
    }

    /// See [`XAuth::obtain_bearer`].
    pub fn obtain_bearer(&self, consumer: &ConsumerKeys) -> Result<BearerToken> {
        self.run(self.inner.obtain_bearer(consumer))
    }

    /// See [`XAuth::invalidate_bearer`].
    pub fn invalidate_bearer(&self, consumer: &ConsumerKeys, bearer: &BearerToken) -> Result<()> {
        self.run(self.inner.invalidate_bearer(consumer, bearer))
    }

    /// See [`XAuth::start_authorization`].
    pub fn start_authorization(
        &self,
        client: &OAuth2Client,
        redirect_uri: &str,
        scopes: &[Scope],
    ) -> Result<PendingAuthorization> {
        self.inner.start_authorization(client, redirect_uri, scopes)
    }

    /// See [`XAuth::finish_authorization`].
    pub fn finish_authorization(
        &self,
        client: &OAuth2Client,
        pending: PendingAuthorization,
        callback: &str,
    ) -> Result<OAuth2UserToken> {
        self.run(self.inner.finish_authorization(client, pending, callback))
    }

    /// See [`XAuth::refresh`].
    pub fn refresh(
        &self,
        client: &OAuth2Client,
        token: &OAuth2UserToken,
    ) -> Result<OAuth2UserToken> {
        self.run(self.inner.refresh(client, token))
    }

    /// See [`XAuth::revoke`].
    pub fn revoke(&self, client: &OAuth2Client, token: &str, hint: TokenTypeHint) -> Result<()> {
        self.run(self.inner.revoke(client, token, hint))
    }

    /// See [`XAuth::send`].
    pub fn send(
        &self,
        credential: &Credential,
        method: &str,
        path: &str,
        body: &Body,
    ) -> Result<ApiResponse> {
        self.run(self.inner.send(credential, method, path, body))
    }

    /// See [`XAuth::users_me`].
    pub fn users_me(&self, credential: &Credential) -> Result<serde_json::Value> {
        self.run(self.inner.users_me(credential))
    }

    /// See [`XAuth::user_by_username`].
    pub fn user_by_username(
        &self,
        credential: &Credential,
        username: &str,
    ) -> Result<serde_json::Value> {
        self.run(self.inner.user_by_username(credential, username))
    }
}
