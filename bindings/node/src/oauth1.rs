//! OAuth 1.0a: the signer, and the tokens of the 3-legged flow.

use napi::bindgen_prelude::*;
use napi_derive::napi;
use x_api_auth::oauth1::OAuth1Settings;
use x_api_auth::{SignableRequest, conflicting_arguments};

use crate::api::form_pairs;
use crate::credentials::{AccessToken, ConsumerKeys};
use crate::errors::{core, invalid, js_error};

/// The options of `new OAuth1(...)`.
#[napi(object)]
pub struct OAuth1Options {
    /// API Key.
    pub consumer_key: String,
    /// API Key Secret.
    pub consumer_secret: String,
    /// Access Token (with `tokenSecret`).
    pub token: Option<String>,
    /// Access Token Secret.
    pub token_secret: Option<String>,
    /// `HMAC-SHA1` (default), `HMAC-SHA256` or `PLAINTEXT`.
    pub signature_method: Option<String>,
    /// `realm` for the header (never signed).
    pub realm: Option<String>,
    /// Whether to send `oauth_version="1.0"` (default true).
    pub include_version: Option<bool>,
}

/// A request to sign.
#[napi(object)]
pub struct SignOptions<'a> {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The absolute URL, query included.
    pub url: String,
    /// Form body parameters: a plain object (values strings, numbers,
    /// bigints, Buffers, or arrays of those for a repeated key), `[key,
    /// value]` pairs, a Map or URLSearchParams (via the facade), or an
    /// encoded form string.
    #[napi(ts_type = "unknown")]
    pub form: Option<Unknown<'a>>,
    /// An already encoded `application/x-www-form-urlencoded` body.
    pub form_body: Option<String>,
    /// A fixed nonce (tests only).
    pub nonce: Option<String>,
    /// A fixed timestamp, Unix seconds (tests only).
    pub timestamp: Option<f64>,
    /// `oauth_callback` (request token only).
    pub callback: Option<String>,
    /// `oauth_verifier` (access token only).
    pub verifier: Option<String>,
}

/// The result of signing.
#[napi(object)]
pub struct SignedRequest {
    /// The `Authorization` header value.
    pub authorization: String,
    /// The signature base string.
    pub base_string: String,
    /// The nonce used.
    pub nonce: String,
    /// The timestamp used.
    pub timestamp: i64,
}

