//! The Rust core for Node (`native.js` of the npm package `x-api-auth`).
//! Types and errors are converted here; behaviour lives in `x-api-auth`.
//!
//! Errors cross as a JSON document in the message, behind a marker prefix;
//! the JavaScript facade (`index.js`) turns them into `XAuthError`s.

#![allow(unsafe_code)] // napi-derive generates the FFI glue
#![allow(missing_docs)] // napi-derive generates undocumented items

use std::future::Future;
use std::time::{Duration, UNIX_EPOCH};

use napi::bindgen_prelude::*;
use napi_derive::napi;
use x_api_auth::oauth2::{Scope, TokenTypeHint};
use x_api_auth::{Body, Credential, Error, SignableRequest};

/// The prefix of the message of every error thrown by the native module.
const ERROR_MARKER: &str = "\u{0}x-api-auth:";

/// A core error as a JavaScript error the facade understands.
fn js_error(e: Error) -> napi::Error {
    let mut detail = serde_json::json!({ "code": e.code(), "message": e.to_string() });
    match &e {
        Error::Api(api) => {
            detail["status"] = api.status.into();
            detail["xCode"] = api.code.into();
            detail["error"] = api.error.clone().into();
            detail["problemType"] = api.problem_type.clone().into();
            detail["apiMessage"] = api.message.clone().into();
            detail["kind"] = api.kind.as_str().into();
            detail["hint"] = api.hint.into();
            detail["baseString"] = api.base_string.clone().into();
            detail["resetAt"] = api.rate_limit_reset.into();
        }
        Error::UnexpectedResponse { status, .. } => detail["status"] = (*status).into(),
        Error::Transport { timeout, .. } => detail["timeout"] = (*timeout).into(),
        Error::InvalidInput { field, .. } => detail["field"] = (*field).into(),
        _ => {}
    }
    napi::Error::new(Status::GenericFailure, format!("{ERROR_MARKER}{detail}"))
}

fn invalid(field: &'static str, reason: impl Into<String>) -> napi::Error {
    js_error(Error::InvalidInput {
        field,
        reason: reason.into(),
    })
}

/// Runs a core call; its error becomes a marked JavaScript error.
fn core<T>(result: std::result::Result<T, Error>) -> Result<T> {
    result.map_err(js_error)
}

/// A network call run on libuv's thread pool, off the JavaScript thread.
pub struct Job<T: Send + 'static> {
    work: Option<Box<dyn FnOnce() -> std::result::Result<T, Error> + Send>>,
}

impl<T: Send + ToNapiValue + TypeName + 'static> Job<T> {
    fn new<F>(future: F) -> AsyncTask<Self>
    where
        F: Future<Output = std::result::Result<T, Error>> + Send + 'static,
    {
        AsyncTask::new(Self {
            work: Some(Box::new(move || {
                x_api_auth::blocking::shared_runtime()?.block_on(future)
            })),
        })
    }
}

impl<T: Send + ToNapiValue + TypeName + 'static> Task for Job<T> {
    type Output = T;
    type JsValue = T;

    fn compute(&mut self) -> Result<T> {
        let work = self
            .work
            .take()
            .ok_or_else(|| napi::Error::from_reason("x-api-auth: a job ran twice"))?;
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(work))
            .map_err(|_| {
                napi::Error::from_reason("x-api-auth: internal error (a bug: please report it)")
            })?
            .map_err(js_error)
    }

    fn resolve(&mut self, _env: Env, output: T) -> Result<T> {
        Ok(output)
    }
}

/// The options of `new ConsumerKeys(...)`.
#[napi(object)]
pub struct ConsumerKeysOptions {
    /// API Key.
    pub key: String,
    /// API Key Secret.
    pub secret: String,
}

/// API Key & Secret.
#[napi]
#[derive(Clone)]
pub struct ConsumerKeys(x_api_auth::ConsumerKeys);

#[napi]
impl ConsumerKeys {
    /// Consumer keys from explicit values.
    #[napi(constructor)]
    pub fn new(options: ConsumerKeysOptions) -> Result<Self> {
        core(x_api_auth::ConsumerKeys::new(options.key, options.secret)).map(Self)
    }

    /// From `X_API_KEY` and `X_API_SECRET`.
    #[napi(factory)]
    pub fn from_env() -> Result<Self> {
        core(x_api_auth::ConsumerKeys::from_env()).map(Self)
    }

