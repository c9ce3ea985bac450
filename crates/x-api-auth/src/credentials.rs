//! The credentials X hands out, named as the developer portal names them.
//!
//! | portal name | type |
//! |---|---|
//! | API Key & Secret (consumer keys) | [`ConsumerKeys`] |
//! | Access Token & Secret | [`AccessToken`] |
//! | Client ID & Client Secret | [`OAuth2Client`] |
//! | Bearer Token (app-only) | [`BearerToken`] |
//! | OAuth 2.0 user token (from the PKCE flow) | [`OAuth2UserToken`] |

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::error::{Error, Result, check_header_safe, check_not_empty};
use crate::scope::Scope;
use crate::secret::{
    BearerToken, ClientSecret, ConsumerSecret, OAuth2AccessToken, RefreshToken, TokenSecret,
};

/// Environment variable names read by the `from_env` constructors.
pub mod env_vars {
    /// API Key (consumer key).
    pub const API_KEY: &str = "X_API_KEY";
    /// API Key Secret (consumer secret).
    pub const API_SECRET: &str = "X_API_SECRET";
    /// OAuth 1.0a Access Token.
    pub const ACCESS_TOKEN: &str = "X_ACCESS_TOKEN";
    /// OAuth 1.0a Access Token Secret.
    pub const ACCESS_TOKEN_SECRET: &str = "X_ACCESS_TOKEN_SECRET";
    /// App-only bearer token.
    pub const BEARER_TOKEN: &str = "X_BEARER_TOKEN";
    /// OAuth 2.0 Client ID.
    pub const CLIENT_ID: &str = "X_CLIENT_ID";
    /// OAuth 2.0 Client Secret (absent for public clients).
    pub const CLIENT_SECRET: &str = "X_CLIENT_SECRET";
}

/// Reads a required variable through `lookup`: missing and empty are errors
/// that name the variable.
fn required(lookup: &impl Fn(&str) -> Option<String>, name: &str) -> Result<String> {
    match lookup(name) {
        None => Err(Error::MissingConfig {
            name: format!("environment variable {name}"),
            reason: "is not set",
        }),
        Some(v) if v.is_empty() => Err(Error::MissingConfig {
            name: format!("environment variable {name}"),
            reason: "is empty",
        }),
        Some(v) => Ok(v),
    }
}

fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// The API Key and API Key Secret of an X app (OAuth 1.0a consumer keys).
///
/// ```
/// use x_api_auth::ConsumerKeys;
/// let keys = ConsumerKeys::new("xvz1evFS4wEEPTGEFPHBog", "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw")?;
/// assert_eq!(keys.key(), "xvz1evFS4wEEPTGEFPHBog");
/// assert!(!format!("{keys:?}").contains("kAcSOq"));
/// assert!(ConsumerKeys::new("", "secret").is_err());
/// # Ok::<(), x_api_auth::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsumerKeys {
    key: String,
    secret: ConsumerSecret,
}

impl ConsumerKeys {
    /// Consumer keys from explicit values. The key must be non-empty and
    /// header-safe.
    pub fn new(key: impl Into<String>, secret: impl Into<ConsumerSecret>) -> Result<Self> {
        let key = key.into();
        check_not_empty("consumer key", &key)?;
        check_header_safe("consumer key", &key)?;
        Ok(Self {
            key,
            secret: secret.into(),
        })
    }

    /// Consumer keys from `X_API_KEY` and `X_API_SECRET`.
    pub fn from_env() -> Result<Self> {
        Self::from_lookup(process_env)
    }

    /// Consumer keys from any variable source (a `.env` map, a test map).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let key = required(&lookup, env_vars::API_KEY)?;
        let secret = required(&lookup, env_vars::API_SECRET)?;
        Self::new(key, secret)
    }

    /// The API Key (public).
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The API Key Secret.
    pub fn secret(&self) -> &ConsumerSecret {
        &self.secret
    }
}

/// An OAuth 1.0a Access Token and Access Token Secret: a user's
/// authorization of an app (from the portal for the app owner, or from the
/// 3-legged flow for anyone). They do not expire but can be revoked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessToken {
    token: String,
    secret: TokenSecret,
}

impl AccessToken {
    /// An access token from explicit values.
    pub fn new(token: impl Into<String>, secret: impl Into<TokenSecret>) -> Result<Self> {
        let token = token.into();
        check_not_empty("access token", &token)?;
        check_header_safe("access token", &token)?;
        Ok(Self {
            token,
            secret: secret.into(),
        })
    }

    /// An access token from `X_ACCESS_TOKEN` and `X_ACCESS_TOKEN_SECRET`.
    pub fn from_env() -> Result<Self> {
        Self::from_lookup(process_env)
    }

