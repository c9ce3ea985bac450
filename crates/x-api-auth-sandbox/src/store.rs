//! What the sandbox remembers: tokens, codes, nonces.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, SystemTime};

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
    pub issued_at: SystemTime,
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
    /// When it was used (rotated): kept [`USED_REFRESH_KEPT`] to detect reuse.
    pub used_at: Option<SystemTime>,
}

/// How long an authorization code can be exchanged (X: 30 seconds).
pub const CODE_LIFETIME: Duration = Duration::from_secs(30);
/// How long a request token of the 3-legged flow stays valid.
pub const REQUEST_TOKEN_LIFETIME: Duration = Duration::from_secs(15 * 60);
/// How long a used (rotated) refresh token is remembered, so that reusing it
/// revokes its family; later it is merely unknown.
pub const USED_REFRESH_KEPT: Duration = Duration::from_secs(24 * 60 * 60);

/// Everything mutable. Codes, user access tokens, request tokens and used
/// refresh tokens expire and are swept (every [`Store::SWEEP_EVERY`]
/// insertions), so a sandbox that runs for hours stays bounded by what is
/// alive; OAuth 1.0a access tokens, which never expire at X, are bounded by
/// the logins.
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
    /// Insertions since the last sweep.
    inserted: usize,
}

impl Store {
    /// How many insertions of codes and tokens between two sweeps.
    pub const SWEEP_EVERY: usize = 256;

    /// Counts an insertion, and sweeps what expired every
    /// [`Store::SWEEP_EVERY`] of them.
    pub fn inserted(&mut self, now: SystemTime) {
        self.inserted += 1;
        if self.inserted >= Self::SWEEP_EVERY {
            self.inserted = 0;
            self.sweep(now);
        }
    }

    /// Drops every code, token and request token that expired by `now`.
    pub fn sweep(&mut self, now: SystemTime) {
        let age = |t: SystemTime| now.duration_since(t).unwrap_or_default();
        self.codes.retain(|_, c| age(c.issued_at) <= CODE_LIFETIME);
        self.user_tokens.retain(|_, t| t.expires_at > now);
        self.request_tokens
            .retain(|_, t| age(t.issued_at) <= REQUEST_TOKEN_LIFETIME);
        self.refresh_tokens
            .retain(|_, r| r.used_at.is_none_or(|used| age(used) <= USED_REFRESH_KEPT));
    }

    /// A request token that has not expired.
    pub fn request_token(
        &mut self,
        token: &str,
        now: SystemTime,
    ) -> Option<&mut RequestTokenEntry> {
        self.request_tokens.get_mut(token).filter(|t| {
            now.duration_since(t.issued_at).unwrap_or_default() <= REQUEST_TOKEN_LIFETIME
        })
    }
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
    use std::time::{Duration, SystemTime};

    use super::*;

    #[test]
    fn expired_codes_tokens_and_request_tokens_are_swept() {
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let mut store = Store::default();
        for i in 0..Store::SWEEP_EVERY * 4 {
            let at = t0 + Duration::from_secs(i as u64);
            store.codes.insert(
                format!("c{i}"),
                CodeEntry {
                    client_id: String::new(),
                    redirect_uri: String::new(),
                    challenge: String::new(),
                    method: String::new(),
                    scopes: Vec::new(),
                    user_id: String::new(),
                    issued_at: at,
                    used: false,
                },
            );
            store.request_tokens.insert(
                format!("r{i}"),
                RequestTokenEntry {
                    issued_at: at,
                    secret: String::new(),
                    consumer_key: String::new(),
                    callback: String::new(),
                    verifier: None,
                    user_id: None,
                },
            );
            store.user_tokens.insert(
                format!("u{i}"),
                UserTokenEntry {
                    client_id: String::new(),
                    user_id: String::new(),
                    scopes: Vec::new(),
                    expires_at: at + Duration::from_secs(60),
                    family: String::new(),
                },
            );
            store.refresh_tokens.insert(
                format!("f{i}"),
                RefreshEntry {
                    client_id: String::new(),
                    user_id: String::new(),
                    scopes: Vec::new(),
                    family: String::new(),
                    used_at: (i % 2 == 0).then_some(t0),
                },
            );
            store.inserted(at);
        }
        let now = t0 + Duration::from_secs(Store::SWEEP_EVERY as u64 * 4);
        store.sweep(now + USED_REFRESH_KEPT);
        assert!(
            store.codes.is_empty()
                && store.user_tokens.is_empty()
                && store.request_tokens.is_empty()
        );
        assert_eq!(
            store.refresh_tokens.len(),
            Store::SWEEP_EVERY * 2,
            "unused refresh tokens stay"
        );
        store.request_tokens.insert(
            "fresh".into(),
            RequestTokenEntry {
                issued_at: now,
                secret: String::new(),
                consumer_key: String::new(),
                callback: String::new(),
                verifier: None,
                user_id: None,
            },
        );
        assert!(
            store
                .request_token("fresh", now + REQUEST_TOKEN_LIFETIME)
                .is_some()
        );
        assert!(
            store
                .request_token(
                    "fresh",
                    now + REQUEST_TOKEN_LIFETIME + Duration::from_secs(1)
                )
                .is_none()
        );
    }

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