    /// The API Key.
    #[napi(getter)]
    pub fn key(&self) -> String {
        self.0.key().to_owned()
    }

    /// The API Key Secret, in clear.
    #[napi]
    pub fn secret(&self) -> String {
        self.0.secret().secret().to_owned()
    }
}

/// The options of `new AccessToken(...)`.
#[napi(object)]
pub struct AccessTokenOptions {
    /// Access Token.
    pub token: String,
    /// Access Token Secret.
    pub secret: String,
}

/// Access Token & Secret (OAuth 1.0a).
#[napi]
#[derive(Clone)]
pub struct AccessToken(x_api_auth::AccessToken);

#[napi]
impl AccessToken {
    /// An access token from explicit values.
    #[napi(constructor)]
    pub fn new(options: AccessTokenOptions) -> Result<Self> {
        core(x_api_auth::AccessToken::new(options.token, options.secret)).map(Self)
    }

    /// From `X_ACCESS_TOKEN` and `X_ACCESS_TOKEN_SECRET`.
    #[napi(factory)]
    pub fn from_env() -> Result<Self> {
        core(x_api_auth::AccessToken::from_env()).map(Self)
    }

    /// The token.
    #[napi(getter)]
    pub fn token(&self) -> String {
        self.0.token().to_owned()
    }

    /// The user id embedded in the token.
    #[napi(getter)]
    pub fn user_id(&self) -> Option<String> {
        self.0.user_id().map(str::to_owned)
    }

    /// The Access Token Secret, in clear.
    #[napi]
    pub fn secret(&self) -> String {
        self.0.secret().secret().to_owned()
    }
}

/// The options of `new OAuth2Client(...)`.
#[napi(object)]
pub struct OAuth2ClientOptions {
    /// Client ID.
    pub client_id: String,
    /// Client Secret (confidential clients only).
    pub client_secret: Option<String>,
}

/// Client ID & (for confidential clients) Client Secret.
#[napi(js_name = "OAuth2Client")]
#[derive(Clone)]
pub struct OAuth2Client(x_api_auth::OAuth2Client);

#[napi]
impl OAuth2Client {
    /// A public client (no secret) or a confidential one.
    #[napi(constructor)]
    pub fn new(options: OAuth2ClientOptions) -> Result<Self> {
        core(match options.client_secret {
            Some(secret) => x_api_auth::OAuth2Client::confidential(options.client_id, secret),
            None => x_api_auth::OAuth2Client::public(options.client_id),
        })
        .map(Self)
    }

    /// From `X_CLIENT_ID` and, when set, `X_CLIENT_SECRET`.
    #[napi(factory)]
    pub fn from_env() -> Result<Self> {
        core(x_api_auth::OAuth2Client::from_env()).map(Self)
    }

    /// The Client ID.
    #[napi(getter)]
    pub fn client_id(&self) -> String {
        self.0.client_id().to_owned()
    }

    /// Whether the client has a secret.
    #[napi(getter)]
    pub fn is_confidential(&self) -> bool {
        self.0.is_confidential()
    }
}

/// An app-only bearer token.
#[napi]
#[derive(Clone)]
pub struct BearerToken(x_api_auth::BearerToken);

#[napi]
impl BearerToken {
    /// Wraps a bearer token.
    #[napi(constructor)]
    pub fn new(token: String) -> Self {
        Self(x_api_auth::BearerToken::new(token))
    }

    /// From `X_BEARER_TOKEN`.
    #[napi(factory)]
    pub fn from_env() -> Result<Self> {
        core(x_api_auth::BearerToken::from_env()).map(Self)
    }

    /// The token, in clear.
    #[napi]
    pub fn secret(&self) -> String {
        self.0.secret().to_owned()
    }

    /// `Bearer <token>`.
    #[napi]
    pub fn authorization_header(&self) -> Result<String> {
        core(self.0.authorization_header())
    }

    /// Constant-time comparison with another bearer token.
    #[napi]
    pub fn equals(&self, other: &BearerToken) -> bool {
        self.0 == other.0
    }
}

