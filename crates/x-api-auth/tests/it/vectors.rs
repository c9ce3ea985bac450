//! X's published vectors, RFC 5849, RFC 7636 and the webhook vectors, read
//! from the shared files the Python and Node tests read too.

use serde::Deserialize;
use x_api_auth::oauth2::{PkceMethod, basic_authorization};
use x_api_auth::{
    AccessToken, ApiError, ConsumerKeys, ConsumerSecret, OAuth1, PkceCodeVerifier, SignableRequest,
    percent_encode, webhook,
};

use crate::support::vectors;

#[derive(Deserialize)]
struct Oauth1File {
    cases: Vec<Oauth1Case>,
}

#[derive(Deserialize)]
pub struct Oauth1Case {
    pub name: String,
    pub method: String,
    pub url: String,
    #[serde(default)]
    pub form: Vec<(String, String)>,
    pub form_body: Option<String>,
    pub callback: Option<String>,
    pub realm: Option<String>,
    pub include_version: Option<bool>,
    pub consumer_key: String,
    pub consumer_secret: String,
    pub token: Option<String>,
    pub token_secret: Option<String>,
    pub signature_method: String,
    pub nonce: String,
    pub timestamp: u64,
    pub base_string: Option<String>,
    pub signature: String,
    pub authorization: Option<String>,
}

pub fn oauth1_cases() -> Vec<Oauth1Case> {
    vectors::<Oauth1File>("oauth1_signatures.json").cases
}

impl Oauth1Case {
    pub fn signer(&self) -> OAuth1 {
        let mut signer = OAuth1::new(
            ConsumerKeys::new(&self.consumer_key, self.consumer_secret.as_str()).unwrap(),
        )
        .with_signature_method(self.signature_method.parse().unwrap())
        .with_version_param(self.include_version.unwrap_or(true));
        if let (Some(t), Some(s)) = (&self.token, &self.token_secret) {
            signer = signer.with_token(AccessToken::new(t, s.as_str()).unwrap());
        }
        if let Some(realm) = &self.realm {
            signer = signer.with_realm(realm).unwrap();
        }
        signer
    }

    pub fn request(&self) -> SignableRequest<'_> {
        let mut request = SignableRequest::new(&self.method, &self.url)
            .form(self.form.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .nonce(&self.nonce)
            .timestamp(self.timestamp);
        if let Some(body) = &self.form_body {
            request = request.form_body(body);
        }
        if let Some(cb) = &self.callback {
            request = request.callback(cb);
        }
        request
    }
}

#[test]
fn oauth1_signature_vectors() {
    let cases = oauth1_cases();
    assert!(cases.len() >= 9);
    for case in &cases {
        let signed = case.signer().sign(&case.request()).unwrap();
        if let Some(base) = &case.base_string {
            assert_eq!(&signed.base_string, base, "{}: base string", case.name);
        }
        assert_eq!(signed.signature, case.signature, "{}: signature", case.name);
        if let Some(header) = &case.authorization {
            assert_eq!(&signed.authorization, header, "{}: header", case.name);
        }
    }
}

#[test]
fn rfc5849_header_has_realm_first_and_no_version() {
    let case = oauth1_cases()
        .into_iter()
        .find(|c| c.name == "rfc5849_3_4_1_base_string")
        .unwrap();
    let header = case.signer().authorization_header(&case.request()).unwrap();
    assert!(
        header.starts_with("OAuth realm=\"Example\", oauth_consumer_key="),
        "{header}"
    );
    assert!(!header.contains("oauth_version"));
}

#[derive(Deserialize)]
struct Oauth2File {
    basic: Vec<BasicCase>,
    pkce: Vec<PkceCase>,
    invalid_verifiers: Vec<InvalidVerifier>,
}

#[derive(Deserialize)]
struct BasicCase {
    name: String,
    id: String,
    secret: String,
    authorization: String,
}

#[derive(Deserialize)]
struct PkceCase {
    name: String,
    verifier: String,
    method: String,
    challenge: String,
}

