//! Issue 15, "what a user touches": endpoint knowledge (the generated table
//! up to date, requests X would refuse never leave, the sandbox answering
//! from the same table), the hints of X's refusals, and the enrollment and
//! billing refusals, each rehearsed through the sandbox per app.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde_json::{Value, json};
use x_api_auth::oauth2::Scope;
use x_api_auth::{
    AccessToken, BearerToken, Body, ConsumerKeys, Credential, Error, OAuth1, OAuth2Client,
    OAuth2UserToken, XAuth,
};
use x_api_auth_sandbox::{AppConfig, Sandbox, SandboxConfig};

use crate::file_store::temp_dir;
use crate::token_manager::Fleet;

const CALLBACK: &str = "https://app.example/callback";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `scripts/gen-endpoints` with `args`: its standard output.
fn gen_endpoints(args: &[&str]) -> String {
    let script = root().join("scripts/gen-endpoints");
    for python in ["python3", "python"] {
        let Ok(output) = Command::new(python).arg(&script).args(args).output() else {
            continue;
        };
        assert!(
            output.status.success(),
            "gen-endpoints {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        return String::from_utf8(output.stdout)
            .unwrap()
            .replace("\r\n", "\n");
    }
    panic!("scripts/gen-endpoints needs Python 3 (python3 or python on PATH)");
}

fn committed_table() -> String {
    std::fs::read_to_string(root().join("crates/x-api-auth/src/endpoints/table.rs"))
        .unwrap()
        .replace("\r\n", "\n")
}

/// The table without its header comment (which names the input).
fn without_header(table: &str) -> String {
    table
        .lines()
        .skip_while(|l| l.starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_generated_table_is_up_to_date_with_the_committed_input() {
    assert_eq!(
        gen_endpoints(&["--stdout"]),
        committed_table(),
        "crates/x-api-auth/src/endpoints/table.rs is stale: run python3 scripts/gen-endpoints"
    );
}

/// X's OpenAPI document is not reachable here: one is rebuilt from the
/// digest (each operation's `security` as X writes it), and the generator
/// must read it into the same table.
#[test]
fn the_generator_reads_an_openapi_document_into_the_same_table() {
    let digest: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/endpoints/x-endpoint-auth.json")).unwrap(),
    )
    .unwrap();
    let mut paths = serde_json::Map::new();
    for op in digest["operations"].as_array().unwrap() {
        let security: Vec<Value> = op["accepts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|kind| match kind.as_str().unwrap() {
                "app_bearer" => json!({"BearerToken": []}),
                "oauth1_user" => json!({"UserToken": []}),
                "oauth2_user" => json!({"OAuth2UserToken": op["oauth2_scopes"]}),
                other => panic!("unknown credential type {other}"),
            })
            .collect();
        let method = op["method"].as_str().unwrap().to_ascii_lowercase();
        let item = paths
            .entry(op["path"].as_str().unwrap())
            .or_insert_with(|| json!({}));
        item[method] = json!({
            "operationId": op["operation"],
            "security": security,
            "responses": {},
        });
    }
    let openapi = json!({
        "openapi": "3.0.0",
        "info": {"title": "X API v2", "version": "2.167"},
        "paths": paths,
    });
    let dir = temp_dir("gen-endpoints");
    let input = dir.join("openapi.json");
    std::fs::write(&input, openapi.to_string()).unwrap();
    let from_openapi = gen_endpoints(&[input.to_str().unwrap(), "--stdout"]);
    assert!(
        from_openapi.contains("X's OpenAPI document (X API v2 2.167)"),
        "{}",
        &from_openapi[..300]
    );
    assert_eq!(
        without_header(&from_openapi),
        without_header(&committed_table())
    );
}

// ------------------------------------------------------------------ the sandbox

struct World {
    sandbox: Sandbox,
    x: XAuth,
}

impl World {
    async fn start(config: SandboxConfig) -> Self {
        let sandbox = Sandbox::start(config).await.unwrap();
        let x = XAuth::with_base_urls(
            &sandbox.base_url(),
            &sandbox.base_url(),
            Duration::from_secs(10),
        )
        .unwrap();
        Self { sandbox, x }
    }

    fn consumer(&self, app: usize) -> ConsumerKeys {
        let app = &self.sandbox.config().apps[app];
        ConsumerKeys::new(&app.consumer_key, app.consumer_secret.as_str()).unwrap()
    }

    /// The app owner's OAuth 1.0a user context.
    fn owner(&self, app: usize) -> Credential {
        let config = &self.sandbox.config().apps[app];
        Credential::OAuth1(OAuth1::new(self.consumer(app)).with_token(
            AccessToken::new(&config.access_token, config.access_token_secret.as_str()).unwrap(),
        ))
    }

    async fn bearer(&self, app: usize) -> Credential {
        Credential::Bearer(self.x.obtain_bearer(&self.consumer(app)).await.unwrap())
    }

    /// An OAuth 2.0 user token of `client`, granted `scopes`.
    async fn oauth2(&self, client: &str, scopes: &[Scope]) -> OAuth2UserToken {
        let client = OAuth2Client::public(client).unwrap();
        let pending = self
            .x
            .start_authorization(&client, CALLBACK, scopes)
            .unwrap();
        let x_api_auth_sandbox::browser::Consent::Redirect(callback) =
            x_api_auth_sandbox::browser::consent(&pending.url, true, None)
                .await
                .unwrap()
        else {
            panic!("no redirect")
        };
        self.x
            .finish_authorization(&client, pending, &callback)
            .await
            .unwrap()
    }

    fn api_requests(&self) -> u64 {
        self.sandbox.counters().api_requests
    }

    /// A raw request with `authorization`: status and JSON body.
    async fn raw(&self, method: &str, path: &str, authorization: &str) -> (u16, Value) {
        let mut request = reqwest::Client::new().request(
            method.parse().unwrap(),
            format!("{}{path}", self.sandbox.base_url()),
        );
        if !authorization.is_empty() {
            request = request.header("authorization", authorization);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }
}

fn refused(result: Result<impl std::fmt::Debug, Error>) -> Error {
    result.expect_err("expected a refusal")
}

fn hint(e: &Error) -> String {
    e.fields()
        .into_iter()
        .find_map(|(name, value)| match (name, value) {
            ("hint", x_api_auth::ErrorField::Text(t)) => Some(t.to_owned()),
            _ => None,
        })
        .unwrap_or_default()
}

const ALL_USER_SCOPES: [Scope; 3] = [Scope::TWEET_READ, Scope::USERS_READ, Scope::OFFLINE_ACCESS];

#[tokio::test]
async fn a_credential_the_endpoint_does_not_accept_never_leaves() {
    let world = World::start(SandboxConfig::default()).await;
    let bearer = world.bearer(0).await;
    let e = refused(world.x.users_me(&bearer).await);
    assert_eq!(e.code(), "X_UNSUPPORTED_AUTHENTICATION");
    assert_eq!(
        e.to_string(),
        "GET /2/users/me was not sent: it does not accept OAuth 2.0 Application-Only. Hint: GET /2/users/me accepts OAuth 1.0a User Context or OAuth 2.0 User Context: send it with OAuth 1.0a user context (the API Key & Secret with the user's Access Token & Secret) or an OAuth 2.0 user token (the PKCE login: start_authorization, finish_authorization)"
    );
    let form = Body::Form(vec![("text".into(), "hi".into())]);
    let e = refused(world.x.send(&bearer, "POST", "/2/tweets", &form).await);
    assert_eq!(e.code(), "X_UNSUPPORTED_AUTHENTICATION");
    // Templates, absolute URLs and queries are matched; a user's token on a
    // bearer-only endpoint is refused too.
    let user = Credential::OAuth2User(
        world
            .oauth2("sandbox-public-client", &ALL_USER_SCOPES)
            .await,
    );
    let url = format!("{}/2/tweets/search/all?query=x", world.sandbox.base_url());
    let e = refused(world.x.send(&user, "GET", &url, &Body::Empty).await);
    assert_eq!(e.code(), "X_UNSUPPORTED_AUTHENTICATION");
    assert!(
        hint(&e).contains("send it with an app-only bearer token"),
        "{e}"
    );
    let e = refused(
        world
            .x
            .send(&world.owner(0), "GET", "/2/spaces/1/buyers", &Body::Empty)
            .await,
    );
    assert!(hint(&e).ends_with("send it with an OAuth 2.0 user token (the PKCE login: start_authorization, finish_authorization)"), "{e}");
    assert_eq!(world.api_requests(), 0, "nothing reached the sandbox");
    // What the endpoint accepts goes out.
    world.x.users_me(&user).await.unwrap();
    world
        .x
        .user_by_username(&bearer, "sandbox_user")
        .await
        .unwrap();
    assert_eq!(world.api_requests(), 2);
}

#[tokio::test]
async fn the_token_manager_refuses_before_sending_too() {
    let fleet = Fleet::start("endpoints-refusal", 7200).await;
    let manager = fleet.manager();
    fleet.login(&manager, "1001").await;
    let e = refused(
        manager
            .send(None, "GET", "/2/tweets/search/stream/rules", &Body::Empty)
            .await,
    );
    assert_eq!(e.code(), "X_UNSUPPORTED_AUTHENTICATION");
    let e = refused(
        manager
            .send(
                None,
                "POST",
                "/2/users/1001/likes",
                &Body::Json(json!({"tweet_id": "1"})),
            )
            .await,
    );
    assert_eq!(e.code(), "X_MISSING_SCOPE");
    assert!(
        e.to_string()
            .contains("lacks scopes it requires: like.write"),
        "{e}"
    );
    let counters = fleet.sandbox.counters();
    assert_eq!((counters.api_requests, counters.api_unauthorized), (0, 0));
    manager
        .send(None, "GET", "/2/users/me", &Body::Empty)
        .await
        .unwrap();
    assert_eq!(fleet.sandbox.counters().api_requests, 1);
}

#[tokio::test]
async fn a_token_without_a_required_scope_never_leaves_and_x_refusal_names_the_scopes() {
    let world = World::start(SandboxConfig::default()).await;
    let token = world
        .oauth2(
            "sandbox-public-client",
            &[Scope::TWEET_READ, Scope::USERS_READ],
        )
        .await;
    let body = Body::Json(json!({"text": "hello"}));
    let e = refused(
        world
            .x
            .send(
                &Credential::OAuth2User(token.clone()),
                "POST",
                "/2/tweets",
                &body,
            )
            .await,
    );
    assert_eq!(e.code(), "X_MISSING_SCOPE");
    assert_eq!(
        e.to_string(),
        "POST /2/tweets was not sent: the OAuth 2.0 user token lacks scopes it requires: tweet.write. Hint: log the user in again asking for tweet.write as well (it needs tweet.read tweet.write users.read): X grants scopes only on its consent page, so adding one needs a new consent; a refresh keeps the scopes the token had"
    );
    assert!(
        e.fields()
            .contains(&("scope", x_api_auth::ErrorField::Text("tweet.write")))
    );
    assert_eq!(world.api_requests(), 0);
    // The same token with its scopes unknown goes out: the sandbox refuses
    // it as X does (403 about:blank), and the hint names the scopes.
    let mut unknown = token;
    unknown.scopes.clear();
    let e = refused(
        world
            .x
            .send(&Credential::OAuth2User(unknown), "POST", "/2/tweets", &body)
            .await,
    );
    assert_eq!(world.api_requests(), 1);
    assert_eq!(e.code(), "X_FORBIDDEN");
    assert_eq!(
        e.to_string(),
        "X API error (HTTP 403, about:blank): Forbidden. Hint: POST /2/tweets needs the OAuth 2.0 scopes tweet.read tweet.write users.read: if the token was not granted one of them, log the user in again asking for it (X grants scopes only on its consent page, and a refresh keeps the scopes the token had)"
    );
    // Granted the scope, it goes through (the sandbox echoes the operation).
    let writer = world
        .oauth2(
            "sandbox-public-client",
            &[Scope::TWEET_READ, Scope::TWEET_WRITE, Scope::USERS_READ],
        )
        .await;
    let echo = world
        .x
        .send(&Credential::OAuth2User(writer), "POST", "/2/tweets", &body)
        .await
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(echo["operation"], "createPosts");
    assert_eq!(echo["json"]["text"], "hello");
}

#[tokio::test]
async fn the_sandbox_answers_from_the_table_as_x_does() {
    let world = World::start(SandboxConfig::default()).await;
    let Credential::Bearer(bearer) = world.bearer(0).await else {
        unreachable!()
    };
    let bearer_header = format!("Bearer {}", bearer.secret());
    let (status, body) = world.raw("GET", "/2/users/me", &bearer_header).await;
    assert_eq!(status, 403);
    assert_eq!(
        body,
        json!({
            "title": "Unsupported Authentication",
            "type": "https://api.x.com/2/problems/unsupported-authentication",
            "status": 403,
            "detail": "Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].",
        })
    );
    let (status, body) = world
        .raw("DELETE", "/2/users/1001/bookmarks/1", &bearer_header)
        .await;
    assert_eq!(status, 403);
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .ends_with("Supported authentication types are [OAuth 2.0 User Context]."),
        "{body}"
    );
    let token = world
        .oauth2("sandbox-public-client", &ALL_USER_SCOPES)
        .await;
    let user_header = format!("Bearer {}", token.access_token.secret());
    let (status, body) = world
        .raw("GET", "/2/tweets/search/all?query=x", &user_header)
        .await;
    assert_eq!(status, 403);
    assert_eq!(
        body["detail"],
        "Authenticating with OAuth 2.0 User Context is forbidden for this endpoint.  Supported authentication types are [OAuth 2.0 Application-Only]."
    );
    // A known operation with the right credential: what it verified.
    let (status, body) = world
        .raw("GET", "/2/tweets/search/all?query=x", &bearer_header)
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (&body["auth"], &body["operation"]),
        (&json!("app_only"), &json!("searchPostsAll"))
    );
    // The existing endpoints keep working; unknown paths are 404s.
    let (status, _) = world
        .raw("GET", "/2/users/by/username/sandbox_user", &bearer_header)
        .await;
    assert_eq!(status, 200);
    let (status, body) = world.raw("GET", "/2/users/me", &user_header).await;
    assert_eq!((status, &body["data"]["id"]), (200, &json!("1001")));
    let (status, _) = world.raw("POST", "/2/echo", &bearer_header).await;
    assert_eq!(status, 200);
    let (status, _) = world.raw("GET", "/2/no/such/thing", &bearer_header).await;
    assert_eq!(status, 404);
    // Without a credential, X's 401.
    let (status, body) = world.raw("GET", "/2/tweets/search/all", "").await;
    assert_eq!((status, &body["title"]), (401, &json!("Unauthorized")));
}