/// The options of `new OAuth2UserToken(...)`.
#[napi(object)]
pub struct OAuth2UserTokenOptions {
    /// The access token.
    pub access_token: String,
    /// The refresh token.
    pub refresh_token: Option<String>,
    /// Expiry, Unix seconds.
    pub expires_at: Option<f64>,
    /// Granted scopes.
    pub scopes: Option<Vec<String>>,
}

/// An OAuth 2.0 user token.
#[napi(js_name = "OAuth2UserToken")]
#[derive(Clone)]
pub struct OAuth2UserToken(x_api_auth::OAuth2UserToken);

#[napi]
impl OAuth2UserToken {
    /// A token from stored values.
    #[napi(constructor)]
    pub fn new(options: OAuth2UserTokenOptions) -> Self {
        let mut token = x_api_auth::OAuth2UserToken::new(options.access_token);
        token.refresh_token = options.refresh_token.map(x_api_auth::RefreshToken::new);
        token.expires_at = options
            .expires_at
            .filter(|s| s.is_finite() && (0.0..1e12).contains(s))
            .map(|s| UNIX_EPOCH + Duration::from_secs_f64(s));
        token.scopes = options
            .scopes
            .unwrap_or_default()
            .into_iter()
            .map(Scope::new)
            .collect();
        Self(token)
    }

    /// The access token, in clear.
    #[napi]
    pub fn access_token(&self) -> String {
        self.0.access_token.secret().to_owned()
    }

    /// The refresh token, in clear (only with `offline.access`).
    #[napi]
    pub fn refresh_token(&self) -> Option<String> {
        self.0.refresh_token.as_ref().map(|t| t.secret().to_owned())
    }

    /// Expiry, Unix seconds.
    #[napi(getter)]
    pub fn expires_at(&self) -> Option<f64> {
        self.0
            .expires_at
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map(|d| d.as_secs_f64())
    }

    /// Granted scopes.
    #[napi(getter)]
    pub fn scopes(&self) -> Vec<String> {
        self.0
            .scopes
            .iter()
            .map(|s| s.as_str().to_owned())
            .collect()
    }

    /// Whether the token expires within `seconds` from now.
    #[napi]
    pub fn expires_within(&self, seconds: f64) -> bool {
        let seconds = if seconds.is_nan() {
            0.0
        } else {
            seconds.clamp(0.0, 1e12)
        };
        self.0.expires_within(
            Duration::from_secs_f64(seconds),
            std::time::SystemTime::now(),
        )
    }
}

/// The options of `new OAuth1(...)`.
#[napi(object)]
pub struct OAuth1Options {
    /// API Key.
    pub consumer_key: String,
    /// API Key Secret.
    pub consumer_secret: String,
    /// Access Token (with `tokenSecret`).
    pub token: Option<String>,
    /// Access Token Secret.
    pub token_secret: Option<String>,
    /// `HMAC-SHA1` (default), `HMAC-SHA256` or `PLAINTEXT`.
    pub signature_method: Option<String>,
    /// `realm` for the header (never signed).
    pub realm: Option<String>,
    /// Whether to send `oauth_version="1.0"` (default true).
    pub include_version: Option<bool>,
}

/// A request to sign.
#[napi(object)]
pub struct SignOptions {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The absolute URL, query included.
    pub url: String,
    /// Form body parameters as `[key, value]` pairs (or an object, via the facade).
    pub form: Option<Vec<Vec<String>>>,
    /// An already encoded `application/x-www-form-urlencoded` body.
    pub form_body: Option<String>,
    /// A fixed nonce (tests only).
    pub nonce: Option<String>,
    /// A fixed timestamp, Unix seconds (tests only).
    pub timestamp: Option<i64>,
    /// `oauth_callback` (request token only).
    pub callback: Option<String>,
    /// `oauth_verifier` (access token only).
    pub verifier: Option<String>,
}

/// The result of signing.
#[napi(object)]
pub struct SignedRequest {
    /// The `Authorization` header value.
    pub authorization: String,
    /// The signature base string.
    pub base_string: String,
    /// The nonce used.
    pub nonce: String,
    /// The timestamp used.
    pub timestamp: i64,
}

fn form_pairs(form: Option<Vec<Vec<String>>>) -> Result<Vec<(String, String)>> {
    form.unwrap_or_default()
        .into_iter()
        .map(|pair| match <[String; 2]>::try_from(pair) {
            Ok([k, v]) => Ok((k, v)),
            Err(_) => Err(invalid("form", "each entry must be a [key, value] pair")),
        })
        .collect()
}

