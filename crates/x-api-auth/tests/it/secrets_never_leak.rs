//! The canary test: a secret value is absent from the Debug and Display
//! output of every credential type, signer, request and error.

use std::fmt::Debug;

use x_api_auth::oauth1::{AccessTokenResponse, RequestToken};
use x_api_auth::oauth2::{TokenRequest, TokenTypeHint, parse_token_response};
use x_api_auth::{
    AccessToken, AuthorizationCode, BearerToken, ClientSecret, ConsumerKeys, ConsumerSecret,
    OAuth1, OAuth2AccessToken, OAuth2Client, OAuth2UserToken, OAuthVerifier, PkceCodeVerifier,
    RefreshToken, SignableRequest, SignatureMethod, State, TokenSecret,
};

const CANARY: &str = "CANARY0secret0c4n4ry0CANARY0secret0c4n4ry0x";

fn assert_hidden(what: &str, value: &impl Debug) {
    for rendered in [format!("{value:?}"), format!("{value:#?}")] {
        assert!(
            !rendered.contains(CANARY),
            "{what} leaks its secret in Debug: {rendered}"
        );
        assert!(
            !rendered.contains("c4n4ry"),
            "{what} leaks part of its secret in Debug: {rendered}"
        );
    }
}

fn assert_display_hidden(what: &str, value: &impl std::fmt::Display) {
    let rendered = value.to_string();
    assert!(
        !rendered.contains("c4n4ry"),
        "{what} leaks its secret in Display: {rendered}"
    );
}

#[test]
fn secret_types() {
    assert_hidden("ConsumerSecret", &ConsumerSecret::new(CANARY));
    assert_display_hidden("ConsumerSecret", &ConsumerSecret::new(CANARY));
    assert_hidden("TokenSecret", &TokenSecret::new(CANARY));
    assert_display_hidden("TokenSecret", &TokenSecret::new(CANARY));
    assert_hidden("ClientSecret", &ClientSecret::new(CANARY));
    assert_display_hidden("ClientSecret", &ClientSecret::new(CANARY));
    assert_hidden("BearerToken", &BearerToken::new(CANARY));
    assert_display_hidden("BearerToken", &BearerToken::new(CANARY));
    assert_hidden("OAuth2AccessToken", &OAuth2AccessToken::new(CANARY));
    assert_display_hidden("OAuth2AccessToken", &OAuth2AccessToken::new(CANARY));
    assert_hidden("RefreshToken", &RefreshToken::new(CANARY));
    assert_display_hidden("RefreshToken", &RefreshToken::new(CANARY));
    assert_hidden("State", &State::new(CANARY));
    assert_display_hidden("State", &State::new(CANARY));
    assert_hidden("AuthorizationCode", &AuthorizationCode::new(CANARY));
    assert_display_hidden("AuthorizationCode", &AuthorizationCode::new(CANARY));
    assert_hidden("OAuthVerifier", &OAuthVerifier::new(CANARY));
    assert_display_hidden("OAuthVerifier", &OAuthVerifier::new(CANARY));
    let verifier = PkceCodeVerifier::new(CANARY).unwrap();
    assert_hidden("PkceCodeVerifier", &verifier);
    assert_display_hidden("PkceCodeVerifier", &verifier);
}

#[test]
fn credential_types_and_signers() {
    let keys = ConsumerKeys::new("public-key", CANARY).unwrap();
    assert_hidden("ConsumerKeys", &keys);
    let token = AccessToken::new("1-public", CANARY).unwrap();
    assert_hidden("AccessToken", &token);
    assert_hidden(
        "OAuth2Client",
        &OAuth2Client::confidential("id", CANARY).unwrap(),
    );
    let mut user = OAuth2UserToken::new(CANARY);
    user.refresh_token = Some(RefreshToken::new(CANARY));
    assert_hidden("OAuth2UserToken", &user);
    let parsed = parse_token_response(
        200,
        format!(r#"{{"token_type":"bearer","access_token":"{CANARY}","refresh_token":"{CANARY}","expires_in":7200}}"#)
            .as_bytes(),
        std::time::SystemTime::now(),
    )
    .unwrap();
    assert_hidden("parsed OAuth2UserToken", &parsed);

    for method in [
        SignatureMethod::HmacSha1,
        SignatureMethod::HmacSha256,
        SignatureMethod::Plaintext,
    ] {
        let signer = OAuth1::new(keys.clone())
            .with_token(token.clone())
            .with_signature_method(method);
        assert_hidden("OAuth1", &signer);
        let signed = signer
            .sign(&SignableRequest::new("GET", "https://api.x.com/2/users/me"))
            .unwrap();
        assert_hidden("SignedRequest", &signed);
    }
    let rt = RequestToken::parse(
        200,
        &format!("oauth_token=t&oauth_token_secret={CANARY}&oauth_callback_confirmed=true"),
    )
    .unwrap();
    assert_hidden("RequestToken", &rt);
    let at = AccessTokenResponse::parse(
        200,
        &format!("oauth_token=1-t&oauth_token_secret={CANARY}&user_id=1"),
    )
    .unwrap();
    assert_hidden("AccessTokenResponse", &at);
}

#[test]
fn token_requests() {
    let client = OAuth2Client::confidential("id", CANARY).unwrap();
    let requests = [
        TokenRequest::refresh(&client, &RefreshToken::new(CANARY)).unwrap(),
        TokenRequest::revoke(&client, CANARY, TokenTypeHint::AccessToken).unwrap(),
        TokenRequest::authorization_code(
            &client,
            &AuthorizationCode::new(CANARY),
            "https://app.example/cb",
            PkceCodeVerifier::new(CANARY).unwrap(),
        )
        .unwrap(),
        TokenRequest::client_credentials(&ConsumerKeys::new("k", CANARY).unwrap()).unwrap(),
        TokenRequest::invalidate_bearer(
            &ConsumerKeys::new("k", CANARY).unwrap(),
            &BearerToken::new(CANARY),
        )
        .unwrap(),
    ];
    for request in &requests {
        assert_hidden("TokenRequest", request);
    }
}

#[test]
fn errors_from_secret_inputs() {
    let bad_verifier = format!("{CANARY}+");
    let e = PkceCodeVerifier::new(bad_verifier).unwrap_err();
    assert_hidden("Error (verifier)", &e);
    assert_display_hidden("Error (verifier)", &e);
    let e = BearerToken::new(format!("{CANARY}\r\n"))
        .authorization_header()
        .unwrap_err();
    assert_hidden("Error (bearer)", &e);
    assert_display_hidden("Error (bearer)", &e);
    let e = OAuth2Client::confidential("id\n", CANARY).unwrap_err();
    assert_display_hidden("Error (client)", &e);
    let signer = OAuth1::new(ConsumerKeys::new("k", CANARY).unwrap());
    let e = signer
        .sign(&SignableRequest::new(
            "GET",
            format!("https://api.x.com/?a=%{CANARY}"),
        ))
        .unwrap_err();
    assert_display_hidden("Error (query)", &e);
}
