//! The OAuth 1.0a signer (RFC 5849 §3): pure, with the clock and the nonce
//! injectable.

use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use zeroize::{Zeroize, Zeroizing};

use super::base_url::BaseUriCache;
use super::nonce;
use crate::clock::{Clock, SystemClock};
use crate::credentials::{AccessToken, ConsumerKeys};
use crate::encode::{
    extend_zeroed_wiping, form_decode_component, is_unreserved_str, percent_encode,
    percent_encode_into, reserve_wiping, write_form_component_twice, write_percent_encoded_twice,
};
use crate::error::{Error, Result, check_header_safe};
use crate::form::conflicting_arguments;

/// How the signature is computed. X accepts only HMAC-SHA1; the other two are
/// RFC 5849's, for other servers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SignatureMethod {
    /// `HMAC-SHA1`, the method X requires.
    #[default]
    HmacSha1,
    /// `HMAC-SHA256`.
    HmacSha256,
    /// `PLAINTEXT`: the signature is the signing key itself (only over TLS).
    Plaintext,
}

impl SignatureMethod {
    /// The `oauth_signature_method` value.
    pub fn as_str(self) -> &'static str {
        match self {
            SignatureMethod::HmacSha1 => "HMAC-SHA1",
            SignatureMethod::HmacSha256 => "HMAC-SHA256",
            SignatureMethod::Plaintext => "PLAINTEXT",
        }
    }
}

impl fmt::Display for SignatureMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SignatureMethod {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_uppercase().as_str() {
            "HMAC-SHA1" => Ok(SignatureMethod::HmacSha1),
            "HMAC-SHA256" => Ok(SignatureMethod::HmacSha256),
            "PLAINTEXT" => Ok(SignatureMethod::Plaintext),
            _ => Err(Error::invalid_input(
                "signature method",
                "must be HMAC-SHA1, HMAC-SHA256 or PLAINTEXT",
            )),
        }
    }
}

/// One HTTP request to sign: method, URL (its query is signed), form body
/// parameters (signed), and the optional OAuth parameters of the 3-legged
/// flow.
///
/// A JSON or multipart body is never signed: do not pass it here.
#[derive(Debug, Clone, Default)]
pub struct SignableRequest<'a> {
    method: Cow<'a, str>,
    url: Cow<'a, str>,
    form: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    form_body: Option<Cow<'a, str>>,
    callback: Option<Cow<'a, str>>,
    verifier: Option<Cow<'a, str>>,
    nonce: Option<Cow<'a, str>>,
    timestamp: Option<u64>,
}

impl<'a> SignableRequest<'a> {
    /// A request with this method and absolute URL (query included).
    pub fn new(method: impl Into<Cow<'a, str>>, url: impl Into<Cow<'a, str>>) -> Self {
        Self {
            method: method.into(),
            url: url.into(),
            ..Self::default()
        }
    }

    /// Adds decoded `application/x-www-form-urlencoded` body parameters
    /// (signing refuses a request with these and a [`SignableRequest::form_body`]).
    pub fn form<K, V>(mut self, pairs: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<Cow<'a, str>>,
        V: Into<Cow<'a, str>>,
    {
        self.form
            .extend(pairs.into_iter().map(|(k, v)| (k.into(), v.into())));
        self
    }

    /// Sets an already encoded `application/x-www-form-urlencoded` body; it
    /// is decoded strictly (bad percent-encoding is an error).
    pub fn form_body(mut self, body: impl Into<Cow<'a, str>>) -> Self {
        self.form_body = Some(body.into());
        self
    }

    /// Sets `oauth_callback` (a URL, or `oob` for PIN mode): request token only.
    pub fn callback(mut self, callback: impl Into<Cow<'a, str>>) -> Self {
        self.callback = Some(callback.into());
        self
    }

    /// Sets `oauth_verifier`: access token only.
    pub fn verifier(mut self, verifier: impl Into<Cow<'a, str>>) -> Self {
        self.verifier = Some(verifier.into());
        self
    }

    /// Fixes the nonce (tests and vectors only: a nonce must never repeat).
    pub fn nonce(mut self, nonce: impl Into<Cow<'a, str>>) -> Self {
        self.nonce = Some(nonce.into());
        self
    }

    /// Fixes the timestamp (Unix seconds) instead of reading the clock.
    pub fn timestamp(mut self, timestamp: u64) -> Self {
        self.timestamp = Some(timestamp);
        self
    }
}

/// The result of signing: the header to send and what went into it.
///
/// `Debug` redacts the header and the signature: with PLAINTEXT the
/// signature is the secrets themselves.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SignedRequest {
    /// The `Authorization` header value (`OAuth oauth_consumer_key="…", …`).
    pub authorization: String,
    /// The `oauth_signature` value, not percent-encoded.
    pub signature: String,
    /// The signature base string (holds no secret).
    pub base_string: String,
    /// The nonce used.
    pub nonce: String,
    /// The timestamp used.
    pub timestamp: u64,
}

