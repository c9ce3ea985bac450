//! API requests: credentials, forms and JSON from JavaScript values, the
//! `Authorization` header for any HTTP client, and responses.

use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::Value;
use x_api_auth::{Credential, RequestParts};

use crate::credentials::{BearerToken, OAuth2UserToken};
use crate::errors::{core, invalid};
use crate::oauth1::OAuth1;

/// A JSON value handed to JavaScript as plain objects and arrays.
pub struct Json(pub Value);

impl TypeName for Json {
    fn type_name() -> &'static str {
        "unknown"
    }

    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

impl ToNapiValue for Json {
    unsafe fn to_napi_value(env: napi::sys::napi_env, val: Self) -> Result<napi::sys::napi_value> {
        // SAFETY: forwards to serde_json::Value's conversion with the same env.
        unsafe { Value::to_napi_value(env, val.0) }
    }
}

/// Form pairs from an object, `[key, value]` pairs, or an encoded form body
/// (what the facade makes of URLSearchParams).
pub fn form_pairs(form: Option<Value>) -> Result<Vec<(String, String)>> {
    let bad = || {
        invalid(
            "form",
            "expected an object or [key, value] pairs of strings",
        )
    };
    match form {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::String(body)) => core(x_api_auth::parse_form(&body, "form body")),
        Some(Value::Object(map)) => map
            .into_iter()
            .map(|(k, v)| match v {
                Value::String(v) => Ok((k, v)),
                _ => Err(bad()),
            })
            .collect(),
        Some(Value::Array(pairs)) => pairs
            .into_iter()
            .map(|pair| match pair {
                Value::Array(kv) => match <[Value; 2]>::try_from(kv) {
                    Ok([Value::String(k), Value::String(v)]) => Ok((k, v)),
                    _ => Err(invalid("form", "each entry must be a [key, value] pair")),
                },
                _ => Err(invalid("form", "each entry must be a [key, value] pair")),
            })
            .collect(),
        Some(_) => Err(bad()),
    }
}

/// The core's [`Credential`] of a credential object.
pub fn credential(credential: Either3<&OAuth1, &BearerToken, &OAuth2UserToken>) -> Credential {
    match credential {
        Either3::A(c) => Credential::OAuth1(c.0.clone()),
        Either3::B(c) => Credential::Bearer(c.0.clone()),
        Either3::C(c) => Credential::OAuth2User(c.0.clone()),
    }
}

/// An outgoing request, as `authorize` needs it.
#[napi(object)]
pub struct AuthorizeOptions {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The absolute URL, query included.
    pub url: String,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The body as text, if it is text.
    pub body: Option<String>,
}

/// The `Authorization` header for a request any HTTP client is about to
/// send: OAuth 1.0a signs the method, URL and a form body (by
/// `contentType`), never a JSON one.
#[napi(catch_unwind)]
pub fn authorize(
    credential: Either3<&OAuth1, &BearerToken, &OAuth2UserToken>,
    request: AuthorizeOptions,
) -> Result<String> {
    let parts = RequestParts {
        method: &request.method,
        url: &request.url,
        content_type: request.content_type.as_deref(),
        body: request.body.as_deref().unwrap_or_default().as_bytes(),
        timestamp: None,
    };
    core(self::credential(credential).authorize(&parts)).map(|a| a.header)
}

/// X's rate-limit headers.
#[napi(object)]
pub struct RateLimit {
    /// `x-rate-limit-limit`.
    pub limit: i64,
    /// `x-rate-limit-remaining`.
    pub remaining: i64,
    /// `x-rate-limit-reset`: when the window resets, Unix seconds.
    pub reset_at: i64,
}

/// A successful API response.
#[napi]
pub struct ApiResponse(pub(crate) x_api_auth::ApiResponse);

#[napi]
impl ApiResponse {
    /// HTTP status.
    #[napi(getter, catch_unwind)]
    pub fn status(&self) -> u32 {
        u32::from(self.0.status)
    }

    /// Rate-limit headers, when sent.
    #[napi(getter, catch_unwind)]
    pub fn rate_limit(&self) -> Option<RateLimit> {
        let int = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        self.0.rate_limit.map(|l| RateLimit {
            limit: int(l.limit),
            remaining: int(l.remaining),
            reset_at: int(l.reset_at),
        })
    }

    /// The body as text.
    #[napi(getter, catch_unwind)]
    pub fn body(&self) -> String {
        String::from_utf8_lossy(&self.0.body).into_owned()
    }

    /// The body decoded as JSON.
    #[napi(ts_return_type = "any", catch_unwind)]
    pub fn json(&self) -> Result<Json> {
        core(self.0.json()).map(Json)
    }
}
