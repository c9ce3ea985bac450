//! Every scenario of `tests/scenarios.json`, against the sandbox started on
//! a loopback port by the test itself.

use std::sync::Arc;
use std::time::Duration;

use x_api_auth::oauth1::parse_callback;
use x_api_auth::oauth2::{Scope, TokenTypeHint};
use x_api_auth::{
    AccessToken, ApiErrorKind, Body, ConsumerKeys, Credential, Error, ManualClock, OAuth1,
    OAuth2Client, PendingAuthorization, XAuth,
};
use x_api_auth_sandbox::{Sandbox, SandboxConfig};

const CALLBACK: &str = "https://app.example/callback";

struct World {
    sandbox: Sandbox,
    x: XAuth,
}

impl World {
    async fn new() -> Self {
        Self::with_clock(Arc::new(x_api_auth::SystemClock)).await
    }

    async fn with_clock(sandbox_clock: Arc<dyn x_api_auth::Clock>) -> Self {
        let sandbox = Sandbox::start_with(SandboxConfig::default(), sandbox_clock, 0)
            .await
            .unwrap();
        let x = XAuth::with_base_urls(
            &sandbox.base_url(),
            &sandbox.base_url(),
            Duration::from_secs(10),
        )
        .unwrap();
        Self { sandbox, x }
    }

    fn consumer(&self) -> ConsumerKeys {
        let app = &self.sandbox.config().apps[0];
        ConsumerKeys::new(&app.consumer_key, app.consumer_secret.as_str()).unwrap()
    }

    fn owner(&self) -> Credential {
        let app = &self.sandbox.config().apps[0];
        Credential::OAuth1(OAuth1::new(self.consumer()).with_token(
            AccessToken::new(&app.access_token, app.access_token_secret.as_str()).unwrap(),
        ))
    }

    fn public_client(&self) -> OAuth2Client {
        OAuth2Client::public("sandbox-public-client").unwrap()
    }

    fn confidential_client(&self) -> OAuth2Client {
        OAuth2Client::confidential("sandbox-confidential-client", "sandbox-client-secret").unwrap()
    }

    /// Follows a consent URL like a browser would, without following the
    /// redirect back to the app: returns the Location or the page.
    async fn consent(&self, url: &str, decision: &str) -> (Option<String>, String) {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let url = format!("{url}&sandbox_decision={decision}");
        let response = http.get(url).send().await.unwrap();
        let location = response
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_owned());
        (location, response.text().await.unwrap())
    }

    /// Runs the whole PKCE flow with the given consent decision.
    async fn oauth2_authorize(
        &self,
        client: &OAuth2Client,
        scopes: &[Scope],
        decision: &str,
    ) -> Result<x_api_auth::OAuth2UserToken, Error> {
        let pending = self
            .x
            .start_authorization(client, CALLBACK, scopes)
            .unwrap();
        let (location, _) = self.consent(&pending.url, decision).await;
        self.x
            .finish_authorization(client, pending, &location.unwrap())
            .await
    }

    async fn oauth2_login(
        &self,
        client: &OAuth2Client,
        scopes: &[Scope],
    ) -> x_api_auth::OAuth2UserToken {
        self.oauth2_authorize(client, scopes, "approve")
            .await
            .unwrap()
    }
}

/// A clock `secs` seconds behind the system's.
fn clock_behind(secs: u64) -> ManualClock {
    let clock = ManualClock::now();
    clock.set(std::time::SystemTime::now() - Duration::from_secs(secs));
    clock
}

fn api_kind(result: Result<impl std::fmt::Debug, Error>) -> x_api_auth::ApiError {
    match result {
        Err(Error::Api(e)) => *e,
        other => panic!("expected an X API error, got {other:?}"),
    }
}

#[tokio::test]
async fn scenario_signed_echo_query_form_json() {
    let world = World::new().await;
    let owner = world.owner();
    let r = world
        .x
        .send(
            &owner,
            "GET",
            "/2/echo?q=a%20b&emoji=%F0%9F%A6%80&x=1+2",
            &Body::Empty,
        )
        .await
        .unwrap();
    let echo = r.json().unwrap();
    assert_eq!(echo["auth"], "oauth1");
    assert_eq!(echo["query"][1], serde_json::json!(["emoji", "🦀"]));
    assert!(r.rate_limit.is_some());
    let form = Body::Form(vec![
        (
            "status".into(),
            "Hello Ladies + Gentlemen, a signed OAuth request!".into(),
        ),
        ("e".into(), String::new()),
    ]);
    let echo = world
        .x
        .send(&owner, "POST", "/2/echo?include_entities=true", &form)
        .await
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(
        echo["form"][0],
        serde_json::json!([
            "status",
            "Hello Ladies + Gentlemen, a signed OAuth request!"
        ])
    );
    let json = Body::Json(serde_json::json!({"text": "not signed & fine"}));
    let echo = world
        .x
        .send(&owner, "POST", "/2/echo", &json)
        .await
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(echo["json"]["text"], "not signed & fine");
}

