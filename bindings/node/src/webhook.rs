//! Webhooks: the CRC challenge answer and the event signature check.

use napi::bindgen_prelude::*;
use napi_derive::napi;
use x_api_auth::ConsumerSecret;

use crate::errors::core;

/// `sha256=…`: the answer to a webhook CRC challenge.
#[napi(catch_unwind)]
pub fn crc_response_token(consumer_secret: String, crc_token: String) -> String {
    x_api_auth::webhook::crc_response_token(&ConsumerSecret::new(consumer_secret), &crc_token)
}

/// Verifies `x-twitter-webhooks-signature` over the raw body; throws on mismatch.
#[napi(catch_unwind)]
pub fn verify_webhook_signature(
    consumer_secret: String,
    body: Buffer,
    signature: String,
) -> Result<()> {
    let secret = ConsumerSecret::new(consumer_secret);
    core(x_api_auth::webhook::verify_signature(
        &secret, &body, &signature,
    ))
}