/// A base string as it may be shown: the value of `oauth_verifier` (the
/// PIN) replaced by `[redacted]`, the rest as signed.
///
/// ```
/// let base = "POST&https%3A%2F%2Fapi.x.com%2Foauth%2Faccess_token&oauth_verifier%3D1234567";
/// assert!(!x_api_auth::oauth1::masked_base_string(base).contains("1234567"));
/// ```
pub fn masked_base_string(base_string: &str) -> String {
    crate::api_error::masked(base_string)
}

impl Drop for SignedRequest {
    /// With PLAINTEXT the signature (and the header) are the keys
    /// themselves, and the base string holds the PIN of an access token
    /// request.
    fn drop(&mut self) {
        self.authorization.zeroize();
        self.signature.zeroize();
        self.base_string.zeroize();
    }
}

impl fmt::Debug for SignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignedRequest")
            .field("authorization", &"[redacted]")
            .field("signature", &"[redacted]")
            .field("base_string", &masked_base_string(&self.base_string))
            .field("nonce", &self.nonce)
            .field("timestamp", &self.timestamp)
            .finish()
    }
}

/// An OAuth 1.0a signer for one app and, optionally, one user's access token.
///
/// ```
/// use x_api_auth::{AccessToken, ConsumerKeys, OAuth1, SignableRequest};
/// let oauth1 = OAuth1::new(ConsumerKeys::new(
///     "xvz1evFS4wEEPTGEFPHBog",
///     "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
/// )?)
/// .with_token(AccessToken::new(
///     "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
///     "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
/// )?);
/// let signed = oauth1.sign(
///     &SignableRequest::new("POST", "https://api.x.com/1.1/statuses/update.json?include_entities=true")
///         .form([("status", "Hello Ladies + Gentlemen, a signed OAuth request!")])
///         .nonce("kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg")
///         .timestamp(1318622958),
/// )?;
/// assert_eq!(signed.signature, "Ls93hJiZbQ3akF3HF3x1Bz8/zU4=");
/// assert!(signed.authorization.starts_with("OAuth oauth_consumer_key=\"xvz1evFS4wEEPTGEFPHBog\""));
/// # Ok::<(), x_api_auth::Error>(())
/// ```
#[derive(Clone)]
pub struct OAuth1 {
    consumer: ConsumerKeys,
    consumer_key_encoded: String,
    token: Option<AccessToken>,
    token_encoded: Option<String>,
    signature_method: SignatureMethod,
    realm: Option<String>,
    include_version: bool,
    signing_key: Arc<SigningKey>,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for OAuth1 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth1")
            .field("consumer", &self.consumer)
            .field("token", &self.token)
            .field("signature_method", &self.signature_method)
            .field("realm", &self.realm)
            .finish_non_exhaustive()
    }
}

/// The signing key `pct(consumer secret)&pct(token secret)`, and the MACs
/// keyed with it once per signer: an HMAC keyed per signature would redo two
/// compressions (and hash a key longer than SHA-1's block) every time. The
/// text is wiped on drop; the keyed MAC states, derived from the key, are not
/// (neither RustCrypto's `hmac` nor ring offers a way without unsafe code).
struct SigningKey {
    text: Zeroizing<String>,
    hmac_sha1: Hmac<sha1::Sha1>,
    hmac_sha256: ring::hmac::Key,
}

fn signing_key(consumer: &ConsumerKeys, token: Option<&AccessToken>) -> Arc<SigningKey> {
    let mut text = Zeroizing::new(String::with_capacity(96));
    percent_encode_into(consumer.secret().secret(), &mut text);
    text.push('&');
    if let Some(token) = token {
        percent_encode_into(token.secret().secret(), &mut text);
    }
    let hmac_sha1 = <Hmac<sha1::Sha1> as Mac>::new_from_slice(text.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    let hmac_sha256 = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, text.as_bytes());
    Arc::new(SigningKey {
        text,
        hmac_sha1,
        hmac_sha256,
    })
}

