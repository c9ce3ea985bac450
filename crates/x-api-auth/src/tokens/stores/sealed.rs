//! Encryption at rest for the file store: ChaCha20-Poly1305 (ring) with a
//! fresh nonce per write; the key is given (`X_API_AUTH_STORE_KEY`, base64 of
//! 32 bytes) or derived from a passphrase (`X_API_AUTH_STORE_PASSPHRASE`,
//! PBKDF2-HMAC-SHA256 with the salt and iteration count kept in the file).

use std::num::NonZeroU32;
use std::sync::Mutex;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, Nonce, UnboundKey};
use ring::pbkdf2;
use ring::rand::{SecureRandom, SystemRandom};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::error::{Error, Result, StoreErrorKind};

/// The environment variable holding a raw key (base64 of 32 bytes).
pub const KEY_ENV: &str = "X_API_AUTH_STORE_KEY";
/// The environment variable holding a passphrase.
pub const PASSPHRASE_ENV: &str = "X_API_AUTH_STORE_PASSPHRASE";

const ITERATIONS: u32 = 600_000;
const AAD: &[u8] = b"x-api-auth store";

/// A sealed record, as written in its file (format 1 also kept the
/// passphrase's salt and iteration count beside it).
#[derive(Serialize, Deserialize)]
pub struct Sealed {
    alg: String,
    nonce: String,
    ciphertext: String,
    #[serde(default, skip_serializing)]
    pub(super) salt: Option<String>,
    #[serde(default, skip_serializing)]
    pub(super) iterations: Option<u32>,
}

/// The key of an encrypted file store.
pub enum StoreKey {
    /// 32 random bytes (`X_API_AUTH_STORE_KEY`, base64).
    Key(Zeroizing<[u8; 32]>),
    /// A passphrase, stretched with PBKDF2 (`X_API_AUTH_STORE_PASSPHRASE`).
    Passphrase(Zeroizing<String>),
}

/// A passphrase-derived key and the salt it was derived with.
type DerivedKey = (Vec<u8>, Zeroizing<[u8; 32]>);

/// A store's key source, with the passphrase-derived key cached per salt
/// (PBKDF2 runs once per process and salt, not once per write).
pub struct Sealer {
    secret: StoreKey,
    derived: Mutex<Option<DerivedKey>>,
}

impl Sealer {
    /// With a key given by the caller.
    pub fn new(key: StoreKey) -> Self {
        Self {
            secret: key,
            derived: Mutex::new(None),
        }
    }

    /// From `X_API_AUTH_STORE_KEY` or `X_API_AUTH_STORE_PASSPHRASE`; `None`
    /// when neither is set.
    pub fn from_env(location: &str) -> Result<Option<Self>> {
        let var = |name| std::env::var(name).ok().filter(|v: &String| !v.is_empty());
        let secret = if let Some(encoded) = var(KEY_ENV).map(Zeroizing::new) {
            let bytes = Zeroizing::new(BASE64.decode(encoded.trim()).unwrap_or_default());
            let key: [u8; 32] = bytes.as_slice().try_into().map_err(|_| {
                Error::store(
                    StoreErrorKind::Decrypt,
                    location,
                    format!(
                        "{KEY_ENV} must be the base64 of 32 random bytes (openssl rand -base64 32)"
                    ),
                )
            })?;
            StoreKey::Key(Zeroizing::new(key))
        } else if let Some(passphrase) = var(PASSPHRASE_ENV) {
            StoreKey::Passphrase(Zeroizing::new(passphrase))
        } else {
            return Ok(None);
        };
        Ok(Some(Self::new(secret)))
    }

    fn key(&self, salt: Option<&[u8]>, iterations: u32) -> Zeroizing<[u8; 32]> {
        match (&self.secret, salt) {
            (StoreKey::Key(key), _) => key.clone(),
            (StoreKey::Passphrase(passphrase), salt) => {
                let salt = salt.unwrap_or_default();
                let mut cache = self.derived.lock().unwrap_or_else(|p| p.into_inner());
                if let Some((cached_salt, key)) = cache.as_ref()
                    && cached_salt == salt
                {
                    return key.clone();
                }
                let mut key = Zeroizing::new([0u8; 32]);
                let rounds = NonZeroU32::new(iterations).unwrap_or(NonZeroU32::MIN);
                pbkdf2::derive(
                    pbkdf2::PBKDF2_HMAC_SHA256,
                    rounds,
                    salt,
                    passphrase.as_bytes(),
                    key.as_mut(),
                );
                *cache = Some((salt.to_vec(), key.clone()));
                key
            }
        }
    }

