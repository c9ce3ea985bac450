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

use tokio::io::{AsyncReadExt, AsyncWriteExt};
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
    let head = get(&url)
        .await
        .map_err(|e| failed(&format!("{} ({})", url_origin(&url), e.kind())))?;
    let header = |name: &str| {
        head.lines().find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_owned())
        })
    };
    if let Some(location) = header("location") {
        return Ok(Consent::Redirect(location));
    }
    if let Some(pin) = header("x-sandbox-pin") {
        return Ok(Consent::Pin(pin));
    }
    Err(failed(&format!(
        "{}: no redirect and no PIN: is this a sandbox authorize URL?",
        head.lines().next().unwrap_or_default()
    )))
}

fn failed(what: &str) -> Error {
    Error::Transport {
        timeout: false,
        reason: format!("the sandbox's consent page failed: {what}"),
    }
}

fn url_origin(url: &str) -> &str {
    let rest = url.strip_prefix("http://").unwrap_or(url);
    &url[..url.len() - rest.len() + rest.find('/').unwrap_or(rest.len())]
}

/// The response head of a plain `GET` on the sandbox (HTTP/1.1 on
/// loopback: the sandbox serves no TLS, and this keeps the crate free of
/// an HTTP client).
async fn get(url: &str) -> std::io::Result<String> {
    let invalid = || std::io::Error::from(std::io::ErrorKind::InvalidInput);
    let rest = url.strip_prefix("http://").ok_or_else(invalid)?;
    let (authority, target) = rest.split_at(rest.find('/').ok_or_else(invalid)?);
    let mut stream = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        tokio::net::TcpStream::connect(authority),
    )
    .await
    .map_err(|_| std::io::Error::from(std::io::ErrorKind::TimedOut))??;
    let request =
        format!("GET {target} HTTP/1.1\r\nhost: {authority}\r\nconnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut response = Vec::new();
    tokio::time::timeout(
        std::time::Duration::from_secs(10),
        stream.read_to_end(&mut response),
    )
    .await
    .map_err(|_| std::io::Error::from(std::io::ErrorKind::TimedOut))??;
    let text = String::from_utf8_lossy(&response);
    Ok(text.split("\r\n\r\n").next().unwrap_or_default().to_owned())
}