/// Parameters in one buffer, each key and value encoded twice (as they
/// appear in the base string).
#[derive(Default)]
struct Params {
    buf: Vec<u8>,
    spans: Vec<Span>,
}

/// A parameter in [`Params::buf`] as it goes into the base string,
/// `key%3Dvalue`: the key is `start..key_end`, the value `key_end + 3..end`; `prefix` is the key's first 8 bytes, big-endian and
/// zero-padded, so that most comparisons while sorting are one integer
/// comparison (an encoded key never holds a zero byte).
#[derive(Clone, Copy)]
struct Span {
    prefix: u64,
    start: usize,
    key_end: usize,
    end: usize,
}

impl Params {
    fn clear(&mut self) {
        self.buf.clear();
        self.spans.clear();
    }

    fn span(&mut self, start: usize, key_end: usize) {
        self.span_to(start, key_end, self.buf.len());
    }

    fn span_to(&mut self, start: usize, key_end: usize, end: usize) {
        let key = &self.buf[start..key_end];
        let mut prefix = [0u8; 8];
        let n = key.len().min(8);
        prefix[..n].copy_from_slice(&key[..n]);
        self.spans.push(Span {
            prefix: u64::from_be_bytes(prefix),
            start,
            key_end,
            end,
        });
    }

    /// Adds a decoded parameter.
    fn push(&mut self, key: &str, value: &str) {
        let start = self.buf.len();
        extend_zeroed_wiping(&mut self.buf, (key.len() + value.len()) * 5 + 3);
        let key_end = write_percent_encoded_twice(key.as_bytes(), &mut self.buf, start);
        self.buf[key_end..key_end + 3].copy_from_slice(b"%3D");
        let end = write_percent_encoded_twice(value.as_bytes(), &mut self.buf, key_end + 3);
        self.buf.truncate(end);
        self.span(start, key_end);
    }

    /// Adds every parameter of a query or form body
    /// (`application/x-www-form-urlencoded`, `k=v&…`; empty segments are
    /// skipped, a key without `=` has an empty value), in one pass.
    fn push_form(&mut self, source: &str, what: &'static str) -> Result<()> {
        // At most 5 bytes per input byte ('+' becomes "%2520") and "%3D" per
        // pair, of which there is one per '&' and one more.
        let bytes = source.as_bytes();
        let pairs = 1 + bytes.iter().filter(|&&b| b == b'&').count();
        let mut w = self.buf.len();
        extend_zeroed_wiping(&mut self.buf, source.len() * 5 + 3 * pairs);
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'&' {
                i += 1; // an empty segment
                continue;
            }
            let start = w;
            (i, w) = write_form_component_twice(source, i, true, what, &mut self.buf, w)?;
            let key_end = w;
            self.buf[w..w + 3].copy_from_slice(b"%3D");
            w += 3;
            if bytes.get(i) == Some(&b'=') {
                (i, w) = write_form_component_twice(source, i + 1, false, what, &mut self.buf, w)?;
            }
            self.span_to(start, key_end, w);
        }
        self.buf.truncate(w);
        Ok(())
    }

    /// Adds a parameter whose key needs no encoding and whose value is
    /// already encoded once.
    fn push_encoded(&mut self, key: &str, encoded_value: &str) {
        let start = self.buf.len();
        extend_zeroed_wiping(&mut self.buf, key.len() + 3 + encoded_value.len() * 3);
        let key_end = start + key.len();
        self.buf[start..key_end].copy_from_slice(key.as_bytes());
        self.buf[key_end..key_end + 3].copy_from_slice(b"%3D");
        let end = write_reencoded(encoded_value, &mut self.buf, key_end + 3);
        self.buf.truncate(end);
        self.span(start, key_end);
    }

    /// `key%3Dvalue`.
    fn pair(&self, span: Span) -> &[u8] {
        &self.buf[span.start..span.end]
    }

    /// Sorts by encoded key, then by encoded value (RFC 5849 §3.4.1.3.2);
    /// the twice-encoded forms sort alike.
    fn sort(&mut self) {
        let buf = &self.buf;
        self.spans.sort_unstable_by(|a, b| {
            a.prefix
                .cmp(&b.prefix)
                .then_with(|| buf[a.start..a.key_end].cmp(&buf[b.start..b.key_end]))
                .then_with(|| buf[a.key_end + 3..a.end].cmp(&buf[b.key_end + 3..b.end]))
        });
    }
}

