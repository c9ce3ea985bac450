//! Core errors as JavaScript errors: a JSON document of the code and the
//! fields of `Error::fields()` (in camelCase) behind a marker prefix, which
//! the facade (`index.js`) turns into an `XAuthError`.

use napi::bindgen_prelude::*;
use napi_derive::napi;
use x_api_auth::{Error, ErrorField};

/// The prefix of the message of every error thrown by the native module.
const ERROR_MARKER: &str = "\u{0}x-api-auth:";

/// `snake_case` → `camelCase`.
fn camel(name: &str) -> String {
    let mut parts = name.split('_');
    let mut out = parts.next().unwrap_or_default().to_owned();
    for part in parts {
        let mut chars = part.chars();
        out.extend(chars.next().map(|c| c.to_ascii_uppercase()));
        out.push_str(chars.as_str());
    }
    out
}

/// A core error as a JavaScript error the facade understands.
pub fn js_error(e: Error) -> napi::Error {
    let mut detail = serde_json::json!({ "code": e.code(), "message": e.to_string() });
    for (name, value) in e.fields() {
        detail[camel(name)] = match value {
            ErrorField::Number(n) => n.into(),
            ErrorField::Text(t) => t.into(),
            ErrorField::Bool(b) => b.into(),
        };
    }
    napi::Error::new(Status::GenericFailure, format!("{ERROR_MARKER}{detail}"))
}

/// An `X_INVALID_INPUT` error for a bad argument of the binding itself.
pub fn invalid(field: &'static str, reason: impl Into<String>) -> napi::Error {
    let reason = reason.into();
    js_error(Error::InvalidInput { field, reason })
}

/// Runs a core call; its error becomes a marked JavaScript error.
pub fn core<T>(result: std::result::Result<T, Error>) -> Result<T> {
    result.map_err(js_error)
}

/// The error X's error response (any shape) maps to, as the marked message
/// the facade turns into an `XAuthError`.
#[napi(catch_unwind)]
pub fn parse_error(status: u32, body: Buffer) -> String {
    let status = u16::try_from(status).unwrap_or(0);
    js_error(x_api_auth::ApiError::parse(status, &body).into()).reason
}

/// Every stable error code (`X_CONFIG`, `X_INVALID_INPUT`, ...).
#[napi(catch_unwind)]
pub fn error_codes() -> Vec<&'static str> {
    x_api_auth::Error::CODES.to_vec()
}
