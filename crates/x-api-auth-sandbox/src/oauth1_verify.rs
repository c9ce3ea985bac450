//! An OAuth 1.0a verifier written independently of the client's signer: it
//! rebuilds the base string from the incoming request itself (RFC 5849
//! §3.4.1) and checks HMAC-SHA1 with ring, so a bug in one cannot hide in the
//! other.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;

/// The parameters of a request as received.
#[derive(Debug, Clone, Default)]
pub struct ReceivedRequest {
    /// `GET`, `POST`, ...
    pub method: String,
    /// `scheme://host[:port]/path` as the client addressed it.
    pub base_url: String,
    /// The raw query string.
    pub query: String,
    /// The raw body when it is `application/x-www-form-urlencoded`.
    pub form_body: Option<String>,
    /// The `Authorization` header.
    pub authorization: Option<String>,
}

/// Why a request's OAuth 1.0a data is unusable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Oauth1Problem {
    /// No `OAuth` Authorization header, or one that cannot be parsed.
    Missing,
    /// A required protocol parameter is missing or malformed.
    Malformed,
}

/// The protocol parameters of a request, decoded.
#[derive(Debug, Clone)]
pub struct Oauth1Params {
    /// Every signed parameter (header `oauth_*` but the signature, query,
    /// form), decoded.
    pub signed: Vec<(String, String)>,
    /// `oauth_signature`, decoded.
    pub signature: String,
}

impl Oauth1Params {
    /// The first value of a signed parameter.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.signed
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes `application/x-www-form-urlencoded` text (`+` is a space).
pub fn form_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hi = hex(*bytes.get(i + 1)?)?;
                let lo = hex(*bytes.get(i + 2)?)?;
                out.push(hi * 16 + lo);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// Parses `a=b&c=d` into decoded pairs.
pub fn parse_pairs(s: &str) -> Option<Vec<(String, String)>> {
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            Some((form_decode(k)?, form_decode(v)?))
        })
        .collect()
}

/// RFC 3986 encoding of every byte but `A-Z a-z 0-9 - . _ ~`.
pub fn rfc3986(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Collects the signed parameters of a request.
pub fn collect(request: &ReceivedRequest) -> Result<Oauth1Params, Oauth1Problem> {
    let header = request
        .authorization
        .as_deref()
        .ok_or(Oauth1Problem::Missing)?;
    let rest = header
        .strip_prefix("OAuth ")
        .ok_or(Oauth1Problem::Missing)?;
    let mut signed = Vec::new();
    let mut signature = None;
    for item in rest.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let (k, v) = item.split_once('=').ok_or(Oauth1Problem::Malformed)?;
        let v = v.trim().trim_matches('"');
        let (k, v) = (
            form_decode(k.trim()).ok_or(Oauth1Problem::Malformed)?,
            form_decode(v).ok_or(Oauth1Problem::Malformed)?,
        );
        match k.as_str() {
            "realm" => {}
            "oauth_signature" => signature = Some(v),
            _ if k.starts_with("oauth_") => signed.push((k, v)),
            _ => {}
        }
    }
    if crate::server::limits::too_many_parameters(&request.query)
        || request
            .form_body
            .as_deref()
            .is_some_and(crate::server::limits::too_many_parameters)
    {
        return Err(Oauth1Problem::Malformed);
    }
    signed.extend(parse_pairs(&request.query).ok_or(Oauth1Problem::Malformed)?);
    if let Some(body) = &request.form_body {
        signed.extend(parse_pairs(body).ok_or(Oauth1Problem::Malformed)?);
    }
    let signature = signature.ok_or(Oauth1Problem::Missing)?;
    Ok(Oauth1Params { signed, signature })
}

/// The signature base string of RFC 5849 §3.4.1.
pub fn base_string(method: &str, base_url: &str, signed: &[(String, String)]) -> String {
    let mut pairs: Vec<(String, String)> = signed
        .iter()
        .map(|(k, v)| (rfc3986(k), rfc3986(v)))
        .collect();
    pairs.sort();
    let normalized = pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    format!(
        "{}&{}&{}",
        method.to_ascii_uppercase(),
        rfc3986(base_url),
        rfc3986(&normalized)
    )
}