#[tokio::test]
async fn scenario_three_legged_callback() {
    let world = World::new().await;
    let consumer = world.consumer();
    let request_token = world
        .x
        .request_token(&consumer, CALLBACK, Some("write"))
        .await
        .unwrap();
    let (location, _) = world
        .consent(
            &world
                .x
                .authorize_url(&request_token, true, Some("sandbox_user")),
            "approve",
        )
        .await;
    let location = location.unwrap();
    assert!(location.starts_with(CALLBACK));
    let verifier = parse_callback(&location, &request_token.token).unwrap();
    let granted = world
        .x
        .access_token(&consumer, &request_token, &verifier)
        .await
        .unwrap();
    assert_eq!(granted.user_id.as_deref(), Some("1001"));
    assert_eq!(granted.screen_name.as_deref(), Some("sandbox_user"));
    assert_eq!(
        granted.access_level.as_deref(),
        Some("read-write"),
        "x-access-level"
    );
    let user =
        Credential::OAuth1(OAuth1::new(consumer.clone()).with_token(granted.access_token.clone()));
    let me = world.x.users_me(&user).await.unwrap();
    assert_eq!(me["data"]["username"], "sandbox_user");
    // The verifier is single-use.
    let e = api_kind(
        world
            .x
            .access_token(&consumer, &request_token, &verifier)
            .await,
    );
    assert_eq!(e.x_code, Some(89));
    // Invalidate, then the token is dead.
    world
        .x
        .invalidate_access_token(&consumer, &granted.access_token)
        .await
        .unwrap();
    assert_eq!(api_kind(world.x.users_me(&user).await).x_code, Some(89));
}

