//! OAuth 2.0 at X: Authorization Code with PKCE for users, client
//! credentials for app-only bearer tokens. Everything here is pure: it builds
//! URLs and request bodies and parses responses; the flows send them.

mod authorize;
mod pending;
mod pkce;
mod token_request;
mod token_response;

pub use crate::scope::Scope;
pub use authorize::{AuthorizeUrl, DEFAULT_AUTHORIZE_ENDPOINT, parse_authorization_callback};
pub use pending::PendingAuthorization;
pub use pkce::{PkceChallenge, PkceMethod};
pub use token_request::{TokenRequest, TokenTypeHint, basic_authorization};
pub use token_response::{
    parse_bearer_response, parse_invalidate_response, parse_revoke_response, parse_token_response,
};
