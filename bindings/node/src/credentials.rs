//! The credentials X hands out: API Key & Secret, Access Token & Secret,
//! Client ID & Secret, bearer tokens and OAuth 2.0 user tokens.

use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::errors::core;

/// The options of `new ConsumerKeys(...)`.
#[napi(object)]
pub struct ConsumerKeysOptions {
    /// API Key.
    pub key: String,
    /// API Key Secret.
    pub secret: String,
}

/// API Key & Secret.
#[napi]
#[derive(Clone)]
pub struct ConsumerKeys(pub(crate) x_api_auth::ConsumerKeys);

#[napi]
impl ConsumerKeys {
    /// Consumer keys from explicit values.
    #[napi(constructor, catch_unwind)]
    pub fn new(options: ConsumerKeysOptions) -> Result<Self> {
        core(x_api_auth::ConsumerKeys::new(options.key, options.secret)).map(Self)
    }

    /// From `X_API_KEY` and `X_API_SECRET`.
    #[napi(factory, catch_unwind)]
    pub fn from_env() -> Result<Self> {
        core(x_api_auth::ConsumerKeys::from_env()).map(Self)
    }

    /// The API Key.
    #[napi(getter, catch_unwind)]
    pub fn key(&self) -> String {
        self.0.key().to_owned()
    }

    /// The API Key Secret, in clear.
    #[napi(catch_unwind)]
    pub fn secret(&self) -> String {
        self.0.secret().secret().to_owned()
    }
}

/// The options of `new AccessToken(...)`.
#[napi(object)]
pub struct AccessTokenOptions {
    /// Access Token.
    pub token: String,
    /// Access Token Secret.
    pub secret: String,
}

/// Access Token & Secret (OAuth 1.0a).
#[napi]
#[derive(Clone)]
pub struct AccessToken(pub(crate) x_api_auth::AccessToken);

#[napi]
impl AccessToken {
    /// An access token from explicit values.
    #[napi(constructor, catch_unwind)]
    pub fn new(options: AccessTokenOptions) -> Result<Self> {
        core(x_api_auth::AccessToken::new(options.token, options.secret)).map(Self)
    }

    /// From `X_ACCESS_TOKEN` and `X_ACCESS_TOKEN_SECRET`.
    #[napi(factory, catch_unwind)]
    pub fn from_env() -> Result<Self> {
        core(x_api_auth::AccessToken::from_env()).map(Self)
    }

    /// The token.
    #[napi(getter, catch_unwind)]
    pub fn token(&self) -> String {
        self.0.token().to_owned()
    }

    /// The user id embedded in the token.
    #[napi(getter, catch_unwind)]
    pub fn user_id(&self) -> Option<String> {
        self.0.user_id().map(str::to_owned)
    }

    /// The Access Token Secret, in clear.
    #[napi(catch_unwind)]
    pub fn secret(&self) -> String {
        self.0.secret().secret().to_owned()
    }
}

/// The options of `new OAuth2Client(...)`.
#[napi(object)]
pub struct OAuth2ClientOptions {
    /// Client ID.
    pub client_id: String,
    /// Client Secret (confidential clients only).
    pub client_secret: Option<String>,
}

/// Client ID & (for confidential clients) Client Secret.
#[napi(js_name = "OAuth2Client")]
#[derive(Clone)]
pub struct OAuth2Client(pub(crate) x_api_auth::OAuth2Client);

#[napi]
impl OAuth2Client {
    /// A public client (no secret) or a confidential one.
    #[napi(constructor, catch_unwind)]
    pub fn new(options: OAuth2ClientOptions) -> Result<Self> {
        core(match options.client_secret {
            Some(secret) => x_api_auth::OAuth2Client::confidential(options.client_id, secret),
            None => x_api_auth::OAuth2Client::public(options.client_id),
        })
        .map(Self)
    }

    /// From `X_CLIENT_ID` and, when set, `X_CLIENT_SECRET`.
    #[napi(factory, catch_unwind)]
    pub fn from_env() -> Result<Self> {
        core(x_api_auth::OAuth2Client::from_env()).map(Self)
    }

