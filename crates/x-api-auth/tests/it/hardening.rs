//! Regression tests of the hardening issue: values from the network that
//! used to panic or leak.

use std::sync::Arc;
use std::time::Duration;

use x_api_auth::transport::{HttpRequest, HttpResponse, Transport, TransportFuture};
use x_api_auth::{
    Body, ConsumerKeys, Credential, OAuth1, OAuth2Client, OAuth2UserToken, OAuthVerifier, XAuth,
};
use x_api_auth_sandbox::{Sandbox, SandboxConfig};

/// A server that answers every request with one response.
#[derive(Debug)]
struct Answers(HttpResponse);

impl Transport for Answers {
    fn send(&self, _request: HttpRequest) -> TransportFuture<'_> {
        let response = self.0.clone();
        Box::pin(async move { Ok(response) })
    }
}

fn x_answering(status: u16, headers: &[(&str, &str)], body: &str) -> XAuth {
    let response = HttpResponse {
        status,
        headers: headers
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        body: body.as_bytes().to_vec(),
    };
    XAuth::with_transport(
        Arc::new(Answers(response)),
        "https://api.x.com",
        "https://x.com",
    )
    .unwrap()
}

#[tokio::test]
async fn regression_an_absurd_expires_in_is_refused_not_a_panic() {
    let x = x_answering(
        200,
        &[],
        r#"{"token_type":"bearer","access_token":"x","refresh_token":"r","expires_in":18446744073709551615}"#,
    );
    let mut token = OAuth2UserToken::new("old");
    token.refresh_token = Some(x_api_auth::RefreshToken::new("r"));
    let client = OAuth2Client::public("id").unwrap();
    let e = x.refresh(&client, &token).await.unwrap_err();
    assert_eq!(e.code(), "X_UNEXPECTED_RESPONSE", "{e}");
    // and a margin that overflows the clock is "due", not a panic
    token.expires_at = Some(std::time::SystemTime::now());
    assert!(token.expires_within(Duration::MAX, std::time::SystemTime::now()));
}

#[tokio::test]
async fn regression_an_absurd_date_on_a_clock_skew_error_is_ignored() {
    let x = x_answering(
        401,
        &[("date", "Mon, 01 Jan 99999999999999 00:00:00 GMT")],
        r#"{"errors":[{"code":135,"message":"Timestamp out of bounds."}]}"#,
    );
    let signer = OAuth1::new(ConsumerKeys::new("ck", "cs").unwrap());
    let e = x
        .send(
            &Credential::OAuth1(signer),
            "GET",
            "/2/users/me",
            &Body::Empty,
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), "X_CLOCK_SKEW");
    assert_eq!(
        x.clock_offset(),
        0,
        "no clock offset learnt from an absurd date"
    );
}

#[tokio::test]
async fn regression_the_pin_never_shows_in_the_base_string_of_a_refusal() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let x = XAuth::with_base_urls(
        &sandbox.base_url(),
        &sandbox.base_url(),
        Duration::from_secs(10),
    )
    .unwrap();
    let app = &sandbox.config().apps[0];
    let consumer = ConsumerKeys::new(&app.consumer_key, app.consumer_secret.as_str()).unwrap();
    let request_token = x.request_token(&consumer, "oob", None).await.unwrap();
    let wrong = OAuthVerifier::new("CANARY9876");
    let e = x
        .access_token(&consumer, &request_token, &wrong)
        .await
        .unwrap_err();
    let base = e
        .api_error()
        .and_then(|a| a.base_string.clone())
        .expect("a refusal explains the signed base string");
    assert!(base.contains("oauth_verifier%3D%5Bredacted%5D"), "{base}");
    for shown in [format!("{e}"), format!("{e:?}"), base] {
        assert!(!shown.contains("CANARY9876"), "{shown}");
    }
}

#[test]
fn regression_plain_http_to_a_remote_host_is_refused() {
    let timeout = Duration::from_secs(5);
    let e = XAuth::with_base_urls("http://api.x.com", "https://x.com", timeout).unwrap_err();
    assert_eq!(e.code(), "X_INSECURE_TRANSPORT");
    assert!(
        e.to_string().contains("http://api.x.com") && e.to_string().contains("in clear"),
        "{e}"
    );
    for loopback in [
        "http://127.0.0.1:8080",
        "http://localhost",
        "http://[::1]:9/x",
        "http://127.9.9.9",
    ] {
        XAuth::with_base_urls(loopback, loopback, timeout).unwrap();
    }
    for remote in [
        "http://127.0.0.1.evil.example",
        "http://10.0.0.1",
        "http://[::2]",
    ] {
        assert_eq!(
            XAuth::with_base_urls(remote, remote, timeout)
                .unwrap_err()
                .code(),
            "X_INSECURE_TRANSPORT",
            "{remote}"
        );
    }
    let settings = x_api_auth::XAuthSettings {
        api_base: Some("http://proxy.internal".into()),
        web_base: Some("http://proxy.internal".into()),
        insecure_allow_http: Some(true),
        ..Default::default()
    };
    settings.build().unwrap();
}