    /// An access token from any variable source.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let token = required(&lookup, env_vars::ACCESS_TOKEN)?;
        let secret = required(&lookup, env_vars::ACCESS_TOKEN_SECRET)?;
        Self::new(token, secret)
    }

    /// The token (public; `<user_id>-<random>` for access tokens).
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The token secret.
    pub fn secret(&self) -> &TokenSecret {
        &self.secret
    }

    /// The numeric user id X embeds at the start of access tokens, if any.
    pub fn user_id(&self) -> Option<&str> {
        let (id, _) = self.token.split_once('-')?;
        (!id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())).then_some(id)
    }
}

impl BearerToken {
    /// A bearer token from `X_BEARER_TOKEN`.
    pub fn from_env() -> Result<Self> {
        Self::from_lookup(process_env)
    }

    /// A bearer token from any variable source.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self> {
        Ok(Self::new(required(&lookup, env_vars::BEARER_TOKEN)?))
    }

    /// The `Authorization` header value, `Bearer <token>`.
    ///
    /// ```
    /// use x_api_auth::BearerToken;
    /// let t = BearerToken::new("AAAA%2FAAA%3DAAA");
    /// assert_eq!(t.authorization_header()?, "Bearer AAAA%2FAAA%3DAAA");
    /// assert!(BearerToken::new("a\r\nb").authorization_header().is_err());
    /// # Ok::<(), x_api_auth::Error>(())
    /// ```
    pub fn authorization_header(&self) -> Result<String> {
        bearer_header("bearer token", self.secret())
    }
}

pub(crate) fn bearer_header(field: &'static str, token: &str) -> Result<String> {
    check_not_empty(field, token)?;
    check_header_safe(field, token)?;
    // RFC 6750 tokens are visible ASCII (X's bearer tokens hold `%`).
    if !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::invalid_input(
            field,
            "must be visible ASCII characters (no spaces): is it the whole token, as X gave it?",
        ));
    }
    Ok(format!("Bearer {token}"))
}

/// The Client ID and, for confidential clients, the Client Secret of an
/// app's OAuth 2.0 settings.
///
/// Native Apps and Single page Apps are *public* clients (no secret; they
/// send `client_id` in request bodies). Web Apps and Automated Apps or bots
/// are *confidential* clients (they authenticate with HTTP Basic).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OAuth2Client {
    client_id: String,
    client_secret: Option<ClientSecret>,
}

impl OAuth2Client {
    /// A public client (no secret).
    pub fn public(client_id: impl Into<String>) -> Result<Self> {
        let client_id = client_id.into();
        check_not_empty("client id", &client_id)?;
        check_header_safe("client id", &client_id)?;
        Ok(Self {
            client_id,
            client_secret: None,
        })
    }

    /// A confidential client.
    pub fn confidential(
        client_id: impl Into<String>,
        client_secret: impl Into<ClientSecret>,
    ) -> Result<Self> {
        let mut client = Self::public(client_id)?;
        let secret = client_secret.into();
        check_not_empty("client secret", secret.secret())?;
        client.client_secret = Some(secret);
        Ok(client)
    }

    /// A client from `X_CLIENT_ID` and, when set, `X_CLIENT_SECRET` (a set
    /// but empty secret is an error, not a public client).
    pub fn from_env() -> Result<Self> {
        Self::from_lookup(process_env)
    }

    /// A client from any variable source.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let id = required(&lookup, env_vars::CLIENT_ID)?;
        match lookup(env_vars::CLIENT_SECRET) {
            None => Self::public(id),
            Some(_) => Self::confidential(id, required(&lookup, env_vars::CLIENT_SECRET)?),
        }
    }

    /// The Client ID.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The Client Secret of a confidential client.
    pub fn client_secret(&self) -> Option<&ClientSecret> {
        self.client_secret.as_ref()
    }

    /// Whether the client is confidential (has a secret).
    pub fn is_confidential(&self) -> bool {
        self.client_secret.is_some()
    }
}

/// An OAuth 2.0 user token: what the Authorization Code with PKCE flow
/// yields for one user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OAuth2UserToken {
    /// The access token (two hours at X).
    pub access_token: OAuth2AccessToken,
    /// The refresh token, present only when `offline.access` was granted.
    pub refresh_token: Option<RefreshToken>,
    /// When the access token expires, if X said.
    pub expires_at: Option<SystemTime>,
    /// The scopes X granted.
    pub scopes: Vec<Scope>,
}

impl OAuth2UserToken {
    /// A token with only an access token (no refresh, unknown expiry).
    pub fn new(access_token: impl Into<OAuth2AccessToken>) -> Self {
        Self {
            access_token: access_token.into(),
            refresh_token: None,
            expires_at: None,
            scopes: Vec::new(),
        }
    }

