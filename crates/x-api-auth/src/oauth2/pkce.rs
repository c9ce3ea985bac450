//! PKCE (RFC 7636): code verifiers and challenges.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::rand::{SecureRandom, SystemRandom};

use crate::error::{Error, Result};
use crate::secret::PkceCodeVerifier;

/// How the challenge is derived from the verifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PkceMethod {
    /// `S256`: base64url(SHA-256(verifier)), the one to use.
    #[default]
    S256,
    /// `plain`: the challenge is the verifier (X's docs use it in examples).
    Plain,
}

impl PkceMethod {
    /// The `code_challenge_method` value.
    pub fn as_str(self) -> &'static str {
        match self {
            PkceMethod::S256 => "S256",
            PkceMethod::Plain => "plain",
        }
    }
}

impl std::str::FromStr for PkceMethod {
    type Err = Error;

    /// `S256` or `plain`.
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "S256" => Ok(PkceMethod::S256),
            "plain" => Ok(PkceMethod::Plain),
            _ => Err(Error::invalid_input("method", "must be S256 or plain")),
        }
    }
}

/// A code challenge and its method, sent in the authorize URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PkceChallenge {
    /// The `code_challenge` value.
    pub value: String,
    /// The `code_challenge_method`.
    pub method: PkceMethod,
}

impl PkceCodeVerifier {
    /// A verifier from a given string: 43 to 128 characters of
    /// `A-Z a-z 0-9 - . _ ~` (RFC 7636 §4.1), else an error.
    ///
    /// ```
    /// use x_api_auth::PkceCodeVerifier;
    /// assert!(PkceCodeVerifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").is_ok());
    /// assert!(PkceCodeVerifier::new("too-short").is_err());
    /// assert!(PkceCodeVerifier::new("x".repeat(129)).is_err());
    /// assert!(PkceCodeVerifier::new(format!("{}+", "a".repeat(50))).is_err());
    /// ```
    pub fn new(value: impl Into<String>) -> Result<Self> {
        let value = value.into();
        let len = value.chars().count();
        if !(43..=128).contains(&len) {
            return Err(Error::invalid_input(
                "PKCE code verifier",
                format!("must be 43 to 128 characters long, got {len}"),
            ));
        }
        if let Some(i) = value
            .bytes()
            .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')))
        {
            return Err(Error::invalid_input(
                "PKCE code verifier",
                format!("may only contain A-Z a-z 0-9 - . _ ~ (bad character at byte {i})"),
            ));
        }
        Ok(Self::from_checked(value))
    }

    /// A fresh verifier: 64 random bytes from the system's CSPRNG, base64url
    /// (86 characters).
    pub fn random() -> Result<Self> {
        let mut bytes = [0u8; 64];
        SystemRandom::new().fill(&mut bytes).map_err(|_| {
            Error::invalid_input(
                "PKCE code verifier",
                "the system random number generator failed",
            )
        })?;
        Ok(Self::from_checked(URL_SAFE_NO_PAD.encode(bytes)))
    }

    /// The challenge for this verifier.
    ///
    /// ```
    /// use x_api_auth::{PkceCodeVerifier, oauth2::PkceMethod};
    /// let v = PkceCodeVerifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")?;
    /// assert_eq!(v.challenge(PkceMethod::S256).value, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    /// # Ok::<(), x_api_auth::Error>(())
    /// ```
    pub fn challenge(&self, method: PkceMethod) -> PkceChallenge {
        let value = match method {
            PkceMethod::S256 => URL_SAFE_NO_PAD.encode(ring::digest::digest(
                &ring::digest::SHA256,
                self.secret().as_bytes(),
            )),
            PkceMethod::Plain => self.secret().to_owned(),
        };
        PkceChallenge { value, method }
    }
}
