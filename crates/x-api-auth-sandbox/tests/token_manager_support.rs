//! What the tests of a token manager need from the sandbox, over real HTTP on
//! loopback: a configurable access-token lifetime, `x-access-level` on
//! OAuth 1.0a responses, the test-only counters and `sandbox_user`.
//!
//! The sandbox runs on its own Tokio runtime; the requests are hand-written
//! HTTP/1.1 over blocking sockets, so that concurrent clients are threads.

#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Barrier;
use std::time::Duration;

use serde_json::Value;
use x_api_auth::{AccessToken, ConsumerKeys, OAuth1, SignableRequest};
use x_api_auth_sandbox::oauth1_verify::parse_pairs;
use x_api_auth_sandbox::{Counters, Sandbox, SandboxConfig, UserConfig};

const CALLBACK: &str = "http://127.0.0.1/callback";
const PUBLIC_CLIENT: &str = "sandbox-public-client";
const VERIFIER: &str = "a-plain-pkce-verifier-of-forty-three-characters";

/// A sandbox and the runtime it runs on.
struct World {
    sandbox: Sandbox,
    _runtime: tokio::runtime::Runtime,
}

impl World {
    fn new(config: SandboxConfig) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap();
        let sandbox = runtime.block_on(Sandbox::start(config)).unwrap();
        Self {
            sandbox,
            _runtime: runtime,
        }
    }

    /// `127.0.0.1:PORT`.
    fn host(&self) -> String {
        self.sandbox
            .base_url()
            .trim_start_matches("http://")
            .to_owned()
    }

    fn get(&self, target: &str, headers: &[(&str, &str)]) -> Reply {
        self.send("GET", target, headers, "")
    }

    fn post_form(&self, target: &str, headers: &[(&str, &str)], form: &str) -> Reply {
        let mut all = vec![("Content-Type", "application/x-www-form-urlencoded")];
        all.extend_from_slice(headers);
        self.send("POST", target, &all, form)
    }

    fn send(&self, method: &str, target: &str, headers: &[(&str, &str)], body: &str) -> Reply {
        let host = self.host();
        let mut stream = TcpStream::connect(&host).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        let mut request = format!(
            "{method} {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: {}\r\n",
            body.len()
        );
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        request.push_str(body);
        stream.write_all(request.as_bytes()).unwrap();
        let mut raw = String::new();
        stream.read_to_string(&mut raw).unwrap();
        Reply::parse(&raw)
    }

    /// `POST path` signed with OAuth 1.0a: `oauth_callback` or
    /// `oauth_verifier` go in `extra`.
    fn oauth1_post<'a>(
        &self,
        signer: &OAuth1,
        path: &str,
        extra: impl FnOnce(SignableRequest<'a>) -> SignableRequest<'a>,
    ) -> Reply {
        let header = signer
            .authorization_header(&extra(SignableRequest::new("POST", self.url(path))))
            .unwrap();
        self.post_form(path, &[("Authorization", &header)], "")
    }

    /// `GET path` signed with OAuth 1.0a.
    fn oauth1_get(&self, signer: &OAuth1, path: &str) -> Reply {
        let header = signer
            .authorization_header(&SignableRequest::new("GET", self.url(path)))
            .unwrap();
        self.get(path, &[("Authorization", &header)])
    }

    fn consumer(&self) -> ConsumerKeys {
        let app = &self.sandbox.config().apps[0];
        ConsumerKeys::new(&app.consumer_key, app.consumer_secret.as_str()).unwrap()
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.sandbox.base_url())
    }

    /// Approves the OAuth 2.0 consent page (as `sandbox_user` when given) and
    /// exchanges the code: the token response.
    fn oauth2_login(&self, sandbox_user: Option<&str>) -> Value {
        let mut target = format!(
            "/i/oauth2/authorize?response_type=code&client_id={PUBLIC_CLIENT}\
             &redirect_uri={CALLBACK}&scope=tweet.read%20users.read%20offline.access&state=s\
             &code_challenge={VERIFIER}&code_challenge_method=plain"
        );
        if let Some(user) = sandbox_user {
            target.push_str(&format!("&sandbox_user={user}"));
        }
        let consent = self.get(&target, &[]);
        assert_eq!(consent.status, 302, "{}", consent.body);
        let location = consent.header("location").unwrap();
        let code = location
            .split(['?', '&'])
            .find_map(|pair| pair.strip_prefix("code="))
            .unwrap()
            .to_owned();
        let reply = self.post_form(
            "/2/oauth2/token",
            &[],
            &format!(
                "grant_type=authorization_code&code={code}&redirect_uri={CALLBACK}\
                 &code_verifier={VERIFIER}&client_id={PUBLIC_CLIENT}"
            ),
        );
        assert_eq!(reply.status, 200, "{}", reply.body);
        reply.json()
    }

    fn refresh(&self, refresh_token: &str) -> Reply {
        self.post_form(
            "/2/oauth2/token",
            &[],
            &format!(
                "grant_type=refresh_token&refresh_token={refresh_token}&client_id={PUBLIC_CLIENT}"
            ),
        )
    }

    fn users_me(&self, access_token: &str) -> Reply {
        self.get(
            "/2/users/me",
            &[("Authorization", &format!("Bearer {access_token}"))],
        )
    }

    /// The counters as `GET /__sandbox__/counters` serves them, checked
    /// against [`Sandbox::counters`].
    fn counters(&self) -> Counters {
        let reply = self.get(Counters::PATH, &[]);
        assert_eq!(reply.status, 200);
        let counters = self.sandbox.counters();
        assert_eq!(reply.json(), serde_json::to_value(counters).unwrap());
        counters
    }
}

