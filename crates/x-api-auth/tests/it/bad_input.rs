//! Bad input gets a typed error that says what was wrong.

use x_api_auth::{
    AccessToken, BearerToken, ConsumerKeys, Error, OAuth1, OAuth2Client, PkceCodeVerifier,
    SignableRequest,
};

fn signer() -> OAuth1 {
    OAuth1::new(ConsumerKeys::new("key", "secret").unwrap())
        .with_token(AccessToken::new("1-token", "token-secret").unwrap())
}

fn invalid(result: Result<impl std::fmt::Debug, Error>) -> (&'static str, String) {
    match result {
        Err(Error::InvalidInput { field, reason }) => (field, reason),
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}

#[test]
fn urls_that_are_not_absolute_http() {
    for url in [
        "/2/tweets",
        "api.x.com/2/tweets",
        "ftp://api.x.com/",
        "mailto:a@b.c",
        "https://",
    ] {
        let (field, reason) = invalid(signer().sign(&SignableRequest::new("GET", url)));
        assert_eq!(field, "url", "{url}");
        assert!(!reason.is_empty());
    }
}

#[test]
fn cr_lf_in_anything_that_reaches_a_header() {
    let (field, _) = invalid(
        signer()
            .sign(&SignableRequest::new("GET", "https://api.x.com/").callback("http://a\r\nX: y")),
    );
    assert_eq!(field, "oauth_callback");
    let (field, _) = invalid(
        signer().sign(&SignableRequest::new("GET", "https://api.x.com/").verifier("12\n34")),
    );
    assert_eq!(field, "oauth_verifier");
    let (field, _) = invalid(signer().sign(&SignableRequest::new("GET", "https://api.x.com/\r\n")));
    assert_eq!(field, "url");
    let (field, _) =
        invalid(signer().sign(&SignableRequest::new("GET", "https://api.x.com/").nonce("a\nb")));
    assert_eq!(field, "nonce");
    let (field, _) = invalid(ConsumerKeys::new("key\r\n", "s"));
    assert_eq!(field, "consumer key");
    let (field, _) = invalid(BearerToken::new("t\n").authorization_header());
    assert_eq!(field, "bearer token");
    let (field, _) = invalid(signer().with_realm("r\r\n"));
    assert_eq!(field, "realm");
}

#[test]
fn invalid_percent_encoding_in_a_form_body() {
    let (field, reason) = invalid(
        signer().sign(&SignableRequest::new("POST", "https://api.x.com/").form_body("status=100%")),
    );
    assert_eq!(field, "form body");
    assert!(reason.contains("percent-encoding"), "{reason}");
    let (field, _) =
        invalid(signer().sign(&SignableRequest::new("POST", "https://api.x.com/?a=%G1")));
    assert_eq!(field, "URL query");
}

#[test]
fn a_form_and_a_form_body_together() {
    let request = SignableRequest::new("POST", "https://api.x.com/")
        .form([("a", "1")])
        .form_body("b=2");
    let (field, reason) = invalid(signer().sign(&request));
    assert_eq!(field, "form");
    assert!(reason.contains("form body"), "{reason}");
    let only_body = SignableRequest::new("POST", "https://api.x.com/")
        .form(Vec::<(String, String)>::new())
        .form_body("b=2");
    assert!(signer().sign(&only_body).is_ok());
}

#[test]
fn empty_consumer_key_and_other_empty_credentials() {
    let (field, reason) = invalid(ConsumerKeys::new("", "secret"));
    assert_eq!(
        (field, reason.as_str()),
        ("consumer key", "must not be empty")
    );
    assert!(AccessToken::new("", "s").is_err());
    assert!(OAuth2Client::public("").is_err());
    assert!(OAuth2Client::confidential("id", "").is_err());
}

#[test]
fn pkce_verifier_of_wrong_length_or_alphabet() {
    let (field, reason) = invalid(PkceCodeVerifier::new("a".repeat(42)));
    assert_eq!(field, "PKCE code verifier");
    assert!(reason.contains("43 to 128"), "{reason}");
    let (_, reason) = invalid(PkceCodeVerifier::new(format!("{}=", "a".repeat(50))));
    assert!(reason.contains("A-Z a-z 0-9"), "{reason}");
}

#[test]
fn bad_method_timestamp_and_signature_method() {
    let (field, _) = invalid(signer().sign(&SignableRequest::new("GE T", "https://api.x.com/")));
    assert_eq!(field, "method");
    let (field, _) =
        invalid(signer().sign(&SignableRequest::new("GET", "https://api.x.com/").timestamp(0)));
    assert_eq!(field, "timestamp");
    let (field, _) = invalid("RSA-SHA1".parse::<x_api_auth::SignatureMethod>());
    assert_eq!(field, "signature method");
}
