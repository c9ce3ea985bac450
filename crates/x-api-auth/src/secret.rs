//! One newtype per secret.
//!
//! Every secret X hands out (or that a flow creates) has its own type so that a
//! token secret can never be passed where a consumer secret is expected. All of
//! them share the same guarantees:
//!
//! - `Debug` prints `TypeName([redacted])` and `Display` prints `[redacted]`;
//! - the memory holding the value is overwritten with zeros when it is dropped;
//! - `==` compares in constant time (over SHA-256 digests, so not even the
//!   length leaks through timing);
//! - the value is read only through the explicit [`ConsumerSecret::secret`]-style
//!   accessor, which makes every place that touches it easy to audit.

use std::fmt;

use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Compares two byte strings in constant time, length included.
///
/// Both sides are hashed with SHA-256 first, so the time taken does not depend
/// on where the inputs differ nor on their lengths.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let da = ring::digest::digest(&ring::digest::SHA256, a);
    let db = ring::digest::digest(&ring::digest::SHA256, b);
    da.as_ref().ct_eq(db.as_ref()).into()
}

macro_rules! secret_type {
    ($(#[$meta:meta])* $name:ident) => {
        secret_type!(@define $(#[$meta])* #[derive(Clone)] $name);

        impl $name {
            /// Wraps a secret value.
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self(value)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self(value.to_owned())
            }
        }
    };
    (@define $(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Zeroize, ZeroizeOnDrop)]
        pub struct $name(String);

        impl $name {
            /// The secret value itself.
            ///
            /// Every call site of this method handles a secret in clear: keep
            /// the value out of logs, error messages and persistent storage.
            pub fn secret(&self) -> &str {
                &self.0
            }

            /// Whether the secret is the empty string.
            pub fn is_empty(&self) -> bool {
                self.0.is_empty()
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "([redacted])"))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("[redacted]")
            }
        }

        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                constant_time_eq(self.0.as_bytes(), other.0.as_bytes())
            }
        }

        impl Eq for $name {}
    };
}

secret_type!(
    /// The API Key Secret (OAuth 1.0a consumer secret) of an X app.
    ///
    /// ```
    /// use x_api_auth::ConsumerSecret;
    /// let s = ConsumerSecret::new("kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw");
    /// assert_eq!(format!("{s:?}"), "ConsumerSecret([redacted])");
    /// assert_eq!(s.to_string(), "[redacted]");
    /// ```
    ConsumerSecret
);

secret_type!(
    /// The secret half of an OAuth 1.0a token: an Access Token Secret, or
    /// the secret of a temporary request token during the 3-legged flow.
    TokenSecret
);

secret_type!(
    /// The Client Secret of a confidential OAuth 2.0 client (Web App,
    /// Automated App or bot).
    ClientSecret
);

secret_type!(
    /// An app-only bearer token (OAuth 2.0 client credentials).
    ///
    /// X's bearer tokens already contain `%2B`, `%2F` and `%3D`; they are used
    /// verbatim in `Authorization: Bearer <token>`.
    BearerToken
);

secret_type!(
    /// An OAuth 2.0 user access token (valid two hours at X).
    OAuth2AccessToken
);

secret_type!(
    /// An OAuth 2.0 refresh token. X rotates it on every refresh: the old one
    /// stops working as soon as a new one is issued.
    RefreshToken
);

secret_type!(
    /// The `state` value of an OAuth 2.0 authorization request, compared in
    /// constant time against the one that comes back on the redirect.
    State
);

secret_type!(
    /// An OAuth 2.0 authorization code (valid 30 seconds at X, single use).
    AuthorizationCode
);

secret_type!(
    /// The `oauth_verifier` of the OAuth 1.0a 3-legged flow (the PIN in
    /// out-of-band mode).
    OAuthVerifier
);

secret_type!(@define
    /// A PKCE code verifier (RFC 7636): 43 to 128 characters of
    /// `A-Z a-z 0-9 - . _ ~`. It is deliberately not `Clone`: it is used
    /// once, for the code exchange of the authorization it was created for.
    /// Create one with `PkceCodeVerifier::random` or `PkceCodeVerifier::new`
    /// (which checks length and alphabet).
    PkceCodeVerifier
);

impl PkceCodeVerifier {
    pub(crate) fn from_checked(value: String) -> Self {
        Self(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equality_is_by_value() {
        assert_eq!(TokenSecret::new("abc"), TokenSecret::new("abc"));
        assert_ne!(TokenSecret::new("abc"), TokenSecret::new("abd"));
        assert_ne!(TokenSecret::new("abc"), TokenSecret::new("abcd"));
        assert_ne!(TokenSecret::new(""), TokenSecret::new("a"));
    }

    #[test]
    fn debug_and_display_redact() {
        let v = OAuthVerifier::new("do-not-print-me");
        assert_eq!(format!("{v:?}"), "OAuthVerifier([redacted])");
        assert_eq!(format!("{v}"), "[redacted]");
        assert_eq!(format!("{v:#?}"), "OAuthVerifier([redacted])");
    }

    #[test]
    fn zeroize_clears_the_value() {
        let mut s = ClientSecret::new("hunter2");
        s.zeroize();
        assert!(s.secret().is_empty());
    }
}
