//! The flows over HTTP, one file per flow: [`XAuth`] holds a [`Transport`]
//! and X's base URLs, and each flow builds its requests with the pure
//! modules and parses the answers with them.
//!
//! - `oauth1`: the 3-legged OAuth 1.0a flow (request token, consent,
//!   access token, invalidate).
//! - `app_only`: the app's bearer token (client credentials, invalidate).
//! - `oauth2`: Authorization Code with PKCE, refresh, revoke.
//! - `api`: authorised API requests, with the clock-skew retry.
//!
//! Redirects are never followed on auth endpoints, and every request has a
//! timeout (both are the transport's duty).

mod api;
mod app_only;
mod oauth1;
mod oauth2;

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
#[cfg(feature = "reqwest")]
use std::time::Duration;

use crate::api_error::ApiError;
use crate::clock::{Clock, SystemClock};
use crate::credential::FORM_CONTENT_TYPE;
use crate::encode::encode_form;
use crate::error::{Error, Result};
use crate::oauth1::{OAuth1, SignableRequest};
use crate::oauth2::TokenRequest;
use crate::transport::{HttpRequest, HttpResponse, Transport};

/// An [`XAuth`] described by plain values, as a config file, the command
/// line or another language holds them: unset fields take X's defaults.
#[cfg(feature = "reqwest")]
#[derive(Debug, Clone, Default)]
pub struct XAuthSettings {
    /// The API base URL (`https://api.x.com`).
    pub api_base: Option<String>,
    /// The web base URL of the consent page (`https://x.com`).
    pub web_base: Option<String>,
    /// The timeout of each request, in seconds (30).
    pub timeout: Option<f64>,
    /// Seconds added to this client's clock, to test the clock-skew recovery.
    pub simulated_clock_skew: Option<i64>,
    /// Accept plain `http://` bases on hosts that are not loopback: every
    /// secret then crosses the network in clear.
    pub insecure_allow_http: Option<bool>,
    /// The caller's product, appended to the `User-Agent` (`mybot/1.2`).
    pub user_agent: Option<String>,
    /// The language binding making the requests (`python`, `node`), named
    /// in the `User-Agent`; the bindings set it.
    pub binding: Option<String>,
    /// The proxy for every request (`http://host:port`), instead of
    /// `HTTPS_PROXY` / `HTTP_PROXY` / `ALL_PROXY`; `NO_PROXY` still applies.
    pub proxy: Option<String>,
    /// PEM files of certificate authorities to trust besides the system's
    /// (a TLS-inspecting proxy's CA); those named by `SSL_CERT_FILE`,
    /// `REQUESTS_CA_BUNDLE` and `NODE_EXTRA_CA_CERTS` are trusted too.
    pub ca_certs: Option<Vec<String>>,
    /// Wait for the reset after a 429 and send again
    /// ([`XAuth::with_wait_on_rate_limit`]); off unless `true`.
    pub wait_on_rate_limit: Option<bool>,
}

#[cfg(feature = "reqwest")]
impl XAuthSettings {
    /// The client, or the first setting at fault.
    ///
    /// ```
    /// use x_api_auth::XAuthSettings;
    /// let bad = XAuthSettings { timeout: Some(-1.0), ..Default::default() };
    /// assert_eq!(bad.build().unwrap_err().code(), "X_INVALID_INPUT");
    /// ```
    pub fn build(&self) -> Result<XAuth> {
        let timeout = self.timeout.unwrap_or(30.0);
        if !(timeout.is_finite() && timeout > 0.0) {
            return Err(Error::invalid_input(
                "timeout",
                "must be a positive number of seconds",
            ));
        }
        let network = crate::transport::Network {
            proxy: self.proxy.clone(),
            ca_certs: self.ca_certs.iter().flatten().map(Into::into).collect(),
        };
        let transport = Arc::new(crate::transport::ReqwestTransport::with_network(
            Duration::from_secs_f64(timeout.min(86_400.0)),
            &network,
        )?);
        let x = XAuth::build(
            transport,
            self.api_base.as_deref().unwrap_or(DEFAULT_API_BASE),
            self.web_base.as_deref().unwrap_or(DEFAULT_WEB_BASE),
            self.insecure_allow_http.unwrap_or(false),
        )?;
        let x = x
            .with_user_agent(self.binding.as_deref(), self.user_agent.as_deref())?
            .with_wait_on_rate_limit(self.wait_on_rate_limit.unwrap_or(false));
        Ok(match self.simulated_clock_skew.unwrap_or(0) {
            0 => x,
            skew => x.with_clock(Arc::new(crate::clock::OffsetClock::new(skew))),
        })
    }
}

