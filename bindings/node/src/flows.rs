//! Every flow over HTTP on one `XAuth`; network calls run on libuv's thread
//! pool and resolve Promises.

use std::future::Future;

use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::Value;
use x_api_auth::oauth2::Scope;
use x_api_auth::{Body, Error, XAuthSettings, conflicting_arguments};

use crate::api::{ApiResponse, Json, credential, form_pairs};
use crate::credentials::{AccessToken, BearerToken, ConsumerKeys, OAuth2Client, OAuth2UserToken};
use crate::errors::{core, js_error};
use crate::oauth1::{AccessTokenResponse, OAuth1, RequestToken};
use crate::oauth2::{PendingAuthorization, scope_names};

/// A network call run on libuv's thread pool, off the JavaScript thread.
pub struct Job<T: Send + 'static> {
    work: Option<Box<dyn FnOnce() -> std::result::Result<T, Error> + Send>>,
}

impl<T: Send + ToNapiValue + TypeName + 'static> Job<T> {
    /// A task running `future` on the core's shared runtime.
    pub fn new<F>(future: F) -> AsyncTask<Self>
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

/// The options of `new XAuth(...)`.
#[napi(object)]
#[derive(Default)]
pub struct XAuthOptions {
    /// API base (`https://api.x.com`).
    pub api_base: Option<String>,
    /// Web base of the consent page (`https://x.com`).
    pub web_base: Option<String>,
    /// Request timeout in seconds (30).
    pub timeout: Option<f64>,
    /// Shifts this client's clock (tests of the clock-skew recovery).
    pub simulated_clock_skew: Option<i64>,
    /// Accept plain `http://` bases on hosts that are not loopback: every
    /// secret then crosses the network in clear.
    pub insecure_allow_http: Option<bool>,
    /// Your product, appended to the `User-Agent` (`mybot/1.2`).
    pub user_agent: Option<String>,
    /// The proxy for every request (`http://host:port`), instead of
    /// `HTTPS_PROXY` / `HTTP_PROXY`; `NO_PROXY` still applies.
    pub proxy: Option<String>,
    /// PEM files of certificate authorities to trust besides the system's (a
    /// TLS-inspecting proxy's CA); `NODE_EXTRA_CA_CERTS` and `SSL_CERT_FILE`
    /// are trusted too.
    pub ca_certs: Option<Vec<String>>,
    /// After a 429, wait for X's window to reset (up to 15 minutes) and
    /// send again, as tweepy's `wait_on_rate_limit`; off by default.
    pub wait_on_rate_limit: Option<bool>,
}

/// The body of an API request.
#[napi(object)]
pub struct SendOptions<'a> {
    /// Form body parameters (signed by OAuth 1.0a): what `OAuth1#sign`
    /// takes as `form`.
    #[napi(ts_type = "unknown")]
    pub form: Option<Unknown<'a>>,
    /// Any JSON value (never signed).
    #[napi(ts_type = "unknown")]
    pub json: Option<Value>,
}

/// The body of `send`'s options.
pub fn body(options: Option<SendOptions<'_>>) -> Result<Body> {
    let Some(options) = options else {
        return Ok(Body::Empty);
    };
    Ok(
        match (form_pairs("form", options.form.as_ref())?, options.json) {
            (Some(_), Some(_)) => return Err(js_error(conflicting_arguments("form", "json"))),
            (Some(form), None) => Body::Form(form),
            (None, Some(json)) => Body::Json(json),
            (None, None) => Body::Empty,
        },
    )
}

/// Every flow over HTTP.
#[napi(js_name = "XAuth")]
pub struct XAuth(pub(crate) x_api_auth::XAuth);