/// Writes already percent-encoded text encoded once more at `out[w..]`
/// (only `%` changes) and returns where it ended.
fn write_reencoded(encoded: &str, out: &mut [u8], mut w: usize) -> usize {
    for &b in encoded.as_bytes() {
        if b == b'%' {
            out[w..w + 3].copy_from_slice(b"%25");
            w += 3;
        } else {
            out[w] = b;
            w += 1;
        }
    }
    w
}

/// The percent-encoding of `value`, borrowed when nothing needs encoding.
fn encoded(value: &str) -> Cow<'_, str> {
    if is_unreserved_str(value) {
        Cow::Borrowed(value)
    } else {
        Cow::Owned(percent_encode(value))
    }
}

impl OAuth1 {
    /// A signer with the app's consumer keys only (request token, app-level
    /// calls).
    pub fn new(consumer: ConsumerKeys) -> Self {
        let signing_key = signing_key(&consumer, None);
        Self {
            consumer_key_encoded: percent_encode(consumer.key()),
            consumer,
            token: None,
            token_encoded: None,
            signature_method: SignatureMethod::HmacSha1,
            realm: None,
            include_version: true,
            signing_key,
            clock: Arc::new(SystemClock),
        }
    }

    /// Signs as the user of this access token (or with a temporary request
    /// token during the 3-legged flow).
    pub fn with_token(mut self, token: AccessToken) -> Self {
        self.signing_key = signing_key(&self.consumer, Some(&token));
        self.token_encoded = Some(percent_encode(token.token()));
        self.token = Some(token);
        self
    }

    /// Chooses the signature method (HMAC-SHA1 by default, as X requires).
    pub fn with_signature_method(mut self, method: SignatureMethod) -> Self {
        self.signature_method = method;
        self
    }

    /// Adds `realm` to the header (it is never signed).
    pub fn with_realm(mut self, realm: impl Into<String>) -> Result<Self> {
        let realm = realm.into();
        check_header_safe("realm", &realm)?;
        self.realm = Some(realm);
        Ok(self)
    }

    /// Whether to send `oauth_version="1.0"` (on by default; the parameter
    /// is optional in RFC 5849 and X's examples always send it).
    pub fn with_version_param(mut self, include: bool) -> Self {
        self.include_version = include;
        self
    }

    /// Reads timestamps from this clock instead of the system's.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The app's consumer keys.
    pub fn consumer(&self) -> &ConsumerKeys {
        &self.consumer
    }

    /// The access token, if any.
    pub fn token(&self) -> Option<&AccessToken> {
        self.token.as_ref()
    }

    /// The signature method.
    pub fn signature_method(&self) -> SignatureMethod {
        self.signature_method
    }

    /// Signs a request and returns only the `Authorization` header value
    /// (the fast path: the base string goes straight into the MAC).
    pub fn authorization_header(&self, request: &SignableRequest<'_>) -> Result<String> {
        self.with_scratch(|scratch| {
            Ok(std::mem::take(
                &mut self.sign_in(request, scratch)?.authorization,
            ))
        })
    }

    /// Signs a request.
    pub fn sign(&self, request: &SignableRequest<'_>) -> Result<SignedRequest> {
        self.with_scratch(|scratch| {
            let mut signed = self.sign_in(request, scratch)?;
            Ok(SignedRequest {
                authorization: std::mem::take(&mut signed.authorization),
                signature: signed.signature.as_str().to_owned(),
                base_string: String::from_utf8_lossy(&scratch.base).into_owned(),
                nonce: signed.nonce.as_str().to_owned(),
                timestamp: signed.timestamp,
            })
        })
    }

