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

/// X's rate-limit headers of a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// `x-rate-limit-limit`.
    pub limit: u64,
    /// `x-rate-limit-remaining`.
    pub remaining: u64,
    /// `x-rate-limit-reset`: when the window resets, Unix seconds.
    pub reset_at: u64,
}

impl RateLimit {
    /// Reads the three `x-rate-limit-*` headers, when all are present.
    pub fn from_response(response: &HttpResponse) -> Option<Self> {
        let get = |name: &str| response.header(name)?.trim().parse().ok();
        Some(Self {
            limit: get("x-rate-limit-limit")?,
            remaining: get("x-rate-limit-remaining")?,
            reset_at: get("x-rate-limit-reset")?,
        })
    }
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
