//! The flows over HTTP: OAuth 1.0a 3-legged, app-only bearer, OAuth 2.0
//! Authorization Code with PKCE, and an authorised request client.
//!
//! Redirects are never followed on auth endpoints, and every request has a
//! timeout.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap};

use crate::api_error::{ApiError, ApiErrorKind};
use crate::clock::{Clock, SystemClock};
use crate::credentials::{AccessToken, ConsumerKeys, OAuth2Client, OAuth2UserToken};
use crate::encode::encode_form;
use crate::error::{Error, Result};
use crate::http_date::parse_http_date;
use crate::oauth1::{self, AccessTokenResponse, OAuth1, RequestToken, SignableRequest};
use crate::oauth2::{
    AuthorizeUrl, PkceMethod, Scope, TokenRequest, TokenTypeHint, parse_authorization_callback,
    parse_bearer_response, parse_revoke_response, parse_token_response,
};
use crate::secret::{BearerToken, OAuthVerifier, PkceCodeVerifier, State};

/// X's API host.
pub const DEFAULT_API_BASE: &str = "https://api.x.com";
/// X's web host (OAuth 2.0 consent page).
pub const DEFAULT_WEB_BASE: &str = "https://x.com";

/// A credential to authorise API requests with.
#[derive(Debug, Clone)]
pub enum Credential {
    /// OAuth 1.0a user context (consumer keys and an access token).
    OAuth1(OAuth1),
    /// App-only bearer token.
    Bearer(BearerToken),
    /// OAuth 2.0 user token.
    OAuth2User(OAuth2UserToken),
}

/// X's rate-limit headers of a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// `x-rate-limit-limit`.
    pub limit: u64,
    /// `x-rate-limit-remaining`.
    pub remaining: u64,
    /// `x-rate-limit-reset`, Unix seconds.
    pub reset: u64,
}

impl RateLimit {
    fn from_headers(headers: &HeaderMap) -> Option<Self> {
        let get = |name: &str| headers.get(name)?.to_str().ok()?.trim().parse().ok();
        Some(Self {
            limit: get("x-rate-limit-limit")?,
            remaining: get("x-rate-limit-remaining")?,
            reset: get("x-rate-limit-reset")?,
        })
    }
}

/// The body of an API request.
#[derive(Debug, Clone, Default)]
pub enum Body {
    /// No body.
    #[default]
    Empty,
    /// An `application/x-www-form-urlencoded` body (signed by OAuth 1.0a).
    Form(Vec<(String, String)>),
    /// A JSON body (never signed).
    Json(serde_json::Value),
}

/// A successful API response.
#[derive(Debug, Clone)]
pub struct ApiResponse {
    /// HTTP status.
    pub status: u16,
    /// Rate-limit headers, when X sent them.
    pub rate_limit: Option<RateLimit>,
    /// The body.
    pub body: Vec<u8>,
}

impl ApiResponse {
    /// The body parsed as JSON.
    pub fn json(&self) -> Result<serde_json::Value> {
        serde_json::from_slice(&self.body)
            .map_err(|_| Error::unexpected(self.status, "the response body is not JSON"))
    }
}

/// The outcome of one attempt of [`XAuth::send`].
enum Attempt {
    Done(ApiResponse),
    Skewed {
        error: ApiError,
        server_time: Option<u64>,
    },
}

/// An OAuth 2.0 authorization in progress: the URL to send the user to, and
/// the state and verifier to keep until the callback.
///
/// Between the redirect and the callback a web app must keep it server-side
/// (or in an encrypted cookie): [`PendingAuthorization::to_compact`] and
/// [`PendingAuthorization::from_compact`] turn it into one string and back.
/// The string holds the PKCE verifier: treat it as a secret.
#[derive(Debug)]
pub struct PendingAuthorization {
    /// The consent URL.
    pub url: String,
    /// The state sent.
    pub state: State,
    /// The PKCE verifier.
    pub verifier: PkceCodeVerifier,
    /// The redirect URI sent (the code exchange repeats it).
    pub redirect_uri: String,
}