    /// Runs `f` with this thread's scratch buffers, so that signing
    /// allocates (almost) nothing once warm. The buffers hold no key, but
    /// the request's parameters (a PIN, a form body): they are wiped after
    /// every use.
    fn with_scratch<T>(&self, f: impl FnOnce(&mut Scratch) -> Result<T>) -> Result<T> {
        thread_local! {
            static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
        }
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut scratch) => {
                let result = f(&mut scratch);
                scratch.wipe();
                result
            }
            Err(_) => f(&mut Scratch::default()),
        })
    }

    /// Signs `request`; the base string is left in `scratch.base`.
    fn sign_in<'r>(
        &self,
        request: &'r SignableRequest<'_>,
        scratch: &mut Scratch,
    ) -> Result<Signature<'r>> {
        if !request.form.is_empty() && request.form_body.is_some() {
            // One body goes on the wire: signing both would sign what X never sees.
            return Err(conflicting_arguments("form", "a form body"));
        }
        let method = normalise_method(&request.method)?;
        let query = scratch.uri.split(&request.url)?;
        let nonce = match &request.nonce {
            Some(n) => {
                if n.is_empty() || !n.bytes().all(|b| b.is_ascii_graphic()) {
                    return Err(Error::invalid_input(
                        "nonce",
                        "must be non-empty printable ASCII",
                    ));
                }
                NonceText::Given(n.as_ref())
            }
            None => NonceText::Fresh(nonce::fresh()?),
        };
        let timestamp = match request.timestamp {
            Some(0) => return Err(Error::invalid_input("timestamp", "must be positive")),
            Some(t) => t,
            None => self.clock.unix_seconds(),
        };
        let mut timestamp_digits = [0u8; 20];
        let timestamp_str = format_u64(timestamp, &mut timestamp_digits);
        if let Some(c) = &request.callback {
            check_header_safe("oauth_callback", c)?;
        }
        if let Some(v) = &request.verifier {
            check_header_safe("oauth_verifier", v)?;
        }

        let params = &mut scratch.params;
        params.clear();
        for (k, v) in &request.form {
            params.push(k, v);
        }
        let sources = [
            ("URL query", Some(query)),
            ("form body", request.form_body.as_deref()),
        ];
        for (what, source) in sources {
            let Some(source) = source else { continue };
            params.push_form(source, what)?;
        }
        let oauth = self.oauth_params(nonce.as_str(), timestamp_str, request);
        for (k, v) in oauth.iter().flatten() {
            params.push_encoded(k, v);
        }
        params.sort();

        // The base string is written once into a buffer and hashed in one
        // update: many small MAC updates cost more than the copy.
        let base = &mut scratch.base;
        base.clear();
        extend_zeroed_wiping(
            base,
            method.len()
                + 2
                + scratch.uri.encoded().len()
                + params.buf.len()
                + params.spans.len() * 3,
        );
        base[..method.len()].copy_from_slice(method.as_bytes());
        let mut w = method.len();
        base[w] = b'&';
        let uri = scratch.uri.encoded();
        base[w + 1..w + 1 + uri.len()].copy_from_slice(uri);
        w += 1 + uri.len();
        base[w] = b'&';
        w += 1;
        for (i, &span) in params.spans.iter().enumerate() {
            if i > 0 {
                base[w..w + 3].copy_from_slice(b"%26");
                w += 3;
            }
            let pair = params.pair(span);
            base[w..w + pair.len()].copy_from_slice(pair);
            w += pair.len();
        }
        base.truncate(w);
        let mut mac = Signing::new(self.signature_method, &self.signing_key);
        mac.update(base);
        let signature = mac.finish(&self.signing_key.text);
        let authorization = self.header(&oauth, signature.as_str());
        Ok(Signature {
            authorization,
            signature,
            nonce,
            timestamp,
        })
    }

    /// The `oauth_*` protocol parameters other than the signature, in
    /// alphabetical order, their values percent-encoded.
    fn oauth_params<'s>(
        &'s self,
        nonce: &'s str,
        timestamp: &'s str,
        request: &'s SignableRequest<'_>,
    ) -> [Option<(&'static str, Cow<'s, str>)>; 8] {
        [
            request
                .callback
                .as_deref()
                .map(|c| ("oauth_callback", encoded(c))),
            Some((
                "oauth_consumer_key",
                Cow::Borrowed(self.consumer_key_encoded.as_str()),
            )),
            Some(("oauth_nonce", encoded(nonce))),
            Some((
                "oauth_signature_method",
                Cow::Borrowed(self.signature_method.as_str()),
            )),
            Some(("oauth_timestamp", Cow::Borrowed(timestamp))),
            self.token_encoded
                .as_deref()
                .map(|t| ("oauth_token", Cow::Borrowed(t))),
            request
                .verifier
                .as_deref()
                .map(|v| ("oauth_verifier", encoded(v))),
            self.include_version
                .then_some(("oauth_version", Cow::Borrowed("1.0"))),
        ]
    }

    fn header(&self, oauth: &[Option<(&'static str, Cow<'_, str>)>; 8], signature: &str) -> String {
        // Sized for the worst case up front: the header of a PLAINTEXT
        // signature holds the keys, and growing would leave copies behind.
        let capacity = 6
            + self.realm.as_ref().map_or(0, |r| r.len() * 3 + 10)
            + oauth
                .iter()
                .flatten()
                .map(|(k, v)| k.len() + v.len() + 5)
                .sum::<usize>()
            + 21
            + signature.len() * 3;
        let mut header = String::with_capacity(capacity);
        header.push_str("OAuth ");
        if let Some(realm) = &self.realm {
            header.push_str("realm=\"");
            percent_encode_into(realm, &mut header);
            header.push_str("\", ");
        }
        let mut first = true;
        let mut entry = |header: &mut String, key: &str, encoded_value: &str| {
            reserve_wiping(header, key.len() + encoded_value.len() + 5);
            if !first {
                header.push_str(", ");
            }
            first = false;
            header.push_str(key);
            header.push_str("=\"");
            header.push_str(encoded_value);
            header.push('"');
        };
        // oauth_signature sorts between oauth_nonce and oauth_signature_method.
        for (k, v) in oauth[..3].iter().flatten() {
            entry(&mut header, k, v);
        }
        // oauth_consumer_key always comes before it, hence the comma.
        reserve_wiping(&mut header, 21 + signature.len() * 3);
        header.push_str(", oauth_signature=\"");
        percent_encode_into(signature, &mut header);
        header.push('"');
        for (k, v) in oauth[3..].iter().flatten() {
            entry(&mut header, k, v);
        }
        header
    }
}