    /// A new salt and iteration count for a passphrase (`None`s for a raw
    /// key), kept in the store's `store.json`.
    pub fn new_salt(&self) -> Result<(Option<String>, Option<u32>)> {
        if matches!(self.secret, StoreKey::Key(_)) {
            return Ok((None, None));
        }
        let mut salt = [0u8; 16];
        SystemRandom::new()
            .fill(&mut salt)
            .map_err(|_| random_failed())?;
        Ok((Some(BASE64.encode(salt)), Some(ITERATIONS)))
    }

    fn cipher(&self, salt: Option<&str>, iterations: Option<u32>) -> Option<LessSafeKey> {
        let salt = salt.map(|s| BASE64.decode(s)).transpose().ok()?;
        if salt.is_some() != matches!(self.secret, StoreKey::Passphrase(_)) {
            return None;
        }
        let key = self.key(salt.as_deref(), iterations.unwrap_or(ITERATIONS));
        Some(LessSafeKey::new(
            UnboundKey::new(&CHACHA20_POLY1305, key.as_ref()).ok()?,
        ))
    }

    /// Encrypts `plaintext` with a fresh nonce.
    pub fn seal(
        &self,
        plaintext: &[u8],
        salt: Option<&str>,
        iterations: Option<u32>,
    ) -> Result<Sealed> {
        let cipher = self.cipher(salt, iterations).ok_or_else(|| {
            Error::store(
                StoreErrorKind::Decrypt,
                "store.json",
                format!("the store was created with the other kind of key ({KEY_ENV} or {PASSPHRASE_ENV})"),
            )
        })?;
        let mut nonce = [0u8; 12];
        SystemRandom::new()
            .fill(&mut nonce)
            .map_err(|_| random_failed())?;
        let mut buffer = plaintext.to_vec();
        cipher
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(AAD),
                &mut buffer,
            )
            .map_err(|_| random_failed())?;
        Ok(Sealed {
            alg: "CHACHA20-POLY1305".to_owned(),
            nonce: BASE64.encode(nonce),
            ciphertext: BASE64.encode(buffer),
            salt: None,
            iterations: None,
        })
    }

    /// Decrypts; a wrong key or altered content is [`StoreErrorKind::Decrypt`].
    pub fn open(
        &self,
        sealed: &Sealed,
        salt: Option<&str>,
        iterations: Option<u32>,
        location: &str,
    ) -> Result<Zeroizing<Vec<u8>>> {
        let wrong = || {
            Error::store(
                StoreErrorKind::Decrypt,
                location,
                format!(
                    "cannot decrypt: the key ({KEY_ENV} or {PASSPHRASE_ENV}) is wrong, or the file was altered; it was left untouched"
                ),
            )
        };
        let cipher = self.cipher(salt, iterations).ok_or_else(wrong)?;
        let nonce: [u8; 12] = BASE64
            .decode(&sealed.nonce)
            .ok()
            .and_then(|n| n.try_into().ok())
            .ok_or_else(wrong)?;
        let mut buffer = Zeroizing::new(BASE64.decode(&sealed.ciphertext).map_err(|_| wrong())?);
        let plaintext_len = cipher
            .open_in_place(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(AAD),
                &mut buffer,
            )
            .map_err(|_| wrong())?
            .len();
        buffer.truncate(plaintext_len);
        Ok(buffer)
    }
}

fn random_failed() -> Error {
    Error::store(
        StoreErrorKind::Io,
        "store",
        "the system random generator failed",
    )
}

/// The error for a sealed store read without a key.
pub fn needs_key(location: &str) -> Error {
    Error::store(
        StoreErrorKind::Decrypt,
        location,
        format!(
            "the store is encrypted: set {KEY_ENV} or {PASSPHRASE_ENV} to the key it was written with"
        ),
    )
}