    /// The Client ID.
    #[napi(getter, catch_unwind)]
    pub fn client_id(&self) -> String {
        self.0.client_id().to_owned()
    }

    /// Whether the client has a secret.
    #[napi(getter, catch_unwind)]
    pub fn is_confidential(&self) -> bool {
        self.0.is_confidential()
    }
}

/// An app-only bearer token.
#[napi]
#[derive(Clone)]
pub struct BearerToken(pub(crate) x_api_auth::BearerToken);

#[napi]
impl BearerToken {
    /// Wraps a bearer token.
    #[napi(constructor, catch_unwind)]
    pub fn new(token: String) -> Self {
        Self(x_api_auth::BearerToken::new(token))
    }

    /// From `X_BEARER_TOKEN`.
    #[napi(factory, catch_unwind)]
    pub fn from_env() -> Result<Self> {
        core(x_api_auth::BearerToken::from_env()).map(Self)
    }

    /// The token, in clear.
    #[napi(catch_unwind)]
    pub fn secret(&self) -> String {
        self.0.secret().to_owned()
    }

    /// `Bearer <token>`.
    #[napi(catch_unwind)]
    pub fn authorization_header(&self) -> Result<String> {
        core(self.0.authorization_header())
    }

    /// Constant-time comparison with another bearer token.
    #[napi(catch_unwind)]
    pub fn equals(&self, other: &BearerToken) -> bool {
        self.0 == other.0
    }
}

/// The options of `new OAuth2UserToken(...)`.
#[napi(object)]
pub struct OAuth2UserTokenOptions<'a> {
    /// The access token.
    pub access_token: String,
    /// The refresh token.
    pub refresh_token: Option<String>,
    /// Expiry, Unix seconds.
    pub expires_at: Option<f64>,
    /// The scopes X granted: an array or one space-separated string, kept
    /// as X names them (not checked: X may grant scopes newer than this
    /// release).
    #[napi(ts_type = "string | string[]")]
    pub scopes: Option<Unknown<'a>>,
}

/// An OAuth 2.0 user token.
#[napi(js_name = "OAuth2UserToken")]
#[derive(Clone)]
pub struct OAuth2UserToken(pub(crate) x_api_auth::OAuth2UserToken);

#[napi]
impl OAuth2UserToken {
    /// A token from stored values.
    #[napi(constructor, catch_unwind)]
    pub fn new(options: OAuth2UserTokenOptions<'_>) -> Result<Self> {
        let names = match &options.scopes {
            Some(scopes)
                if !matches!(scopes.get_type()?, ValueType::Undefined | ValueType::Null) =>
            {
                crate::oauth2::scope_names(scopes)?
            }
            _ => Vec::new(),
        };
        let scopes = names
            .iter()
            .flat_map(|n| x_api_auth::oauth2::Scope::parse_list(n))
            .map(|s| s.as_str().to_owned());
        Ok(Self(x_api_auth::OAuth2UserToken::from_parts(
            options.access_token,
            options.refresh_token,
            options.expires_at,
            scopes,
        )))
    }

    /// The access token, in clear.
    #[napi(catch_unwind)]
    pub fn access_token(&self) -> String {
        self.0.access_token.secret().to_owned()
    }

    /// The refresh token, in clear (only with `offline.access`).
    #[napi(catch_unwind)]
    pub fn refresh_token(&self) -> Option<String> {
        self.0.refresh_token.as_ref().map(|t| t.secret().to_owned())
    }

    /// Expiry, Unix seconds.
    #[napi(getter, catch_unwind)]
    pub fn expires_at(&self) -> Option<f64> {
        self.0.expires_at_unix()
    }

    /// Granted scopes.
    #[napi(getter, catch_unwind)]
    pub fn scopes(&self) -> Vec<String> {
        self.0.scopes.iter().map(ToString::to_string).collect()
    }

    /// Whether the token expires within `seconds` from now.
    #[napi(catch_unwind)]
    pub fn expires_within(&self, seconds: f64) -> bool {
        self.0.expires_within_secs(seconds)
    }

    /// `Bearer <access token>`.
    #[napi(catch_unwind)]
    pub fn authorization_header(&self) -> Result<String> {
        core(self.0.authorization_header())
    }
}
