//! Webhooks: the CRC challenge answer and the signature of incoming events.
//!
//! Both are HMAC-SHA256 keyed with the app's consumer secret (API Key
//! Secret), base64-encoded and prefixed with `sha256=`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use ring::hmac;

use crate::error::{Error, Result};
use crate::secret::ConsumerSecret;

/// The header X signs webhook events with.
pub const SIGNATURE_HEADER: &str = "x-twitter-webhooks-signature";

fn key(consumer_secret: &ConsumerSecret) -> hmac::Key {
    hmac::Key::new(hmac::HMAC_SHA256, consumer_secret.secret().as_bytes())
}

/// The `response_token` answering a CRC challenge (`GET ?crc_token=…`).
///
/// ```
/// use x_api_auth::{ConsumerSecret, webhook};
/// let secret = ConsumerSecret::new("z3ZX4v7mAAUGykl3EcmkqbartmuW8VFOOzCloLx9Q45P0hLrFu");
/// assert_eq!(
///     webhook::crc_response_token(&secret, "9b4507b3-9040-4669-9ca3-6b94edb50553"),
///     "sha256=Cytd4Sq+NvEcV3MMrXxWJGJx5A+y/lXzzU2Maartkx8="
/// );
/// ```
pub fn crc_response_token(consumer_secret: &ConsumerSecret, crc_token: &str) -> String {
    format!(
        "sha256={}",
        BASE64.encode(hmac::sign(&key(consumer_secret), crc_token.as_bytes()))
    )
}

/// The JSON body to answer a CRC challenge with: `{"response_token":"sha256=…"}`.
pub fn crc_response_json(consumer_secret: &ConsumerSecret, crc_token: &str) -> Result<String> {
    if crc_token.is_empty() {
        return Err(Error::invalid_input(
            "crc_token",
            "missing from the request",
        ));
    }
    Ok(
        serde_json::json!({ "response_token": crc_response_token(consumer_secret, crc_token) })
            .to_string(),
    )
}

/// Computes the `x-twitter-webhooks-signature` value for a body (what X
/// sends; useful to test a webhook handler).
pub fn sign_body(consumer_secret: &ConsumerSecret, body: &[u8]) -> String {
    format!(
        "sha256={}",
        BASE64.encode(hmac::sign(&key(consumer_secret), body))
    )
}

/// Verifies the `x-twitter-webhooks-signature` header over the raw request
/// body, in constant time.
///
/// ```
/// use x_api_auth::{ConsumerSecret, webhook};
/// let secret = ConsumerSecret::new("test");
/// let body = b"test=1&other_test=2";
/// assert!(webhook::verify_signature(&secret, body, "sha256=25Cu3iwbbiqBTwQRzcKJZwisjf736V2Q8UaTlkfLSoc=").is_ok());
/// assert!(webhook::verify_signature(&secret, b"test=1&other_test=3", "sha256=25Cu3iwbbiqBTwQRzcKJZwisjf736V2Q8UaTlkfLSoc=").is_err());
/// ```
pub fn verify_signature(
    consumer_secret: &ConsumerSecret,
    body: &[u8],
    header_value: &str,
) -> Result<()> {
    let encoded = header_value
        .trim()
        .strip_prefix("sha256=")
        .ok_or_else(|| Error::invalid_input("webhook signature", "must start with 'sha256='"))?;
    let tag = BASE64
        .decode(encoded)
        .map_err(|_| Error::invalid_input("webhook signature", "is not valid base64"))?;
    hmac::verify(&key(consumer_secret), body, &tag).map_err(|_| {
        Error::invalid_input(
            "webhook signature",
            "does not match the body: the request did not come from X, the body was altered, or the consumer secret is not this app's",
        )
    })
}
