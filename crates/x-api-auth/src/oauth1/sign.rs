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
use super::params::{Params, pair_reencoded};
use super::twice::{room_for, write_percent_encoded_twice};
use super::zeroed::ZeroedBuf;
use crate::clock::{Clock, SystemClock};
use crate::credentials::{AccessToken, ConsumerKeys};
use crate::encode::{
    extend_percent_encoded, form_decode_component, is_unreserved_str, percent_encode,
    percent_encode_into,
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
    token: Option<AccessToken>,
    signature_method: SignatureMethod,
    realm: Option<String>,
    include_version: bool,
    signing_key: Arc<SigningKey>,
    parts: Arc<SignerParts>,
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

/// What every signature of a signer holds alike, worked out once when the
/// signer is built: the `oauth_*` pairs of the base string that never
/// change, and the fixed pieces of the header. Neither holds a secret.
struct SignerParts {
    /// `oauth_consumer_key%3D…` as the base string holds it.
    consumer_key_pair: Vec<u8>,
    /// `oauth_signature_method%3D…`.
    signature_method_pair: Vec<u8>,
    /// `oauth_token%3D…`, with a token.
    token_pair: Option<Vec<u8>>,
    /// `OAuth `, with the realm: `OAuth realm="…", `.
    header_start: String,
    /// `oauth_consumer_key="…", oauth_nonce="`.
    header_consumer: String,
    /// `", oauth_signature_method="…", oauth_timestamp="`.
    header_method: String,
    /// `"`, then `, oauth_token="…"` with a token.
    header_token: String,
    /// `, oauth_version="1.0"`, or nothing.
    header_version: &'static str,
}

impl SignerParts {
    fn new(
        consumer: &ConsumerKeys,
        token: Option<&AccessToken>,
        method: SignatureMethod,
        realm: Option<&str>,
        include_version: bool,
    ) -> Arc<Self> {
        let consumer_key = percent_encode(consumer.key());
        let token = token.map(|t| percent_encode(t.token()));
        let mut header_start = String::from("OAuth ");
        if let Some(realm) = realm {
            header_start.push_str("realm=\"");
            percent_encode_into(realm, &mut header_start);
            header_start.push_str("\", ");
        }
        Arc::new(Self {
            consumer_key_pair: pair_reencoded(CONSUMER_KEY, &consumer_key),
            signature_method_pair: pair_reencoded(SIGNATURE_METHOD, method.as_str()),
            token_pair: token.as_deref().map(|t| pair_reencoded(TOKEN, t)),
            header_start,
            header_consumer: format!("{CONSUMER_KEY}=\"{consumer_key}\", oauth_nonce=\""),
            header_method: format!("\", {SIGNATURE_METHOD}=\"{method}\", oauth_timestamp=\""),
            header_token: match &token {
                Some(t) => format!("\", {TOKEN}=\"{t}\""),
                None => "\"".to_owned(),
            },
            header_version: if include_version {
                ", oauth_version=\"1.0\""
            } else {
                ""
            },
        })
    }
}

const CONSUMER_KEY: &str = "oauth_consumer_key";
const SIGNATURE_METHOD: &str = "oauth_signature_method";
const TOKEN: &str = "oauth_token";

impl OAuth1 {
    /// A signer with the app's consumer keys only (request token, app-level
    /// calls).
    pub fn new(consumer: ConsumerKeys) -> Self {
        let signing_key = signing_key(&consumer, None);
        let parts = SignerParts::new(&consumer, None, SignatureMethod::HmacSha1, None, true);
        Self {
            consumer,
            token: None,
            signature_method: SignatureMethod::HmacSha1,
            realm: None,
            include_version: true,
            signing_key,
            parts,
            clock: Arc::new(SystemClock),
        }
    }

    /// Works the fixed parts of every signature out again after a change.
    fn prepared(mut self) -> Self {
        self.parts = SignerParts::new(
            &self.consumer,
            self.token.as_ref(),
            self.signature_method,
            self.realm.as_deref(),
            self.include_version,
        );
        self
    }

    /// Signs as the user of this access token (or with a temporary request
    /// token during the 3-legged flow).
    pub fn with_token(mut self, token: AccessToken) -> Self {
        self.signing_key = signing_key(&self.consumer, Some(&token));
        self.token = Some(token);
        self.prepared()
    }

    /// Chooses the signature method (HMAC-SHA1 by default, as X requires).
    pub fn with_signature_method(mut self, method: SignatureMethod) -> Self {
        self.signature_method = method;
        self.prepared()
    }

    /// Adds `realm` to the header (it is never signed).
    pub fn with_realm(mut self, realm: impl Into<String>) -> Result<Self> {
        let realm = realm.into();
        check_header_safe("realm", &realm)?;
        self.realm = Some(realm);
        Ok(self.prepared())
    }

    /// Whether to send `oauth_version="1.0"` (on by default; the parameter
    /// is optional in RFC 5849 and X's examples always send it).
    pub fn with_version_param(mut self, include: bool) -> Self {
        self.include_version = include;
        self.prepared()
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
                signature: signed.signature.to_text(),
                base_string: String::from_utf8_lossy(scratch.base.as_slice()).into_owned(),
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
        let timestamp_text = format_u64(timestamp, &mut timestamp_digits);
        if let Some(c) = &request.callback {
            check_header_safe("oauth_callback", c)?;
        }
        if let Some(v) = &request.verifier {
            check_header_safe("oauth_verifier", v)?;
        }

        let params = &mut scratch.params;
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
        params.sort_own();
        if params.own_has_oauth_key() {
            self.push_oauth_params(params, request, &nonce, timestamp_text);
        } else {
            self.push_oauth_block(params, request, &nonce, timestamp_text);
        }

        // The base string is written once into a buffer and hashed in one
        // update: many small MAC updates cost more than the copy.
        let uri = scratch.uri.encoded();
        let (param_bytes, count) = params.size();
        let base = &mut scratch.base;
        let out = base.room(method.len() + 2 + uri.len() + param_bytes + 3 * count);
        let mut w = method.len();
        out[..w].copy_from_slice(method.as_bytes());
        out[w] = b'&';
        out[w + 1..w + 1 + uri.len()].copy_from_slice(uri);
        w += 1 + uri.len();
        out[w] = b'&';
        w = params.write_sorted(out, w + 1);
        base.set_len(w);
        let mut mac = Signing::new(self.signature_method, &self.signing_key);
        mac.update(base.as_slice());
        let signature = mac.finish(&self.signing_key.text);
        let authorization = self.header(request, &nonce, timestamp_text, &signature);
        Ok(Signature {
            authorization,
            signature,
            nonce,
            timestamp,
        })
    }

    /// Adds the protocol parameters one by one, in order.
    fn push_oauth_params(
        &self,
        params: &mut Params,
        request: &SignableRequest<'_>,
        nonce: &NonceText<'_>,
        timestamp: &[u8],
    ) {
        let parts = &*self.parts;
        if let Some(c) = &request.callback {
            params.push("oauth_callback", c);
        }
        params.push_pair(&parts.consumer_key_pair, CONSUMER_KEY.len());
        match nonce {
            NonceText::Fresh(n) => params.push_unreserved("oauth_nonce", n.as_bytes()),
            NonceText::Given(n) => params.push("oauth_nonce", n),
        }
        params.push_pair(&parts.signature_method_pair, SIGNATURE_METHOD.len());
        params.push_unreserved("oauth_timestamp", timestamp);
        if let Some(pair) = &parts.token_pair {
            params.push_pair(pair, TOKEN.len());
        }
        if let Some(v) = &request.verifier {
            params.push("oauth_verifier", v);
        }
        if self.include_version {
            params.push_unreserved("oauth_version", b"1.0");
        }
    }

    /// Adds the protocol parameters as one block, `%26`-joined and in
    /// order, from the signer's fixed pairs and what changes per request: no
    /// key of the request's own parameters sorts among theirs (none starts
    /// with `oauth_`), so the block sorts as its first key.
    fn push_oauth_block(
        &self,
        params: &mut Params,
        request: &SignableRequest<'_>,
        nonce: &NonceText<'_>,
        timestamp: &[u8],
    ) {
        const AND: &[u8] = b"%26";
        const CALLBACK: &[u8] = b"oauth_callback%3D";
        const NONCE: &[u8] = b"%26oauth_nonce%3D";
        const TIMESTAMP: &[u8] = b"%26oauth_timestamp%3D";
        const VERIFIER: &[u8] = b"%26oauth_verifier%3D";
        const VERSION: &[u8] = b"%26oauth_version%3D1.0";
        let parts = &*self.parts;
        let callback = request.callback.as_deref().map(str::as_bytes);
        let verifier = request.verifier.as_deref().map(str::as_bytes);
        let token = parts.token_pair.as_deref();
        let version = if self.include_version { VERSION } else { b"" };
        let room = callback.map_or(0, |c| CALLBACK.len() + room_for(c.len()) + AND.len())
            + parts.consumer_key_pair.len()
            + NONCE.len()
            + room_for(nonce.as_bytes().len())
            + AND.len()
            + parts.signature_method_pair.len()
            + TIMESTAMP.len()
            + timestamp.len()
            + token.map_or(0, |t| AND.len() + t.len())
            + verifier.map_or(0, |v| VERIFIER.len() + room_for(v.len()))
            + version.len();
        let key_len = match callback {
            Some(_) => "oauth_callback".len(),
            None => CONSUMER_KEY.len(),
        };
        params.push_with(room, key_len, |out, mut w| {
            if let Some(c) = callback {
                w = write_at(out, w, CALLBACK);
                w = write_percent_encoded_twice(c, out, w);
                w = write_at(out, w, AND);
            }
            w = write_at(out, w, &parts.consumer_key_pair);
            w = write_at(out, w, NONCE);
            w = match nonce {
                NonceText::Fresh(n) => write_at(out, w, n.as_bytes()),
                NonceText::Given(n) => write_percent_encoded_twice(n.as_bytes(), out, w),
            };
            w = write_at(out, w, AND);
            w = write_at(out, w, &parts.signature_method_pair);
            w = write_at(out, w, TIMESTAMP);
            w = write_at(out, w, timestamp);
            if let Some(t) = token {
                w = write_at(out, w, AND);
                w = write_at(out, w, t);
            }
            if let Some(v) = verifier {
                w = write_at(out, w, VERIFIER);
                w = write_percent_encoded_twice(v, out, w);
            }
            write_at(out, w, version)
        });
    }

    /// The `Authorization` header: the fixed pieces worked out with the
    /// signer, and what changes per request, in alphabetical order.
    fn header(
        &self,
        request: &SignableRequest<'_>,
        nonce: &NonceText<'_>,
        timestamp: &[u8],
        signature: &SignatureText,
    ) -> String {
        const CALLBACK: (&str, &str) = ("oauth_callback=\"", "\", ");
        const SIGNATURE: &str = "\", oauth_signature=\"";
        const VERIFIER: (&str, &str) = (", oauth_verifier=\"", "\"");
        let parts = &*self.parts;
        let callback = request.callback.as_deref().map(encoded);
        let verifier = request.verifier.as_deref().map(encoded);
        // Sized for the worst case up front: the header of a PLAINTEXT
        // signature holds the keys, and growing would leave copies behind.
        let optional = |value: &Option<Cow<'_, str>>, (open, close): (&str, &str)| {
            value
                .as_ref()
                .map_or(0, |v| open.len() + v.len() + close.len())
        };
        let capacity = parts.header_start.len()
            + optional(&callback, CALLBACK)
            + parts.header_consumer.len()
            + nonce.as_bytes().len() * 3
            + SIGNATURE.len()
            + signature.encoded_len_bound()
            + parts.header_method.len()
            + timestamp.len()
            + parts.header_token.len()
            + optional(&verifier, VERIFIER)
            + parts.header_version.len();
        // Written as bytes (every piece is ASCII) and checked once at the end:
        // a `&str` for each piece would cost a UTF-8 check each.
        let mut header = Vec::with_capacity(capacity);
        header.extend_from_slice(parts.header_start.as_bytes());
        extend_entry(&mut header, callback.as_deref(), CALLBACK);
        header.extend_from_slice(parts.header_consumer.as_bytes());
        match nonce {
            NonceText::Fresh(n) => header.extend_from_slice(n.as_bytes()),
            NonceText::Given(n) => extend_percent_encoded(n.as_bytes(), &mut header),
        }
        header.extend_from_slice(SIGNATURE.as_bytes());
        signature.write_encoded(&mut header);
        header.extend_from_slice(parts.header_method.as_bytes());
        header.extend_from_slice(timestamp);
        header.extend_from_slice(parts.header_token.as_bytes());
        extend_entry(&mut header, verifier.as_deref(), VERIFIER);
        header.extend_from_slice(parts.header_version.as_bytes());
        debug_assert!(header.len() <= capacity, "sized for the worst case");
        String::from_utf8(header).unwrap_or_else(|_| unreachable!("every piece is ASCII"))
    }
}