impl PendingAuthorization {
    /// One string holding state, verifier and redirect URI (not the URL).
    pub fn to_compact(&self) -> String {
        let joined = format!(
            "{}\n{}\n{}",
            self.state.secret(),
            self.verifier.secret(),
            self.redirect_uri
        );
        format!("xpa1.{}", URL_SAFE_NO_PAD.encode(joined))
    }

    /// Parses [`PendingAuthorization::to_compact`]'s output.
    pub fn from_compact(compact: &str) -> Result<Self> {
        let bad = || {
            Error::invalid_input(
                "pending authorization",
                "is not a string made by to_compact",
            )
        };
        let encoded = compact.strip_prefix("xpa1.").ok_or_else(bad)?;
        let joined = String::from_utf8(URL_SAFE_NO_PAD.decode(encoded).map_err(|_| bad())?)
            .map_err(|_| bad())?;
        let mut parts = joined.splitn(3, '\n');
        let (Some(state), Some(verifier), Some(redirect_uri)) =
            (parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        Ok(Self {
            url: String::new(),
            state: State::new(state),
            verifier: PkceCodeVerifier::new(verifier)?,
            redirect_uri: redirect_uri.to_owned(),
        })
    }
}

/// The entry point of every flow: an HTTP client and X's base URLs.
///
/// ```no_run
/// # async fn demo() -> x_api_auth::Result<()> {
/// use x_api_auth::{ConsumerKeys, XAuth};
/// let x = XAuth::new()?;
/// let bearer = x.obtain_bearer(&ConsumerKeys::from_env()?).await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct XAuth {
    http: reqwest::Client,
    api_base: String,
    web_base: String,
    clock: Arc<dyn Clock>,
    clock_offset: Arc<AtomicI64>,
}

fn transport(e: reqwest::Error) -> Error {
    Error::Transport {
        timeout: e.is_timeout(),
        reason: if e.is_timeout() {
            "the request timed out".to_owned()
        } else if e.is_connect() {
            "could not connect".to_owned()
        } else {
            "the HTTP exchange failed".to_owned()
        },
    }
}

impl XAuth {
    /// A client for X (`https://api.x.com`, `https://x.com`), 30 s timeout.
    pub fn new() -> Result<Self> {
        Self::with_base_urls(DEFAULT_API_BASE, DEFAULT_WEB_BASE, Duration::from_secs(30))
    }

    /// A client for other hosts: the sandbox, a proxy, or the legacy
    /// `https://api.twitter.com`.
    pub fn with_base_urls(api_base: &str, web_base: &str, timeout: Duration) -> Result<Self> {
        for (field, base) in [("api base URL", api_base), ("web base URL", web_base)] {
            if !(base.starts_with("https://") || base.starts_with("http://")) {
                return Err(Error::invalid_input(
                    field,
                    "must be an absolute http(s) URL",
                ));
            }
        }
        // reqwest uses rustls with ring; the provider is installed once.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout)
            .build()
            .map_err(transport)?;
        Ok(Self {
            http,
            api_base: api_base.trim_end_matches('/').to_owned(),
            web_base: web_base.trim_end_matches('/').to_owned(),
            clock: Arc::new(SystemClock),
            clock_offset: Arc::new(AtomicI64::new(0)),
        })
    }

    /// Reads time from `clock` (tests).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The seconds added to the local clock for OAuth 1.0a timestamps, learnt
    /// from X's `Date` header after a code 135.
    pub fn clock_offset(&self) -> i64 {
        self.clock_offset.load(Ordering::Relaxed)
    }

    fn timestamp(&self) -> u64 {
        self.clock
            .unix_seconds()
            .saturating_add_signed(self.clock_offset())
    }

    fn api_url(&self, path: &str) -> String {
        if path.starts_with("http://") || path.starts_with("https://") {
            path.to_owned()
        } else {
            format!("{}{path}", self.api_base)
        }
    }

