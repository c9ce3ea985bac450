//! Targets for the core crate's parsers of what X (or a browser redirect)
//! sends.

use std::time::{Duration, SystemTime};

use x_api_auth::oauth1::{
    AccessTokenResponse, RequestToken, parse_authorization_header, parse_callback,
};
use x_api_auth::oauth2::{
    parse_authorization_callback, parse_bearer_response, parse_invalidate_response,
    parse_revoke_response, parse_token_response,
};
use x_api_auth::{
    ApiError, ConsumerSecret, State, encode_form, parse_form, percent_encode, webhook,
};

use crate::fields::{Fields, status_and_body};

/// `secret` does not show in `debug` as a string value (`"…"`, as `Debug`
/// prints a field), once the values that may show (a public token, a user
/// id, scope names) are taken out: a secret may be a substring of one of
/// them, or of the redaction notice itself (the fuzzer finds such inputs:
/// regressions/oauth1_responses and regressions/token_response).
fn assert_hidden(debug: &str, secret: &str, public: &[&str]) {
    let mut rest = debug.to_owned();
    for value in public.iter().filter(|v| !v.is_empty()) {
        rest = rest.replace(&format!("{value:?}"), "");
    }
    let quoted = format!("{secret:?}");
    assert!(
        !rest.contains(&quoted),
        "a secret shows in Debug output: {debug}"
    );
}

/// `oauth1::parse_authorization_header` (the `Authorization` header of
/// OAuth 1.0a): what it decodes, encoded again, decodes the same.
pub fn authorization_header(data: &[u8]) {
    let Ok(header) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(pairs) = parse_authorization_header(header) else {
        return;
    };
    let again = format!(
        "OAuth {}",
        pairs
            .iter()
            .map(|(k, v)| format!("{}=\"{}\"", percent_encode(k), percent_encode(v)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let reparsed = parse_authorization_header(&again)
        .unwrap_or_else(|e| panic!("{again:?} (re-encoded from {header:?}) fails to parse: {e}"));
    assert_eq!(reparsed, pairs, "re-encoding {header:?} changes it");
}

/// `ApiError::parse`: X's error bodies (v2 problem JSON, v1.1 `errors`,
/// OAuth 2.0 `error`, HTML, anything) under any status.
pub fn error_body(data: &[u8]) {
    let (status, body) = status_and_body(data);
    let error = ApiError::parse(status, body);
    assert_eq!(error.status, status);
    let _ = (error.to_string(), format!("{error:?}"));
}

/// The OAuth 2.0 token endpoint's answers: a user token, an app-only bearer
/// token, an invalidation and a revocation. Parsed tokens keep their secrets
/// out of `Debug`.
pub fn token_response(data: &[u8]) {
    let (status, body) = status_and_body(data);
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    if let Ok(token) = parse_token_response(status, body, now) {
        let debug = format!("{token:?}");
        let scopes: Vec<&str> = token.scopes.iter().map(|s| s.as_str()).collect();
        assert_hidden(&debug, token.access_token.secret(), &scopes);
        if let Some(refresh) = &token.refresh_token {
            assert_hidden(&debug, refresh.secret(), &scopes);
        }
    }
    if let Ok(bearer) = parse_bearer_response(status, body) {
        assert_hidden(&format!("{bearer:?}"), bearer.secret(), &[]);
    }
    let _ = parse_invalidate_response(status, body);
    let _ = parse_revoke_response(status, body);
}

/// `oauth2::parse_authorization_callback`: the redirect back from X's
/// consent page (field 1) against the state the app expects (field 2). A
/// code comes back only with that state.
pub fn authorization_callback(data: &[u8]) {
    let mut fields = Fields::new(data);
    let callback = fields.text();
    let expected = fields.text();
    if parse_authorization_callback(&callback, &State::new(expected.clone())).is_ok() {
        // The fragment goes first: it may hold a '?' of its own.
        let without_fragment = callback.split('#').next().unwrap_or_default();
        let query = without_fragment
            .split_once('?')
            .map_or(without_fragment, |(_, q)| q);
        let pairs = parse_form(query, "callback").expect("an accepted callback parses");
        assert!(
            pairs.iter().any(|(k, v)| k == "state" && *v == expected),
            "{callback:?} accepted without the state {expected:?}"
        );
    }
}

/// The 3-legged flow's answers: the request-token and access-token
/// responses (field 1 under a status from the first two bytes) and the
/// callback (field 2) against a request token (field 3).
pub fn oauth1_responses(data: &[u8]) {
    let (status, rest) = status_and_body(data);
    let mut fields = Fields::new(rest);
    let body = fields.text();
    if let Ok(token) = RequestToken::parse(status, &body) {
        assert_hidden(
            &format!("{token:?}"),
            token.secret.secret(),
            &[&token.token],
        );
    }
    if let Ok(response) = AccessTokenResponse::parse(status, &body) {
        let public = [
            response.access_token.token(),
            response.user_id.as_deref().unwrap_or_default(),
            response.screen_name.as_deref().unwrap_or_default(),
            response.access_level.as_deref().unwrap_or_default(),
        ];
        assert_hidden(
            &format!("{response:?}"),
            response.access_token.secret().secret(),
            &public,
        );
    }
    let callback = fields.text();
    let request_token = fields.text();
    if let Ok(verifier) = parse_callback(&callback, &request_token) {
        assert!(!verifier.secret().is_empty());
    }
}

/// `parse_form` (form bodies and queries): never panics, and the pairs in
/// field 2 survive `encode_form` then `parse_form`, as does field 3 through
/// `percent_encode`.
pub fn form_decoding(data: &[u8]) {
    let mut fields = Fields::new(data);
    let _ = parse_form(&fields.text(), "form body");
    let pairs = fields.pairs();
    let encoded = encode_form(pairs.iter().map(|(k, v)| (k, v)));
    let decoded = parse_form(&encoded, "form body").expect("an encoded form parses");
    assert_eq!(
        decoded, pairs,
        "{encoded:?} does not decode to what was encoded"
    );
    let text = fields.text();
    let single = parse_form(&format!("v={}", percent_encode(&text)), "form body").expect("parses");
    assert_eq!(single, vec![("v".to_string(), text)]);
}

/// `webhook::verify_signature` (field 3 as the header, over body field 2
/// with the consumer secret in field 1) and the CRC answer. A body's own
/// signature verifies; a changed body does not.
pub fn webhook(data: &[u8]) {
    let mut fields = Fields::new(data);
    let secret = ConsumerSecret::new(fields.text());
    let body = fields.text();
    let header = fields.text();
    let _ = webhook::verify_signature(&secret, body.as_bytes(), &header);
    let _ = webhook::crc_response_json(&secret, &body);
    let own = webhook::crc_response_token(&secret, &body);
    assert!(webhook::verify_signature(&secret, body.as_bytes(), &own).is_ok());
    let mut changed = body.into_bytes();
    changed.push(b'!');
    assert!(webhook::verify_signature(&secret, &changed, &own).is_err());
}