/// An HTTP response.
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn parse(raw: &str) -> Self {
        let (head, body) = raw.split_once("\r\n\r\n").unwrap();
        let mut lines = head.split("\r\n");
        let status = lines.next().unwrap().split(' ').nth(1).unwrap();
        let headers = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(name, value)| (name.to_ascii_lowercase(), value.trim().to_owned()))
            .collect();
        Self {
            status: status.parse().unwrap(),
            headers,
            body: body.to_owned(),
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap()
    }

    fn form(&self, name: &str) -> Option<String> {
        parse_pairs(&self.body)
            .unwrap()
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }
}

fn users(count: usize) -> Vec<UserConfig> {
    (0..count)
        .map(|i| UserConfig {
            id: (5000 + i).to_string(),
            username: format!("user_{i}"),
            name: format!("User {i}"),
        })
        .collect()
}

#[test]
fn the_access_token_lifetime_is_configurable() {
    let world = World::new(SandboxConfig {
        access_token_lifetime_secs: 2,
        ..SandboxConfig::default()
    });
    let token = world.oauth2_login(None);
    assert_eq!(token["expires_in"], 2);
    let access = token["access_token"].as_str().unwrap();
    assert_eq!(world.users_me(access).status, 200);
    assert!(world.sandbox.advance_clock(Duration::from_secs(3)));
    assert_eq!(world.users_me(access).status, 401);
    let refreshed = world.refresh(token["refresh_token"].as_str().unwrap());
    assert_eq!(refreshed.status, 200, "{}", refreshed.body);
    assert_eq!(refreshed.json()["expires_in"], 2);

    let default = World::new(SandboxConfig::default());
    assert_eq!(default.oauth2_login(None)["expires_in"], 7200);
}