/// The percent-encoding of `value`, borrowed when nothing needs encoding.
fn encoded(value: &str) -> Cow<'_, str> {
    if is_unreserved_str(value) {
        Cow::Borrowed(value)
    } else {
        Cow::Owned(percent_encode(value))
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

    fn as_bytes(&self) -> &[u8] {
        match self {
            NonceText::Given(n) => n.as_bytes(),
            NonceText::Fresh(n) => n.as_bytes(),
        }
    }
}

impl Drop for Signature<'_> {
    fn drop(&mut self) {
        // Callers take the header out; an empty one needs no call.
        if self.authorization.capacity() > 0 {
            self.authorization.zeroize();
        }
    }
}

/// Per-thread buffers reused by every signature.
#[derive(Default)]
struct Scratch {
    /// The last base URI, kept (it holds no secret).
    uri: BaseUriCache,
    params: Params,
    /// The signature base string (ASCII).
    base: ZeroedBuf,
}

impl Scratch {
    /// Wipes what the buffers held (only what this use wrote: the rest is
    /// zero already); buffers grown by an unusually large request are then
    /// let go.
    fn wipe(&mut self) {
        const KEEP: usize = 64 * 1024;
        self.params.wipe();
        self.base.wipe();
        self.uri.shrink(KEEP);
        if self.base.capacity() > KEEP || self.params.capacity() > KEEP {
            self.params = Params::default();
            self.base = ZeroedBuf::default();
        }
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

/// A signature: a MAC's tag on the stack (no allocation), or the PLAINTEXT
/// signature, which is the keys themselves (wiped on drop).
enum SignatureText {
    Mac { tag: [u8; 32], len: usize },
    Plaintext(Zeroizing<String>),
}

impl SignatureText {
    fn mac(mac: &[u8]) -> Self {
        let mut tag = [0u8; 32];
        tag[..mac.len()].copy_from_slice(mac);
        SignatureText::Mac {
            tag,
            len: mac.len(),
        }
    }

    /// The `oauth_signature` value: a MAC in base64, or the keys.
    fn to_text(&self) -> String {
        match self {
            SignatureText::Mac { tag, len } => BASE64.encode(&tag[..*len]),
            SignatureText::Plaintext(text) => text.as_str().to_owned(),
        }
    }

    /// Bytes [`SignatureText::write_encoded`] may write.
    fn encoded_len_bound(&self) -> usize {
        match self {
            SignatureText::Mac { len, .. } => len.div_ceil(3) * 4 * 3,
            SignatureText::Plaintext(text) => text.len() * 3,
        }
    }

    /// Appends the value percent-encoded, as the header holds it; `out` has
    /// room for [`SignatureText::encoded_len_bound`] more bytes.
    fn write_encoded(&self, out: &mut Vec<u8>) {
        match self {
            SignatureText::Mac { tag, len } => extend_base64_percent_encoded(&tag[..*len], out),
            SignatureText::Plaintext(text) => extend_percent_encoded(text.as_bytes(), out),
        }
    }
}

/// Appends the percent-encoding of the base64 (standard alphabet, padded)
/// of a MAC tag of up to 32 bytes, in one pass: `+`, `/` and `=` are the
/// only base64 symbols that need encoding.
fn extend_base64_percent_encoded(tag: &[u8], out: &mut Vec<u8>) {
    /// `SYMBOLS[i]`: base64 symbol `i` percent-encoded, padded to 4 bytes,
    /// and its length.
    const SYMBOLS: [([u8; 4], usize); 64] = {
        const ALPHABET: &[u8; 64] =
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut table = [([0u8; 4], 1); 64];
        let mut i = 0;
        while i < 64 {
            table[i] = match ALPHABET[i] {
                b'+' => (*b"%2B\0", 3),
                b'/' => (*b"%2F\0", 3),
                c => ([c, 0, 0, 0], 1),
            };
            i += 1;
        }
        table
    };
    debug_assert!(tag.len() <= 32);
    // Room for 11 groups of four symbols, three bytes each, and the 4-byte
    // write of the last.
    let mut buf = [0u8; 11 * 4 * 3 + 4];
    let mut w = 0;
    let mut put = |i: u32| {
        let (bytes, len) = &SYMBOLS[(i & 0x3F) as usize];
        buf[w..w + 4].copy_from_slice(bytes);
        w += len;
    };
    let mut chunks = tag.chunks_exact(3);
    for c in &mut chunks {
        let n = u32::from(c[0]) << 16 | u32::from(c[1]) << 8 | u32::from(c[2]);
        for shift in [18, 12, 6, 0] {
            put(n >> shift);
        }
    }
    let rest = chunks.remainder();
    if let [first, more @ ..] = rest {
        let n = u32::from(*first) << 16 | more.first().map_or(0, |&b| u32::from(b) << 8);
        put(n >> 18);
        put(n >> 12);
        if !more.is_empty() {
            put(n >> 6);
        }
    }
    out.extend_from_slice(&buf[..w]);
    for _ in 0..(3 - rest.len()) % 3 {
        out.extend_from_slice(b"%3D");
    }
}

/// Appends an optional header entry, its encoded value between `open` and
/// `close`.
fn extend_entry(header: &mut Vec<u8>, value: Option<&str>, (open, close): (&str, &str)) {
    if let Some(value) = value {
        header.extend_from_slice(open.as_bytes());
        header.extend_from_slice(value.as_bytes());
        header.extend_from_slice(close.as_bytes());
    }
}

/// Copies `bytes` to `out[w..]` and returns where they ended.
#[inline]
fn write_at(out: &mut [u8], w: usize, bytes: &[u8]) -> usize {
    out[w..w + bytes.len()].copy_from_slice(bytes);
    w + bytes.len()
}

/// Writes `n` in decimal into `buf` and returns its digits (no allocation).
fn format_u64(mut n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    &buf[i..]
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

    /// RFC 5849 §3.4.1 written plainly: decode every parameter, encode,
    /// sort, join.
    fn naive_base_string(method: &str, base_uri: &str, params: &[(&str, &str)]) -> String {
        let mut encoded: Vec<(String, String)> = params
            .iter()
            .map(|(k, v)| (percent_encode(k), percent_encode(v)))
            .collect();
        encoded.sort();
        let joined = encoded
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&");
        format!(
            "{method}&{}&{}",
            percent_encode(base_uri),
            percent_encode(&joined)
        )
    }

    #[test]
    fn protocol_parameters_sort_among_the_requests_own_as_one_block_or_one_by_one() {
        let consumer = ConsumerKeys::new("key+/", "secret").unwrap();
        let token = AccessToken::new("1-tok en", "token secret").unwrap();
        let signers = [
            OAuth1::new(consumer.clone()),
            OAuth1::new(consumer.clone()).with_token(token.clone()),
            OAuth1::new(consumer)
                .with_token(token)
                .with_version_param(false)
                .with_signature_method(SignatureMethod::HmacSha256),
        ];
        // Keys that sort before, among and after the protocol parameters.
        let own_keys = [
            vec![],
            vec!["a", "z"],
            vec!["oauth", "oauth`", "oauth_a", "oauth_zz", "oauth_nonce"],
            vec!["oauth_consumer_key", "p"],
        ];
        for signer in &signers {
            for keys in &own_keys {
                for (query, query_params) in [
                    ("q=%C3%A9", vec![("q", "é")]),
                    ("q=%C3%A9&oauth_q=1", vec![("q", "é"), ("oauth_q", "1")]),
                ] {
                    for (callback, verifier, nonce) in [
                        (None, None, "n0nce"),
                        (Some("oob"), None, "a+b/c"),
                        (Some("https://x.example/cb?a=1"), Some("12 34"), "fixed"),
                    ] {
                        let form: Vec<(&str, &str)> = keys.iter().map(|k| (*k, "v v")).collect();
                        let mut request = SignableRequest::new(
                            "POST",
                            format!("https://API.x.com:443/2/t?{query}"),
                        )
                        .form(form.clone())
                        .nonce(nonce)
                        .timestamp(1_700_000_000);
                        if let Some(c) = callback {
                            request = request.callback(c);
                        }
                        if let Some(v) = verifier {
                            request = request.verifier(v);
                        }
                        let signed = signer.sign(&request).unwrap();
                        let method = signer.signature_method().as_str();
                        let mut all = form.clone();
                        all.extend(query_params.iter().copied());
                        all.extend([
                            ("oauth_consumer_key", "key+/"),
                            ("oauth_nonce", nonce),
                            ("oauth_signature_method", method),
                            ("oauth_timestamp", "1700000000"),
                        ]);
                        if let Some(t) = signer.token() {
                            all.push(("oauth_token", t.token()));
                        }
                        if signer.include_version {
                            all.push(("oauth_version", "1.0"));
                        }
                        all.extend(callback.map(|c| ("oauth_callback", c)));
                        all.extend(verifier.map(|v| ("oauth_verifier", v)));
                        assert_eq!(
                            signed.base_string,
                            naive_base_string("POST", "https://api.x.com/2/t", &all),
                            "{keys:?} {query} {callback:?} {verifier:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn decimal_formatting() {
        let mut buf = [0u8; 20];
        assert_eq!(format_u64(0, &mut buf), b"0");
        assert_eq!(format_u64(1318622958, &mut buf), b"1318622958");
        assert_eq!(
            format_u64(u64::MAX, &mut buf),
            u64::MAX.to_string().as_bytes()
        );
    }

    #[test]
    fn base64_is_percent_encoded_in_one_pass() {
        for len in 0..=32usize {
            let tag: Vec<u8> = (0..len).map(|i| (i * 37 + 251) as u8 ^ 0xFB).collect();
            let mut out = Vec::with_capacity(len.div_ceil(3) * 12);
            extend_base64_percent_encoded(&tag, &mut out);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                percent_encode(&BASE64.encode(&tag)),
                "{len} bytes"
            );
        }
    }

    #[test]
    fn method_is_validated() {
        assert!(normalise_method("").is_err());
        assert!(normalise_method("PO ST").is_err());
        assert_eq!(normalise_method("post").unwrap(), "POST");
    }
}