/// Checks an HMAC-SHA1 signature in constant time.
pub fn signature_matches(
    base_string: &str,
    consumer_secret: &str,
    token_secret: &str,
    signature: &str,
) -> bool {
    let key = format!("{}&{}", rfc3986(consumer_secret), rfc3986(token_secret));
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, key.as_bytes());
    match BASE64.decode(signature) {
        Ok(tag) => ring::hmac::verify(&key, base_string.as_bytes(), &tag).is_ok(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// X's published "creating a signature" vector, both hosts.
    fn x_reference(host: &str, signature: &str) -> (ReceivedRequest, String) {
        let header = format!(
            "OAuth oauth_consumer_key=\"xvz1evFS4wEEPTGEFPHBog\", oauth_nonce=\"kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg\", oauth_signature=\"{}\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1318622958\", oauth_token=\"370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb\", oauth_version=\"1.0\"",
            rfc3986(signature)
        );
        (
            ReceivedRequest {
                method: "POST".into(),
                base_url: format!("https://{host}/1.1/statuses/update.json"),
                query: "include_entities=true".into(),
                form_body: Some(
                    "status=Hello%20Ladies%20%2b%20Gentlemen%2c%20a%20signed%20OAuth%20request%21"
                        .into(),
                ),
                authorization: Some(header),
            },
            "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw".into(),
        )
    }

    fn verifies(request: &ReceivedRequest, consumer_secret: &str, token_secret: &str) -> bool {
        let params = collect(request).unwrap();
        let base = base_string(&request.method, &request.base_url, &params.signed);
        signature_matches(&base, consumer_secret, token_secret, &params.signature)
    }

    const TOKEN_SECRET: &str = "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE";

    #[test]
    fn accepts_x_published_vectors_with_matching_host() {
        for (host, signature) in [
            ("api.x.com", "Ls93hJiZbQ3akF3HF3x1Bz8/zU4="),
            ("api.twitter.com", "hCtSmYh+iHYCEqBWrE7C7hYmtUk="),
        ] {
            let (request, secret) = x_reference(host, signature);
            assert!(verifies(&request, &secret, TOKEN_SECRET), "{host}");
        }
        let (request, secret) = x_reference("api.x.com", "hCtSmYh+iHYCEqBWrE7C7hYmtUk=");
        assert!(
            !verifies(&request, &secret, TOKEN_SECRET),
            "a twitter.com signature must fail on x.com"
        );
    }

    #[test]
    fn rejects_one_character_changes_to_each_input() {
        let (request, secret) = x_reference("api.x.com", "Ls93hJiZbQ3akF3HF3x1Bz8/zU4=");
        let flip = |s: &str, at: usize| -> String {
            let mut bytes = s.as_bytes().to_vec();
            bytes[at] = if bytes[at] == b'a' { b'b' } else { b'a' };
            String::from_utf8(bytes).unwrap()
        };
        assert!(
            !verifies(&request, &flip(&secret, 3), TOKEN_SECRET),
            "consumer secret"
        );
        assert!(
            !verifies(&request, &secret, &flip(TOKEN_SECRET, 3),),
            "token secret"
        );
        let mut r = request.clone();
        r.method = "PUT".into();
        assert!(!verifies(&r, &secret, TOKEN_SECRET), "method");
        let mut r = request.clone();
        r.base_url = flip(&r.base_url, 10);
        assert!(!verifies(&r, &secret, TOKEN_SECRET), "url");
        let mut r = request.clone();
        r.query = "include_entities=truf".into();
        assert!(!verifies(&r, &secret, TOKEN_SECRET), "query");
        let mut r = request.clone();
        r.form_body = Some(flip(r.form_body.as_deref().unwrap(), 7));
        assert!(!verifies(&r, &secret, TOKEN_SECRET), "body");
        for field in [
            "oauth_consumer_key=\"xvz1",
            "oauth_nonce=\"kYjz",
            "oauth_timestamp=\"1318",
            "oauth_token=\"3707",
            "oauth_version=\"1.",
        ] {
            let mut r = request.clone();
            let header = r.authorization.clone().unwrap();
            let at = header.find(field).unwrap() + field.len() - 1;
            r.authorization = Some(flip(&header, at));
            assert!(!verifies(&r, &secret, TOKEN_SECRET), "{field}");
        }
    }
}