#[tokio::test]
async fn an_unknown_path_goes_out_and_x_unsupported_authentication_is_explained() {
    let mut config = SandboxConfig::default();
    config.apps[0].api_access = Some("unsupported-authentication".into());
    let world = World::start(config).await;
    let bearer = world.bearer(0).await;
    let e = refused(world.x.send(&bearer, "GET", "/2/echo", &Body::Empty).await);
    assert_eq!(
        world.api_requests(),
        1,
        "the table does not know /2/echo: it went out"
    );
    assert_eq!(e.code(), "X_UNSUPPORTED_AUTHENTICATION");
    let api = e.api_error().unwrap();
    assert_eq!(
        api.problem_type.as_deref(),
        Some("unsupported-authentication")
    );
    assert!(
        hint(&e).starts_with("this endpoint does not accept an app-only bearer token (obtain_bearer): send the request with one of the types X's message lists"),
        "{e}"
    );
}

#[tokio::test]
async fn an_invalid_bearer_and_a_revoked_oauth2_token_say_what_to_do() {
    let world = World::start(SandboxConfig::default()).await;
    let stranger = Credential::Bearer(BearerToken::new("AAAA-not-a-bearer"));
    let e = refused(world.x.user_by_username(&stranger, "sandbox_user").await);
    assert_eq!(e.code(), "X_AUTHENTICATION");
    assert!(
        e.to_string().starts_with(
            "X API error (HTTP 401, about:blank): Unauthorized. Hint: X does not know this app-only bearer token: it was invalidated"
        ),
        "{e}"
    );
    assert!(
        e.to_string()
            .contains("obtain a new one with obtain_bearer"),
        "{e}"
    );
    // Invalidated: the same.
    let consumer = world.consumer(0);
    let Credential::Bearer(bearer) = world.bearer(0).await else {
        unreachable!()
    };
    world.x.invalidate_bearer(&consumer, &bearer).await.unwrap();
    let e = refused(
        world
            .x
            .user_by_username(&Credential::Bearer(bearer), "sandbox_user")
            .await,
    );
    assert!(hint(&e).contains("obtain a new one"), "{e}");
    // A revoked OAuth 2.0 user token.
    let client = OAuth2Client::public("sandbox-public-client").unwrap();
    let token = world
        .oauth2("sandbox-public-client", &ALL_USER_SCOPES)
        .await;
    world
        .x
        .revoke(
            &client,
            token.access_token.secret(),
            x_api_auth::oauth2::TokenTypeHint::AccessToken,
        )
        .await
        .unwrap();
    let e = refused(world.x.users_me(&Credential::OAuth2User(token)).await);
    assert_eq!(e.code(), "X_AUTHENTICATION");
    let shown = e.to_string();
    assert!(shown.starts_with("X API error (HTTP 401, about:blank): Unauthorized. Hint: X does not accept this OAuth 2.0 user token: it expired"), "{shown}");
    assert!(
        shown.contains("refresh it") && shown.contains("log the user in again"),
        "{shown}"
    );
    assert!(!shown.contains("Rate limit"), "{shown}");
}

