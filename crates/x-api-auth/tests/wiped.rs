//! Secrets are wiped from memory before it is freed: an allocator that
//! scans every block this thread frees for a canary secret, around the pure
//! core's work on secrets (signing in every method, parsing token responses
//! and callbacks, PKCE, the compact pending authorization, Basic headers,
//! token requests).
//!
//! What it cannot see: the keyed state inside RustCrypto's `hmac` and ring's
//! HMAC (derived from the key, not the key), and buffers of the HTTP stack
//! (hyper, rustls) that are not ours. What it sees and we cannot wipe:
//! ring's HMAC-SHA256 context keeps the last partial block of the message
//! (the base string, where a PIN or a form value may be) in memory freed
//! as it is; ring has no way to wipe it. X signs with HMAC-SHA1, whose
//! RustCrypto state lives on the stack.

#![allow(unsafe_code, clippy::unwrap_used, missing_docs)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};

use x_api_auth::oauth1::{AccessTokenResponse, RequestToken, parse_callback};
use x_api_auth::oauth2::{
    PendingAuthorization, TokenRequest, TokenTypeHint, basic_authorization,
    parse_authorization_callback, parse_bearer_response, parse_token_response,
};
use x_api_auth::{
    AccessToken, AuthorizationCode, ConsumerKeys, OAuth1, OAuth2Client, PkceCodeVerifier,
    RefreshToken, SignableRequest, SignatureMethod, State,
};

/// The marker every canary secret holds (static: never freed).
const MARK: &[u8] = b"c4n4ry";
const SECRET: &str = "CANARYsecretc4n4ryCANARYsecretc4n4ryCANARYsecretc4n4ry";

thread_local! {
    // Per thread: the tests of this binary run side by side.
    static SCANNING: Cell<bool> = const { Cell::new(false) };
    static FREED_WITH_CANARY: Cell<usize> = const { Cell::new(0) };
}
/// Set by `WIPE_TRACE=1`: print where each unwiped block was freed.
static TRACE: AtomicBool = AtomicBool::new(false);

struct Scanning;

unsafe impl GlobalAlloc for Scanning {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if SCANNING.try_with(Cell::get).unwrap_or(false) {
            // SAFETY: the block is still ours and `layout.size()` bytes long.
            let block = unsafe { std::slice::from_raw_parts(ptr, layout.size()) };
            if block.windows(MARK.len()).any(|w| w == MARK) {
                let _ = FREED_WITH_CANARY.try_with(|n| n.set(n.get() + 1));
                if TRACE.load(Ordering::Relaxed) {
                    SCANNING.with(|s| s.set(false));
                    eprintln!("TRACE {}", std::backtrace::Backtrace::force_capture());
                    SCANNING.with(|s| s.set(true));
                }
            }
        }
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Scanning = Scanning;

/// How many blocks freed while `work` ran still held the canary.
fn unwiped_frees(work: impl FnOnce()) -> usize {
    TRACE.store(std::env::var_os("WIPE_TRACE").is_some(), Ordering::Relaxed);
    FREED_WITH_CANARY.with(|n| n.set(0));
    SCANNING.with(|s| s.set(true));
    work();
    SCANNING.with(|s| s.set(false));
    FREED_WITH_CANARY.with(Cell::get)
}

#[test]
fn the_scanner_sees_a_secret_left_in_freed_memory() {
    let found = unwiped_frees(|| drop(std::hint::black_box(SECRET.to_owned())));
    assert_eq!(found, 1, "the scanning allocator works");
}

/// `parts` joined in a buffer of exact size, wiped when dropped (a
/// `format!` that grows leaves copies this test would see).
fn text(parts: &[&str]) -> zeroize::Zeroizing<String> {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    parts.iter().for_each(|p| out.push_str(p));
    zeroize::Zeroizing::new(out)
}

fn check(what: &str, work: impl FnOnce()) -> Option<String> {
    match unwiped_frees(work) {
        0 => None,
        n => Some(format!("{what}: {n} freed block(s) still held the secret")),
    }
}

#[test]
fn secrets_are_wiped_before_their_memory_is_freed() {
    let mut failures = Vec::new();
    for method in [
        SignatureMethod::HmacSha1,
        SignatureMethod::HmacSha256,
        SignatureMethod::Plaintext,
    ] {
        failures.extend(check(&format!("OAuth1 sign ({method})"), || {
            let signer = OAuth1::new(ConsumerKeys::new("ck", SECRET).unwrap())
                .with_token(AccessToken::new("1-t", SECRET).unwrap())
                .with_signature_method(method);
            let mut request = SignableRequest::new("POST", "https://api.x.com/oauth/access_token");
            if method != SignatureMethod::HmacSha256 {
                // (ring keeps the message tail: only the keys are checked)
                request = request.verifier(SECRET).form([("pin", SECRET)]);
            }
            drop(signer.sign(&request).unwrap());
            // The header is the caller's to wipe (PLAINTEXT: it holds the keys).
            drop(zeroize::Zeroizing::new(
                signer.authorization_header(&request).unwrap(),
            ));
        }));
    }
    failures.extend(check("token response", || {
        let body = text(&[
            r#"{"token_type":"bearer","access_token":""#,
            SECRET,
            r#"","refresh_token":""#,
            SECRET,
            r#"","expires_in":7200,"scope":"tweet.read"}"#,
        ]);
        drop(parse_token_response(200, body.as_bytes(), std::time::SystemTime::now()).unwrap());
        drop(parse_bearer_response(200, body.as_bytes()).unwrap());
    }));
    failures.extend(check("OAuth 1.0a responses", || {
        let body = text(&[
            "oauth_token=t&oauth_token_secret=",
            SECRET,
            "&oauth_callback_confirmed=true&user_id=1",
        ]);
        drop(RequestToken::parse(200, &body).unwrap());
        drop(AccessTokenResponse::parse(200, &body).unwrap());
    }));
    failures.extend(check("callbacks", || {
        let callback = text(&[
            "https://app.example/cb?oauth_token=t&oauth_verifier=",
            SECRET,
        ]);
        drop(parse_callback(&callback, "t").unwrap());
        let state = State::new("s");
        let callback = text(&["https://app.example/cb?state=s&code=", SECRET]);
        drop(parse_authorization_callback(&callback, &state).unwrap());
    }));
    failures.extend(check("PKCE and the compact pending authorization", || {
        let pending = PendingAuthorization {
            url: String::new(),
            state: State::new(SECRET),
            verifier: PkceCodeVerifier::new(SECRET).unwrap(),
            redirect_uri: "https://app.example/cb".into(),
        };
        let compact = zeroize::Zeroizing::new(pending.to_compact());
        drop(pending);
        drop(PendingAuthorization::from_compact(&compact).unwrap());
        drop(
            PkceCodeVerifier::new(SECRET)
                .unwrap()
                .challenge(Default::default()),
        );
    }));
    failures.extend(check("Basic header and token requests", || {
        drop(basic_authorization("id", SECRET));
        let client = OAuth2Client::confidential("id", SECRET).unwrap();
        drop(TokenRequest::refresh(&client, &RefreshToken::new(SECRET)).unwrap());
        drop(TokenRequest::revoke(&client, SECRET, TokenTypeHint::RefreshToken).unwrap());
        drop(
            TokenRequest::authorization_code(
                &client,
                &AuthorizationCode::new(SECRET),
                "https://app.example/cb",
                PkceCodeVerifier::new(SECRET).unwrap(),
            )
            .unwrap(),
        );
        drop(TokenRequest::client_credentials(&ConsumerKeys::new("k", SECRET).unwrap()).unwrap());
    }));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