fn signable<'a>(
    request: &'a SignOptions,
    form: &'a [(String, String)],
) -> Result<SignableRequest<'a>> {
    let mut signable = SignableRequest::new(request.method.as_str(), request.url.as_str())
        .form(form.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    if let Some(body) = &request.form_body {
        signable = signable.form_body(body.as_str());
    }
    if let Some(n) = &request.nonce {
        signable = signable.nonce(n.as_str());
    }
    if let Some(t) = request.timestamp {
        signable = signable
            .timestamp(u64::try_from(t).map_err(|_| invalid("timestamp", "must be positive"))?);
    }
    if let Some(c) = &request.callback {
        signable = signable.callback(c.as_str());
    }
    if let Some(v) = &request.verifier {
        signable = signable.verifier(v.as_str());
    }
    Ok(signable)
}

/// An OAuth 1.0a signer.
#[napi(js_name = "OAuth1")]
#[derive(Clone)]
pub struct OAuth1(x_api_auth::OAuth1);

#[napi]
impl OAuth1 {
    /// A signer for consumer keys and, optionally, an access token.
    #[napi(constructor)]
    pub fn new(options: OAuth1Options) -> Result<Self> {
        core((|| {
            let method = options
                .signature_method
                .as_deref()
                .unwrap_or("HMAC-SHA1")
                .parse()?;
            let mut signer = x_api_auth::OAuth1::new(x_api_auth::ConsumerKeys::new(
                options.consumer_key,
                options.consumer_secret,
            )?)
            .with_signature_method(method)
            .with_version_param(options.include_version.unwrap_or(true));
            if let Some(realm) = options.realm {
                signer = signer.with_realm(realm)?;
            }
            match (options.token, options.token_secret) {
                (Some(t), Some(s)) => {
                    signer = signer.with_token(x_api_auth::AccessToken::new(t, s)?)
                }
                (None, None) => {}
                _ => {
                    return Err(Error::InvalidInput {
                        field: "token",
                        reason: "token and tokenSecret go together".to_owned(),
                    });
                }
            }
            Ok(Self(signer))
        })())
    }

    /// A signer from credential objects.
    #[napi(factory)]
    pub fn from_credentials(consumer: &ConsumerKeys, token: Option<&AccessToken>) -> Self {
        let signer = x_api_auth::OAuth1::new(consumer.0.clone());
        Self(match token {
            Some(t) => signer.with_token(t.0.clone()),
            None => signer,
        })
    }

    /// Signs a request: the header and what went into it.
    #[napi]
    pub fn sign(&self, mut request: SignOptions) -> Result<SignedRequest> {
        let form = form_pairs(request.form.take())?;
        let signed = core(self.0.sign(&signable(&request, &form)?))?;
        Ok(SignedRequest {
            authorization: signed.authorization,
            base_string: signed.base_string,
            nonce: signed.nonce,
            timestamp: i64::try_from(signed.timestamp).unwrap_or(i64::MAX),
        })
    }

    /// Signs a request and returns the `Authorization` header value (the
    /// fast path: no base string is kept).
    #[napi]
    pub fn authorization_header(&self, mut request: SignOptions) -> Result<String> {
        let form = form_pairs(request.form.take())?;
        core(self.0.authorization_header(&signable(&request, &form)?))
    }

    /// The fast path of `authorizationHeader` used by the facade: positional
    /// arguments (no property lookups), the form as a flat
    /// `[key, value, key, value, ...]` array.
    #[napi]
    pub fn header_for(
        &self,
        method: String,
        url: String,
        flat_form: Option<Vec<String>>,
        form_body: Option<String>,
        nonce: Option<String>,
        timestamp: Option<i64>,
    ) -> Result<String> {
        let flat_form = flat_form.unwrap_or_default();
        if !flat_form.len().is_multiple_of(2) {
            return Err(invalid("form", "each entry must be a [key, value] pair"));
        }
        let mut signable = SignableRequest::new(method.as_str(), url.as_str()).form(
            flat_form
                .chunks_exact(2)
                .map(|kv| (kv[0].as_str(), kv[1].as_str())),
        );
        if let Some(body) = &form_body {
            signable = signable.form_body(body.as_str());
        }
        if let Some(n) = &nonce {
            signable = signable.nonce(n.as_str());
        }
        if let Some(t) = timestamp {
            signable = signable
                .timestamp(u64::try_from(t).map_err(|_| invalid("timestamp", "must be positive"))?);
        }
        core(self.0.authorization_header(&signable))
    }

