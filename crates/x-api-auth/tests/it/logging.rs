//! The debug events of a refused request, through `forward_logs` as the
//! bindings receive them: the request, the base string, the response and the
//! refusal, and never a secret.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use x_api_auth::logging::{LogLevel, LogSink, forward_logs};
use x_api_auth::{AccessToken, ConsumerKeys, Credential, OAuth1, XAuth};
use x_api_auth_sandbox::{Sandbox, SandboxConfig};

#[derive(Default)]
struct Lines(Mutex<Vec<(LogLevel, String)>>);

impl LogSink for Lines {
    fn enabled(&self, level: LogLevel) -> bool {
        level >= LogLevel::Debug
    }
    fn log(&self, level: LogLevel, message: &str) {
        self.0.lock().unwrap().push((level, message.to_owned()));
    }
}

#[tokio::test]
async fn a_refused_request_logs_its_base_string_and_no_secret() {
    let lines = Arc::new(Lines::default());
    forward_logs(lines.clone()).expect("the only subscriber of this test binary");
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let x = XAuth::with_base_urls(
        &sandbox.base_url(),
        &sandbox.base_url(),
        Duration::from_secs(10),
    )
    .unwrap();
    let app = &sandbox.config().apps[0];
    let secret = "WRONG-consumer-secret-canary";
    let signer = OAuth1::new(ConsumerKeys::new(&app.consumer_key, secret).unwrap())
        .with_token(AccessToken::new(&app.access_token, app.access_token_secret.as_str()).unwrap());
    let e = x.users_me(&Credential::OAuth1(signer)).await.unwrap_err();
    assert_eq!(e.code(), "X_AUTHENTICATION", "{e}");

    let url = format!("{}/2/users/me", sandbox.base_url());
    let ours: Vec<(LogLevel, String)> = lines
        .0
        .lock()
        .unwrap()
        .iter()
        .filter(|(_, m)| m.contains(&url) || m.contains("users%2Fme") || m.starts_with("X refused"))
        .cloned()
        .collect();
    let text = ours
        .iter()
        .map(|(_, m)| m.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        text.contains(&format!("request method=GET url={url}")),
        "{text}"
    );
    assert!(
        text.contains("OAuth 1.0a base string base_string=GET&"),
        "{text}"
    );
    assert!(
        text.contains(&format!("oauth_consumer_key%3D{}", app.consumer_key)),
        "{text}"
    );
    assert!(
        text.contains(&format!("response method=GET url={url} status=401")),
        "{text}"
    );
    assert!(text.contains("X refused the request status=401"), "{text}");
    assert!(text.contains("x_code=Some(32)"), "{text}");
    for secret in [
        secret,
        app.access_token_secret.as_str(),
        "oauth_signature=",
        "oauth_signature%3D",
    ] {
        assert!(!text.contains(secret), "{secret} in the log:\n{text}");
    }
    assert!(
        ours.iter().all(|(level, _)| *level == LogLevel::Debug),
        "{ours:?}"
    );
}
