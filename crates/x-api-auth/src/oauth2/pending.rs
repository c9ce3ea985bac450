//! [`PendingAuthorization`]: an OAuth 2.0 login between the redirect to X
//! and the callback.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::secret::{PkceCodeVerifier, State};

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
    /// One string holding state, verifier and redirect URI (not the URL).
    pub fn to_compact(&self) -> String {
        let parts = [
            self.state.secret(),
            self.verifier.secret(),
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
        compact.push_str("xpa1.");
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
    pub fn from_compact(compact: &str) -> Result<Self> {
        let bad = || {
            Error::invalid_input(
                "pending authorization",
                "is not a string made by to_compact",
            )
        };
        let encoded = compact.strip_prefix("xpa1.").ok_or_else(bad)?;
        let decoded = Zeroizing::new(URL_SAFE_NO_PAD.decode(encoded).map_err(|_| bad())?);
        let joined = std::str::from_utf8(&decoded).map_err(|_| bad())?;
        let mut parts = joined.splitn(3, '\n');
        let (Some(state), Some(verifier), Some(redirect_uri)) =
            (parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        Ok(Self {
            url: String::new(),
            state: State::new(state),
            verifier: PkceCodeVerifier::new(verifier)?,
            redirect_uri: redirect_uri.to_owned(),
        })
    }
}