    /// The consumer key (public).
    #[napi(getter)]
    pub fn consumer_key(&self) -> String {
        self.0.consumer().key().to_owned()
    }

    /// The access token (public part), if any.
    #[napi(getter)]
    pub fn token(&self) -> Option<String> {
        self.0.token().map(|t| t.token().to_owned())
    }
}

/// The temporary credentials of the 3-legged flow.
#[napi]
pub struct RequestToken(x_api_auth::oauth1::RequestToken);

#[napi]
impl RequestToken {
    /// The request token.
    #[napi(getter)]
    pub fn token(&self) -> String {
        self.0.token.clone()
    }

    /// The request token secret, in clear.
    #[napi]
    pub fn secret(&self) -> String {
        self.0.secret.secret().to_owned()
    }
}

/// The user's access token from the 3-legged flow.
#[napi]
pub struct AccessTokenResponse(x_api_auth::oauth1::AccessTokenResponse);

#[napi]
impl AccessTokenResponse {
    /// The access token and secret.
    #[napi(getter)]
    pub fn access_token(&self) -> AccessToken {
        AccessToken(self.0.access_token.clone())
    }

    /// The user's id.
    #[napi(getter)]
    pub fn user_id(&self) -> Option<String> {
        self.0.user_id.clone()
    }

    /// The user's handle.
    #[napi(getter)]
    pub fn screen_name(&self) -> Option<String> {
        self.0.screen_name.clone()
    }
}

/// An OAuth 2.0 authorization in progress.
#[napi]
pub struct PendingAuthorization(Option<x_api_auth::PendingAuthorization>);

impl PendingAuthorization {
    fn take(&mut self) -> Result<x_api_auth::PendingAuthorization> {
        self.0
            .take()
            .ok_or_else(|| invalid("pending", "this pending authorization was already used"))
    }
}

#[napi]
impl PendingAuthorization {
    /// The consent URL.
    #[napi(getter)]
    pub fn url(&self) -> String {
        self.0.as_ref().map(|p| p.url.clone()).unwrap_or_default()
    }

    /// One string to keep in a server-side session; it holds the PKCE
    /// verifier: treat it as a secret.
    #[napi]
    pub fn to_compact(&self) -> String {
        self.0.as_ref().map(|p| p.to_compact()).unwrap_or_default()
    }

    /// Parses `toCompact()`'s output.
    #[napi(factory)]
    pub fn from_compact(compact: String) -> Result<Self> {
        core(x_api_auth::PendingAuthorization::from_compact(&compact)).map(|p| Self(Some(p)))
    }
}

/// X's rate-limit headers.
#[napi(object)]
pub struct RateLimit {
    /// `x-rate-limit-limit`.
    pub limit: i64,
    /// `x-rate-limit-remaining`.
    pub remaining: i64,
    /// `x-rate-limit-reset`, Unix seconds.
    pub reset: i64,
}

/// A successful API response.
#[napi(object)]
pub struct ApiResponse {
    /// HTTP status.
    pub status: u32,
    /// Rate-limit headers, when sent.
    pub rate_limit: Option<RateLimit>,
    /// The body as text.
    pub body: String,
}

fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// The body of an API request.
#[napi(object)]
pub struct SendOptions {
    /// Form body pairs (signed by OAuth 1.0a).
    pub form: Option<Vec<Vec<String>>>,
    /// A JSON document as text (never signed).
    pub json_text: Option<String>,
}

fn credential(credential: Either3<&OAuth1, &BearerToken, &OAuth2UserToken>) -> Credential {
    match credential {
        Either3::A(c) => Credential::OAuth1(c.0.clone()),
        Either3::B(c) => Credential::Bearer(c.0.clone()),
        Either3::C(c) => Credential::OAuth2User(c.0.clone()),
    }
}