/// What signing produced (the base string stays in the scratch buffer).
/// With PLAINTEXT the signature is the keys themselves: wiped when dropped.
struct Signature<'r> {
    authorization: String,
    signature: SignatureText,
    nonce: NonceText<'r>,
    timestamp: u64,
}

/// The nonce of a signature: the request's own, or a fresh one.
enum NonceText<'r> {
    Given(&'r str),
    Fresh(nonce::Nonce),
}

impl NonceText<'_> {
    fn as_str(&self) -> &str {
        match self {
            NonceText::Given(n) => n,
            NonceText::Fresh(n) => n.as_str(),
        }
    }
}

impl Drop for Signature<'_> {
    fn drop(&mut self) {
        self.authorization.zeroize();
    }
}

/// Per-thread buffers reused by every signature.
#[derive(Default)]
struct Scratch {
    /// The last base URI, kept (it holds no secret).
    uri: BaseUriCache,
    params: Params,
    /// The signature base string (ASCII).
    base: Vec<u8>,
}

impl Scratch {
    /// Wipes what the buffers held; buffers grown by an unusually large
    /// request are then let go.
    fn wipe(&mut self) {
        const KEEP: usize = 64 * 1024;
        // Only what this use wrote: the rest was wiped after earlier uses.
        // A plain fill (`zeroize`'s byte-by-byte volatile writes cost ten times
        // as much on every signature): the buffers live on in their thread, so
        // the writes cannot be optimised away, and `black_box` makes sure of it.
        for buf in [&mut self.params.buf, &mut self.base] {
            buf.fill(0);
            std::hint::black_box(buf.as_slice());
            buf.clear();
        }
        self.params.spans.clear();
        self.uri.shrink(KEEP);
        if self.base.capacity() > KEEP || self.params.buf.capacity() > KEEP {
            self.params = Params::default();
            self.base = Vec::new();
        }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        self.params.buf.zeroize();
        self.base.zeroize();
    }
}

/// A signature being computed over the base string.
enum Signing {
    // RustCrypto's SHA-1 uses the CPU's SHA instructions (about 4x ring's
    // legacy SHA-1 here).
    HmacSha1(Hmac<sha1::Sha1>),
    HmacSha256(Box<ring::hmac::Context>),
    Plaintext,
}

impl Signing {
    fn new(method: SignatureMethod, key: &SigningKey) -> Self {
        match method {
            SignatureMethod::HmacSha1 => Signing::HmacSha1(key.hmac_sha1.clone()),
            SignatureMethod::HmacSha256 => {
                Signing::HmacSha256(Box::new(ring::hmac::Context::with_key(&key.hmac_sha256)))
            }
            SignatureMethod::Plaintext => Signing::Plaintext,
        }
    }