    /// Whether the access token expires within `margin` of `now` (an unknown
    /// expiry never counts as expired).
    ///
    /// ```
    /// use std::time::{Duration, SystemTime, UNIX_EPOCH};
    /// use x_api_auth::OAuth2UserToken;
    /// let now = SystemTime::now();
    /// let mut t = OAuth2UserToken::new("at");
    /// t.expires_at = Some(now + Duration::from_secs(20));
    /// assert!(t.expires_within(Duration::from_secs(30), now));
    /// assert!(!t.expires_within(Duration::from_secs(10), now));
    /// ```
    pub fn expires_within(&self, margin: Duration, now: SystemTime) -> bool {
        self.expires_at
            .is_some_and(|at| now.checked_add(margin).is_none_or(|limit| at <= limit))
    }

    /// A token from stored values: expiry in Unix seconds (ignored unless a
    /// finite time between 1970 and the year 33658), scopes by name.
    ///
    /// ```
    /// use x_api_auth::OAuth2UserToken;
    /// let t = OAuth2UserToken::from_parts("at", Some("rt".into()), Some(1.5e9), ["tweet.read".to_owned()]);
    /// assert_eq!(t.expires_at_unix(), Some(1.5e9));
    /// assert_eq!(OAuth2UserToken::from_parts("at", None, Some(f64::NAN), []).expires_at_unix(), None);
    /// ```
    pub fn from_parts(
        access_token: impl Into<OAuth2AccessToken>,
        refresh_token: Option<String>,
        expires_at_unix: Option<f64>,
        scopes: impl IntoIterator<Item = String>,
    ) -> Self {
        Self {
            access_token: access_token.into(),
            refresh_token: refresh_token.map(RefreshToken::new),
            expires_at: expires_at_unix
                .filter(|s| s.is_finite() && (0.0..1e12).contains(s))
                .map(|s| UNIX_EPOCH + Duration::from_secs_f64(s)),
            scopes: scopes.into_iter().map(Scope::new).collect(),
        }
    }

    /// The expiry in Unix seconds, if known.
    pub fn expires_at_unix(&self) -> Option<f64> {
        self.expires_at
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map(|d| d.as_secs_f64())
    }

    /// Whether the access token expires within `seconds` from now (negative
    /// and NaN count as 0).
    pub fn expires_within_secs(&self, seconds: f64) -> bool {
        let seconds = if seconds.is_nan() {
            0.0
        } else {
            seconds.clamp(0.0, 1e12)
        };
        self.expires_within(Duration::from_secs_f64(seconds), SystemTime::now())
    }

    /// The `Authorization` header value, `Bearer <access token>`.
    pub fn authorization_header(&self) -> Result<String> {
        bearer_header("OAuth 2.0 access token", self.access_token.secret())
    }

    /// Whether the token was granted `scope`.
    pub fn has_scope(&self, scope: &Scope) -> bool {
        self.scopes.contains(scope)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn env_errors_name_the_variable() {
        let e = ConsumerKeys::from_lookup(lookup(&[("X_API_KEY", "k")])).unwrap_err();
        assert_eq!(
            e.to_string(),
            "missing configuration: environment variable X_API_SECRET is not set"
        );
        let e = AccessToken::from_lookup(lookup(&[
            ("X_ACCESS_TOKEN", ""),
            ("X_ACCESS_TOKEN_SECRET", "s"),
        ]))
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "missing configuration: environment variable X_ACCESS_TOKEN is empty"
        );
        let e = BearerToken::from_lookup(lookup(&[])).unwrap_err();
        assert!(e.to_string().contains("X_BEARER_TOKEN"));
    }

    #[test]
    fn oauth2_client_from_env() {
        let c = OAuth2Client::from_lookup(lookup(&[("X_CLIENT_ID", "id")])).unwrap();
        assert!(!c.is_confidential());
        let c =
            OAuth2Client::from_lookup(lookup(&[("X_CLIENT_ID", "id"), ("X_CLIENT_SECRET", "s")]))
                .unwrap();
        assert!(c.is_confidential());
        let e =
            OAuth2Client::from_lookup(lookup(&[("X_CLIENT_ID", "id"), ("X_CLIENT_SECRET", "")]))
                .unwrap_err();
        assert!(e.to_string().contains("X_CLIENT_SECRET is empty"));
    }

    #[test]
    fn access_token_user_id() {
        let t = AccessToken::new("6253282-eWudHldSbIaelX7swmsiHImEL4KinwaGloHANdrY", "s").unwrap();
        assert_eq!(t.user_id(), Some("6253282"));
        let t = AccessToken::new("Z6eEdO8MOmk394WozF5oKyuAv855l4Mlqo7hhlSLik", "s").unwrap();
        assert_eq!(t.user_id(), None);
    }

    #[test]
    fn header_injection_is_rejected() {
        assert!(ConsumerKeys::new("key\r\nX-Evil: 1", "s").is_err());
        assert!(AccessToken::new("tok\n", "s").is_err());
        assert!(OAuth2Client::public("id\r").is_err());
    }
}
