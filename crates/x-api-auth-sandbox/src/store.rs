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
    pub nonces: HashSet<(String, String, String)>,
    /// consumer key -> current bearer token.
    pub bearers: HashMap<String, String>,
    pub codes: HashMap<String, CodeEntry>,
    pub user_tokens: HashMap<String, UserTokenEntry>,
    pub refresh_tokens: HashMap<String, RefreshEntry>,
    pub revoked_families: HashSet<String>,
}
