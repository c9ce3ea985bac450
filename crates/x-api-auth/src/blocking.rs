//! Blocking variants of every flow, for scripts and synchronous callers:
//! each method runs the async one of [`XAuth`] on one I/O runtime shared by
//! the whole process (two worker threads, started on first use).

use std::sync::Mutex;
use std::time::Duration;

use crate::api::{ApiResponse, Body};
use crate::credential::Credential;
use crate::credentials::{AccessToken, ConsumerKeys, OAuth2Client, OAuth2UserToken};
use crate::error::{Error, Result};
use crate::flows::XAuth;
use crate::oauth1::{AccessTokenResponse, RequestToken};
use crate::oauth2::{PendingAuthorization, TokenTypeHint};
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
/// Python and Node bindings): two worker threads, started on first use. A
/// child process forked after it started gets its own (the parent's threads
/// do not exist in the child). Call `block_on` on it only from threads that
/// are not themselves inside a Tokio runtime.
pub fn shared_runtime() -> Result<&'static tokio::runtime::Runtime> {
    static RUNTIME: Mutex<Option<(u32, &'static tokio::runtime::Runtime)>> = Mutex::new(None);
    let pid = std::process::id();
    let mut current = RUNTIME.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((owner, rt)) = *current
        && owner == pid
    {
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
    // Leaked on purpose: it lives as long as the process (a parent's runtime
    // copied into a forked child cannot be shut down there either).
    let rt: &'static tokio::runtime::Runtime = Box::leak(Box::new(rt));
    *current = Some((pid, rt));
    Ok(rt)
}

/// Declares blocking twins of [`XAuth`]'s async methods: each runs the
/// async method on the shared runtime.
macro_rules! blocking_twins {
    ($($name:ident($($arg:ident: $ty:ty),*) -> $out:ty;)*) => {$(
        #[doc = concat!("See [`XAuth::", stringify!($name), "`].")]
        pub fn $name(&self, $($arg: $ty),*) -> Result<$out> {
            self.runtime.block_on(self.inner.$name($($arg),*))
        }
    )*};
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

    /// The async client inside: its methods that do no I/O
    /// (`authorize_url`, `authenticate_url`, `start_authorization`) are
    /// called on it directly.
    pub fn as_async(&self) -> &XAuth {
        &self.inner
    }

    blocking_twins! {
        request_token(consumer: &ConsumerKeys, callback: &str, access_type: Option<&str>) -> RequestToken;
        access_token(consumer: &ConsumerKeys, request_token: &RequestToken, verifier: &OAuthVerifier) -> AccessTokenResponse;
        invalidate_access_token(consumer: &ConsumerKeys, token: &AccessToken) -> ();
        obtain_bearer(consumer: &ConsumerKeys) -> BearerToken;
        invalidate_bearer(consumer: &ConsumerKeys, bearer: &BearerToken) -> ();
        finish_authorization(client: &OAuth2Client, pending: PendingAuthorization, callback: &str) -> OAuth2UserToken;
        refresh(client: &OAuth2Client, token: &OAuth2UserToken) -> OAuth2UserToken;
        revoke(client: &OAuth2Client, token: &str, hint: TokenTypeHint) -> ();
        send(credential: &Credential, method: &str, path: &str, body: &Body) -> ApiResponse;
        users_me(credential: &Credential) -> serde_json::Value;
        user_by_username(credential: &Credential, username: &str) -> serde_json::Value;
    }
}