#[test]
fn oauth1_user_context_successes_carry_the_access_level() {
    let mut config = SandboxConfig::default();
    config.apps[0].access_level = "read-write-directmessages".to_owned();
    let world = World::new(config);
    let app = world.sandbox.config().apps[0].clone();

    let app_signer = OAuth1::new(world.consumer());
    let request_token =
        world.oauth1_post(&app_signer, "/oauth/request_token", |r| r.callback("oob"));
    assert_eq!(request_token.status, 200, "{}", request_token.body);
    assert_eq!(request_token.header("x-access-level"), None);
    let token = request_token.form("oauth_token").unwrap();
    let secret = request_token.form("oauth_token_secret").unwrap();

    let consent = world.get(
        &format!("/oauth/authorize?oauth_token={token}&sandbox_user=X"),
        &[],
    );
    assert_eq!(consent.status, 200, "{}", consent.body);
    let pin = consent.header("x-sandbox-pin").unwrap();

    let request_signer = OAuth1::new(world.consumer())
        .with_token(AccessToken::new(&token, secret.as_str()).unwrap());
    let access_token =
        world.oauth1_post(&request_signer, "/oauth/access_token", |r| r.verifier(pin));
    assert_eq!(access_token.status, 200, "{}", access_token.body);
    assert_eq!(
        access_token.header("x-access-level"),
        Some("read-write-directmessages")
    );
    assert_eq!(access_token.form("screen_name").as_deref(), Some("X"));

    let user_signer = OAuth1::new(world.consumer()).with_token(
        AccessToken::new(
            access_token.form("oauth_token").unwrap(),
            access_token.form("oauth_token_secret").unwrap().as_str(),
        )
        .unwrap(),
    );
    for path in [
        "/2/users/me",
        "/1.1/account/verify_credentials.json",
        "/2/users/by/username/sandbox_user",
        "/2/echo",
    ] {
        let reply = world.oauth1_get(&user_signer, path);
        assert_eq!(reply.status, 200, "{path}: {}", reply.body);
        assert_eq!(
            reply.header("x-access-level"),
            Some("read-write-directmessages"),
            "{path}"
        );
    }
    let me = world.oauth1_get(&user_signer, "/2/users/me");
    assert_eq!(me.json()["data"]["id"], "783214");

    // A failure, even to OAuth 1.0a, and OAuth 2.0 user context carry none.
    let owner = OAuth1::new(world.consumer())
        .with_token(AccessToken::new(&app.access_token, "not-the-secret").unwrap());
    let refused = world.oauth1_get(&owner, "/2/users/me");
    assert_eq!(refused.status, 401);
    assert_eq!(refused.header("x-access-level"), None);
    let bearer = world.oauth2_login(None);
    let oauth2 = world.users_me(bearer["access_token"].as_str().unwrap());
    assert_eq!(oauth2.status, 200);
    assert_eq!(oauth2.header("x-access-level"), None);
}

#[test]
fn the_default_access_level_is_read_write() {
    let world = World::new(SandboxConfig::default());
    let app = &world.sandbox.config().apps[0];
    let owner = OAuth1::new(world.consumer())
        .with_token(AccessToken::new(&app.access_token, app.access_token_secret.as_str()).unwrap());
    let reply = world.oauth1_get(&owner, "/2/users/me");
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.header("x-access-level"), Some("read-write"));
}

#[test]
fn sandbox_user_chooses_who_approves() {
    let world = World::new(SandboxConfig::default());
    for (wanted, id) in [
        (None, "1001"),
        (Some("783214"), "783214"),
        (Some("x"), "783214"),
    ] {
        let token = world.oauth2_login(wanted);
        let me = world.users_me(token["access_token"].as_str().unwrap());
        assert_eq!(me.json()["data"]["id"], id, "sandbox_user {wanted:?}");
        let refreshed = world.refresh(token["refresh_token"].as_str().unwrap());
        let me = world.users_me(refreshed.json()["access_token"].as_str().unwrap());
        assert_eq!(
            me.json()["data"]["id"],
            id,
            "refreshed, sandbox_user {wanted:?}"
        );
    }

    let unknown = world.get(
        &format!(
            "/i/oauth2/authorize?response_type=code&client_id={PUBLIC_CLIENT}\
             &redirect_uri={CALLBACK}&state=s&code_challenge={VERIFIER}&sandbox_user=nobody"
        ),
        &[],
    );
    assert_eq!(unknown.status, 400);
    assert!(
        unknown
            .header("content-type")
            .unwrap()
            .starts_with("text/plain")
    );
    assert!(
        unknown.body.contains("sandbox_user \"nobody\""),
        "{}",
        unknown.body
    );
    for page in ["/oauth/authorize", "/oauth/authenticate"] {
        let unknown = world.get(&format!("{page}?oauth_token=t&sandbox_user=nobody"), &[]);
        assert_eq!(unknown.status, 400);
        assert!(
            unknown.body.contains("sandbox_user \"nobody\""),
            "{}",
            unknown.body
        );
    }
    assert_eq!(world.counters().authorization_codes_issued, 3);
}

