//! What the sandbox remembers: tokens, codes, nonces.

use std::collections::{HashMap, HashSet};
use std::time::SystemTime;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::rand::{SecureRandom, SystemRandom};

/// A random URL-safe token of `bytes` random bytes.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    SystemRandom::new()
        .fill(&mut buf)
        .unwrap_or_else(|_| unreachable!("the system RNG does not fail"));
    URL_SAFE_NO_PAD.encode(buf)
}

/// A 7-digit PIN.
pub fn random_pin() -> String {
    let mut buf = [0u8; 4];
    SystemRandom::new()
        .fill(&mut buf)
        .unwrap_or_else(|_| unreachable!("the system RNG does not fail"));
    format!("{:07}", u32::from_le_bytes(buf) % 10_000_000)
}

/// A temporary OAuth 1.0a request token.
#[derive(Debug, Clone)]
pub struct RequestTokenEntry {
    pub secret: String,
    pub consumer_key: String,
    pub callback: String,
    pub verifier: Option<String>,
    pub user_id: Option<String>,
}

/// An OAuth 1.0a access token.
#[derive(Debug, Clone)]
pub struct AccessTokenEntry {
    pub secret: String,
    pub consumer_key: String,
    pub user_id: String,
}

/// An OAuth 2.0 authorization code.
#[derive(Debug, Clone)]
pub struct CodeEntry {
    pub client_id: String,
    pub redirect_uri: String,
    pub challenge: String,
    pub method: String,
    pub scopes: Vec<String>,
    pub user_id: String,
    pub issued_at: SystemTime,
    pub used: bool,
}

/// An OAuth 2.0 user access token.
#[derive(Debug, Clone)]
pub struct UserTokenEntry {
    pub client_id: String,
    pub user_id: String,
    pub scopes: Vec<String>,
    pub expires_at: SystemTime,
    pub family: String,
}

/// An OAuth 2.0 refresh token.
#[derive(Debug, Clone)]
pub struct RefreshEntry {
    pub client_id: String,
    pub user_id: String,
    pub scopes: Vec<String>,
    pub family: String,
    pub used: bool,
}

/// Everything mutable.
#[derive(Debug, Default)]
pub struct Store {
    pub request_tokens: HashMap<String, RequestTokenEntry>,
    pub access_tokens: HashMap<String, AccessTokenEntry>,
    pub nonces: Nonces,
    /// consumer key -> current bearer token.
    pub bearers: HashMap<String, String>,
    pub codes: HashMap<String, CodeEntry>,
    pub user_tokens: HashMap<String, UserTokenEntry>,
    pub refresh_tokens: HashMap<String, RefreshEntry>,
    pub revoked_families: HashSet<String>,
}

/// The OAuth 1.0a nonces seen (consumer key, nonce, timestamp), each kept
/// only while its timestamp is inside the timestamp window: a request
/// outside the window is refused on its timestamp alone, so an expired entry
/// can never be replayed. Expired entries are swept every
/// [`Nonces::SWEEP_EVERY`] insertions, so memory stays bounded by the
/// requests of one window. Each is kept as a 64-bit keyed hash (SipHash with
/// this process's random keys), 16 bytes with its expiry: a false replay
/// needs a collision among one window's nonces (about 1 in 10^9 for 200,000).
#[derive(Debug, Default)]
pub struct Nonces {
    seen: HashMap<u64, u64>,
    keys: std::collections::hash_map::RandomState,
    inserted: usize,
}

impl Nonces {
    /// How many insertions between two sweeps of expired entries.
    pub const SWEEP_EVERY: usize = 4096;

    /// Records a nonce whose timestamp stops being accepted after
    /// `expires_at` (Unix seconds); `false` when it was seen already.
    pub fn insert(&mut self, key: (String, String, String), expires_at: u64, now: u64) -> bool {
        use std::hash::BuildHasher;
        self.inserted += 1;
        if self.inserted.is_multiple_of(Self::SWEEP_EVERY) {
            self.seen.retain(|_, expiry| *expiry >= now);
        }
        match self.seen.entry(self.keys.hash_one(&key)) {
            std::collections::hash_map::Entry::Occupied(_) => false,
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(expires_at);
                true
            }
        }
    }

    /// How many nonces are remembered.
    pub fn len(&self) -> usize {
        self.seen.len()
    }
}

#[cfg(test)]
mod tests {
    use super::Nonces;

    #[test]
    fn a_replay_inside_the_window_is_refused_and_expired_nonces_are_swept() {
        let mut nonces = Nonces::default();
        let key = |n: usize| ("ck".to_owned(), format!("n{n}"), "1000".to_owned());
        assert!(nonces.insert(key(0), 1300, 1000));
        assert!(!nonces.insert(key(0), 1300, 1200));
        for n in 1..Nonces::SWEEP_EVERY * 3 {
            assert!(nonces.insert(key(n), 1300 + n as u64, 1300 + n as u64));
        }
        assert!(nonces.len() <= Nonces::SWEEP_EVERY + 1, "{}", nonces.len());
    }
}