/// Whether the host of `authority_and_path` (a URL after `http://`) is
/// loopback: `localhost`, `127.0.0.0/8` or `[::1]`.
fn is_loopback(authority_and_path: &str) -> bool {
    let authority = authority_and_path
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default();
    let host = match authority.strip_prefix('[') {
        Some(v6) => return v6.split(']').next() == Some("::1"),
        None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// X's API host.
pub const DEFAULT_API_BASE: &str = "https://api.x.com";
/// X's web host (OAuth 2.0 consent page).
pub const DEFAULT_WEB_BASE: &str = "https://x.com";

/// The entry point of every flow: a transport and X's base URLs.
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
    transport: Arc<dyn Transport>,
    api_base: String,
    web_base: String,
    clock: Arc<dyn Clock>,
    clock_offset: Arc<AtomicI64>,
    pid: u32,
    user_agent: Arc<str>,
    /// The longest wait for a rate-limit reset; `None`: a 429 is returned.
    rate_limit_wait: Option<std::time::Duration>,
}

/// The `User-Agent` of every request: `x-api-auth/<version>`, then the
/// binding in parentheses, then the caller's product.
fn user_agent(binding: Option<&str>, product: Option<&str>) -> Result<String> {
    let mut agent = format!("x-api-auth/{}", env!("CARGO_PKG_VERSION"));
    for (field, part, wrap) in [("binding", binding, true), ("user_agent", product, false)] {
        let Some(part) = part.map(str::trim).filter(|p| !p.is_empty()) else {
            continue;
        };
        if part.len() > 200 || !part.bytes().all(|b| (0x20..0x7f).contains(&b)) {
            return Err(Error::invalid_input(
                field,
                "must be at most 200 printable ASCII characters, such as mybot/1.2",
            ));
        }
        agent.push_str(&if wrap {
            format!(" ({part})")
        } else {
            format!(" {part}")
        });
    }
    Ok(agent)
}

impl XAuth {
    /// A client for X (`https://api.x.com`, `https://x.com`), 30 s timeout.
    #[cfg(feature = "reqwest")]
    pub fn new() -> Result<Self> {
        Self::with_base_urls(DEFAULT_API_BASE, DEFAULT_WEB_BASE, Duration::from_secs(30))
    }

    /// A client for other hosts: the sandbox, a proxy, or the legacy
    /// `https://api.twitter.com`.
    #[cfg(feature = "reqwest")]
    pub fn with_base_urls(api_base: &str, web_base: &str, timeout: Duration) -> Result<Self> {
        let transport = crate::transport::ReqwestTransport::new(timeout)?;
        Self::with_transport(Arc::new(transport), api_base, web_base)
    }

    /// A client that sends its requests through `transport`. Plain `http://`
    /// bases are refused (`X_INSECURE_TRANSPORT`) unless their host is
    /// loopback (the sandbox): the flows send secrets.
    pub fn with_transport(
        transport: Arc<dyn Transport>,
        api_base: &str,
        web_base: &str,
    ) -> Result<Self> {
        Self::build(transport, api_base, web_base, false)
    }

    /// Like [`XAuth::with_transport`], but also accepts plain `http://` bases
    /// on other hosts: every secret of every flow then crosses the network
    /// in clear. For a TLS-terminating proxy on a trusted network only.
    pub fn with_transport_insecure_allow_http(
        transport: Arc<dyn Transport>,
        api_base: &str,
        web_base: &str,
    ) -> Result<Self> {
        Self::build(transport, api_base, web_base, true)
    }

    fn build(
        transport: Arc<dyn Transport>,
        api_base: &str,
        web_base: &str,
        allow_http: bool,
    ) -> Result<Self> {
        for (field, base) in [("api base URL", api_base), ("web base URL", web_base)] {
            if let Some(rest) = base.strip_prefix("http://") {
                if !allow_http && !is_loopback(rest) {
                    return Err(Error::InsecureTransport {
                        url: base.to_owned(),
                    });
                }
            } else if !base.starts_with("https://") {
                return Err(Error::invalid_input(
                    field,
                    "must be an absolute http(s) URL",
                ));
            }
        }
        Ok(Self {
            transport,
            api_base: api_base.trim_end_matches('/').to_owned(),
            web_base: web_base.trim_end_matches('/').to_owned(),
            clock: Arc::new(SystemClock),
            clock_offset: Arc::new(AtomicI64::new(0)),
            pid: std::process::id(),
            user_agent: user_agent(None, None)?.into(),
            rate_limit_wait: None,
        })
    }

    /// Names the caller's product (`mybot/1.2`) and the binding in the
    /// `User-Agent` sent with every request, after `x-api-auth/<version>`.
    ///
    /// ```
    /// # fn main() -> x_api_auth::Result<()> {
    /// let x = x_api_auth::XAuth::new()?.with_user_agent(None, Some("mybot/1.2"))?;
    /// assert!(x.user_agent().starts_with("x-api-auth/") && x.user_agent().ends_with(" mybot/1.2"));
    /// # Ok(()) }
    /// ```
    pub fn with_user_agent(mut self, binding: Option<&str>, product: Option<&str>) -> Result<Self> {
        self.user_agent = user_agent(binding, product)?.into();
        Ok(self)
    }

    /// The `User-Agent` sent with every request.
    pub fn user_agent(&self) -> &str {
        &self.user_agent
    }

    /// Waits on rate limits, as tweepy's `wait_on_rate_limit`: after a 429,
    /// [`XAuth::send`] sleeps until X's window resets (read from the
    /// `x-rate-limit-*` and 24-hour headers, at most
    /// [`MAX_RATE_LIMIT_WAIT`](crate::MAX_RATE_LIMIT_WAIT), up to three
    /// times) and sends the request again; a reset further away (a 24-hour
    /// limit) returns the 429 with a hint. Off by default.
    pub fn with_wait_on_rate_limit(mut self, wait: bool) -> Self {
        self.rate_limit_wait = wait.then_some(crate::MAX_RATE_LIMIT_WAIT);
        self
    }

    /// Sends one request with this client's `User-Agent`, holding the
    /// transport to the request's response limit.
    async fn transmit(&self, request: HttpRequest) -> Result<HttpResponse> {
        let request = request.header("user-agent", self.user_agent.to_string());
        let limits = (
            request.response_limit_for(200),
            request.response_limit_for(500),
        );
        let (method, url) = (request.method.clone(), request.url.clone());
        tracing::debug!(target: crate::logging::TARGET, %method, %url, "request");
        let started = std::time::Instant::now();
        let response = self.transport.send(request).await.inspect_err(|e| {
            tracing::debug!(target: crate::logging::TARGET, %method, %url, error = %e, "no response");
        })?;
        tracing::debug!(
            target: crate::logging::TARGET,
            %method,
            %url,
            status = response.status,
            ms = started.elapsed().as_millis() as u64,
            "response"
        );
        let limit = if (200..300).contains(&response.status) {
            limits.0
        } else {
            limits.1
        };
        if response.body.len() > limit {
            return Err(Error::response_too_large(response.status, limit));
        }
        Ok(response)
    }

    /// Reads time from `clock` (tests).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// This client, usable in this process: in a child forked after it was
    /// made, a copy with a fresh transport (see [`Transport::for_child`]).
    pub fn in_this_process(&self) -> XAuth {
        let pid = std::process::id();
        let mut x = self.clone();
        if pid != self.pid
            && let Some(transport) = self.transport.for_child()
        {
            x.transport = transport;
            x.pid = pid;
        }
        x
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

    /// Sends a request to an auth endpoint and turns anything but a 2xx into
    /// a typed error.
    async fn exchange(&self, request: HttpRequest) -> Result<HttpResponse> {
        let response = self.transmit(request).await?;
        let status = response.status;
        if (300..400).contains(&status) {
            return Err(Error::unexpected(
                status,
                "the server answered with a redirect, which is not followed on auth endpoints",
            ));
        }
        if !(200..300).contains(&status) {
            let reset = response
                .header("x-rate-limit-reset")
                .and_then(|v| v.trim().parse().ok());
            return Err(ApiError::parse(status, &response.body)
                .with_reset_at(reset)
                .into());
        }
        Ok(response)
    }

    /// POSTs an OAuth 1.0a-signed form to an `oauth/*` endpoint; a refusal
    /// carries the base string that was signed.
    async fn post_oauth1(
        &self,
        signer: &OAuth1,
        url: &str,
        request: SignableRequest<'_>,
        form: &[(&str, &str)],
    ) -> Result<HttpResponse> {
        let mut signed = signer.sign(&request.timestamp(self.timestamp()))?;
        tracing::debug!(
            target: crate::logging::TARGET,
            base_string = %crate::oauth1::masked_base_string(&signed.base_string),
            "OAuth 1.0a base string"
        );
        let request = HttpRequest::new("POST", url)
            .header("authorization", std::mem::take(&mut signed.authorization))
            .body(FORM_CONTENT_TYPE, encode_form(form.iter().copied()));
        match self.exchange(request).await {
            Err(Error::Api(e)) => Err(Error::Api(Box::new(
                e.with_base_string(std::mem::take(&mut signed.base_string)),
            ))),
            other => other,
        }
    }

    /// POSTs an OAuth 2.0 token-endpoint request.
    async fn post_token(&self, url: &str, token_request: &TokenRequest) -> Result<HttpResponse> {
        let mut request =
            HttpRequest::new("POST", url).body(FORM_CONTENT_TYPE, token_request.body().as_bytes());
        if let Some(authorization) = token_request.authorization() {
            request = request.header("authorization", authorization);
        }
        self.exchange(request).await
    }
}
