//! The authorize URL and the redirect back from it.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::rand::{SecureRandom, SystemRandom};

use super::{PkceChallenge, Scope};
use crate::api_error::ApiError;
use crate::encode::{callback_query, parse_secret_form, percent_encode_into};
use crate::error::{Error, Result, check_not_empty};
use crate::secret::{AuthorizationCode, State, constant_time_eq};

/// X's authorize endpoint.
pub const DEFAULT_AUTHORIZE_ENDPOINT: &str = "https://x.com/i/oauth2/authorize";

impl State {
    /// A fresh state: 32 random bytes, base64url (43 characters).
    pub fn random() -> Result<Self> {
        let mut bytes = [0u8; 32];
        SystemRandom::new().fill(&mut bytes).map_err(|_| {
            Error::invalid_input("state", "the system random number generator failed")
        })?;
        Ok(State::new(URL_SAFE_NO_PAD.encode(bytes)))
    }
}

/// The parts of an OAuth 2.0 authorize URL.
///
/// ```
/// use x_api_auth::{State, PkceCodeVerifier};
/// use x_api_auth::oauth2::{AuthorizeUrl, PkceMethod, Scope};
/// let verifier = PkceCodeVerifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")?;
/// let url = AuthorizeUrl {
///     endpoint: "https://x.com/i/oauth2/authorize",
///     client_id: "M1M5R3BMVy13QmpScXkzTUt5OE46MTpjaQ",
///     redirect_uri: "https://www.example.com",
///     scopes: &[Scope::TWEET_READ, Scope::USERS_READ],
///     state: &State::new("state"),
///     challenge: &verifier.challenge(PkceMethod::S256),
/// }
/// .to_url()?;
/// assert_eq!(url, "https://x.com/i/oauth2/authorize?response_type=code\
///     &client_id=M1M5R3BMVy13QmpScXkzTUt5OE46MTpjaQ\
///     &redirect_uri=https%3A%2F%2Fwww.example.com&scope=tweet.read%20users.read&state=state\
///     &code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256");
/// # Ok::<(), x_api_auth::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct AuthorizeUrl<'a> {
    /// The authorize endpoint ([`DEFAULT_AUTHORIZE_ENDPOINT`] at X).
    pub endpoint: &'a str,
    /// The app's Client ID.
    pub client_id: &'a str,
    /// The callback URL: exactly one of those registered for the app.
    pub redirect_uri: &'a str,
    /// The scopes asked for.
    pub scopes: &'a [Scope],
    /// The state to find on the redirect (up to 500 characters at X).
    pub state: &'a State,
    /// The PKCE challenge.
    pub challenge: &'a PkceChallenge,
}

impl AuthorizeUrl<'_> {
    /// The URL to send the user's browser to.
    pub fn to_url(&self) -> Result<String> {
        if !(self.endpoint.starts_with("https://") || self.endpoint.starts_with("http://")) {
            return Err(Error::invalid_input(
                "authorize endpoint",
                "must be an absolute http(s) URL",
            ));
        }
        check_not_empty("client id", self.client_id)?;
        check_not_empty("redirect uri", self.redirect_uri)?;
        if self.scopes.is_empty() {
            return Err(Error::invalid_input("scopes", "ask for at least one scope"));
        }
        let state = self.state.secret();
        if state.is_empty() || state.chars().count() > 500 {
            return Err(Error::invalid_input("state", "must be 1 to 500 characters"));
        }
        let mut url = String::with_capacity(256);
        url.push_str(self.endpoint);
        url.push(if self.endpoint.contains('?') {
            '&'
        } else {
            '?'
        });
        url.push_str("response_type=code");
        let scope = Scope::join(self.scopes);
        for (k, v) in [
            ("client_id", self.client_id),
            ("redirect_uri", self.redirect_uri),
            ("scope", scope.as_str()),
            ("state", state),
            ("code_challenge", self.challenge.value.as_str()),
            ("code_challenge_method", self.challenge.method.as_str()),
        ] {
            url.push('&');
            url.push_str(k);
            url.push('=');
            percent_encode_into(v, &mut url);
        }
        Ok(url)
    }
}

/// Checks the redirect back from X's consent page (a full callback URL or
/// only its query) against the state this authorization sent, and returns
/// the authorization code.
///
/// ```
/// use x_api_auth::{Error, State};
/// use x_api_auth::oauth2::parse_authorization_callback;
/// let state = State::new("state");
/// let code = parse_authorization_callback("https://www.example.com/?state=state&code=VGNibzFW", &state)?;
/// assert_eq!(code.secret(), "VGNibzFW");
/// assert!(matches!(parse_authorization_callback("state=other&code=c", &state), Err(Error::StateMismatch)));
/// assert!(matches!(
///     parse_authorization_callback("error=access_denied&state=state", &state),
///     Err(Error::AccessDenied { .. })
/// ));
/// # Ok::<(), x_api_auth::Error>(())
/// ```
pub fn parse_authorization_callback(
    callback: &str,
    expected_state: &State,
) -> Result<AuthorizationCode> {
    let pairs = parse_secret_form(callback_query(callback), "callback")?;
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let state_matches = get("state")
        .is_some_and(|s| constant_time_eq(s.as_bytes(), expected_state.secret().as_bytes()));
    if let Some(error) = get("error") {
        if get("state").is_some() && !state_matches {
            return Err(Error::StateMismatch);
        }
        let description = get("error_description").map(str::to_owned);
        return Err(if error == "access_denied" {
            Error::AccessDenied { description }
        } else {
            ApiError::from_oauth2_error(400, error, description.as_deref().unwrap_or(error)).into()
        });
    }
    if !state_matches {
        return Err(Error::StateMismatch);
    }
    match get("code") {
        Some(code) if !code.is_empty() => Ok(AuthorizationCode::new(code)),
        _ => Err(Error::invalid_input("callback", "has no code")),
    }
}
