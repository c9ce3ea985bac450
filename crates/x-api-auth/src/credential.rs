//! [`Credential`]: any one of the credentials that authorise an API request,
//! and how each turns an outgoing HTTP request into its `Authorization`
//! header (the one place that decides what OAuth 1.0a signs).

use crate::credentials::OAuth2UserToken;
use crate::error::{Error, Result};
use crate::oauth1::{OAuth1, SignableRequest};
use crate::secret::BearerToken;

/// The media type of a form body, the only body OAuth 1.0a signs.
pub const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

/// A credential to authorise API requests with.
#[derive(Debug, Clone)]
pub enum Credential {
    /// OAuth 1.0a user context (consumer keys and an access token).
    OAuth1(OAuth1),
    /// App-only bearer token.
    Bearer(BearerToken),
    /// OAuth 2.0 user token.
    OAuth2User(OAuth2UserToken),
}

/// The type of a [`Credential`], as X's endpoints accept them (the
/// `security` requirements of X's OpenAPI document): what
/// the `endpoints` module lists for each endpoint.
///
/// ```
/// use x_api_auth::{BearerToken, Credential, CredentialKind};
/// let bearer = Credential::Bearer(BearerToken::new("AAAA"));
/// assert_eq!(bearer.kind(), CredentialKind::Bearer);
/// assert_eq!(CredentialKind::Bearer.label(), "OAuth 2.0 Application-Only");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CredentialKind {
    /// OAuth 1.0a user context (X's `UserToken`).
    OAuth1,
    /// An app-only bearer token (X's `BearerToken`).
    Bearer,
    /// An OAuth 2.0 user token (X's `OAuth2UserToken`).
    OAuth2User,
}

impl CredentialKind {
    /// A stable name: `oauth1_user`, `app_bearer` or `oauth2_user`.
    pub fn as_str(self) -> &'static str {
        match self {
            CredentialKind::OAuth1 => "oauth1_user",
            CredentialKind::Bearer => "app_bearer",
            CredentialKind::OAuth2User => "oauth2_user",
        }
    }

    /// X's name for it in its error messages: `OAuth 1.0a User Context`,
    /// `OAuth 2.0 Application-Only` or `OAuth 2.0 User Context`.
    pub fn label(self) -> &'static str {
        match self {
            CredentialKind::OAuth1 => "OAuth 1.0a User Context",
            CredentialKind::Bearer => "OAuth 2.0 Application-Only",
            CredentialKind::OAuth2User => "OAuth 2.0 User Context",
        }
    }

    /// What it is and where it comes from, for a hint.
    pub fn describe(self) -> &'static str {
        match self {
            CredentialKind::OAuth1 => {
                "OAuth 1.0a user context (the API Key & Secret with the user's Access Token & Secret)"
            }
            CredentialKind::Bearer => "an app-only bearer token (obtain_bearer)",
            CredentialKind::OAuth2User => {
                "an OAuth 2.0 user token (the PKCE login: start_authorization, finish_authorization)"
            }
        }
    }
}

/// What a credential needs to know of an outgoing HTTP request, as any HTTP
/// client holds it.
#[derive(Debug, Clone, Copy, Default)]
pub struct RequestParts<'a> {
    /// `GET`, `POST`, ... (any case).
    pub method: &'a str,
    /// The absolute URL, query included.
    pub url: &'a str,
    /// The `Content-Type` header, if any.
    pub content_type: Option<&'a str>,
    /// The body as it will be sent (empty for none).
    pub body: &'a [u8],
    /// The OAuth 1.0a timestamp to use instead of the signer's clock.
    pub timestamp: Option<u64>,
}

/// An `Authorization` header value and, for OAuth 1.0a, the signature base
/// string it signs (no secret), to show when X refuses the signature.
#[derive(Debug, Clone)]
pub struct Authorization {
    /// The header value.
    pub header: String,
    /// The OAuth 1.0a signature base string.
    pub base_string: Option<String>,
}

/// The body of `parts` when OAuth 1.0a must sign it: a form body, by its
/// content type. JSON, multipart and every other body is never signed.
///
/// ```
/// use x_api_auth::{RequestParts, form_body};
/// let form = RequestParts { content_type: Some("application/x-www-form-urlencoded; charset=utf-8"), body: b"a=1", ..Default::default() };
/// assert_eq!(form_body(&form)?, Some("a=1"));
/// let json = RequestParts { content_type: Some("application/json"), body: b"{}", ..Default::default() };
/// assert_eq!(form_body(&json)?, None);
/// # Ok::<(), x_api_auth::Error>(())
/// ```
pub fn form_body<'a>(parts: &RequestParts<'a>) -> Result<Option<&'a str>> {
    let is_form = parts.content_type.is_some_and(|ct| {
        ct.trim_start()
            .get(..FORM_CONTENT_TYPE.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(FORM_CONTENT_TYPE))
    });
    if !is_form || parts.body.is_empty() {
        return Ok(None);
    }
    std::str::from_utf8(parts.body)
        .map(Some)
        .map_err(|_| Error::invalid_input("body", "a form body must be UTF-8"))
}

impl Credential {
    /// The credential's type.
    pub fn kind(&self) -> CredentialKind {
        match self {
            Credential::OAuth1(_) => CredentialKind::OAuth1,
            Credential::Bearer(_) => CredentialKind::Bearer,
            Credential::OAuth2User(_) => CredentialKind::OAuth2User,
        }
    }

    /// The `Authorization` header for a request about to be sent by any HTTP
    /// client: OAuth 1.0a signs the method, URL, query and a form body;
    /// bearer tokens are checked for header injection.
    ///
    /// ```
    /// use x_api_auth::{BearerToken, Credential, RequestParts};
    /// let bearer = Credential::Bearer(BearerToken::new("AAAA"));
    /// let parts = RequestParts { method: "GET", url: "https://api.x.com/2/users/me", ..Default::default() };
    /// assert_eq!(bearer.authorize(&parts)?.header, "Bearer AAAA");
    /// # Ok::<(), x_api_auth::Error>(())
    /// ```
    pub fn authorize(&self, parts: &RequestParts<'_>) -> Result<Authorization> {
        match self {
            Credential::OAuth1(signer) => {
                let mut request = SignableRequest::new(parts.method, parts.url);
                if let Some(body) = form_body(parts)? {
                    request = request.form_body(body);
                }
                if let Some(timestamp) = parts.timestamp {
                    request = request.timestamp(timestamp);
                }
                let mut signed = signer.sign(&request)?;
                Ok(Authorization {
                    header: std::mem::take(&mut signed.authorization),
                    base_string: Some(std::mem::take(&mut signed.base_string)),
                })
            }
            Credential::Bearer(token) => Ok(Authorization {
                header: token.authorization_header()?,
                base_string: None,
            }),
            Credential::OAuth2User(token) => Ok(Authorization {
                header: token.authorization_header()?,
                base_string: None,
            }),
        }
    }
}

impl From<OAuth1> for Credential {
    fn from(signer: OAuth1) -> Self {
        Credential::OAuth1(signer)
    }
}

impl From<BearerToken> for Credential {
    fn from(token: BearerToken) -> Self {
        Credential::Bearer(token)
    }
}

impl From<OAuth2UserToken> for Credential {
    fn from(token: OAuth2UserToken) -> Self {
        Credential::OAuth2User(token)
    }
}