/// Signs `request` with `sign`, given the core's request to sign.
fn with_signable<T>(
    request: SignOptions<'_>,
    sign: impl FnOnce(&SignableRequest<'_>) -> x_api_auth::Result<T>,
) -> Result<T> {
    let form = form_pairs("form", request.form.as_ref())?.unwrap_or_default();
    if !form.is_empty() && request.form_body.is_some() {
        // One body goes on the wire (an empty form is none, as for the core).
        return Err(js_error(conflicting_arguments("form", "formBody")));
    }
    let mut signable = SignableRequest::new(request.method.as_str(), request.url.as_str())
        .form(form.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    if let Some(body) = &request.form_body {
        signable = signable.form_body(body.as_str());
    }
    if let Some(n) = &request.nonce {
        signable = signable.nonce(n.as_str());
    }
    if let Some(t) = request.timestamp {
        // A JavaScript number: a whole number of seconds that it holds exactly.
        if !(t.fract() == 0.0 && (1.0..=9_007_199_254_740_991.0).contains(&t)) {
            return Err(invalid(
                "timestamp",
                "must be a positive whole number of seconds",
            ));
        }
        let t = t as u64;
        signable = signable.timestamp(t);
    }
    if let Some(c) = &request.callback {
        signable = signable.callback(c.as_str());
    }
    if let Some(v) = &request.verifier {
        signable = signable.verifier(v.as_str());
    }
    core(sign(&signable))
}

/// Signs a request given as NUL-separated fields: `method`, `url`, then a
/// key and a value per form pair.
fn sign_joined(signer: &x_api_auth::OAuth1, request: &str) -> Result<Latin1String> {
    let mut fields = request.split('\0');
    let (Some(method), Some(url)) = (fields.next(), fields.next()) else {
        return Err(invalid("request", "internal: no method and URL"));
    };
    let mut form = Vec::new();
    while let Some(key) = fields.next() {
        let Some(value) = fields.next() else {
            return Err(invalid("form", "internal: a key without a value"));
        };
        form.push((key, value));
    }
    let request = SignableRequest::new(method, url).form(form);
    // The header is ASCII: as Latin-1, V8 copies it without decoding UTF-8.
    core(signer.authorization_header(&request)).map(Latin1String::from)
}

/// An OAuth 1.0a signer.
#[napi(js_name = "OAuth1")]
#[derive(Clone)]
pub struct OAuth1(pub(crate) x_api_auth::OAuth1);

#[napi]
impl OAuth1 {
    /// A signer for consumer keys and, optionally, an access token.
    #[napi(constructor, catch_unwind)]
    pub fn new(options: OAuth1Options) -> Result<Self> {
        let settings = OAuth1Settings {
            consumer_key: options.consumer_key,
            consumer_secret: options.consumer_secret,
            token: options.token,
            token_secret: options.token_secret,
            signature_method: options.signature_method,
            realm: options.realm,
            include_version: options.include_version,
        };
        core(settings.build()).map(Self)
    }

    /// A signer from credential objects.
    #[napi(factory, catch_unwind)]
    pub fn from_credentials(consumer: &ConsumerKeys, token: Option<&AccessToken>) -> Self {
        let signer = x_api_auth::OAuth1::new(consumer.0.clone());
        Self(match token {
            Some(t) => signer.with_token(t.0.clone()),
            None => signer,
        })
    }

    /// Signs a request: the header and what went into it.
    #[napi(catch_unwind)]
    pub fn sign(&self, request: SignOptions<'_>) -> Result<SignedRequest> {
        let mut signed = with_signable(request, |r| self.0.sign(r))?;
        Ok(SignedRequest {
            authorization: std::mem::take(&mut signed.authorization),
            base_string: std::mem::take(&mut signed.base_string),
            nonce: std::mem::take(&mut signed.nonce),
            timestamp: i64::try_from(signed.timestamp).unwrap_or(i64::MAX),
        })
    }

    /// Signs a request and returns the `Authorization` header value.
    #[napi(catch_unwind)]
    pub fn authorization_header(&self, request: SignOptions<'_>) -> Result<String> {
        with_signable(request, |r| self.0.authorization_header(r))
    }

    /// [`OAuth1::authorization_header`] with the options as arguments:
    /// reading eight properties of an object across N-API costs more than
    /// signing. Internal (no TypeScript declaration): the facade's
    /// `authorizationHeader({ ... })` calls it.
    #[napi(js_name = "_authorizationHeader", skip_typescript, catch_unwind)]
    #[allow(clippy::too_many_arguments)]
    pub fn authorization_header_args(
        &self,
        method: String,
        url: String,
        form: Option<Unknown<'_>>,
        form_body: Option<String>,
        nonce: Option<String>,
        timestamp: Option<f64>,
        callback: Option<String>,
        verifier: Option<String>,
    ) -> Result<Latin1String> {
        let request = SignOptions {
            method,
            url,
            form,
            form_body,
            nonce,
            timestamp,
            callback,
            verifier,
        };
        // The header is ASCII: as Latin-1, V8 copies it without decoding UTF-8.
        with_signable(request, |r| self.0.authorization_header(r)).map(Latin1String::from)
    }

    /// A function that signs the common call of `authorizationHeader({
    /// method, url, form })` for this signer: a form of strings only and no
    /// other option, as one string of NUL-separated fields, `method\0url`
    /// then `\0key\0value` per pair (the facade uses it only when no field
    /// holds a NUL). A function holding its own copy of the signer skips
    /// what a method call costs (unwrapping `this`, checking its type tag,
    /// tracking the borrow), and one argument crosses N-API instead of eight.
    /// Internal (no TypeScript declaration): the facade makes one per signer.
    #[napi(js_name = "_joinedHeaderSigner", skip_typescript, catch_unwind)]
    pub fn joined_header_signer<'env>(
        &self,
        env: &'env Env,
    ) -> Result<Function<'env, String, Latin1String>> {
        let signer = self.0.clone();
        env.create_function_from_closure("authorizationHeader", move |call| {
            sign_joined(&signer, &call.get::<String>(0)?)
        })
    }

    /// The consumer key (public).
    #[napi(getter, catch_unwind)]
    pub fn consumer_key(&self) -> String {
        self.0.consumer().key().to_owned()
    }

    /// The access token (public part), if any.
    #[napi(getter, catch_unwind)]
    pub fn token(&self) -> Option<String> {
        self.0.token().map(|t| t.token().to_owned())
    }
}

/// The temporary credentials of the 3-legged flow.
#[napi]
pub struct RequestToken(pub(crate) x_api_auth::oauth1::RequestToken);

#[napi]
impl RequestToken {
    /// The request token.
    #[napi(getter, catch_unwind)]
    pub fn token(&self) -> String {
        self.0.token.clone()
    }

    /// The request token secret, in clear.
    #[napi(catch_unwind)]
    pub fn secret(&self) -> String {
        self.0.secret.secret().to_owned()
    }
}

/// The user's access token from the 3-legged flow.
#[napi]
pub struct AccessTokenResponse(pub(crate) x_api_auth::oauth1::AccessTokenResponse);

#[napi]
impl AccessTokenResponse {
    /// The access token and secret.
    #[napi(getter, catch_unwind)]
    pub fn access_token(&self) -> AccessToken {
        AccessToken(self.0.access_token.clone())
    }

    /// The user's id.
    #[napi(getter, catch_unwind)]
    pub fn user_id(&self) -> Option<String> {
        self.0.user_id.clone()
    }

    /// The user's handle.
    #[napi(getter, catch_unwind)]
    pub fn screen_name(&self) -> Option<String> {
        self.0.screen_name.clone()
    }

    /// The token's access level (`x-access-level`).
    #[napi(getter, catch_unwind)]
    pub fn access_level(&self) -> Option<String> {
        self.0.access_level.clone()
    }
}

/// RFC 3986 percent-encoding as OAuth 1.0a requires it.
#[napi(catch_unwind)]
pub fn percent_encode(value: String) -> String {
    x_api_auth::percent_encode(&value)
}
