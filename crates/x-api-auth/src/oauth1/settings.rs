//! [`OAuth1Settings`]: a signer described by plain values, as a config file,
//! the command line or another language holds them.

use zeroize::{Zeroize, ZeroizeOnDrop};

use super::OAuth1;
use crate::credentials::{AccessToken, ConsumerKeys};
use crate::error::{Error, Result};

/// An OAuth 1.0a signer as plain values; [`OAuth1Settings::build`] checks
/// them. The secrets are wiped when the settings are dropped (which is why
/// the struct-update syntax `..Default::default()` cannot build one).
///
/// ```
/// use x_api_auth::oauth1::OAuth1Settings;
/// let mut settings = OAuth1Settings::default();
/// settings.consumer_key = "ck".into();
/// settings.consumer_secret = "cs".into();
/// settings.token = Some("t".into());
/// settings.token_secret = Some("ts".into());
/// let signer = settings.build()?;
/// assert_eq!(signer.token().map(|t| t.token()), Some("t"));
///
/// let mut half = OAuth1Settings::default();
/// (half.consumer_key, half.consumer_secret) = ("ck".into(), "cs".into());
/// half.token = Some("t".into());
/// assert_eq!(half.build().unwrap_err().code(), "X_INVALID_INPUT");
/// # Ok::<(), x_api_auth::Error>(())
/// ```
#[derive(Default, Zeroize, ZeroizeOnDrop)]
pub struct OAuth1Settings {
    /// API Key.
    pub consumer_key: String,
    /// API Key Secret.
    pub consumer_secret: String,
    /// Access Token; goes with `token_secret`.
    pub token: Option<String>,
    /// Access Token Secret.
    pub token_secret: Option<String>,
    /// `HMAC-SHA1` (the default), `HMAC-SHA256` or `PLAINTEXT`.
    pub signature_method: Option<String>,
    /// `realm` for the header (never signed).
    pub realm: Option<String>,
    /// Whether to send `oauth_version="1.0"` (the default: yes).
    pub include_version: Option<bool>,
}

impl OAuth1Settings {
    /// The signer, or the first setting at fault.
    pub fn build(mut self) -> Result<OAuth1> {
        let method = self
            .signature_method
            .as_deref()
            .unwrap_or("HMAC-SHA1")
            .parse()?;
        let consumer = ConsumerKeys::new(
            std::mem::take(&mut self.consumer_key),
            std::mem::take(&mut self.consumer_secret),
        )?;
        let mut signer = OAuth1::new(consumer)
            .with_signature_method(method)
            .with_version_param(self.include_version.unwrap_or(true));
        if let Some(realm) = self.realm.take() {
            signer = signer.with_realm(realm)?;
        }
        match (self.token.take(), self.token_secret.take()) {
            (Some(token), Some(secret)) => Ok(signer.with_token(AccessToken::new(token, secret)?)),
            (None, None) => Ok(signer),
            _ => Err(Error::invalid_input(
                "token",
                "the access token and its secret go together: pass both or neither",
            )),
        }
    }
}
