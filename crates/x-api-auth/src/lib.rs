#![doc = include_str!("guide.md")]
#![forbid(unsafe_code)]
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
pub mod endpoints;
mod error;
mod flows;
mod form;
mod http_date;
pub mod logging;
pub mod oauth1;
pub mod oauth2;
mod scope;
mod secret;
pub mod tokens;
pub mod transport;
pub mod webhook;

pub use api::{ApiResponse, Body, MAX_RATE_LIMIT_WAIT, RateLimit, RateWindow, rate_limit_wait};
pub use api_error::{ApiError, ApiErrorKind};
pub use clock::{Clock, ManualClock, OffsetClock, SystemClock};
pub use credential::{
    Authorization, Credential, CredentialKind, FORM_CONTENT_TYPE, RequestParts, form_body,
};
pub use credentials::{AccessToken, ConsumerKeys, OAuth2Client, OAuth2UserToken, env_vars};
pub use encode::{encode_form, form_urlencode_component, parse_form, percent_encode};
pub use error::{Error, ErrorField, Result, StoreErrorKind};
#[cfg(feature = "reqwest")]
pub use flows::XAuthSettings;
pub use flows::{DEFAULT_API_BASE, DEFAULT_WEB_BASE, XAuth};
pub use form::{
    FORM_VALUE_TYPES, FormEntry, FormError, FormValue, conflicting_arguments, form_pairs,
};
pub use http_date::parse_http_date;
pub use oauth1::{OAuth1, SignableRequest, SignatureMethod, SignedRequest};
pub use oauth2::PendingAuthorization;
pub use secret::{
    AuthorizationCode, BearerToken, ClientSecret, ConsumerSecret, OAuth2AccessToken, OAuthVerifier,
    PkceCodeVerifier, RefreshToken, State, TokenSecret,
};
