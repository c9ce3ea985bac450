//! The differential target: requests signed by the core's signer, verified
//! by the sandbox's independent verifier.

use x_api_auth::oauth1::{OAuth1, SignableRequest};
use x_api_auth::{AccessToken, ConsumerKeys, percent_encode};
use x_api_auth_sandbox::oauth1_verify::{ReceivedRequest, base_string, collect, signature_matches};

use crate::fields::Fields;

const METHODS: [&str; 5] = ["GET", "POST", "PUT", "DELETE", "patch"];
const ORIGINS: [(&str, &str); 4] = [
    ("https://api.x.com", "https://api.x.com"),
    ("HTTPS://API.X.COM:443", "https://api.x.com"),
    ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
    ("http://Upload.X.com:80", "http://upload.x.com"),
];

/// Signs a request built from the input with HMAC-SHA1 and checks that the
/// sandbox, rebuilding the base string from what would go on the wire
/// (normalised base URL, raw query, form body, header), accepts the
/// signature, and computes the same base string.
///
/// Input: a selector byte (method, origin, token or none), then fields:
/// consumer key, consumer secret, token, token secret, path segments,
/// query pairs, form pairs, nonce, and a timestamp (8 bytes).
pub fn sign_verify(data: &[u8]) {
    verified(data);
}

/// [`sign_verify`], telling whether the input got as far as the check (an
/// input the signer refuses, such as an empty consumer key, does not).
fn verified(data: &[u8]) -> bool {
    let Some((&selector, rest)) = data.split_first() else {
        return false;
    };
    let mut fields = Fields::new(rest);
    let method = METHODS[usize::from(selector) % METHODS.len()];
    let (origin, normalised) = ORIGINS[usize::from(selector >> 3) % ORIGINS.len()];
    let Ok(consumer) = ConsumerKeys::new(fields.text(), fields.text()) else {
        return false;
    };
    let (token, token_secret) = (fields.text(), fields.text());
    let mut signer = OAuth1::new(consumer.clone());
    let mut secret = String::new();
    if selector & 0x80 != 0 {
        let Ok(token) = AccessToken::new(token, token_secret.clone()) else {
            return false;
        };
        signer = signer.with_token(token);
        secret = token_secret;
    }
    let segments = fields.pairs();
    if segments.iter().any(|(s, _)| s == "." || s == "..") {
        return false; // dot segments: HTTP clients resolve them before sending
    }
    let path: String = segments
        .iter()
        .map(|(segment, _)| format!("/{}", percent_encode(segment)))
        .collect();
    let query_pairs = fields.pairs();
    let form = fields.pairs();
    if query_pairs.len() >= 1000 || form.len() >= 1000 {
        // The sandbox refuses 1,000 parameters or more, as X does, before
        // any signature work (regressions/sign_verify).
        return false;
    }
    let query = x_api_auth::encode_form(query_pairs.iter().map(|(k, v)| (k, v)));
    let nonce = fields.text();
    let mut timestamp = [0u8; 8];
    let bytes = fields.bytes();
    let n = bytes.len().min(8);
    timestamp[..n].copy_from_slice(&bytes[..n]);
    let timestamp = u64::from_le_bytes(timestamp);
    let url = if query.is_empty() {
        format!("{origin}{path}")
    } else {
        format!("{origin}{path}?{query}")
    };
    let mut request = SignableRequest::new(method, url.as_str()).timestamp(timestamp);
    if !nonce.is_empty() {
        request = request.nonce(nonce.as_str());
    }
    let form_body =
        (!form.is_empty()).then(|| x_api_auth::encode_form(form.iter().map(|(k, v)| (k, v))));
    if !form.is_empty() {
        request = request.form(form.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    }
    let Ok(signed) = signer.sign(&request) else {
        return false;
    };
    let received = ReceivedRequest {
        method: method.to_string(),
        base_url: format!("{normalised}{}", if path.is_empty() { "/" } else { &path }),
        query,
        form_body,
        authorization: Some(signed.authorization.clone()),
    };
    let params =
        collect(&received).unwrap_or_else(|e| panic!("the sandbox cannot read {url:?}: {e:?}"));
    let base = base_string(method, &received.base_url, &params.signed);
    assert_eq!(
        base, signed.base_string,
        "the base strings of {url:?} differ"
    );
    assert!(
        signature_matches(
            &base,
            consumer.secret().secret(),
            &secret,
            &params.signature
        ),
        "the sandbox rejects the signature of {url:?}"
    );
    true
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_seed_reaches_the_verifier() {
        let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/sign_verify");
        let mut checked = 0;
        for entry in std::fs::read_dir(seeds).expect("the seed corpus") {
            let data = std::fs::read(entry.expect("an entry").path()).expect("a seed");
            checked += usize::from(super::verified(&data));
        }
        assert!(
            checked >= 4,
            "only {checked} seeds were signed and verified"
        );
    }
}