#[napi]
impl XAuth {
    /// A client for X, or for other hosts (the sandbox, a proxy).
    #[napi(constructor, catch_unwind)]
    pub fn new(options: Option<XAuthOptions>) -> Result<Self> {
        let o = options.unwrap_or_default();
        let settings = XAuthSettings {
            api_base: o.api_base,
            web_base: o.web_base,
            timeout: o.timeout,
            simulated_clock_skew: o.simulated_clock_skew,
            insecure_allow_http: o.insecure_allow_http,
            user_agent: o.user_agent,
            binding: Some("node".to_owned()),
            proxy: o.proxy,
            ca_certs: o.ca_certs,
            wait_on_rate_limit: o.wait_on_rate_limit,
        };
        core(settings.build()).map(Self)
    }

    /// The `User-Agent` sent with every request.
    #[napi(getter, catch_unwind)]
    pub fn user_agent(&self) -> String {
        self.0.user_agent().to_owned()
    }

    /// Seconds added to the local clock after a clock-skew error.
    #[napi(getter, catch_unwind)]
    pub fn clock_offset(&self) -> i64 {
        self.0.clock_offset()
    }

    /// Step 1 of the 3-legged flow.
    #[napi(ts_return_type = "Promise<RequestToken>", catch_unwind)]
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
    #[napi(catch_unwind)]
    pub fn authorize_url(
        &self,
        request_token: &RequestToken,
        force_login: Option<bool>,
        screen_name: Option<String>,
    ) -> String {
        let force_login = force_login.unwrap_or(false);
        self.0
            .authorize_url(&request_token.0, force_login, screen_name.as_deref())
    }

    /// "Sign in with X".
    #[napi(catch_unwind)]
    pub fn authenticate_url(
        &self,
        request_token: &RequestToken,
        force_login: Option<bool>,
        screen_name: Option<String>,
    ) -> String {
        let force_login = force_login.unwrap_or(false);
        self.0
            .authenticate_url(&request_token.0, force_login, screen_name.as_deref())
    }

    /// Checks the OAuth 1.0a callback and returns the verifier.
    #[napi(catch_unwind)]
    pub fn parse_callback(&self, callback: String, request_token: &RequestToken) -> Result<String> {
        let token = &request_token.0.token;
        core(x_api_auth::oauth1::parse_callback(&callback, token)).map(|v| v.secret().to_owned())
    }

    /// Step 3: the user's access token.
    #[napi(ts_return_type = "Promise<AccessTokenResponse>", catch_unwind)]
    pub fn access_token(
        &self,
        consumer: &ConsumerKeys,
        request_token: &RequestToken,
        verifier: String,
    ) -> AsyncTask<Job<AccessTokenResponse>> {
        let (x, consumer, request_token) =
            (self.0.clone(), consumer.0.clone(), request_token.0.clone());
        let verifier = x_api_auth::OAuthVerifier::new(verifier);
        Job::new(async move {
            x.access_token(&consumer, &request_token, &verifier)
                .await
                .map(AccessTokenResponse)
        })
    }

    /// Revokes an OAuth 1.0a access token.
    #[napi(ts_return_type = "Promise<void>", catch_unwind)]
    pub fn invalidate_access_token(
        &self,
        consumer: &ConsumerKeys,
        token: &AccessToken,
    ) -> AsyncTask<Job<()>> {
        let (x, consumer, token) = (self.0.clone(), consumer.0.clone(), token.0.clone());
        Job::new(async move { x.invalidate_access_token(&consumer, &token).await })
    }

    /// Obtains the app's bearer token.
    #[napi(ts_return_type = "Promise<BearerToken>", catch_unwind)]
    pub fn obtain_bearer(&self, consumer: &ConsumerKeys) -> AsyncTask<Job<BearerToken>> {
        let (x, consumer) = (self.0.clone(), consumer.0.clone());
        Job::new(async move { x.obtain_bearer(&consumer).await.map(BearerToken) })
    }