    fn update(&mut self, part: &[u8]) {
        match self {
            Signing::HmacSha1(mac) => mac.update(part),
            Signing::HmacSha256(context) => context.update(part),
            Signing::Plaintext => {}
        }
    }

    fn finish(self, signing_key: &str) -> SignatureText {
        match self {
            Signing::HmacSha1(mac) => SignatureText::mac(&mac.finalize().into_bytes()),
            Signing::HmacSha256(context) => SignatureText::mac(context.sign().as_ref()),
            Signing::Plaintext => SignatureText::Plaintext(Zeroizing::new(signing_key.to_owned())),
        }
    }
}

/// A signature as text: a MAC's base64 on the stack (no allocation), or the
/// PLAINTEXT signature, which is the keys themselves (wiped on drop).
enum SignatureText {
    Mac { base64: [u8; 44], len: usize },
    Plaintext(Zeroizing<String>),
}

impl SignatureText {
    fn mac(tag: &[u8]) -> Self {
        let mut base64 = [0u8; 44];
        let len = BASE64
            .encode_slice(tag, &mut base64)
            .unwrap_or_else(|_| unreachable!("44 bytes hold the base64 of a 32-byte MAC"));
        SignatureText::Mac { base64, len }
    }

    fn as_str(&self) -> &str {
        match self {
            SignatureText::Mac { base64, len } => std::str::from_utf8(&base64[..*len])
                .unwrap_or_else(|_| unreachable!("base64 is ASCII")),
            SignatureText::Plaintext(text) => text,
        }
    }
}

/// Writes `n` in decimal into `buf` and returns it as text (no allocation).
fn format_u64(mut n: u64, buf: &mut [u8; 20]) -> &str {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    std::str::from_utf8(&buf[i..]).unwrap_or_else(|_| unreachable!("ASCII digits"))
}

/// The method in uppercase; it must be an HTTP token of letters.
fn normalise_method(method: &str) -> Result<Cow<'_, str>> {
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(Error::invalid_input(
            "method",
            "must be an HTTP method such as GET or POST",
        ));
    }
    Ok(if method.bytes().all(|b| b.is_ascii_uppercase()) {
        Cow::Borrowed(method)
    } else {
        Cow::Owned(method.to_ascii_uppercase())
    })
}

/// Parses an `OAuth …` Authorization header into its decoded parameters
/// (realm included). Useful to inspect what was signed.
///
/// ```
/// use x_api_auth::oauth1::parse_authorization_header;
/// let params = parse_authorization_header(r#"OAuth realm="x", oauth_nonce="a%2Bb", oauth_version="1.0""#)?;
/// assert_eq!(params[1], ("oauth_nonce".to_string(), "a+b".to_string()));
/// # Ok::<(), x_api_auth::Error>(())
/// ```
pub fn parse_authorization_header(header: &str) -> Result<Vec<(String, String)>> {
    let rest = header
        .strip_prefix("OAuth ")
        .ok_or_else(|| Error::invalid_input("authorization header", "must start with 'OAuth '"))?;
    let mut out = Vec::new();
    for part in rest.split(',') {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let (k, v) = part.split_once('=').ok_or_else(|| {
            Error::invalid_input("authorization header", "a parameter has no '='")
        })?;
        let v = v
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .ok_or_else(|| Error::invalid_input("authorization header", "values must be quoted"))?;
        out.push((
            form_decode_component(k, "authorization header")?.into_owned(),
            form_decode_component(v, "authorization header")?.into_owned(),
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_formatting() {
        let mut buf = [0u8; 20];
        assert_eq!(format_u64(0, &mut buf), "0");
        assert_eq!(format_u64(1318622958, &mut buf), "1318622958");
        assert_eq!(format_u64(u64::MAX, &mut buf), u64::MAX.to_string());
    }

    #[test]
    fn reencode() {
        let mut s = [0; 24];
        let w = write_reencoded("a%20b%2C", &mut s, 0);
        assert_eq!(&s[..w], b"a%2520b%252C");
    }

    #[test]
    fn method_is_validated() {
        assert!(normalise_method("").is_err());
        assert!(normalise_method("PO ST").is_err());
        assert_eq!(normalise_method("post").unwrap(), "POST");
    }
}
