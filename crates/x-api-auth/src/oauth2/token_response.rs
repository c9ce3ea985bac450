//! Parsing the token endpoints' successful responses.

use std::time::{Duration, SystemTime};

use serde::Deserialize;
use zeroize::Zeroizing;

use super::Scope;
use crate::credentials::OAuth2UserToken;
use crate::error::{Error, Result};
use crate::secret::{BearerToken, OAuth2AccessToken, RefreshToken};

#[derive(Deserialize)]
struct TokenBody {
    token_type: Option<String>,
    access_token: Option<Zeroizing<String>>,
    expires_in: Option<u64>,
    scope: Option<String>,
    refresh_token: Option<Zeroizing<String>>,
}

fn parse_body(status: u16, body: &[u8]) -> Result<(TokenBody, Zeroizing<String>)> {
    let mut parsed: TokenBody = serde_json::from_slice(body).map_err(|e| {
        Error::unexpected(
            status,
            format!(
                "the token response is not the expected JSON ({})",
                e.classify_name()
            ),
        )
    })?;
    match parsed.token_type.as_deref() {
        Some(t) if t.eq_ignore_ascii_case("bearer") => {}
        Some(_) => return Err(Error::unexpected(status, "token_type is not bearer")),
        None => {
            return Err(Error::unexpected(
                status,
                "the token response has no token_type",
            ));
        }
    }
    match parsed.access_token.take() {
        Some(t) if !t.is_empty() => Ok((parsed, t)),
        _ => Err(Error::unexpected(
            status,
            "the token response has no access_token",
        )),
    }
}

trait ClassifyName {
    fn classify_name(&self) -> &'static str;
}

impl ClassifyName for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "I/O error",
            serde_json::error::Category::Syntax => "malformed JSON",
            serde_json::error::Category::Data => "a field has the wrong type",
            serde_json::error::Category::Eof => "truncated JSON",
        }
    }
}

/// The longest `expires_in` accepted: ten years.
const MAX_LIFETIME_SECS: u64 = 10 * 365 * 86_400;

/// Parses a user token response of `/2/oauth2/token` (authorization code or
/// refresh). A missing `expires_in` or `scope` is tolerated; a `token_type`
/// other than bearer is an error.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use x_api_auth::oauth2::{Scope, parse_token_response};
/// let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
/// let t = parse_token_response(200, br#"{"token_type":"bearer","expires_in":7200,"access_token":"at","scope":"tweet.read offline.access","refresh_token":"rt"}"#, now)?;
/// assert_eq!(t.access_token.secret(), "at");
/// assert_eq!(t.expires_at, Some(now + Duration::from_secs(7200)));
/// assert!(t.has_scope(&Scope::OFFLINE_ACCESS));
/// assert!(parse_token_response(200, br#"{"token_type":"mac","access_token":"at"}"#, now).is_err());
/// // an absurd lifetime is refused, never an overflow
/// let absurd = br#"{"token_type":"bearer","access_token":"x","expires_in":18446744073709551615}"#;
/// assert_eq!(parse_token_response(200, absurd, now).unwrap_err().code(), "X_UNEXPECTED_RESPONSE");
/// # Ok::<(), x_api_auth::Error>(())
/// ```
pub fn parse_token_response(status: u16, body: &[u8], now: SystemTime) -> Result<OAuth2UserToken> {
    let (parsed, access_token) = parse_body(status, body)?;
    Ok(OAuth2UserToken {
        access_token: OAuth2AccessToken::new(access_token.as_str()),
        refresh_token: parsed
            .refresh_token
            .filter(|t| !t.is_empty())
            .map(|t| RefreshToken::new(t.as_str())),
        expires_at: match parsed.expires_in {
            None => None,
            // X's tokens live two hours; ten years is already absurd, and
            // no value from the network may overflow the clock
            Some(secs) if secs <= MAX_LIFETIME_SECS => now.checked_add(Duration::from_secs(secs)),
            Some(secs) => {
                return Err(Error::unexpected(
                    status,
                    format!("expires_in {secs} is not a plausible token lifetime"),
                ));
            }
        },
        scopes: parsed
            .scope
            .as_deref()
            .map(Scope::parse_list)
            .unwrap_or_default(),
    })
}

/// Parses the app-only response of `/oauth2/token`.
///
/// ```
/// use x_api_auth::oauth2::parse_bearer_response;
/// let t = parse_bearer_response(200, br#"{"token_type":"bearer","access_token":"AAAA%2FAAAA%3DAAAA"}"#)?;
/// assert_eq!(t.secret(), "AAAA%2FAAAA%3DAAAA");
/// # Ok::<(), x_api_auth::Error>(())
/// ```
pub fn parse_bearer_response(status: u16, body: &[u8]) -> Result<BearerToken> {
    let (_, access_token) = parse_body(status, body)?;
    Ok(BearerToken::new(access_token.as_str()))
}

/// Parses the response of `oauth2/invalidate_token` (the app's bearer) and
/// of `1.1/oauth/invalidate_token` (an OAuth 1.0a access token): X answers
/// `{"access_token": "<the token>"}`. Anything else (an HTML page of a
/// captive portal, say) is not taken for success.
///
/// ```
/// use x_api_auth::oauth2::parse_invalidate_response;
/// assert!(parse_invalidate_response(200, br#"{"access_token":"AAAA"}"#).is_ok());
/// assert!(parse_invalidate_response(200, b"<html>Welcome</html>").is_err());
/// ```
pub fn parse_invalidate_response(status: u16, body: &[u8]) -> Result<()> {
    #[derive(Deserialize)]
    struct Invalidated {
        #[allow(dead_code)]
        access_token: zeroize::Zeroizing<String>,
    }
    serde_json::from_slice::<Invalidated>(body)
        .map(drop)
        .map_err(|e| {
            Error::unexpected(
                status,
                format!(
                    "the invalidate response is not the expected JSON ({})",
                    e.classify_name()
                ),
            )
        })
}

/// Parses the response of `/2/oauth2/revoke`: `{"revoked": true}`.
pub fn parse_revoke_response(status: u16, body: &[u8]) -> Result<()> {
    #[derive(Deserialize)]
    struct Revoked {
        revoked: bool,
    }
    match serde_json::from_slice::<Revoked>(body) {
        Ok(Revoked { revoked: true }) => Ok(()),
        Ok(_) => Err(Error::unexpected(status, "X answered revoked: false")),
        Err(e) => Err(Error::unexpected(
            status,
            format!(
                "the revoke response is not the expected JSON ({})",
                e.classify_name()
            ),
        )),
    }
}