#[tokio::test]
async fn scenario_pin_oob() {
    let world = World::new().await;
    let consumer = world.consumer();
    let request_token = world.x.request_token(&consumer, "oob", None).await.unwrap();
    let (location, page) = world
        .consent(
            &world.x.authorize_url(&request_token, false, None),
            "approve",
        )
        .await;
    assert!(location.is_none());
    let pin = page
        .split("<code id=\"pin\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(pin.len(), 7);
    let wrong = x_api_auth::OAuthVerifier::new("0000000x");
    let e = api_kind(
        world
            .x
            .access_token(&consumer, &request_token, &wrong)
            .await,
    );
    assert_eq!(e.kind, ApiErrorKind::ReauthorizationRequired);
    let granted = world
        .x
        .access_token(
            &consumer,
            &request_token,
            &x_api_auth::OAuthVerifier::new(pin),
        )
        .await;
    // A wrong PIN does not spend the request token: the right one still works.
    assert!(granted.is_ok(), "{granted:?}");
}

#[tokio::test]
async fn scenario_user_denies() {
    let world = World::new().await;
    let consumer = world.consumer();
    let request_token = world
        .x
        .request_token(&consumer, CALLBACK, None)
        .await
        .unwrap();
    let (location, _) = world
        .consent(&world.x.authorize_url(&request_token, false, None), "deny")
        .await;
    assert!(matches!(
        parse_callback(&location.unwrap(), &request_token.token),
        Err(Error::AccessDenied { .. })
    ));

    let e = world
        .oauth2_authorize(&world.public_client(), &[Scope::TWEET_READ], "deny")
        .await
        .unwrap_err();
    assert!(matches!(e, Error::AccessDenied { .. }), "{e:?}");
}

#[tokio::test]
async fn scenario_authenticate_sign_in_with_x() {
    let world = World::new().await;
    let consumer = world.consumer();
    let request_token = world
        .x
        .request_token(&consumer, CALLBACK, None)
        .await
        .unwrap();
    let url = world.x.authenticate_url(&request_token, false, None);
    assert!(url.contains("/oauth/authenticate?oauth_token="));
    let (location, _) = world.consent(&url, "approve").await;
    let verifier = parse_callback(&location.unwrap(), &request_token.token).unwrap();
    let granted = world
        .x
        .access_token(&consumer, &request_token, &verifier)
        .await
        .unwrap();
    assert!(granted.access_token.token().starts_with("1001-"));
}

#[tokio::test]
async fn scenario_bearer_obtain_use_invalidate() {
    let world = World::new().await;
    let consumer = world.consumer();
    let bearer = world.x.obtain_bearer(&consumer).await.unwrap();
    assert_eq!(
        world.x.obtain_bearer(&consumer).await.unwrap(),
        bearer,
        "one bearer per app, handed out idempotently"
    );
    let credential = Credential::Bearer(bearer.clone());
    let user = world.x.user_by_username(&credential, "X").await.unwrap();
    assert_eq!(user["data"]["id"], "783214");
    world.x.invalidate_bearer(&consumer, &bearer).await.unwrap();
    let e = api_kind(world.x.user_by_username(&credential, "X").await);
    assert_eq!((e.status, e.kind), (401, ApiErrorKind::Authentication));
    let e = api_kind(world.x.invalidate_bearer(&consumer, &bearer).await);
    assert_eq!(e.x_code, Some(99));
}

#[tokio::test]
async fn scenario_pkce_public_client() {
    let world = World::new().await;
    let client = world.public_client();
    let pending = world
        .x
        .start_authorization(&client, CALLBACK, &[Scope::TWEET_READ, Scope::USERS_READ])
        .unwrap();
    let (location, _) = world.consent(&pending.url, "approve").await;
    // A web app keeps the pending authorization in its session between the two requests.
    let kept = pending.to_compact();
    let restored = PendingAuthorization::from_compact(&kept).unwrap();
    let token = world
        .x
        .finish_authorization(&client, restored, &location.unwrap())
        .await
        .unwrap();
    assert!(
        token.refresh_token.is_none(),
        "no offline.access, no refresh token"
    );
    assert!(token.has_scope(&Scope::USERS_READ));
    let me = world
        .x
        .users_me(&Credential::OAuth2User(token))
        .await
        .unwrap();
    assert_eq!(me["data"]["id"], "1001");
}

#[tokio::test]
async fn scenario_pkce_confidential_client() {
    let world = World::new().await;
    let token = world
        .oauth2_login(
            &world.confidential_client(),
            &[Scope::TWEET_READ, Scope::OFFLINE_ACCESS],
        )
        .await;
    assert!(token.refresh_token.is_some());
    // The same client without its secret is refused.
    let as_public = OAuth2Client::public("sandbox-confidential-client").unwrap();
    let e = api_kind(
        world
            .oauth2_authorize(&as_public, &[Scope::TWEET_READ], "approve")
            .await,
    );
    assert_eq!(e.kind, ApiErrorKind::UnauthorizedClient);
    assert!(e.hint.unwrap().contains("Type of App"));
}

#[tokio::test]
async fn scenario_refresh_rotation_reuse_rejected() {
    let world = World::new().await;
    let client = world.public_client();
    let first = world
        .oauth2_login(&client, &[Scope::TWEET_READ, Scope::OFFLINE_ACCESS])
        .await;
    let second = world.x.refresh(&client, &first).await.unwrap();
    assert_ne!(
        second.refresh_token, first.refresh_token,
        "X rotates refresh tokens"
    );
    let e = api_kind(world.x.refresh(&client, &first).await);
    assert_eq!(e.kind, ApiErrorKind::ReauthorizationRequired);
    // Reuse revoked the family: the rotated token is dead too.
    let e = api_kind(world.x.refresh(&client, &second).await);
    assert_eq!(e.api_message, "Value passed for the token was invalid.");
}

#[tokio::test]
async fn scenario_revoke() {
    let world = World::new().await;
    let client = world.public_client();
    let token = world
        .oauth2_login(&client, &[Scope::TWEET_READ, Scope::USERS_READ])
        .await;
    let credential = Credential::OAuth2User(token.clone());
    world.x.users_me(&credential).await.unwrap();
    world
        .x
        .revoke(
            &client,
            token.access_token.secret(),
            TokenTypeHint::AccessToken,
        )
        .await
        .unwrap();
    assert_eq!(api_kind(world.x.users_me(&credential).await).status, 401);
}

#[tokio::test]
async fn scenario_wrong_consumer_secret_code_32() {
    let world = World::new().await;
    let app = &world.sandbox.config().apps[0];
    let wrong = Credential::OAuth1(
        OAuth1::new(ConsumerKeys::new(&app.consumer_key, "not-the-secret").unwrap()).with_token(
            AccessToken::new(&app.access_token, app.access_token_secret.as_str()).unwrap(),
        ),
    );
    let e = api_kind(world.x.users_me(&wrong).await);
    assert_eq!(
        (e.status, e.x_code, e.kind),
        (401, Some(32), ApiErrorKind::Authentication)
    );
    assert!(e.hint.is_some());
    assert!(
        e.base_string
            .unwrap()
            .starts_with("GET&http%3A%2F%2F127.0.0.1")
    );
}

#[tokio::test]
async fn scenario_skewed_clock_self_heals() {
    let world = World::new().await;
    let x = world.x.clone().with_clock(Arc::new(clock_behind(1000)));
    let me = x.users_me(&world.owner()).await.unwrap();
    assert_eq!(me["data"]["id"], "1001");
    assert!(
        (995..=1005).contains(&x.clock_offset()),
        "offset {}",
        x.clock_offset()
    );
    // Without the retry it fails with 135: a fresh client with the same skew, sandbox window 300 s.
    let skewed_signer = OAuth1::new(world.consumer()).with_clock(Arc::new(clock_behind(1000)));
    let signed = skewed_signer
        .sign(
            &x_api_auth::SignableRequest::new(
                "POST",
                format!("{}/oauth/request_token", world.sandbox.base_url()),
            )
            .callback("oob"),
        )
        .unwrap();
    let raw = reqwest::Client::new()
        .post(format!("{}/oauth/request_token", world.sandbox.base_url()))
        .header("authorization", signed.authorization.as_str())
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 401);
    let e = x_api_auth::ApiError::parse(401, &raw.bytes().await.unwrap());
    assert_eq!(e.kind, ApiErrorKind::ClockSkew);
}