#[derive(Deserialize)]
struct InvalidVerifier {
    name: String,
    verifier: String,
}

#[test]
fn oauth2_vectors() {
    let file: Oauth2File = vectors("oauth2.json");
    for case in &file.basic {
        assert_eq!(
            basic_authorization(&case.id, &case.secret).as_str(),
            case.authorization,
            "{}",
            case.name
        );
    }
    for case in file.pkce {
        let method = if case.method == "S256" {
            PkceMethod::S256
        } else {
            PkceMethod::Plain
        };
        let challenge = PkceCodeVerifier::new(case.verifier)
            .unwrap()
            .challenge(method);
        assert_eq!(challenge.value, case.challenge, "{}", case.name);
        assert_eq!(challenge.method.as_str(), case.method);
    }
    for case in file.invalid_verifiers {
        assert!(
            PkceCodeVerifier::new(case.verifier).is_err(),
            "{}",
            case.name
        );
    }
}

#[derive(Deserialize)]
struct WebhookFile {
    signatures: Vec<WebhookSignature>,
    crc: Vec<Crc>,
}

#[derive(Deserialize)]
struct WebhookSignature {
    name: String,
    consumer_secret: String,
    body: String,
    signature: String,
}

#[derive(Deserialize)]
struct Crc {
    name: String,
    consumer_secret: String,
    crc_token: String,
    response_token: String,
}

#[test]
fn webhook_vectors() {
    let file: WebhookFile = vectors("webhooks.json");
    for case in &file.signatures {
        let secret = ConsumerSecret::new(case.consumer_secret.as_str());
        assert_eq!(
            webhook::sign_body(&secret, case.body.as_bytes()),
            case.signature,
            "{}",
            case.name
        );
        webhook::verify_signature(&secret, case.body.as_bytes(), &case.signature).unwrap();
        let mut tampered = case.body.clone().into_bytes();
        tampered[0] ^= 1;
        assert!(webhook::verify_signature(&secret, &tampered, &case.signature).is_err());
        let other = ConsumerSecret::new("other");
        assert!(webhook::verify_signature(&other, case.body.as_bytes(), &case.signature).is_err());
    }
    for case in &file.crc {
        let secret = ConsumerSecret::new(case.consumer_secret.as_str());
        assert_eq!(
            webhook::crc_response_token(&secret, &case.crc_token),
            case.response_token,
            "{}",
            case.name
        );
        let json: serde_json::Value =
            serde_json::from_str(&webhook::crc_response_json(&secret, &case.crc_token).unwrap())
                .unwrap();
        assert_eq!(json["response_token"], case.response_token.as_str());
    }
}

#[derive(Deserialize)]
struct PercentFile {
    cases: Vec<PercentCase>,
}

#[derive(Deserialize)]
struct PercentCase {
    input: String,
    encoded: String,
}

#[test]
fn percent_encoding_vectors() {
    let file: PercentFile = vectors("percent_encoding.json");
    for case in file.cases {
        assert_eq!(
            percent_encode(&case.input),
            case.encoded,
            "{:?}",
            case.input
        );
    }
}

#[derive(Deserialize)]
struct ErrorsFile {
    cases: Vec<ErrorCase>,
}

#[derive(Deserialize)]
struct ErrorCase {
    name: String,
    status: u16,
    body: String,
    code: Option<u32>,
    error: Option<String>,
    problem_type: Option<String>,
    kind: String,
    message: String,
}

#[test]
fn error_vectors() {
    let file: ErrorsFile = vectors("errors.json");
    for case in file.cases {
        let e = ApiError::parse(case.status, case.body.as_bytes());
        assert_eq!(e.status, case.status, "{}", case.name);
        assert_eq!(e.x_code, case.code, "{}", case.name);
        assert_eq!(e.error, case.error, "{}", case.name);
        assert_eq!(e.problem_type, case.problem_type, "{}", case.name);
        assert_eq!(e.kind.as_str(), case.kind, "{}", case.name);
        assert_eq!(e.api_message, case.message, "{}", case.name);
    }
}
