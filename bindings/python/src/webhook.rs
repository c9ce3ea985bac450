//! Webhooks: the CRC challenge answer and the event signature check.

use pyo3::prelude::*;
use x_api_auth::ConsumerSecret;

use crate::errors::guard;

/// `sha256=…`: the answer to a webhook CRC challenge.
#[pyfunction]
pub fn crc_response_token(consumer_secret: &str, crc_token: &str) -> String {
    x_api_auth::webhook::crc_response_token(&ConsumerSecret::new(consumer_secret), crc_token)
}

/// Verifies `x-twitter-webhooks-signature` over the raw body; raises on mismatch.
#[pyfunction]
pub fn verify_webhook_signature(
    py: Python<'_>,
    consumer_secret: &str,
    body: &[u8],
    signature: &str,
) -> PyResult<()> {
    let secret = ConsumerSecret::new(consumer_secret);
    guard(py, || {
        x_api_auth::webhook::verify_signature(&secret, body, signature)
    })
}
