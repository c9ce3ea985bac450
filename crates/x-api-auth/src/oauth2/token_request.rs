//! The form bodies (and HTTP Basic headers) of every token request.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use zeroize::Zeroizing;

use crate::credentials::{ConsumerKeys, OAuth2Client};
use crate::encode::{encode_form, form_urlencode_component};
use crate::error::{Error, Result, check_header_safe, check_not_empty};
use crate::secret::{AuthorizationCode, BearerToken, PkceCodeVerifier, RefreshToken};

/// The `Authorization: Basic …` value for a client id and secret: each is
/// form-urlencoded first (RFC 6749 §2.3.1), then `id:secret` is base64ed.
///
/// ```
/// use x_api_auth::oauth2::basic_authorization;
/// assert_eq!(
///     basic_authorization("xvz1evFS4wEEPTGEFPHBog", "L8qq9PZyRg6ieKGEKhZolGC0vJWLw8iEJ88DRdyOg").as_str(),
///     "Basic eHZ6MWV2RlM0d0VFUFRHRUZQSEJvZzpMOHFxOVBaeVJnNmllS0dFS2hab2xHQzB2SldMdzhpRUo4OERSZHlPZw=="
/// );
/// ```
pub fn basic_authorization(id: &str, secret: &str) -> Zeroizing<String> {
    let joined = Zeroizing::new(format!(
        "{}:{}",
        form_urlencode_component(id),
        *Zeroizing::new(form_urlencode_component(secret))
    ));
    // Sized up front and encoded in place: no unwiped intermediate copy.
    let mut header = Zeroizing::new(String::with_capacity(6 + joined.len().div_ceil(3) * 4));
    header.push_str("Basic ");
    BASE64.encode_string(joined.as_bytes(), &mut header);
    header
}

/// Which kind of token a revocation is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenTypeHint {
    /// An access token.
    AccessToken,
    /// A refresh token.
    RefreshToken,
}

impl TokenTypeHint {
    /// The `token_type_hint` value.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenTypeHint::AccessToken => "access_token",
            TokenTypeHint::RefreshToken => "refresh_token",
        }
    }
}

impl std::str::FromStr for TokenTypeHint {
    type Err = Error;

    /// `access_token` or `refresh_token`.
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "access_token" => Ok(TokenTypeHint::AccessToken),
            "refresh_token" => Ok(TokenTypeHint::RefreshToken),
            _ => Err(Error::invalid_input(
                "token_type_hint",
                "must be access_token or refresh_token",
            )),
        }
    }
}

/// A token endpoint request: a form body and, for confidential clients and
/// app-only auth, an HTTP Basic header. Both hold secrets: `Debug` redacts
/// them and they are wiped on drop.
#[derive(Clone)]
pub struct TokenRequest {
    body: Zeroizing<String>,
    authorization: Option<Zeroizing<String>>,
}

impl fmt::Debug for TokenRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenRequest")
            .field("body", &"[redacted]")
            .field(
                "authorization",
                &self.authorization.as_ref().map(|_| "[redacted]"),
            )
            .finish()
    }
}

impl TokenRequest {
    fn for_client<'a>(
        client: &'a OAuth2Client,
        mut pairs: Vec<(&'a str, &'a str)>,
    ) -> Result<Self> {
        // Public clients must send client_id in the body. Confidential
        // clients authenticate with Basic; they send client_id too, because X
        // has been seen to answer "Missing required parameter [client_id]"
        // without it, and accepts it with Basic.
        pairs.push(("client_id", client.client_id()));
        let authorization = client
            .client_secret()
            .map(|secret| basic_authorization(client.client_id(), secret.secret()));
        Ok(Self {
            body: Zeroizing::new(encode_form(pairs)),
            authorization,
        })
    }

    /// Exchanges an authorization code (`grant_type=authorization_code`).
    /// The verifier is consumed: it serves one exchange.
    ///
    /// ```
    /// use x_api_auth::{AuthorizationCode, OAuth2Client, PkceCodeVerifier};
    /// use x_api_auth::oauth2::TokenRequest;
    /// let client = OAuth2Client::public("rG9n6402A3dbUJKzXTNX4oWHJ")?;
    /// let req = TokenRequest::authorization_code(
    ///     &client,
    ///     &AuthorizationCode::new("VGNibzFW"),
    ///     "https://www.example.com",
    ///     PkceCodeVerifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")?,
    /// )?;
    /// assert_eq!(req.body(), "code=VGNibzFW&grant_type=authorization_code&redirect_uri=https%3A%2F%2Fwww.example.com\
    ///     &code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk&client_id=rG9n6402A3dbUJKzXTNX4oWHJ");
    /// assert!(req.authorization().is_none());
    /// # Ok::<(), x_api_auth::Error>(())
    /// ```
    pub fn authorization_code(
        client: &OAuth2Client,
        code: &AuthorizationCode,
        redirect_uri: &str,
        verifier: PkceCodeVerifier,
    ) -> Result<Self> {
        check_not_empty("authorization code", code.secret())?;
        check_not_empty("redirect uri", redirect_uri)?;
        Self::for_client(
            client,
            vec![
                ("code", code.secret()),
                ("grant_type", "authorization_code"),
                ("redirect_uri", redirect_uri),
                ("code_verifier", verifier.secret()),
            ],
        )
    }

    /// Refreshes a user token (`grant_type=refresh_token`).
    pub fn refresh(client: &OAuth2Client, refresh_token: &RefreshToken) -> Result<Self> {
        check_not_empty("refresh token", refresh_token.secret())?;
        Self::for_client(
            client,
            vec![
                ("refresh_token", refresh_token.secret()),
                ("grant_type", "refresh_token"),
            ],
        )
    }

    /// Revokes an access or refresh token (`POST /2/oauth2/revoke`).
    pub fn revoke(client: &OAuth2Client, token: &str, hint: TokenTypeHint) -> Result<Self> {
        check_not_empty("token", token)?;
        Self::for_client(
            client,
            vec![("token", token), ("token_type_hint", hint.as_str())],
        )
    }

    /// Obtains the app-only bearer token (`POST /oauth2/token`,
    /// `grant_type=client_credentials`, Basic with the consumer keys).
    pub fn client_credentials(consumer: &ConsumerKeys) -> Result<Self> {
        check_not_empty("consumer secret", consumer.secret().secret())?;
        Ok(Self {
            body: Zeroizing::new("grant_type=client_credentials".to_owned()),
            authorization: Some(basic_authorization(
                consumer.key(),
                consumer.secret().secret(),
            )),
        })
    }

    /// Invalidates the app-only bearer token (`POST /oauth2/invalidate_token`).
    pub fn invalidate_bearer(consumer: &ConsumerKeys, bearer: &BearerToken) -> Result<Self> {
        check_not_empty("bearer token", bearer.secret())?;
        check_header_safe("bearer token", bearer.secret())?;
        Ok(Self {
            body: Zeroizing::new(encode_form([("access_token", bearer.secret())])),
            authorization: Some(basic_authorization(
                consumer.key(),
                consumer.secret().secret(),
            )),
        })
    }

    /// The `application/x-www-form-urlencoded` body (holds secrets).
    pub fn body(&self) -> &str {
        &self.body
    }

    /// The `Authorization` header value, when the request needs one (holds
    /// secrets).
    pub fn authorization(&self) -> Option<&str> {
        self.authorization.as_deref().map(String::as_str)
    }
}
