//! Waiting on rate limits (tweepy's `wait_on_rate_limit`) against the
//! sandbox's configured limit: a 429 is waited out until the window resets
//! and the request sent again; a 24-hour limit is not waited for.

use std::time::{Duration, Instant};

use x_api_auth::{AccessToken, Body, ConsumerKeys, Credential, OAuth1, XAuth};
use x_api_auth_sandbox::{RateLimitConfig, Sandbox, SandboxConfig};

async fn limited_sandbox(daily_limit: Option<u32>) -> (Sandbox, Credential) {
    let config = SandboxConfig {
        rate_limit: Some(RateLimitConfig {
            limit: 2,
            window_secs: 2,
            daily_limit,
        }),
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start(config).await.unwrap();
    let app = &sandbox.config().apps[0];
    let owner =
        OAuth1::new(ConsumerKeys::new(&app.consumer_key, app.consumer_secret.as_str()).unwrap())
            .with_token(
                AccessToken::new(&app.access_token, app.access_token_secret.as_str()).unwrap(),
            );
    (sandbox, Credential::OAuth1(owner))
}

fn client(sandbox: &Sandbox) -> XAuth {
    XAuth::with_base_urls(
        &sandbox.base_url(),
        &sandbox.base_url(),
        Duration::from_secs(10),
    )
    .unwrap()
}

#[tokio::test]
async fn a_429_is_waited_out_and_the_request_sent_again() {
    let (sandbox, owner) = limited_sandbox(None).await;
    let x = client(&sandbox).with_wait_on_rate_limit(true);
    let started = Instant::now();
    for _ in 0..5 {
        let response = x
            .send(&owner, "GET", "/2/users/me", &Body::Empty)
            .await
            .unwrap();
        let limit = response.rate_limit.unwrap();
        assert_eq!(limit.limit, 2);
        assert!(limit.app_24h.is_none());
    }
    // Five requests at two a 2-second window: at least two waits.
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(sandbox.counters().api_requests, 5);
}

#[tokio::test]
async fn without_waiting_the_429_comes_back_with_its_reset() {
    let (sandbox, owner) = limited_sandbox(None).await;
    let x = client(&sandbox);
    for _ in 0..2 {
        x.send(&owner, "GET", "/2/users/me", &Body::Empty)
            .await
            .unwrap();
    }
    let e = x
        .send(&owner, "GET", "/2/users/me", &Body::Empty)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "X_RATE_LIMITED", "{e}");
    assert!(e.to_string().contains("Rate limit resets at"), "{e}");
}

#[tokio::test]
async fn a_24_hour_limit_is_not_waited_for() {
    let (sandbox, owner) = limited_sandbox(Some(3)).await;
    let x = client(&sandbox).with_wait_on_rate_limit(true);
    for _ in 0..3 {
        let response = x
            .send(&owner, "GET", "/2/users/me", &Body::Empty)
            .await
            .unwrap();
        assert_eq!(response.rate_limit.unwrap().app_24h.unwrap().limit, 3);
    }
    let started = Instant::now();
    let e = x
        .send(&owner, "GET", "/2/users/me", &Body::Empty)
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(e.code(), "X_RATE_LIMITED", "{e}");
    assert!(e.to_string().contains("24-hour limit"), "{e}");
}