/// The options of `new XAuth(...)`.
#[napi(object)]
pub struct XAuthOptions {
    /// API base (`https://api.x.com`).
    pub api_base: Option<String>,
    /// Web base of the consent page (`https://x.com`).
    pub web_base: Option<String>,
    /// Request timeout in seconds (30).
    pub timeout: Option<f64>,
    /// Shifts this client's clock (tests of the clock-skew recovery).
    pub simulated_clock_skew: Option<i64>,
}

/// Every flow over HTTP.
#[napi(js_name = "XAuth")]
pub struct XAuth(x_api_auth::XAuth);

#[napi]
impl XAuth {
    /// A client for X, or for other hosts (the sandbox, a proxy).
    #[napi(constructor)]
    pub fn new(options: Option<XAuthOptions>) -> Result<Self> {
        let options = options.unwrap_or(XAuthOptions {
            api_base: None,
            web_base: None,
            timeout: None,
            simulated_clock_skew: None,
        });
        let timeout = options.timeout.unwrap_or(30.0);
        if !(timeout.is_finite() && timeout > 0.0) {
            return Err(invalid("timeout", "must be a positive number of seconds"));
        }
        let x = core(x_api_auth::XAuth::with_base_urls(
            options
                .api_base
                .as_deref()
                .unwrap_or(x_api_auth::DEFAULT_API_BASE),
            options
                .web_base
                .as_deref()
                .unwrap_or(x_api_auth::DEFAULT_WEB_BASE),
            Duration::from_secs_f64(timeout.min(86_400.0)),
        ))?;
        Ok(Self(match options.simulated_clock_skew.unwrap_or(0) {
            0 => x,
            skew => x.with_clock(std::sync::Arc::new(x_api_auth::OffsetClock::new(skew))),
        }))
    }

    /// Seconds added to the local clock after a clock-skew error.
    #[napi(getter)]
    pub fn clock_offset(&self) -> i64 {
        self.0.clock_offset()
    }

    /// Step 1 of the 3-legged flow.
    #[napi(ts_return_type = "Promise<RequestToken>")]
    pub fn request_token(
        &self,
        consumer: &ConsumerKeys,
        callback: String,
        access_type: Option<String>,
    ) -> AsyncTask<Job<RequestToken>> {
        let (x, consumer) = (self.0.clone(), consumer.0.clone());
        Job::new(async move {
            x.request_token(&consumer, &callback, access_type.as_deref())
                .await
                .map(RequestToken)
        })
    }

    /// The consent page (always prompts).
    #[napi]
    pub fn authorize_url(
        &self,
        request_token: &RequestToken,
        force_login: Option<bool>,
        screen_name: Option<String>,
    ) -> String {
        self.0.authorize_url(
            &request_token.0,
            force_login.unwrap_or(false),
            screen_name.as_deref(),
        )
    }

    /// "Sign in with X".
    #[napi]
    pub fn authenticate_url(
        &self,
        request_token: &RequestToken,
        force_login: Option<bool>,
        screen_name: Option<String>,
    ) -> String {
        self.0.authenticate_url(
            &request_token.0,
            force_login.unwrap_or(false),
            screen_name.as_deref(),
        )
    }

    /// Checks the OAuth 1.0a callback and returns the verifier.
    #[napi]
    pub fn parse_callback(&self, callback: String, request_token: &RequestToken) -> Result<String> {
        core(x_api_auth::oauth1::parse_callback(
            &callback,
            &request_token.0.token,
        ))
        .map(|v| v.secret().to_owned())
    }

    /// Step 3: the user's access token.
    #[napi(ts_return_type = "Promise<AccessTokenResponse>")]
    pub fn access_token(
        &self,
        consumer: &ConsumerKeys,
        request_token: &RequestToken,
        verifier: String,
    ) -> AsyncTask<Job<AccessTokenResponse>> {
        let (x, consumer) = (self.0.clone(), consumer.0.clone());
        let request_token = x_api_auth::oauth1::RequestToken {
            token: request_token.0.token.clone(),
            secret: request_token.0.secret.clone(),
        };
        let verifier = x_api_auth::OAuthVerifier::new(verifier);
        Job::new(async move {
            x.access_token(&consumer, &request_token, &verifier)
                .await
                .map(AccessTokenResponse)
        })
    }

