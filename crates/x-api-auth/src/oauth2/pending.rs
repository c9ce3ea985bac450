//! [`PendingAuthorization`]: an OAuth 2.0 login between the redirect to X
//! and the callback.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::secret::{PkceCodeVerifier, State};

/// The prefix of [`PendingAuthorization::to_compact`]'s strings (`xpa1.`,
/// from earlier versions, had no URL).
const COMPACT_PREFIX: &str = "xpa2.";

/// An OAuth 2.0 authorization in progress: the URL to send the user to, and
/// the state and verifier to keep until the callback.
///
/// Between the redirect and the callback a web app must keep it server-side
/// (or in an encrypted cookie): [`PendingAuthorization::to_compact`] and
/// [`PendingAuthorization::from_compact`] turn it into one string and back.
/// The string holds the PKCE verifier: treat it as a secret.
#[derive(Debug)]
pub struct PendingAuthorization {
    /// The consent URL.
    pub url: String,
    /// The state sent.
    pub state: State,
    /// The PKCE verifier.
    pub verifier: PkceCodeVerifier,
    /// The redirect URI sent (the code exchange repeats it).
    pub redirect_uri: String,
}

impl PendingAuthorization {
    /// One string holding state, verifier, redirect URI and the consent
    /// URL: [`PendingAuthorization::from_compact`] gives all four back.
    pub fn to_compact(&self) -> String {
        let parts = [
            self.state.secret(),
            self.verifier.secret(),
            self.url.as_str(),
            // Last: the only part that may hold a line break.
            self.redirect_uri.as_str(),
        ];
        // Sized up front: growing would leave unwiped copies behind.
        let mut joined = Zeroizing::new(String::with_capacity(
            parts.iter().map(|p| p.len() + 1).sum(),
        ));
        for (i, part) in parts.into_iter().enumerate() {
            if i > 0 {
                joined.push('\n');
            }
            joined.push_str(part);
        }
        let encoded = Zeroizing::new(URL_SAFE_NO_PAD.encode(joined.as_bytes()));
        let mut compact = String::with_capacity(5 + encoded.len());
        compact.push_str(COMPACT_PREFIX);
        compact.push_str(&encoded);
        compact
    }

    /// The error for finishing an authorization a second time: the code
    /// exchange consumes it (the bindings keep it in a slot they empty).
    ///
    /// ```
    /// let e = x_api_auth::oauth2::PendingAuthorization::already_finished();
    /// assert_eq!(e.code(), "X_INVALID_INPUT");
    /// ```
    pub fn already_finished() -> Error {
        Error::invalid_input(
            "pending",
            "was already finished (a code is exchanged once): start a new authorization",
        )
    }

    /// Parses [`PendingAuthorization::to_compact`]'s output.
    ///
    /// ```
    /// use x_api_auth::oauth2::PendingAuthorization;
    /// let e = PendingAuthorization::from_compact("xpa1.c3RhdGUKdmVyaWZpZXIKaHR0cHM6Ly9hcHAuZXhhbXBsZS9jYg").unwrap_err();
    /// assert!(e.to_string().contains("an earlier version"));
    /// ```
    pub fn from_compact(compact: &str) -> Result<Self> {
        let bad = || {
            Error::invalid_input(
                "pending authorization",
                "is not a string made by to_compact",
            )
        };
        if compact.starts_with("xpa1.") {
            return Err(Error::invalid_input(
                "pending authorization",
                "was made by an earlier version of x-api-auth, without the consent URL: start a new authorization",
            ));
        }
        let encoded = compact.strip_prefix(COMPACT_PREFIX).ok_or_else(bad)?;
        let decoded = Zeroizing::new(URL_SAFE_NO_PAD.decode(encoded).map_err(|_| bad())?);
        let joined = std::str::from_utf8(&decoded).map_err(|_| bad())?;
        let mut parts = joined.splitn(4, '\n');
        let (Some(state), Some(verifier), Some(url), Some(redirect_uri)) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        Ok(Self {
            url: url.to_owned(),
            state: State::new(state),
            verifier: PkceCodeVerifier::new(verifier)?,
            redirect_uri: redirect_uri.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_keeps_the_url() {
        let pending = PendingAuthorization {
            url: "https://x.com/i/oauth2/authorize?response_type=code&state=s".to_owned(),
            state: State::new("s"),
            verifier: PkceCodeVerifier::new("v".repeat(43)).unwrap(),
            redirect_uri: "https://app.example/cb\nwith a break".to_owned(),
        };
        let compact = pending.to_compact();
        assert!(compact.starts_with("xpa2."));
        let restored = PendingAuthorization::from_compact(&compact).unwrap();
        assert_eq!(restored.url, pending.url);
        assert_eq!(restored.redirect_uri, pending.redirect_uri);
        assert_eq!(restored.state.secret(), "s");
        assert_eq!(restored.verifier.secret(), pending.verifier.secret());
        assert!(PendingAuthorization::from_compact("xpa2.!").is_err());
        assert!(PendingAuthorization::from_compact("xpa2.YQpi").is_err());
    }
}