#[test]
fn the_counters_count_codes_tokens_and_api_calls() {
    let world = World::new(SandboxConfig::default());
    assert_eq!(world.counters(), Counters::default());

    let token = world.oauth2_login(None);
    let access = token["access_token"].as_str().unwrap();
    assert_eq!(world.users_me(access).status, 200);
    assert_eq!(world.users_me(access).status, 200);
    assert_eq!(world.users_me("not-a-token").status, 401);
    assert_eq!(world.get("/2/users/me", &[]).status, 401);
    let refreshed = world.refresh(token["refresh_token"].as_str().unwrap());
    assert_eq!(refreshed.status, 200);

    assert_eq!(
        world.counters(),
        Counters {
            refreshes: 1,
            refresh_reuse_detected: 0,
            tokens_issued: 2,
            authorization_codes_issued: 1,
            api_requests: 2,
            api_unauthorized: 2,
            nonces_remembered: 0,
        }
    );
}

#[test]
fn sixty_four_concurrent_refreshes_of_distinct_tokens_count_exactly_64() {
    let world = World::new(SandboxConfig {
        users: users(8),
        ..SandboxConfig::default()
    });
    let tokens: Vec<Value> = (0..64)
        .map(|i| world.oauth2_login(Some(&format!("user_{}", i % 8))))
        .collect();
    let start = Barrier::new(tokens.len());
    let replies: Vec<Reply> = std::thread::scope(|scope| {
        let handles: Vec<_> = tokens
            .iter()
            .map(|token| {
                let (world, start) = (&world, &start);
                scope.spawn(move || {
                    start.wait();
                    world.refresh(token["refresh_token"].as_str().unwrap())
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (i, reply) in replies.iter().enumerate() {
        assert_eq!(reply.status, 200, "{}", reply.body);
        let me = world.users_me(reply.json()["access_token"].as_str().unwrap());
        assert_eq!(me.json()["data"]["username"], format!("user_{}", i % 8));
    }
    assert_eq!(
        world.counters(),
        Counters {
            refreshes: 64,
            refresh_reuse_detected: 0,
            tokens_issued: 128,
            authorization_codes_issued: 64,
            api_requests: 64,
            api_unauthorized: 0,
            nonces_remembered: 0,
        }
    );
}

#[test]
fn a_reused_refresh_token_is_detected() {
    let world = World::new(SandboxConfig::default());
    let token = world.oauth2_login(None);
    let spent = token["refresh_token"].as_str().unwrap();
    let refreshed = world.refresh(spent);
    assert_eq!(refreshed.status, 200);

    let reused = world.refresh(spent);
    assert_eq!(reused.status, 400);
    assert_eq!(reused.json()["error"], "invalid_request");
    let counters = world.counters();
    assert_eq!(counters.refresh_reuse_detected, 1);
    assert_eq!(counters.refreshes, 1);

    // The reuse revoked the family: its newest refresh token, never spent, is
    // refused without counting as a reuse.
    let newest = world.refresh(refreshed.json()["refresh_token"].as_str().unwrap());
    assert_eq!(newest.status, 400);
    let counters = world.counters();
    assert_eq!(counters.refresh_reuse_detected, 1);
    assert_eq!(counters.refreshes, 1);
}