    /// Revokes an OAuth 1.0a access token.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn invalidate_access_token(
        &self,
        consumer: &ConsumerKeys,
        token: &AccessToken,
    ) -> AsyncTask<Job<()>> {
        let (x, consumer, token) = (self.0.clone(), consumer.0.clone(), token.0.clone());
        Job::new(async move { x.invalidate_access_token(&consumer, &token).await })
    }

    /// Obtains the app's bearer token.
    #[napi(ts_return_type = "Promise<BearerToken>")]
    pub fn obtain_bearer(&self, consumer: &ConsumerKeys) -> AsyncTask<Job<BearerToken>> {
        let (x, consumer) = (self.0.clone(), consumer.0.clone());
        Job::new(async move { x.obtain_bearer(&consumer).await.map(BearerToken) })
    }

    /// Invalidates the app's bearer token.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn invalidate_bearer(
        &self,
        consumer: &ConsumerKeys,
        bearer: &BearerToken,
    ) -> AsyncTask<Job<()>> {
        let (x, consumer, bearer) = (self.0.clone(), consumer.0.clone(), bearer.0.clone());
        Job::new(async move { x.invalidate_bearer(&consumer, &bearer).await })
    }

    /// Starts an Authorization Code with PKCE authorization.
    #[napi]
    pub fn start_authorization(
        &self,
        client: &OAuth2Client,
        redirect_uri: String,
        scopes: Vec<String>,
    ) -> Result<PendingAuthorization> {
        let scopes: Vec<Scope> = scopes.into_iter().map(Scope::new).collect();
        core(
            self.0
                .start_authorization(&client.0, &redirect_uri, &scopes),
        )
        .map(|p| PendingAuthorization(Some(p)))
    }

    /// Finishes it: checks the state and exchanges the code.
    #[napi(ts_return_type = "Promise<OAuth2UserToken>")]
    pub fn finish_authorization(
        &self,
        client: &OAuth2Client,
        pending: &mut PendingAuthorization,
        callback: String,
    ) -> Result<AsyncTask<Job<OAuth2UserToken>>> {
        let pending = pending.take()?;
        let (x, client) = (self.0.clone(), client.0.clone());
        Ok(Job::new(async move {
            x.finish_authorization(&client, pending, &callback)
                .await
                .map(OAuth2UserToken)
        }))
    }

    /// Refreshes a user token (X rotates the refresh token: store the result).
    #[napi(ts_return_type = "Promise<OAuth2UserToken>")]
    pub fn refresh(
        &self,
        client: &OAuth2Client,
        token: &OAuth2UserToken,
    ) -> AsyncTask<Job<OAuth2UserToken>> {
        let (x, client, token) = (self.0.clone(), client.0.clone(), token.0.clone());
        Job::new(async move { x.refresh(&client, &token).await.map(OAuth2UserToken) })
    }

    /// Revokes an access or refresh token (`tokenTypeHint`: `access_token` or `refresh_token`).
    #[napi(ts_return_type = "Promise<void>")]
    pub fn revoke(
        &self,
        client: &OAuth2Client,
        token: String,
        token_type_hint: Option<String>,
    ) -> Result<AsyncTask<Job<()>>> {
        let hint = match token_type_hint.as_deref().unwrap_or("access_token") {
            "access_token" => TokenTypeHint::AccessToken,
            "refresh_token" => TokenTypeHint::RefreshToken,
            _ => {
                return Err(invalid(
                    "tokenTypeHint",
                    "must be access_token or refresh_token",
                ));
            }
        };
        let (x, client) = (self.0.clone(), client.0.clone());
        Ok(Job::new(
            async move { x.revoke(&client, &token, hint).await },
        ))
    }

    /// Sends an authorised request.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn send(
        &self,
        credential: Either3<&OAuth1, &BearerToken, &OAuth2UserToken>,
        method: String,
        path: String,
        options: Option<SendOptions>,
    ) -> Result<AsyncTask<Job<ApiResponse>>> {
        let credential = self::credential(credential);
        let body = match options {
            None => Body::Empty,
            Some(SendOptions {
                form: Some(_),
                json_text: Some(_),
            }) => {
                return Err(invalid("body", "pass form or json, not both"));
            }
            Some(SendOptions {
                form: Some(form), ..
            }) => Body::Form(form_pairs(Some(form))?),
            Some(SendOptions {
                json_text: Some(text),
                ..
            }) => Body::Json(
                serde_json::from_str(&text).map_err(|_| invalid("json", "is not valid JSON"))?,
            ),
            Some(_) => Body::Empty,
        };
        let x = self.0.clone();
        Ok(Job::new(async move {
            let r = x.send(&credential, &method, &path, &body).await?;
            Ok(ApiResponse {
                status: u32::from(r.status),
                rate_limit: r.rate_limit.map(|l| RateLimit {
                    limit: to_i64(l.limit),
                    remaining: to_i64(l.remaining),
                    reset: to_i64(l.reset),
                }),
                body: String::from_utf8_lossy(&r.body).into_owned(),
            })
        }))
    }
}

