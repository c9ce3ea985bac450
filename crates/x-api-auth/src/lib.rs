//! # x-api-auth
//!
//! Authentication for the X (Twitter) API v2: every credential X hands out
//! and every scheme that uses it, correct against X's published vectors, with
//! secrets that never leak.
//!
//! - [`ConsumerKeys`] (API Key & Secret) and [`AccessToken`] (Access Token &
//!   Secret) sign OAuth 1.0a requests with [`OAuth1`]; [`oauth1`] has the
//!   pure parts of the 3-legged flow.
//! - [`OAuth2Client`] (Client ID & Secret) runs Authorization Code with PKCE;
//!   [`oauth2`] builds the authorize URL and every token request and parses
//!   the responses into [`OAuth2UserToken`] or [`BearerToken`].
//! - [`webhook`] answers CRC challenges and verifies event signatures.
//! - [`ApiError`] turns each of X's error shapes into one typed error with a
//!   hint.
//!
//! ```
//! use x_api_auth::{AccessToken, ConsumerKeys, OAuth1, SignableRequest};
//! let oauth1 = OAuth1::new(ConsumerKeys::new("xvz1evFS4wEEPTGEFPHBog", "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw")?)
//!     .with_token(AccessToken::new(
//!         "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
//!         "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
//!     )?);
//! let header = oauth1.authorization_header(&SignableRequest::new("GET", "https://api.x.com/2/users/me"))?;
//! assert!(header.starts_with("OAuth "));
//! # Ok::<(), x_api_auth::Error>(())
//! ```

// The modules are layers; README.md ("Architecture") lists them in order
// with one line each, and scripts/check-architecture checks that no module
// imports one listed after it.
mod api;
mod api_error;
#[cfg(feature = "reqwest")]
pub mod blocking;
#[cfg(feature = "callback-server")]
pub mod callback_server;
mod clock;
mod credential;
mod credentials;
mod encode;
mod error;
mod flows;
mod http_date;
pub mod oauth1;
pub mod oauth2;
mod scope;
mod secret;
pub mod tokens;
pub mod transport;
pub mod webhook;

pub use api::{ApiResponse, Body, RateLimit};
pub use api_error::{ApiError, ApiErrorKind};
pub use clock::{Clock, ManualClock, OffsetClock, SystemClock};
pub use credential::{Authorization, Credential, FORM_CONTENT_TYPE, RequestParts, form_body};
pub use credentials::{AccessToken, ConsumerKeys, OAuth2Client, OAuth2UserToken, env_vars};
pub use encode::{encode_form, form_urlencode_component, parse_form, percent_encode};
pub use error::{Error, ErrorField, Result, StoreErrorKind};
#[cfg(feature = "reqwest")]
pub use flows::XAuthSettings;
pub use flows::{DEFAULT_API_BASE, DEFAULT_WEB_BASE, XAuth};
pub use http_date::parse_http_date;
pub use oauth1::{OAuth1, SignableRequest, SignatureMethod, SignedRequest};
pub use oauth2::PendingAuthorization;
pub use secret::{
    AuthorizationCode, BearerToken, ClientSecret, ConsumerSecret, OAuth2AccessToken, OAuthVerifier,
    PkceCodeVerifier, RefreshToken, State, TokenSecret,
};
