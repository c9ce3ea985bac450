//! API requests and responses: the [`Body`] of a request, and the
//! [`ApiResponse`] with X's [`RateLimit`] headers.

use crate::credential::FORM_CONTENT_TYPE;
use crate::encode::encode_form;
use crate::error::{Error, Result};
use crate::transport::HttpResponse;

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

impl Body {
    /// The content type and the encoded bytes (`None` and empty for
    /// [`Body::Empty`]).
    pub fn encode(&self) -> (Option<&'static str>, Vec<u8>) {
        match self {
            Body::Empty => (None, Vec::new()),
            Body::Form(pairs) => (
                Some(FORM_CONTENT_TYPE),
                encode_form(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))).into_bytes(),
            ),
            Body::Json(value) => (Some("application/json"), value.to_string().into_bytes()),
        }
    }
}

/// X's rate-limit headers: the 15-minute window of the endpoint, and the
/// 24-hour windows of the app and of the user where X sends them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// `x-rate-limit-limit`.
    pub limit: u64,
    /// `x-rate-limit-remaining`.
    pub remaining: u64,
    /// `x-rate-limit-reset`: when the window resets, Unix seconds.
    pub reset_at: u64,
    /// `x-app-limit-24hour-limit`, `-remaining`, `-reset`: the app's day.
    pub app_24h: Option<RateWindow>,
    /// `x-user-limit-24hour-limit`, `-remaining`, `-reset`: the user's day.
    pub user_24h: Option<RateWindow>,
}

/// One 24-hour window of X's rate limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateWindow {
    /// Requests the window allows.
    pub limit: u64,
    /// Requests left in it.
    pub remaining: u64,
    /// When it resets, Unix seconds.
    pub reset_at: u64,
}

/// The longest wait for a rate-limit reset when waiting is on (X's windows
/// are 15 minutes; a longer wait means a 24-hour limit, which is refused).
pub const MAX_RATE_LIMIT_WAIT: std::time::Duration = std::time::Duration::from_secs(15 * 60 + 1);

impl RateLimit {
    /// Reads the `x-rate-limit-*` headers, when all three are present, and
    /// the 24-hour `x-app-limit-24hour-*` and `x-user-limit-24hour-*` ones.
    pub fn from_response(response: &HttpResponse) -> Option<Self> {
        Self::from_headers(&response.headers)
    }

    /// [`RateLimit::from_response`] over any response's headers (names in
    /// any case), for HTTP clients of the caller's.
    pub fn from_headers<N: AsRef<str>, V: AsRef<str>>(headers: &[(N, V)]) -> Option<Self> {
        let get = |name: &str| -> Option<u64> {
            let (_, value) = headers
                .iter()
                .find(|(n, _)| n.as_ref().eq_ignore_ascii_case(name))?;
            value.as_ref().trim().parse().ok()
        };
        let window = |prefix: &str| {
            Some(RateWindow {
                limit: get(&format!("{prefix}-limit"))?,
                remaining: get(&format!("{prefix}-remaining"))?,
                reset_at: get(&format!("{prefix}-reset"))?,
            })
        };
        Some(Self {
            limit: get("x-rate-limit-limit")?,
            remaining: get("x-rate-limit-remaining")?,
            reset_at: get("x-rate-limit-reset")?,
            app_24h: window("x-app-limit-24hour"),
            user_24h: window("x-user-limit-24hour"),
        })
    }

    /// After a 429, how long until X accepts the request again, seen at
    /// `now` (Unix seconds, X's clock): until the latest reset of the
    /// exhausted windows (the 15-minute one when none says so), plus a
    /// second.
    ///
    /// ```
    /// use x_api_auth::{RateLimit, RateWindow};
    /// let limit = RateLimit { limit: 900, remaining: 0, reset_at: 1_060, app_24h: None, user_24h: None };
    /// assert_eq!(limit.retry_after(1_000).as_secs(), 61);
    /// let day = RateWindow { limit: 17, remaining: 0, reset_at: 80_000 };
    /// assert_eq!(RateLimit { app_24h: Some(day), ..limit }.retry_after(1_000).as_secs(), 79_001);
    /// ```
    pub fn retry_after(&self, now: u64) -> std::time::Duration {
        let windows = [
            Some((self.remaining, self.reset_at)),
            self.app_24h.map(|w| (w.remaining, w.reset_at)),
            self.user_24h.map(|w| (w.remaining, w.reset_at)),
        ];
        let reset = windows
            .into_iter()
            .flatten()
            .filter(|(remaining, _)| *remaining == 0)
            .map(|(_, reset)| reset)
            .max()
            .unwrap_or(self.reset_at);
        std::time::Duration::from_secs(reset.saturating_sub(now).saturating_add(1))
    }
}

/// The rate-limit policy of `wait_on_rate_limit` for an HTTP client of the
/// caller's (the adapters, `authorizedFetch`): after a response with
/// `status` and `headers` at `now` (Unix seconds), how long to wait before
/// sending again. `Some` only for a 429 whose rate-limit headers put the
/// reset within [`MAX_RATE_LIMIT_WAIT`]; `None` otherwise (the caller then
/// returns the 429 as it is).
///
/// ```
/// let headers = [("x-rate-limit-limit", "900"), ("x-rate-limit-remaining", "0"), ("x-rate-limit-reset", "1030")];
/// assert_eq!(x_api_auth::rate_limit_wait(429, &headers, 1_000).map(|d| d.as_secs()), Some(31));
/// assert_eq!(x_api_auth::rate_limit_wait(200, &headers, 1_000), None);
/// ```
pub fn rate_limit_wait<N: AsRef<str>, V: AsRef<str>>(
    status: u16,
    headers: &[(N, V)],
    now: u64,
) -> Option<std::time::Duration> {
    if status != 429 {
        return None;
    }
    let wait = RateLimit::from_headers(headers)?.retry_after(now);
    (wait <= MAX_RATE_LIMIT_WAIT).then_some(wait)
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
