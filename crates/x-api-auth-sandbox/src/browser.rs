//! Plays the user's browser on the sandbox's consent pages: follows an
//! authorize URL (OAuth 2.0 or 1.0a), approves or denies as a configured
//! user, and returns what the browser would get: the redirect to the app's
//! callback, or the PIN page's PIN. Tests and the CLI's tour deliver the
//! redirect to a real loopback callback server.
//!
//! ```no_run
//! # async fn demo(authorize_url: &str) -> x_api_auth::Result<()> {
//! use x_api_auth_sandbox::browser::{Consent, consent};
//! match consent(authorize_url, true, None).await? {
//!     Consent::Redirect(callback) => println!("the browser goes to {callback}"),
//!     Consent::Pin(pin) => println!("the page shows PIN {pin}"),
//! }
//! # Ok(()) }
//! ```

use std::time::Duration;

use x_api_auth::transport::{HttpRequest, ReqwestTransport, Transport};
use x_api_auth::{Error, Result};

/// What the consent page gives the browser once the user decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Consent {
    /// A redirect to the app's callback URL (with the code or verifier, or
    /// the denial).
    Redirect(String),
    /// The PIN page of an out-of-band (`oob`) OAuth 1.0a login.
    Pin(String),
}

/// Follows `authorize_url` on the sandbox, approving (or denying) as
/// `user` (an id or username of the configuration; the first user when
/// `None`).
pub async fn consent(authorize_url: &str, approve: bool, user: Option<&str>) -> Result<Consent> {
    let separator = if authorize_url.contains('?') {
        '&'
    } else {
        '?'
    };
    let mut url = format!(
        "{authorize_url}{separator}sandbox_decision={}",
        if approve { "approve" } else { "deny" }
    );
    if let Some(user) = user {
        url.push_str("&sandbox_user=");
        url.push_str(&x_api_auth::percent_encode(user));
    }
    let transport = ReqwestTransport::new(Duration::from_secs(10))?;
    let response = transport.send(HttpRequest::new("GET", url)).await?;
    if let Some(location) = response.header("location") {
        return Ok(Consent::Redirect(location.to_owned()));
    }
    if let Some(pin) = response.header("x-sandbox-pin") {
        return Ok(Consent::Pin(pin.to_owned()));
    }
    Err(Error::Transport {
        timeout: false,
        reason: format!(
            "the consent page answered {} without a redirect or a PIN: is this a sandbox authorize URL?",
            response.status
        ),
    })
}
