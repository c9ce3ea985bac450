//! Property tests: no input makes a public function panic, and
//! percent-encoding round-trips.

use std::time::UNIX_EPOCH;

use proptest::prelude::*;
use x_api_auth::oauth1::{
    AccessTokenResponse, RequestToken, parse_authorization_header, parse_callback,
};
use x_api_auth::oauth2::{
    parse_authorization_callback, parse_bearer_response, parse_revoke_response,
    parse_token_response,
};
use x_api_auth::{
    AccessToken, ApiError, ConsumerKeys, ConsumerSecret, OAuth1, OAuth2Client, PkceCodeVerifier,
    SignableRequest, State, parse_form, percent_encode, webhook,
};

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn percent_encoding_round_trips(s in any::<String>()) {
        let encoded = percent_encode(&s);
        prop_assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)));
        let decoded = parse_form(&format!("k={encoded}"), "test").unwrap();
        prop_assert_eq!(&decoded[0].1, &s);
    }

    #[test]
    fn signing_never_panics(
        method in any::<String>(),
        url in any::<String>(),
        body in any::<String>(),
        key in any::<String>(),
        secret in any::<String>(),
        nonce in any::<String>(),
        callback in any::<String>(),
        timestamp in any::<u64>(),
    ) {
        if let Ok(keys) = ConsumerKeys::new(key.clone(), secret.as_str()) {
            let mut signer = OAuth1::new(keys);
            if let Ok(token) = AccessToken::new(key, secret.as_str()) {
                signer = signer.with_token(token);
            }
            let _ = signer.sign(
                &SignableRequest::new(method.as_str(), url.as_str())
                    .form_body(body.as_str())
                    .nonce(nonce.as_str())
                    .callback(callback.as_str())
                    .timestamp(timestamp),
            );
            let _ = signer.sign(&SignableRequest::new("POST", format!("https://api.x.com/{url}")).form_body(body.as_str()));
        }
    }

    #[test]
    fn parsers_never_panic(text in any::<String>(), bytes in any::<Vec<u8>>(), status in any::<u16>()) {
        let _ = ApiError::parse(status, &bytes);
        let _ = ApiError::parse(status, text.as_bytes());
        let _ = parse_form(&text, "test");
        let _ = parse_authorization_header(&text);
        let _ = parse_callback(&text, "token");
        let _ = parse_authorization_callback(&text, &State::new("state"));
        let _ = RequestToken::parse(status, &text);
        let _ = AccessTokenResponse::parse(status, &text);
        let _ = parse_token_response(status, &bytes, UNIX_EPOCH);
        let _ = parse_token_response(status, text.as_bytes(), UNIX_EPOCH);
        let _ = parse_bearer_response(status, &bytes);
        let _ = parse_revoke_response(status, &bytes);
        let _ = PkceCodeVerifier::new(text.clone());
        let _ = OAuth2Client::confidential(text.clone(), text.as_str());
        let _ = webhook::verify_signature(&ConsumerSecret::new("s"), &bytes, &text);
        let _ = webhook::crc_response_json(&ConsumerSecret::new("s"), &text);
    }

    #[test]
    fn error_bodies_that_look_like_x_shapes_never_panic(
        code in any::<i64>(),
        message in any::<String>(),
        ty in any::<String>(),
    ) {
        let bodies = [
            serde_json::json!({"errors": [{"code": code, "message": message}]}),
            serde_json::json!({"errors": [{"type": ty, "title": message}]}),
            serde_json::json!({"error": message, "error_description": ty}),
            serde_json::json!({"type": ty, "detail": message}),
            serde_json::json!({"errors": []}),
        ];
        for body in bodies {
            let _ = ApiError::parse(401, body.to_string().as_bytes());
        }
        let xml = format!("<?xml version='1.0'?><errors><error code=\"{code}\">{message}</error></errors>");
        let _ = ApiError::parse(403, xml.as_bytes());
        let _ = ApiError::parse(403, format!("<errors><error code=\"{message}").as_bytes());
    }
}