/// A running sandbox.
#[napi]
pub struct Sandbox(Option<x_api_auth_sandbox::Sandbox>);

#[napi]
impl Sandbox {
    /// Starts the sandbox on a loopback port (`configJson`: a configuration
    /// document; the built-in app and users when absent).
    #[napi(factory)]
    pub fn start(config_json: Option<String>) -> Result<Self> {
        let config: x_api_auth_sandbox::SandboxConfig = match config_json {
            Some(text) => serde_json::from_str(&text)
                .map_err(|e| invalid("sandbox configuration", e.to_string()))?,
            None => Default::default(),
        };
        let started = x_api_auth::blocking::shared_runtime().and_then(|rt| {
            rt.block_on(x_api_auth_sandbox::Sandbox::start(config))
                .map_err(|e| Error::Transport {
                    reason: format!("cannot start the sandbox: {e}"),
                    timeout: false,
                })
        });
        core(started).map(|s| Self(Some(s)))
    }

    /// `{"base_url": …, "apps": […], "users": […]}` as JSON text.
    #[napi]
    pub fn describe(&self) -> String {
        self.0.as_ref().map(|s| s.describe()).unwrap_or_default()
    }

    /// Moves the sandbox's clock forward: codes expire after 30 s, access
    /// tokens after 7200 s.
    #[napi]
    pub fn advance_clock(&self, seconds: u32) -> bool {
        self.0
            .as_ref()
            .is_some_and(|s| s.advance_clock(Duration::from_secs(u64::from(seconds))))
    }

    /// Stops the server.
    #[napi]
    pub fn stop(&mut self) {
        self.0 = None;
    }
}

/// `sha256=…`: the answer to a webhook CRC challenge.
#[napi]
pub fn crc_response_token(consumer_secret: String, crc_token: String) -> String {
    x_api_auth::webhook::crc_response_token(
        &x_api_auth::ConsumerSecret::new(consumer_secret),
        &crc_token,
    )
}

/// Verifies `x-twitter-webhooks-signature` over the raw body; throws on mismatch.
#[napi]
pub fn verify_webhook_signature(
    consumer_secret: String,
    body: Buffer,
    signature: String,
) -> Result<()> {
    core(x_api_auth::webhook::verify_signature(
        &x_api_auth::ConsumerSecret::new(consumer_secret),
        &body,
        &signature,
    ))
}

/// The error X's error response (any shape) maps to, as the marked message
/// the facade turns into an `XAuthError`.
#[napi]
pub fn parse_error(status: u32, body: Buffer) -> String {
    js_error(x_api_auth::ApiError::parse(u16::try_from(status).unwrap_or(0), &body).into()).reason
}

/// RFC 3986 percent-encoding as OAuth 1.0a requires it.
#[napi]
pub fn percent_encode(value: String) -> String {
    x_api_auth::percent_encode(&value)
}

/// The `Basic …` header for an id and a secret (RFC 6749 §2.3.1).
#[napi]
pub fn basic_authorization(id: String, secret: String) -> String {
    x_api_auth::oauth2::basic_authorization(&id, &secret).to_string()
}

/// The PKCE challenge of a verifier (`S256` or `plain`).
#[napi]
pub fn pkce_challenge(verifier: String, method: Option<String>) -> Result<String> {
    let method = match method.as_deref().unwrap_or("S256") {
        "S256" => x_api_auth::oauth2::PkceMethod::S256,
        "plain" => x_api_auth::oauth2::PkceMethod::Plain,
        _ => return Err(invalid("method", "must be S256 or plain")),
    };
    core(x_api_auth::PkceCodeVerifier::new(verifier).map(|v| v.challenge(method).value))
}