#[tokio::test]
async fn scenario_expired_code() {
    let clock = ManualClock::now();
    let world = World::with_clock(Arc::new(clock.clone())).await;
    let client = world.public_client();
    let pending = world
        .x
        .start_authorization(&client, CALLBACK, &[Scope::TWEET_READ])
        .unwrap();
    let (location, _) = world.consent(&pending.url, "approve").await;
    clock.advance(Duration::from_secs(31));
    let e = api_kind(
        world
            .x
            .finish_authorization(&client, pending, &location.unwrap())
            .await,
    );
    assert_eq!(
        e.api_message,
        "Value passed for the authorization code was invalid."
    );
    assert!(e.hint.unwrap().contains("30 seconds"));
}

#[tokio::test]
async fn scenario_state_mismatch() {
    let world = World::new().await;
    let client = world.public_client();
    let first = world
        .x
        .start_authorization(&client, CALLBACK, &[Scope::TWEET_READ])
        .unwrap();
    let second = world
        .x
        .start_authorization(&client, CALLBACK, &[Scope::TWEET_READ])
        .unwrap();
    let (location, _) = world.consent(&first.url, "approve").await;
    let e = world
        .x
        .finish_authorization(&client, second, &location.unwrap())
        .await
        .unwrap_err();
    assert!(matches!(e, Error::StateMismatch), "{e:?}");
}

#[tokio::test]
async fn scenario_bearer_on_user_endpoint_403() {
    let world = World::new().await;
    let bearer = world.x.obtain_bearer(&world.consumer()).await.unwrap();
    // Refused before it leaves: X's endpoint table says /2/users/me needs a user.
    let e = world
        .x
        .users_me(&Credential::Bearer(bearer.clone()))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "X_UNSUPPORTED_AUTHENTICATION");
    assert!(
        e.to_string()
            .contains("accepts OAuth 1.0a User Context or OAuth 2.0 User Context"),
        "{e}"
    );
    assert_eq!(world.sandbox.counters().api_requests, 0);
    // Sent by another HTTP client, the sandbox answers as X does.
    let response = reqwest::Client::new()
        .get(format!("{}/2/users/me", world.sandbox.base_url()))
        .header("authorization", bearer.authorization_header().unwrap())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let e = x_api_auth::ApiError::parse(status, &response.bytes().await.unwrap());
    assert_eq!(e.status, 403);
    assert_eq!(
        e.problem_type.as_deref(),
        Some("unsupported-authentication")
    );
    assert_eq!(e.kind, ApiErrorKind::UnsupportedAuthentication);
    assert_eq!(Error::from(e).code(), "X_UNSUPPORTED_AUTHENTICATION");
}
