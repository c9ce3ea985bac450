//! OAuth 2.0 pieces: a login in progress, PKCE challenges, HTTP Basic.

use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::api::js_type;
use crate::errors::{core, invalid, js_error};

/// Scope names as a caller writes them: one string (`"tweet.read
/// users.read"`) or an array of strings. The core checks the names
/// (`Scope::parse_requested`).
pub fn scope_names(scopes: &Unknown<'_>) -> Result<Vec<String>> {
    match scopes.get_type()? {
        // SAFETY: the type was checked.
        ValueType::String => Ok(vec![unsafe { scopes.cast::<String>() }?]),
        ValueType::Object if scopes.is_array()? => {
            // SAFETY: an array.
            let items = unsafe { scopes.cast::<Array>() }?;
            (0..items.len())
                .map(|i| {
                    let item: Unknown<'_> = items
                        .get(i)?
                        .ok_or_else(|| invalid("scopes", "changed while read"))?;
                    if item.get_type()? != ValueType::String {
                        return Err(invalid(
                            "scopes",
                            format!(
                                "item #{i} is of type {}: scope names are strings",
                                js_type(&item)
                            ),
                        ));
                    }
                    // SAFETY: a string.
                    unsafe { item.cast::<String>() }
                })
                .collect()
        }
        _ => Err(invalid(
            "scopes",
            format!(
                "expected an array of scope names or one space-separated string, got {}",
                js_type(scopes)
            ),
        )),
    }
}

/// An OAuth 2.0 authorization in progress.
#[napi]
pub struct PendingAuthorization(pub(crate) Option<x_api_auth::PendingAuthorization>);

impl PendingAuthorization {
    /// The state the callback must carry, while the authorization is not
    /// finished.
    pub fn state(&self) -> Result<x_api_auth::State> {
        self.0
            .as_ref()
            .map(|p| p.state.clone())
            .ok_or_else(|| js_error(x_api_auth::oauth2::PendingAuthorization::already_finished()))
    }

    /// The authorization, once: finishing it consumes it.
    pub fn take(&mut self) -> Result<x_api_auth::PendingAuthorization> {
        self.0
            .take()
            .ok_or_else(|| js_error(x_api_auth::oauth2::PendingAuthorization::already_finished()))
    }
}

#[napi]
impl PendingAuthorization {
    /// The consent URL.
    #[napi(getter, catch_unwind)]
    pub fn url(&self) -> String {
        self.0.as_ref().map(|p| p.url.clone()).unwrap_or_default()
    }

    /// One string to keep in a server-side session; it holds the PKCE
    /// verifier: treat it as a secret.
    #[napi(catch_unwind)]
    pub fn to_compact(&self) -> String {
        self.0.as_ref().map(|p| p.to_compact()).unwrap_or_default()
    }

    /// Parses `toCompact()`'s output.
    #[napi(factory, catch_unwind)]
    pub fn from_compact(compact: String) -> Result<Self> {
        core(x_api_auth::PendingAuthorization::from_compact(&compact)).map(|p| Self(Some(p)))
    }
}

/// The `Basic …` header for an id and a secret (RFC 6749 §2.3.1).
#[napi(catch_unwind)]
pub fn basic_authorization(id: String, secret: String) -> String {
    x_api_auth::oauth2::basic_authorization(&id, &secret).to_string()
}

/// The PKCE challenge of a verifier (`S256` or `plain`).
#[napi(catch_unwind)]
pub fn pkce_challenge(verifier: String, method: Option<String>) -> Result<String> {
    core((|| {
        let method = method.as_deref().unwrap_or("S256").parse()?;
        Ok(x_api_auth::PkceCodeVerifier::new(verifier)?
            .challenge(method)
            .value)
    })())
}
