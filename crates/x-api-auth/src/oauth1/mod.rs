//! OAuth 1.0a: the signer and the pure parts of the 3-legged flow.

mod base_url;
mod nonce;
mod params;
mod settings;
mod sign;
mod three_legged;
mod twice;
mod zeroed;

pub use nonce::{after_fork, rely_on_after_fork};
pub use settings::OAuth1Settings;
pub use sign::{
    OAuth1, SignableRequest, SignatureMethod, SignedRequest, masked_base_string,
    parse_authorization_header,
};
pub use three_legged::{
    AccessTokenResponse, RequestToken, authenticate_url, authorize_url, parse_callback,
};