#[tokio::test]
async fn a_refused_signature_reads_as_one_sentence_without_a_rate_limit_line() {
    let world = World::start(SandboxConfig::default()).await;
    let app = &world.sandbox.config().apps[0];
    let wrong = Credential::OAuth1(
        OAuth1::new(ConsumerKeys::new(&app.consumer_key, "not-the-secret").unwrap()).with_token(
            AccessToken::new(&app.access_token, app.access_token_secret.as_str()).unwrap(),
        ),
    );
    let e = refused(world.x.users_me(&wrong).await);
    let api = e.api_error().unwrap();
    assert_eq!(
        (api.status, api.x_code, api.reset_at),
        (401, Some(32), None)
    );
    let shown = e.to_string();
    assert!(
        shown.starts_with("X API error (HTTP 401, code 32): Could not authenticate you. Hint: X could not verify the OAuth 1.0a signature"),
        "{shown}"
    );
    assert!(
        !shown.contains("..") && !shown.contains("Rate limit"),
        "{shown}"
    );
}

// ------------------------------------------------------------------ enrollment and billing, per app

/// The default app with `api_access` and a second app that has none (so the
/// sandbox-wide `ok` applies to it).
fn two_apps(api_access: &str) -> SandboxConfig {
    let mut config = SandboxConfig::default();
    config.apps[0].api_access = Some(api_access.to_owned());
    let second: AppConfig = serde_json::from_value(json!({
        "consumer_key": "second-consumer-key",
        "consumer_secret": "second-consumer-secret",
        "access_token": "1001-secondownertoken",
        "access_token_secret": "second-owner-token-secret",
        "clients": [{"client_id": "second-public-client"}],
    }))
    .unwrap();
    config.apps.push(second);
    config
}