    /// Sends a request and turns anything but a 2xx into a typed error.
    async fn exchange(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<(u16, HeaderMap, Vec<u8>)> {
        let response = request.send().await.map_err(transport)?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(transport)?.to_vec();
        if (300..400).contains(&status) {
            return Err(Error::unexpected(
                status,
                "the server answered with a redirect, which is not followed on auth endpoints",
            ));
        }
        if !(200..300).contains(&status) {
            let reset = headers
                .get("x-rate-limit-reset")
                .and_then(|v| v.to_str().ok()?.parse().ok());
            return Err(ApiError::parse(status, &body)
                .with_rate_limit_reset(reset)
                .into());
        }
        Ok((status, headers, body))
    }

    async fn post_oauth1(
        &self,
        signer: &OAuth1,
        url: &str,
        request: SignableRequest<'_>,
        form: &[(&str, &str)],
    ) -> Result<(u16, Vec<u8>)> {
        let signed = signer.sign(&request.timestamp(self.timestamp()))?;
        let builder = self
            .http
            .post(url)
            .header(AUTHORIZATION, &signed.authorization)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(encode_form(form.iter().copied()));
        match self.exchange(builder).await {
            Ok((status, _, body)) => Ok((status, body)),
            Err(Error::Api(e)) => Err(Error::Api(Box::new(e.with_base_string(signed.base_string)))),
            Err(e) => Err(e),
        }
    }

    async fn post_token(&self, url: &str, request: &TokenRequest) -> Result<(u16, Vec<u8>)> {
        let mut builder = self
            .http
            .post(url)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(request.body().to_owned());
        if let Some(authorization) = request.authorization() {
            builder = builder.header(AUTHORIZATION, authorization);
        }
        let (status, _, body) = self.exchange(builder).await?;
        Ok((status, body))
    }

    // ------------------------------------------------------------ OAuth 1.0a

    /// Step 1: obtains a request token. `callback` is a URL of the app's
    /// allow-list, or `oob` for PIN mode; `access_type` is `read` or `write`.
    pub async fn request_token(
        &self,
        consumer: &ConsumerKeys,
        callback: &str,
        access_type: Option<&str>,
    ) -> Result<RequestToken> {
        let mut url = self.api_url("/oauth/request_token");
        if let Some(access) = access_type {
            if !matches!(access, "read" | "write") {
                return Err(Error::invalid_input(
                    "x_auth_access_type",
                    "must be read or write",
                ));
            }
            url = format!("{url}?x_auth_access_type={access}");
        }
        let signer = OAuth1::new(consumer.clone());
        let (status, body) = self
            .post_oauth1(
                &signer,
                &url,
                SignableRequest::new("POST", url.as_str()).callback(callback),
                &[],
            )
            .await?;
        RequestToken::parse(status, &String::from_utf8_lossy(&body))
    }

    /// Step 2: the consent page (always prompts).
    pub fn authorize_url(
        &self,
        request_token: &RequestToken,
        force_login: bool,
        screen_name: Option<&str>,
    ) -> String {
        oauth1::authorize_url(
            &self.api_base,
            &request_token.token,
            force_login,
            screen_name,
        )
    }

    /// Step 2, "Sign in with X": skips the prompt for users who approved
    /// the app before.
    pub fn authenticate_url(
        &self,
        request_token: &RequestToken,
        force_login: bool,
        screen_name: Option<&str>,
    ) -> String {
        oauth1::authenticate_url(
            &self.api_base,
            &request_token.token,
            force_login,
            screen_name,
        )
    }

    /// Step 3: exchanges the verifier (from [`oauth1::parse_callback`], or
    /// the PIN) for the user's access token.
    pub async fn access_token(
        &self,
        consumer: &ConsumerKeys,
        request_token: &RequestToken,
        verifier: &OAuthVerifier,
    ) -> Result<AccessTokenResponse> {
        let url = self.api_url("/oauth/access_token");
        let signer = OAuth1::new(consumer.clone()).with_token(request_token.as_access_token()?);
        let form = [("oauth_verifier", verifier.secret())];
        let (status, body) = self
            .post_oauth1(
                &signer,
                &url,
                SignableRequest::new("POST", url.as_str()).form(form),
                &form,
            )
            .await?;
        AccessTokenResponse::parse(status, &String::from_utf8_lossy(&body))
    }

    /// Revokes an OAuth 1.0a access token.
    pub async fn invalidate_access_token(
        &self,
        consumer: &ConsumerKeys,
        token: &AccessToken,
    ) -> Result<()> {
        let url = self.api_url("/1.1/oauth/invalidate_token");
        let signer = OAuth1::new(consumer.clone()).with_token(token.clone());
        self.post_oauth1(
            &signer,
            &url,
            SignableRequest::new("POST", url.as_str()),
            &[],
        )
        .await?;
        Ok(())
    }

    // ------------------------------------------------------------ app-only

    /// Obtains the app's bearer token (client credentials).
    pub async fn obtain_bearer(&self, consumer: &ConsumerKeys) -> Result<BearerToken> {
        let (status, body) = self
            .post_token(
                &self.api_url("/oauth2/token"),
                &TokenRequest::client_credentials(consumer)?,
            )
            .await?;
        parse_bearer_response(status, &body)
    }

    /// Invalidates the app's bearer token.
    pub async fn invalidate_bearer(
        &self,
        consumer: &ConsumerKeys,
        bearer: &BearerToken,
    ) -> Result<()> {
        self.post_token(
            &self.api_url("/oauth2/invalidate_token"),
            &TokenRequest::invalidate_bearer(consumer, bearer)?,
        )
        .await?;
        Ok(())
    }

    // ------------------------------------------------------------ OAuth 2.0

    /// Starts an Authorization Code with PKCE (S256) authorization.
    pub fn start_authorization(
        &self,
        client: &OAuth2Client,
        redirect_uri: &str,
        scopes: &[Scope],
    ) -> Result<PendingAuthorization> {
        let state = State::random()?;
        let verifier = PkceCodeVerifier::random()?;
        let endpoint = format!("{}/i/oauth2/authorize", self.web_base);
        let url = AuthorizeUrl {
            endpoint: &endpoint,
            client_id: client.client_id(),
            redirect_uri,
            scopes,
            state: &state,
            challenge: &verifier.challenge(PkceMethod::S256),
        }
        .to_url()?;
        Ok(PendingAuthorization {
            url,
            state,
            verifier,
            redirect_uri: redirect_uri.to_owned(),
        })
    }

    /// Finishes it: checks the callback's state, exchanges the code.
    pub async fn finish_authorization(
        &self,
        client: &OAuth2Client,
        pending: PendingAuthorization,
        callback: &str,
    ) -> Result<OAuth2UserToken> {
        let code = parse_authorization_callback(callback, &pending.state)?;
        let request = TokenRequest::authorization_code(
            client,
            &code,
            &pending.redirect_uri,
            pending.verifier,
        )?;
        let (status, body) = self
            .post_token(&self.api_url("/2/oauth2/token"), &request)
            .await?;
        parse_token_response(status, &body, self.clock.now())
    }

    /// Refreshes a user token. X rotates refresh tokens: the result carries
    /// the new one and the old one is dead, so store the result at once.
    pub async fn refresh(
        &self,
        client: &OAuth2Client,
        token: &OAuth2UserToken,
    ) -> Result<OAuth2UserToken> {
        let refresh_token = token.refresh_token.as_ref().ok_or_else(|| {
            Error::invalid_input(
                "token",
                "has no refresh token (authorize with the offline.access scope)",
            )
        })?;
        let (status, body) = self
            .post_token(
                &self.api_url("/2/oauth2/token"),
                &TokenRequest::refresh(client, refresh_token)?,
            )
            .await?;
        parse_token_response(status, &body, self.clock.now())
    }

    /// Revokes an OAuth 2.0 access or refresh token.
    pub async fn revoke(
        &self,
        client: &OAuth2Client,
        token: &str,
        hint: TokenTypeHint,
    ) -> Result<()> {
        let (status, body) = self
            .post_token(
                &self.api_url("/2/oauth2/revoke"),
                &TokenRequest::revoke(client, token, hint)?,
            )
            .await?;
        parse_revoke_response(status, &body)
    }

    // ------------------------------------------------------------ requests

    /// Sends an authorised request to X. `path` is relative to the API base
    /// (or an absolute URL) and may carry a query. A 401 with code 135
    /// (clock skew) is retried once with the offset read from X's `Date`.
    pub async fn send(
        &self,
        credential: &Credential,
        method: &str,
        path: &str,
        body: &Body,
    ) -> Result<ApiResponse> {
        match self.send_once(credential, method, path, body).await? {
            Attempt::Done(response) => Ok(response),
            Attempt::Skewed {
                server_time: Some(server),
                ..
            } => {
                let offset = i64::try_from(server).unwrap_or(i64::MAX)
                    - i64::try_from(self.clock.unix_seconds()).unwrap_or(i64::MAX);
                self.clock_offset.store(offset, Ordering::Relaxed);
                match self.send_once(credential, method, path, body).await? {
                    Attempt::Done(response) => Ok(response),
                    Attempt::Skewed { error, .. } => Err(error.into()),
                }
            }
            Attempt::Skewed { error, .. } => Err(error.into()),
        }
    }

    async fn send_once(
        &self,
        credential: &Credential,
        method: &str,
        path: &str,
        body: &Body,
    ) -> Result<Attempt> {
        let url = self.api_url(path);
        let http_method = reqwest::Method::from_bytes(method.to_ascii_uppercase().as_bytes())
            .map_err(|_| {
                Error::invalid_input("method", "must be an HTTP method such as GET or POST")
            })?;
        let mut builder = self.http.request(http_method, &url);
        let mut base_string = None;
        let authorization = match credential {
            Credential::OAuth1(signer) => {
                let mut request =
                    SignableRequest::new(method, url.as_str()).timestamp(self.timestamp());
                if let Body::Form(pairs) = body {
                    request = request.form(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
                }
                let signed = signer.sign(&request)?;
                base_string = Some(signed.base_string);
                signed.authorization
            }
            Credential::Bearer(token) => token.authorization_header()?,
            Credential::OAuth2User(token) => token.authorization_header()?,
        };
        builder = builder.header(AUTHORIZATION, authorization);
        builder = match body {
            Body::Empty => builder,
            Body::Form(pairs) => builder
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(encode_form(
                    pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
                )),
            Body::Json(value) => builder
                .header(CONTENT_TYPE, "application/json")
                .body(value.to_string()),
        };
        let response = builder.send().await.map_err(transport)?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.map_err(transport)?.to_vec();
        let rate_limit = RateLimit::from_headers(&headers);
        if (200..300).contains(&status) {
            return Ok(Attempt::Done(ApiResponse {
                status,
                rate_limit,
                body: bytes,
            }));
        }
        let mut error =
            ApiError::parse(status, &bytes).with_rate_limit_reset(rate_limit.map(|r| r.reset));
        if let Some(base) = base_string.filter(|_| {
            matches!(
                error.kind,
                ApiErrorKind::Authentication | ApiErrorKind::ClockSkew
            )
        }) {
            error = error.with_base_string(base);
        }
        if error.kind == ApiErrorKind::ClockSkew {
            let server_time = headers
                .get("date")
                .and_then(|d| parse_http_date(d.to_str().ok()?));
            return Ok(Attempt::Skewed { error, server_time });
        }
        Err(error.into())
    }

    /// `GET /2/users/me`: checks a user credential and returns the user.
    pub async fn users_me(&self, credential: &Credential) -> Result<serde_json::Value> {
        self.send(credential, "GET", "/2/users/me", &Body::Empty)
            .await?
            .json()
    }

    /// `GET /2/users/by/username/{username}`: checks a bearer token (or any
    /// credential) with a public lookup.
    pub async fn user_by_username(
        &self,
        credential: &Credential,
        username: &str,
    ) -> Result<serde_json::Value> {
        if username.is_empty()
            || !username
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return Err(Error::invalid_input(
                "username",
                "must be 1 or more of A-Z a-z 0-9 _",
            ));
        }
        self.send(
            credential,
            "GET",
            &format!("/2/users/by/username/{username}"),
            &Body::Empty,
        )
        .await?
        .json()
    }
}
