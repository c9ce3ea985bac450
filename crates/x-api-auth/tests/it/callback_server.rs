//! The browser login's loopback server against the sandbox: the test plays
//! the browser (the sandbox's consent helper), and the redirect lands on the
//! server.

use std::time::Duration;

use x_api_auth::callback_server::{CallbackCheck, CallbackServer};
use x_api_auth::oauth2::Scope;
use x_api_auth::transport::{HttpRequest, HttpResponse, ReqwestTransport, Transport};
use x_api_auth::{ConsumerKeys, OAuth2Client, XAuth};
use x_api_auth_sandbox::browser::{Consent, consent};
use x_api_auth_sandbox::{Sandbox, SandboxConfig};

async fn world() -> (Sandbox, XAuth) {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let x = XAuth::with_base_urls(
        &sandbox.base_url(),
        &sandbox.base_url(),
        Duration::from_secs(10),
    )
    .unwrap();
    (sandbox, x)
}

/// The browser following a redirect to the callback server.
async fn browse(url: &str) -> HttpResponse {
    let transport = ReqwestTransport::new(Duration::from_secs(10)).unwrap();
    transport.send(HttpRequest::new("GET", url)).await.unwrap()
}

fn redirect(consent: Consent) -> String {
    match consent {
        Consent::Redirect(location) => location,
        Consent::Pin(pin) => panic!("a PIN page ({pin}) where a redirect was expected"),
    }
}

#[tokio::test]
async fn a_pkce_login_is_caught_on_loopback_and_finished() {
    let (_sandbox, x) = world().await;
    let client = OAuth2Client::public("sandbox-public-client").unwrap();
    let server = CallbackServer::bind("http://127.0.0.1:0/callback")
        .await
        .unwrap();
    let pending = x
        .start_authorization(
            &client,
            server.redirect_uri(),
            &[Scope::TWEET_READ, Scope::USERS_READ],
        )
        .unwrap();
    let location = redirect(consent(&pending.url, true, None).await.unwrap());
    assert!(location.starts_with(server.redirect_uri()), "{location}");
    let browser = tokio::spawn(async move { browse(&location).await });
    let check = CallbackCheck::State(&pending.state);
    let callback = server.wait(check, Duration::from_secs(10)).await.unwrap();
    let page = browser.await.unwrap();
    assert_eq!(page.status, 200);
    assert!(String::from_utf8_lossy(&page.body).contains("you can close this tab"));
    let token = x
        .finish_authorization(&client, pending, &callback)
        .await
        .unwrap();
    let me = x
        .users_me(&x_api_auth::Credential::OAuth2User(token))
        .await
        .unwrap();
    assert!(me["data"]["id"].is_string(), "{me}");
}

#[tokio::test]
async fn another_logins_state_is_refused_and_stray_requests_are_not_the_login() {
    let (_sandbox, x) = world().await;
    let client = OAuth2Client::public("sandbox-public-client").unwrap();
    let server = CallbackServer::bind("http://localhost:0/cb").await.unwrap();
    let uri = server.redirect_uri().to_owned();
    let pending = x
        .start_authorization(&client, &uri, &[Scope::TWEET_READ])
        .unwrap();
    let other = x
        .start_authorization(&client, &uri, &[Scope::TWEET_READ])
        .unwrap();
    let location = redirect(consent(&other.url, true, None).await.unwrap());
    let origin = uri.trim_end_matches("/cb").to_owned();
    let browser = tokio::spawn(async move {
        let favicon = browse(&format!("{origin}/favicon.ico")).await;
        (favicon.status, browse(&location).await.status)
    });
    let e = server
        .wait(
            CallbackCheck::State(&pending.state),
            Duration::from_secs(10),
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), "X_STATE_MISMATCH", "{e}");
    assert_eq!(browser.await.unwrap(), (404, 400));
}

#[tokio::test]
async fn a_denied_consent_ends_the_wait_with_access_denied() {
    let (_sandbox, x) = world().await;
    let client = OAuth2Client::public("sandbox-public-client").unwrap();
    let server = CallbackServer::bind("http://127.0.0.1:0/callback")
        .await
        .unwrap();
    let pending = x
        .start_authorization(&client, server.redirect_uri(), &[Scope::TWEET_READ])
        .unwrap();
    let location = redirect(consent(&pending.url, false, None).await.unwrap());
    tokio::spawn(async move { browse(&location).await });
    let e = server
        .wait(
            CallbackCheck::State(&pending.state),
            Duration::from_secs(10),
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), "X_ACCESS_DENIED", "{e}");
}

#[tokio::test]
async fn an_oauth1_login_is_caught_with_its_request_token() {
    let (sandbox, x) = world().await;
    let app = &sandbox.config().apps[0];
    let consumer = ConsumerKeys::new(&app.consumer_key, app.consumer_secret.as_str()).unwrap();
    let server = CallbackServer::bind("http://127.0.0.1:0/oauth1")
        .await
        .unwrap();
    let request_token = x
        .request_token(&consumer, server.redirect_uri(), None)
        .await
        .unwrap();
    let authorize = x.authorize_url(&request_token, false, None);
    let location = redirect(consent(&authorize, true, None).await.unwrap());
    tokio::spawn(async move { browse(&location).await });
    let callback = server
        .wait(
            CallbackCheck::RequestToken(&request_token.token),
            Duration::from_secs(10),
        )
        .await
        .unwrap();
    let verifier = x_api_auth::oauth1::parse_callback(&callback, &request_token.token).unwrap();
    let access = x
        .access_token(&consumer, &request_token, &verifier)
        .await
        .unwrap();
    assert!(access.user_id.is_some());
}

#[tokio::test]
async fn a_taken_port_a_remote_host_and_a_silent_browser_are_clear_errors() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let e = CallbackServer::bind(&format!("http://127.0.0.1:{port}/cb"))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "X_TRANSPORT");
    assert!(
        e.to_string().contains("cannot listen") && e.to_string().contains("another callback URL"),
        "{e}"
    );
    for remote in [
        "https://127.0.0.1/cb",
        "http://example.com/cb",
        "http://127.0.0.1:1/cb?x=1",
    ] {
        let e = CallbackServer::bind(remote).await.unwrap_err();
        assert_eq!(e.code(), "X_INVALID_INPUT", "{remote}: {e}");
    }
    let server = CallbackServer::bind("http://127.0.0.1:0/cb").await.unwrap();
    let state = x_api_auth::State::new("s");
    let e = server
        .wait(CallbackCheck::State(&state), Duration::from_millis(200))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "X_TRANSPORT");
    assert!(e.to_string().contains("no browser came back"), "{e}");
}
