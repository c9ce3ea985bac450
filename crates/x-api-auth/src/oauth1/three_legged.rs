//! The pure parts of the 3-legged flow: parsing X's form-encoded token
//! responses, building the consent URL and checking the callback.

use crate::credentials::AccessToken;
use crate::encode::{callback_query, encode_form, parse_secret_form};
use crate::error::{Error, Result};
use crate::secret::{OAuthVerifier, TokenSecret, constant_time_eq};

fn field<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn required_field<'a>(pairs: &'a [(String, String)], name: &str, status: u16) -> Result<&'a str> {
    match field(pairs, name) {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(Error::unexpected(
            status,
            format!("the response has no {name}"),
        )),
    }
}

/// The temporary credentials of step 1 (`POST oauth/request_token`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestToken {
    /// The request token (public; it goes in the consent URL).
    pub token: String,
    /// The request token secret (signs the access token request).
    pub secret: TokenSecret,
}

impl RequestToken {
    /// Parses X's form-encoded response and checks that
    /// `oauth_callback_confirmed` is `true`.
    ///
    /// ```
    /// use x_api_auth::oauth1::RequestToken;
    /// let t = RequestToken::parse(200, "oauth_token=Z6eE&oauth_token_secret=Kd75&oauth_callback_confirmed=true")?;
    /// assert_eq!(t.token, "Z6eE");
    /// assert!(RequestToken::parse(200, "oauth_token=Z6eE&oauth_token_secret=Kd75").is_err());
    /// # Ok::<(), x_api_auth::Error>(())
    /// ```
    pub fn parse(status: u16, body: &str) -> Result<Self> {
        let pairs = parse_secret_form(body.trim(), "request token response").map_err(|_| {
            Error::unexpected(status, "the request token response is not form-encoded")
        })?;
        let token = required_field(&pairs, "oauth_token", status)?.to_owned();
        let secret = TokenSecret::new(required_field(&pairs, "oauth_token_secret", status)?);
        if field(&pairs, "oauth_callback_confirmed") != Some("true") {
            return Err(Error::unexpected(
                status,
                "oauth_callback_confirmed is not true: X did not accept the callback, do not continue the flow",
            ));
        }
        Ok(Self { token, secret })
    }

    /// The pair as a token to sign the access token request with.
    pub fn as_access_token(&self) -> Result<AccessToken> {
        AccessToken::new(self.token.clone(), self.secret.clone())
    }
}

/// The result of step 3 (`POST oauth/access_token`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessTokenResponse {
    /// The user's access token and secret.
    pub access_token: AccessToken,
    /// The user's numeric id, when X sent it.
    pub user_id: Option<String>,
    /// The user's handle, when X sent it.
    pub screen_name: Option<String>,
    /// The token's access level from X's `x-access-level` header (`read`,
    /// `read-write`, `read-write-directmessages`), when X sent it.
    pub access_level: Option<String>,
}

impl AccessTokenResponse {
    /// Parses X's form-encoded response.
    ///
    /// ```
    /// use x_api_auth::oauth1::AccessTokenResponse;
    /// let r = AccessTokenResponse::parse(200, "oauth_token=6253282-eWud&oauth_token_secret=2EEf&user_id=6253282&screen_name=xapi")?;
    /// assert_eq!(r.access_token.token(), "6253282-eWud");
    /// assert_eq!(r.screen_name.as_deref(), Some("xapi"));
    /// # Ok::<(), x_api_auth::Error>(())
    /// ```
    pub fn parse(status: u16, body: &str) -> Result<Self> {
        let pairs = parse_secret_form(body.trim(), "access token response").map_err(|_| {
            Error::unexpected(status, "the access token response is not form-encoded")
        })?;
        let access_token = AccessToken::new(
            required_field(&pairs, "oauth_token", status)?,
            required_field(&pairs, "oauth_token_secret", status)?,
        )
        .map_err(|_| Error::unexpected(status, "the access token in the response is malformed"))?;
        let optional = |name| {
            field(&pairs, name)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        Ok(Self {
            user_id: optional("user_id"),
            screen_name: optional("screen_name"),
            access_token,
            access_level: None,
        })
    }
}

fn consent_url(
    base: &str,
    path: &str,
    request_token: &str,
    force_login: bool,
    screen_name: Option<&str>,
) -> String {
    let mut pairs = vec![("oauth_token", request_token)];
    if force_login {
        pairs.push(("force_login", "true"));
    }
    if let Some(name) = screen_name {
        pairs.push(("screen_name", name));
    }
    format!(
        "{}{path}?{}",
        base.trim_end_matches('/'),
        encode_form(pairs)
    )
}

/// The consent page where the user authorizes the app (always prompts; the
/// one desktop apps must use). `base` is `https://api.x.com` at X.
///
/// ```
/// use x_api_auth::oauth1::authorize_url;
/// assert_eq!(
///     authorize_url("https://api.x.com", "NPcud", true, Some("xapi")),
///     "https://api.x.com/oauth/authorize?oauth_token=NPcud&force_login=true&screen_name=xapi"
/// );
/// ```
pub fn authorize_url(
    base: &str,
    request_token: &str,
    force_login: bool,
    screen_name: Option<&str>,
) -> String {
    consent_url(
        base,
        "/oauth/authorize",
        request_token,
        force_login,
        screen_name,
    )
}

/// "Sign in with X": redirects at once when the user already approved the app.
pub fn authenticate_url(
    base: &str,
    request_token: &str,
    force_login: bool,
    screen_name: Option<&str>,
) -> String {
    consent_url(
        base,
        "/oauth/authenticate",
        request_token,
        force_login,
        screen_name,
    )
}

/// Checks the redirect back from X (a full callback URL, or only its query)
/// and returns the verifier.
///
/// - `?denied=<token>`: the user refused, [`Error::AccessDenied`];
/// - `oauth_token` other than `request_token`: [`Error::TokenMismatch`];
/// - no `oauth_verifier`: [`Error::InvalidInput`].
///
/// ```
/// use x_api_auth::{Error, oauth1::parse_callback};
/// let v = parse_callback("https://app.example/cb?oauth_token=NPcud&oauth_verifier=uw7N", "NPcud")?;
/// assert_eq!(v.secret(), "uw7N");
/// assert!(matches!(parse_callback("denied=NPcud", "NPcud"), Err(Error::AccessDenied { .. })));
/// assert!(matches!(parse_callback("oauth_token=other&oauth_verifier=1", "NPcud"), Err(Error::TokenMismatch)));
/// # Ok::<(), x_api_auth::Error>(())
/// ```
pub fn parse_callback(callback: &str, request_token: &str) -> Result<OAuthVerifier> {
    let query = callback_query(callback);
    let pairs = parse_secret_form(query, "callback")?;
    if field(&pairs, "denied").is_some() {
        return Err(Error::AccessDenied { description: None });
    }
    let token = field(&pairs, "oauth_token")
        .ok_or_else(|| Error::invalid_input("callback", "has no oauth_token"))?;
    if !constant_time_eq(token.as_bytes(), request_token.as_bytes()) {
        return Err(Error::TokenMismatch);
    }
    match field(&pairs, "oauth_verifier") {
        Some(v) if !v.is_empty() => Ok(OAuthVerifier::new(v)),
        _ => Err(Error::invalid_input("callback", "has no oauth_verifier")),
    }
}