    /// Invalidates the app's bearer token.
    #[napi(ts_return_type = "Promise<void>", catch_unwind)]
    pub fn invalidate_bearer(
        &self,
        consumer: &ConsumerKeys,
        bearer: &BearerToken,
    ) -> AsyncTask<Job<()>> {
        let (x, consumer, bearer) = (self.0.clone(), consumer.0.clone(), bearer.0.clone());
        Job::new(async move { x.invalidate_bearer(&consumer, &bearer).await })
    }

    /// Starts an Authorization Code with PKCE authorization.
    #[napi(catch_unwind)]
    pub fn start_authorization(
        &self,
        client: &OAuth2Client,
        redirect_uri: String,
        #[napi(ts_arg_type = "string | string[]")] scopes: Unknown<'_>,
    ) -> Result<PendingAuthorization> {
        let scopes = core(Scope::parse_requested(scope_names(&scopes)?))?;
        let pending = self
            .0
            .start_authorization(&client.0, &redirect_uri, &scopes);
        core(pending).map(|p| PendingAuthorization(Some(p)))
    }

    /// Finishes it: checks the state and exchanges the code.
    #[napi(ts_return_type = "Promise<OAuth2UserToken>", catch_unwind)]
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
    #[napi(ts_return_type = "Promise<OAuth2UserToken>", catch_unwind)]
    pub fn refresh(
        &self,
        client: &OAuth2Client,
        token: &OAuth2UserToken,
    ) -> AsyncTask<Job<OAuth2UserToken>> {
        let (x, client, token) = (self.0.clone(), client.0.clone(), token.0.clone());
        Job::new(async move { x.refresh(&client, &token).await.map(OAuth2UserToken) })
    }

    /// Revokes an access or refresh token (`tokenTypeHint`: `access_token` or `refresh_token`).
    #[napi(ts_return_type = "Promise<void>", catch_unwind)]
    pub fn revoke(
        &self,
        client: &OAuth2Client,
        token: String,
        token_type_hint: Option<String>,
    ) -> Result<AsyncTask<Job<()>>> {
        let hint = core(token_type_hint.as_deref().unwrap_or("access_token").parse())?;
        let (x, client) = (self.0.clone(), client.0.clone());
        Ok(Job::new(
            async move { x.revoke(&client, &token, hint).await },
        ))
    }

    /// Sends an authorised request; `form` is signed with OAuth 1.0a,
    /// `json` never is.
    #[napi(ts_return_type = "Promise<ApiResponse>", catch_unwind)]
    pub fn send(
        &self,
        credential: Either3<&OAuth1, &BearerToken, &OAuth2UserToken>,
        method: String,
        path: String,
        options: Option<SendOptions<'_>>,
    ) -> Result<AsyncTask<Job<ApiResponse>>> {
        let body = body(options)?;
        let (x, credential) = (self.0.clone(), self::credential(credential));
        Ok(Job::new(async move {
            x.send(&credential, &method, &path, &body)
                .await
                .map(ApiResponse)
        }))
    }

    /// `GET /2/users/me`: checks a user credential; resolves to the decoded body.
    #[napi(ts_return_type = "Promise<any>", catch_unwind)]
    pub fn users_me(
        &self,
        credential: Either3<&OAuth1, &BearerToken, &OAuth2UserToken>,
    ) -> AsyncTask<Job<Json>> {
        let (x, credential) = (self.0.clone(), self::credential(credential));
        Job::new(async move { x.users_me(&credential).await.map(Json) })
    }

    /// `GET /2/users/by/username/{username}`: a public lookup that works with
    /// a bearer token; resolves to the decoded body.
    #[napi(ts_return_type = "Promise<any>", catch_unwind)]
    pub fn user_by_username(
        &self,
        credential: Either3<&OAuth1, &BearerToken, &OAuth2UserToken>,
        username: String,
    ) -> AsyncTask<Job<Json>> {
        let (x, credential) = (self.0.clone(), self::credential(credential));
        Job::new(async move { x.user_by_username(&credential, &username).await.map(Json) })
    }
}