#[tokio::test]
async fn enrollment_and_billing_refusals_have_codes_and_portal_hints_per_app() {
    let cases = [
        (
            "client-not-enrolled",
            "X_CLIENT_NOT_ENROLLED",
            403,
            "add the app to a Project",
        ),
        (
            "user-not-enrolled",
            "X_USER_NOT_ENROLLED",
            403,
            "billed to the authenticated user",
        ),
        (
            "payment-required",
            "X_PAYMENT_REQUIRED",
            402,
            "add credits under Billing in the developer portal",
        ),
        (
            "oauth1-permissions",
            "X_OAUTH1_PERMISSIONS",
            403,
            "regenerate the Access Token & Secret",
        ),
        (
            "unsupported-authentication",
            "X_UNSUPPORTED_AUTHENTICATION",
            403,
            "send the request with one of the types",
        ),
    ];
    for (api_access, code, status, expected_hint) in cases {
        let world = World::start(two_apps(api_access)).await;
        let e = refused(world.x.users_me(&world.owner(0)).await);
        assert_eq!(e.code(), code, "{api_access}: {e}");
        assert_eq!(e.api_error().unwrap().status, status, "{api_access}");
        assert!(hint(&e).contains(expected_hint), "{api_access}: {e}");
        assert!(
            hint(&e).contains("developer portal") || api_access == "unsupported-authentication",
            "{api_access}: {e}"
        );
        assert!(!e.to_string().contains("Rate limit"), "{api_access}: {e}");
        // The other app is not affected.
        world.x.users_me(&world.owner(1)).await.unwrap();
        let second = world.oauth2("second-public-client", &ALL_USER_SCOPES).await;
        world
            .x
            .users_me(&Credential::OAuth2User(second))
            .await
            .unwrap();
        // The refused app's OAuth 2.0 users and bearer are refused alike,
        // except for oauth1-permissions, which only OAuth 1.0a meets.
        let user = world
            .oauth2("sandbox-public-client", &ALL_USER_SCOPES)
            .await;
        let outcome = world.x.users_me(&Credential::OAuth2User(user)).await;
        match api_access {
            "oauth1-permissions" => assert!(outcome.is_ok(), "{outcome:?}"),
            _ => assert_eq!(refused(outcome).code(), code, "{api_access}"),
        }
    }
}

#[tokio::test]
async fn a_read_only_app_writing_gets_oauth1_permissions_from_the_table() {
    let mut config = SandboxConfig::default();
    config.apps[0].access_level = "read".into();
    let world = World::start(config).await;
    let owner = world.owner(0);
    world.x.users_me(&owner).await.unwrap();
    let e = refused(
        world
            .x
            .send(
                &owner,
                "POST",
                "/2/tweets",
                &Body::Json(json!({"text": "hi"})),
            )
            .await,
    );
    assert_eq!(e.code(), "X_OAUTH1_PERMISSIONS");
    assert!(hint(&e).contains("'Read and write'"), "{e}");
}

#[tokio::test]
async fn the_sandbox_wide_api_access_still_applies_to_every_app() {
    let config = SandboxConfig {
        api_access: "payment-required".into(),
        ..two_apps("ok")
    };
    let world = World::start(config).await;
    // App 0 overrides it with `ok`, app 1 inherits it.
    world.x.users_me(&world.owner(0)).await.unwrap();
    let e = refused(world.x.users_me(&world.owner(1)).await);
    assert_eq!(e.code(), "X_PAYMENT_REQUIRED");
}