#[test]
fn regression_a_huge_message_is_cut_to_500_characters() {
    let message = "é".repeat(5_000_000);
    for body in [
        format!(r#"{{"errors":[{{"code":32,"message":"{message}"}}]}}"#),
        format!(r#"{{"error":"{message}","error_description":"{message}"}}"#),
        format!(r#"{{"title":"x","type":"{message}","detail":"{message}"}}"#),
    ] {
        let e = x_api_auth::ApiError::parse(401, body.as_bytes());
        assert_eq!(e.api_message.chars().count(), 501, "500 and an ellipsis");
        assert!(e.api_message.ends_with('…'));
        for field in [&e.error, &e.problem_type].into_iter().flatten() {
            assert!(field.chars().count() <= 501);
        }
        assert!(e.to_string().chars().count() < 2_000);
    }
}

#[tokio::test]
async fn regression_a_body_past_the_limit_is_refused_even_from_a_transport_that_reads_it_all() {
    let huge = " ".repeat(x_api_auth::transport::AUTH_RESPONSE_LIMIT + 1);
    let x = x_answering(200, &[], &huge);
    let e = x
        .obtain_bearer(&ConsumerKeys::new("ck", "cs").unwrap())
        .await
        .unwrap_err();
    assert_eq!(e.code(), "X_UNEXPECTED_RESPONSE");
    assert!(e.to_string().contains("longer than 65536 bytes"), "{e}");
}

/// The headers of one request.
type Headers = Vec<(std::borrow::Cow<'static, str>, String)>;

/// A transport that keeps the headers of the requests it is given.
#[derive(Debug, Default)]
struct Recorder(std::sync::Mutex<Vec<Headers>>);

impl Transport for Recorder {
    fn send(&self, request: HttpRequest) -> TransportFuture<'_> {
        self.0.lock().unwrap().push(request.headers.clone());
        Box::pin(async {
            Ok(HttpResponse {
                status: 200,
                headers: Vec::new(),
                body: br#"{"token_type":"bearer","access_token":"a"}"#.to_vec(),
            })
        })
    }
}

#[tokio::test]
async fn regression_every_request_names_x_api_auth_its_binding_and_the_callers_product() {
    let recorder = Arc::new(Recorder::default());
    let x = XAuth::with_transport(recorder.clone(), "https://api.x.com", "https://x.com")
        .unwrap()
        .with_user_agent(Some("python"), Some("mybot/1.2"))
        .unwrap();
    x.obtain_bearer(&ConsumerKeys::new("ck", "cs").unwrap())
        .await
        .unwrap();
    let bearer = Credential::Bearer(x_api_auth::BearerToken::new("AAAA"));
    x.send(
        &bearer,
        "GET",
        "/2/users/by/username/XDevelopers",
        &Body::Empty,
    )
    .await
    .unwrap();
    let want = format!(
        "x-api-auth/{} (python) mybot/1.2",
        env!("CARGO_PKG_VERSION")
    );
    let seen = recorder.0.lock().unwrap();
    assert_eq!(seen.len(), 2);
    for headers in seen.iter() {
        let agent = headers.iter().find(|(n, _)| *n == "user-agent");
        assert_eq!(agent.map(|(_, v)| v.as_str()), Some(want.as_str()));
    }
    let bad = XAuth::new()
        .unwrap()
        .with_user_agent(None, Some("bot\r\nX-Evil: 1"));
    assert_eq!(bad.unwrap_err().code(), "X_INVALID_INPUT");
}

#[tokio::test]
async fn regression_the_sandbox_clock_moved_by_the_largest_duration_keeps_serving() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    assert!(sandbox.advance_clock(Duration::MAX));
    assert!(sandbox.advance_clock(Duration::MAX));
    let x = XAuth::with_base_urls(
        &sandbox.base_url(),
        &sandbox.base_url(),
        Duration::from_secs(10),
    )
    .unwrap();
    let app = &sandbox.config().apps[0];
    let consumer = ConsumerKeys::new(&app.consumer_key, app.consumer_secret.as_str()).unwrap();
    // App-only needs no timestamp: the sandbox answers instead of panicking.
    x.obtain_bearer(&consumer).await.unwrap();
    // OAuth 1.0a, signed with the real time, is now out of the window.
    let e = x.request_token(&consumer, "oob", None).await.unwrap_err();
    assert_eq!(e.code(), "X_CLOCK_SKEW");
}
