//! The HTTP seam: the flows build an [`HttpRequest`] and hand it to a
//! [`Transport`], so the HTTP client is a choice, not a dependency.
//!
//! With the default `reqwest` feature, [`ReqwestTransport`] sends requests
//! with reqwest on rustls (ring); without it, implement [`Transport`] over
//! any client, or over a closure in tests.
//!
//! ```
//! use x_api_auth::transport::{HttpRequest, HttpResponse, Transport, TransportFuture};
//!
//! /// A transport that answers every request with a fixed body.
//! #[derive(Debug)]
//! struct Canned;
//!
//! impl Transport for Canned {
//!     fn send(&self, _request: HttpRequest) -> TransportFuture<'_> {
//!         Box::pin(async { Ok(HttpResponse { status: 200, headers: Vec::new(), body: b"{}".to_vec() }) })
//!     }
//! }
//! ```

#[cfg(feature = "reqwest")]
mod reqwest;

use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::pin::Pin;

use zeroize::Zeroize;

#[cfg(doc)]
use crate::error::Error;
use crate::error::Result;

#[cfg(feature = "reqwest")]
pub use self::reqwest::{CA_CERT_VARIABLES, CONNECT_TIMEOUT, Network, ReqwestTransport};

/// One HTTP request, ready to send. Its headers may hold credentials: its
/// `Debug` shows header names only, and it is wiped when dropped.
pub struct HttpRequest {
    /// `GET`, `POST`, ... (upper case).
    pub method: String,
    /// The absolute URL, query included.
    pub url: String,
    /// Header names (lower case) and values.
    pub headers: Vec<(Cow<'static, str>, String)>,
    /// The body (empty for none).
    pub body: Vec<u8>,
    /// The most bytes of response body to read: a longer body is refused
    /// with [`Error::response_too_large`] instead of being buffered whole.
    /// [`AUTH_RESPONSE_LIMIT`] unless set.
    pub response_limit: usize,
}

/// The most bytes read from the answer of an auth endpoint or from an error
/// response (64 KiB; X's are under 2 KB).
pub const AUTH_RESPONSE_LIMIT: usize = 64 * 1024;

/// The most bytes read from a successful API response (16 MiB; X's largest
/// pages, 1,000 users with every field, are a few MB).
pub const API_RESPONSE_LIMIT: usize = 16 * 1024 * 1024;

impl HttpRequest {
    /// A request without headers or body, whose response may be at most
    /// [`AUTH_RESPONSE_LIMIT`] bytes.
    pub fn new(method: impl Into<String>, url: impl Into<String>) -> Self {
        Self {
            method: method.into(),
            url: url.into(),
            headers: Vec::new(),
            body: Vec::new(),
            response_limit: AUTH_RESPONSE_LIMIT,
        }
    }

    /// Sets the most bytes of response body to read.
    pub fn response_limit(mut self, bytes: usize) -> Self {
        self.response_limit = bytes;
        self
    }

    /// The most bytes of body to read from a response of `status`: error
    /// responses (not 2xx) are held to [`AUTH_RESPONSE_LIMIT`] whatever
    /// [`HttpRequest::response_limit`] says.
    ///
    /// ```
    /// use x_api_auth::transport::{HttpRequest, AUTH_RESPONSE_LIMIT};
    /// let r = HttpRequest::new("GET", "https://api.x.com/2/users/me").response_limit(1 << 24);
    /// assert_eq!((r.response_limit_for(200), r.response_limit_for(401)), (1 << 24, AUTH_RESPONSE_LIMIT));
    /// ```
    pub fn response_limit_for(&self, status: u16) -> usize {
        if (200..300).contains(&status) {
            self.response_limit
        } else {
            self.response_limit.min(AUTH_RESPONSE_LIMIT)
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: impl Into<Cow<'static, str>>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets the body and its `content-type`.
    pub fn body(mut self, content_type: &'static str, body: impl Into<Vec<u8>>) -> Self {
        self.headers
            .push(("content-type".into(), content_type.to_owned()));
        self.body = body.into();
        self
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(name, _)| name.as_ref()).collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &names)
            .field("body_len", &self.body.len())
            .field("response_limit", &self.response_limit)
            .finish()
    }
}

impl Drop for HttpRequest {
    fn drop(&mut self) {
        for (_, value) in &mut self.headers {
            value.zeroize();
        }
        self.body.zeroize();
    }
}

/// One HTTP response, whatever its status (redirects are never followed).
/// Its body may hold tokens: it is wiped when dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// Header names (lower case) and values; values that are not UTF-8 are
    /// left out.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Drop for HttpResponse {
    fn drop(&mut self) {
        self.body.zeroize();
    }
}

impl HttpResponse {
    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The future a [`Transport`] returns.
pub type TransportFuture<'a> = Pin<Box<dyn Future<Output = Result<HttpResponse>> + Send + 'a>>;

/// Sends HTTP requests for the flows. Implementations must not follow
/// redirects, must apply a timeout, must refuse a body longer than
/// [`HttpRequest::response_limit_for`] with [`Error::response_too_large`]
/// without buffering it whole, and report failures to connect or time-outs
/// as [`crate::Error::Transport`].
pub trait Transport: Send + Sync + fmt::Debug {
    /// Sends one request and returns the response, whatever its status.
    fn send(&self, request: HttpRequest) -> TransportFuture<'_>;

    /// A transport for a child process after `fork` (gunicorn `--preload`,
    /// celery prefork): the parent's connections and I/O runtime do not
    /// exist there. `None` when this transport is fork-safe as it is.
    fn for_child(&self) -> Option<std::sync::Arc<dyn Transport>> {
        None
    }

    /// A timer that waits `duration` (for a rate-limit reset), or `None`
    /// when this transport has no timer: [`XAuth`](crate::XAuth) then
    /// returns the 429 instead of waiting.
    fn sleep(&self, duration: std::time::Duration) -> Option<SleepFuture> {
        let _ = duration;
        None
    }
}

/// What [`Transport::sleep`] returns.
pub type SleepFuture = Pin<Box<dyn Future<Output = ()> + Send>>;
