//! Leak canaries over the shared list of output paths
//! (`tests/leaks/output-paths.json`): a canary secret in every credential,
//! searched for in everything each path shows. Python and Node walk the same
//! list.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use x_api_auth::oauth1::{AccessTokenResponse, RequestToken};
use x_api_auth::oauth2::{Scope, TokenTypeHint};
use x_api_auth::tokens::{Record, TokenManager, TokenStore, UserRecord, open_store};
use x_api_auth::transport::{HttpRequest, ReqwestTransport, Transport};
use x_api_auth::{
    AccessToken, BearerToken, Body, ConsumerKeys, Credential, Error, ErrorField, OAuth1,
    OAuth2Client, OAuth2UserToken, OAuthVerifier, PkceCodeVerifier, RefreshToken, SignableRequest,
    SignatureMethod, XAuth,
};
use x_api_auth_sandbox::{Sandbox, SandboxConfig};

fn list() -> serde_json::Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/leaks/output-paths.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A secret holding the canary, distinct per use so that a leak names its
/// source: `CANARY-<what>-c4n4ry-CANARY`.
fn canary(what: &str) -> String {
    format!("CANARY{what}c4n4ryCANARY")
}

/// What one path showed: each text, with where it came from.
#[derive(Default)]
struct Shown(Vec<(String, String)>);

impl Shown {
    fn debug(&mut self, what: &str, value: &impl Debug) {
        self.0
            .push((format!("{what} {{:?}}"), format!("{value:?}")));
        self.0
            .push((format!("{what} {{:#?}}"), format!("{value:#?}")));
    }

    fn display(&mut self, what: &str, value: &impl std::fmt::Display) {
        self.0.push((format!("{what} {{}}"), value.to_string()));
    }

    /// An error: Display, Debug and every field of `Error::fields()`.
    fn error(&mut self, what: &str, e: &Error) {
        self.display(what, e);
        self.debug(what, e);
        for (name, value) in e.fields() {
            let text = match value {
                ErrorField::Text(t) => t.to_string(),
                ErrorField::Number(n) => n.to_string(),
                ErrorField::Bool(b) => b.to_string(),
            };
            self.0.push((format!("{what} field {name}"), text));
        }
    }

    fn result<T: Debug>(&mut self, what: &str, r: Result<T, Error>) {
        match r {
            Ok(v) => self.debug(what, &v),
            Err(e) => self.error(what, &e),
        }
    }

    /// The texts that contain `needle` (or the canary marker).
    fn leaks(&self, secrets: &[String]) -> Vec<String> {
        self.0
            .iter()
            .filter(|(_, text)| {
                text.contains("c4n4ry") || secrets.iter().any(|s| !s.is_empty() && text.contains(s))
            })
            .map(|(what, text)| format!("{what}: {}", text.chars().take(300).collect::<String>()))
            .collect()
    }
}

fn credential_text(shown: &mut Shown) {
    let keys = ConsumerKeys::new("public-key", canary("cs")).unwrap();
    shown.debug("ConsumerKeys", &keys);
    let token = AccessToken::new("1-public", canary("ts")).unwrap();
    shown.debug("AccessToken", &token);
    shown.debug(
        "OAuth2Client",
        &OAuth2Client::confidential("id", canary("client")).unwrap(),
    );
    shown.debug("BearerToken", &BearerToken::new(canary("bearer")));
    shown.display("BearerToken", &BearerToken::new(canary("bearer")));
    let mut user = OAuth2UserToken::new(canary("access"));
    user.refresh_token = Some(RefreshToken::new(canary("refresh")));
    shown.debug("OAuth2UserToken", &user);
    for method in [
        SignatureMethod::HmacSha1,
        SignatureMethod::HmacSha256,
        SignatureMethod::Plaintext,
    ] {
        let signer = OAuth1::new(keys.clone())
            .with_token(token.clone())
            .with_signature_method(method);
        shown.debug("OAuth1", &signer);
        let signed = signer
            .sign(&SignableRequest::new("GET", "https://api.x.com/2/users/me"))
            .unwrap();
        shown.debug("SignedRequest", &signed);
        let pin = canary("pin");
        let with_pin = signer
            .sign(
                &SignableRequest::new("POST", "https://api.x.com/oauth/access_token")
                    .verifier(&pin),
            )
            .unwrap();
        shown.debug("SignedRequest with a PIN", &with_pin);
    }
    let x = XAuth::new().unwrap();
    let pending = x
        .start_authorization(
            &OAuth2Client::public("id").unwrap(),
            "https://app.example/cb",
            &[Scope::TWEET_READ],
        )
        .unwrap();
    shown.debug("PendingAuthorization", &pending);
    let rt = RequestToken::parse(
        200,
        &format!(
            "oauth_token=t&oauth_token_secret={}&oauth_callback_confirmed=true",
            canary("rts")
        ),
    )
    .unwrap();
    shown.debug("RequestToken", &rt);
    let at = AccessTokenResponse::parse(
        200,
        &format!(
            "oauth_token=1-t&oauth_token_secret={}&user_id=1",
            canary("ats")
        ),
    )
    .unwrap();
    shown.debug("AccessTokenResponse", &at);
}

/// A sandbox with an app whose secrets the tests know.
struct World {
    sandbox: Sandbox,
    x: XAuth,
}

impl World {
    async fn start() -> Self {
        let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
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

    /// A user token from the PKCE flow, consent approved.
    async fn login(&self) -> OAuth2UserToken {
        let client = OAuth2Client::public("sandbox-public-client").unwrap();
        let scopes = [Scope::TWEET_READ, Scope::USERS_READ, Scope::OFFLINE_ACCESS];
        let pending = self
            .x
            .start_authorization(&client, "http://127.0.0.1:8976/callback", &scopes)
            .unwrap();
        let consent = format!("{}&sandbox_decision=approve", pending.url);
        let location = get_location(&consent).await;
        self.x
            .finish_authorization(&client, pending, &location)
            .await
            .unwrap()
    }
}

async fn get_location(url: &str) -> String {
    let transport = ReqwestTransport::new(Duration::from_secs(10)).unwrap();
    let response = transport.send(HttpRequest::new("GET", url)).await.unwrap();
    response.header("location").unwrap().to_owned()
}

async fn flow_results(world: &World, shown: &mut Shown, secrets: &mut Vec<String>) {
    let consumer = world.consumer();
    let bearer = world.x.obtain_bearer(&consumer).await.unwrap();
    secrets.push(bearer.secret().to_owned());
    shown.debug("obtained BearerToken", &bearer);
    shown.display("obtained BearerToken", &bearer);
    let rt = world.x.request_token(&consumer, "oob", None).await.unwrap();
    secrets.push(rt.secret.secret().to_owned());
    shown.debug("RequestToken", &rt);
    let user = world.login().await;
    secrets.push(user.access_token.secret().to_owned());
    secrets.extend(user.refresh_token.as_ref().map(|r| r.secret().to_owned()));
    shown.debug("OAuth2UserToken", &user);
    let client = OAuth2Client::public("sandbox-public-client").unwrap();
    let refreshed = world.x.refresh(&client, &user).await.unwrap();
    secrets.push(refreshed.access_token.secret().to_owned());
    shown.debug("refreshed OAuth2UserToken", &refreshed);
}

fn invalid_inputs(shown: &mut Shown) {
    shown.result(
        "PkceCodeVerifier",
        PkceCodeVerifier::new(format!("{}+", canary("pkce"))).map(drop),
    );
    shown.result(
        "bearer header",
        BearerToken::new(format!("{}\r\n", canary("bearer"))).authorization_header(),
    );
    shown.result(
        "OAuth2Client",
        OAuth2Client::confidential("id\n", format!("{}\0", canary("client"))).map(drop),
    );
    shown.result(
        "ConsumerKeys",
        ConsumerKeys::new(
            format!("k{}\n", canary("ck")),
            format!("{}\n", canary("cs")),
        )
        .map(drop),
    );
    shown.result(
        "AccessToken",
        AccessToken::new(
            format!("1-{}\n", canary("at")),
            format!("\0{}", canary("ts")),
        )
        .map(drop),
    );
    let signer = OAuth1::new(ConsumerKeys::new("k", canary("cs")).unwrap());
    shown.result(
        "OAuth1 sign",
        signer.sign(&SignableRequest::new(
            "GET",
            format!("https://api.x.com/?a=%{}", canary("query")),
        )),
    );
}

async fn transport_errors(shown: &mut Shown) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let x = XAuth::with_base_urls(&dead, &dead, Duration::from_secs(2)).unwrap();
    let consumer = ConsumerKeys::new("ck", canary("cs")).unwrap();
    let client = OAuth2Client::confidential("id", canary("client")).unwrap();
    let mut user = OAuth2UserToken::new(canary("access"));
    user.refresh_token = Some(RefreshToken::new(canary("refresh")));
    shown.result("obtain_bearer", x.obtain_bearer(&consumer).await);
    shown.result(
        "request_token",
        x.request_token(&consumer, "oob", None).await,
    );
    shown.result("refresh", x.refresh(&client, &user).await);
    shown.result(
        "revoke",
        x.revoke(&client, &canary("access"), TokenTypeHint::AccessToken)
            .await,
    );
    let bearer = Credential::Bearer(BearerToken::new(canary("bearer")));
    shown.result(
        "send",
        x.send(&bearer, "GET", "/2/users/me", &Body::Empty).await,
    );
}

async fn refused_logins(world: &World, shown: &mut Shown) {
    let x = &world.x;
    let app = &world.sandbox.config().apps[0];
    let wrong = ConsumerKeys::new(&app.consumer_key, canary("cs")).unwrap();
    shown.result("obtain_bearer", x.obtain_bearer(&wrong).await);
    shown.result("request_token", x.request_token(&wrong, "oob", None).await);
    let rt = x
        .request_token(&world.consumer(), "oob", None)
        .await
        .unwrap();
    let pin = OAuthVerifier::new(canary("pin"));
    shown.result(
        "access_token",
        x.access_token(&world.consumer(), &rt, &pin).await,
    );
    let signer = OAuth1::new(world.consumer())
        .with_token(AccessToken::new(&app.access_token, canary("ts")).unwrap());
    shown.result("users_me", x.users_me(&Credential::OAuth1(signer)).await);
    let bearer = Credential::Bearer(BearerToken::new(canary("bearer")));
    // Refused before it is sent (the endpoint needs a user), and by the
    // sandbox (an unknown bearer: 401 with the bearer's hint).
    shown.result("users_me bearer", x.users_me(&bearer).await);
    shown.result(
        "user_by_username bearer",
        x.user_by_username(&bearer, "X").await,
    );
    let mut narrow = OAuth2UserToken::new(canary("narrow"));
    narrow.scopes = vec![x_api_auth::oauth2::Scope::TWEET_READ];
    shown.result(
        "send without a scope",
        x.send(
            &Credential::OAuth2User(narrow),
            "POST",
            "/2/tweets",
            &x_api_auth::Body::Empty,
        )
        .await,
    );
    let client = OAuth2Client::public("sandbox-public-client").unwrap();
    let mut stale = OAuth2UserToken::new(canary("access"));
    stale.refresh_token = Some(RefreshToken::new(canary("refresh")));
    shown.result("refresh", x.refresh(&client, &stale).await);
    let confidential = OAuth2Client::confidential("sandbox-confidential-client", canary("client"));
    if let Ok(confidential) = confidential {
        shown.result(
            "refresh confidential",
            x.refresh(&confidential, &stale).await,
        );
    }
}

fn store_errors(shown: &mut Shown) {
    let dir = std::env::temp_dir().join(format!("x-api-auth-canary-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let url = format!("file:{}", dir.display());
    let store = open_store(Some(&url)).unwrap();
    let key = x_api_auth::tokens::RecordKey::user("default", "1").unwrap();
    let path = dir.join("default").join("users").join("1.json");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    // Private, as the store requires, so that the parser sees the records:
    // a truncated one, and one with a token where an object belongs.
    let records = [
        format!(
            r#"{{"format":2,"record":{{"type":"user","oauth2":{{"access_token":"{}""#,
            canary("stored")
        ),
        format!(
            r#"{{"format":2,"record":{{"type":"user","user_id":"1","oauth2":"{}"}}}}"#,
            canary("misplaced")
        ),
    ];
    for record in records {
        std::fs::write(&path, record).unwrap();
        std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o600))
            .unwrap();
        shown.result("corrupt record", store.load(&key));
        shown.result(
            "import",
            Record::import(&std::fs::read_to_string(&path).unwrap()),
        );
    }
    for option in ["key:hex:", "password="] {
        let url = format!("file:{}?{option}{}", dir.display(), canary("option"));
        shown.result(
            "unknown option",
            open_store(Some(&url)).map(|s| format!("{s:?}")),
        );
    }
    shown.result(
        "unknown store URL",
        open_store(Some(&format!(
            "rediss+tls://:{}@host:1/0",
            canary("password")
        )))
        .map(|s| format!("{s:?}")),
    );
    let sealed = format!("{url}?key=base64:{}", "A".repeat(43));
    let e = open_store(Some(&format!(
        "file:{}?key=hex:{}",
        dir.display(),
        canary("key")
    )));
    shown.result("store key", e.map(|s| format!("{s:?}")));
    shown.result(
        "sealed store",
        open_store(Some(&sealed)).map(|s| format!("{s:?}")),
    );
    let _ = std::fs::remove_dir_all(&dir);
}

async fn manager_text(world: &World, shown: &mut Shown, secrets: &mut Vec<String>) {
    let dir = std::env::temp_dir().join(format!("x-api-auth-canary-m-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let store: Arc<dyn TokenStore> = open_store(Some(&format!("file:{}", dir.display()))).unwrap();
    let manager = TokenManager::new(world.x.clone(), store.clone(), None).unwrap();
    manager
        .set_app_keys(
            Some(ConsumerKeys::new("ck", canary("cs")).unwrap()),
            Some(OAuth2Client::confidential("id", canary("client")).unwrap()),
        )
        .await
        .unwrap();
    let user = world.login().await;
    secrets.push(user.access_token.secret().to_owned());
    let mut record = UserRecord::new("2244994945");
    record.oauth2 = Some(user);
    record.oauth1 = Some(AccessToken::new("1-t", canary("ts")).unwrap());
    let saved = manager.save_login(record).await.unwrap();
    shown.debug("UserRecord", &saved);
    shown.debug("TokenManager", &manager);
    shown.debug("TokenStore", &store);
    shown.result("list", store.list(None));
    let _ = std::fs::remove_dir_all(&dir);
}

async fn sandbox_output(world: &World, shown: &mut Shown) {
    let transport = ReqwestTransport::new(Duration::from_secs(10)).unwrap();
    let base = world.sandbox.base_url();
    let requests = [
        HttpRequest::new("GET", format!("{base}/2/users/me"))
            .header("authorization", format!("Bearer {}", canary("bearer"))),
        HttpRequest::new("POST", format!("{base}/2/oauth2/token")).body(
            "application/x-www-form-urlencoded",
            format!(
                "grant_type=refresh_token&refresh_token={}&client_id=sandbox-public-client",
                canary("refresh")
            ),
        ),
        HttpRequest::new("POST", format!("{base}/oauth2/token"))
            .header("authorization", format!("Basic {}", canary("basic")))
            .body(
                "application/x-www-form-urlencoded",
                "grant_type=client_credentials",
            ),
        HttpRequest::new("POST", format!("{base}/oauth/request_token")).header(
            "authorization",
            format!(
                "OAuth oauth_consumer_key=\"{}\", oauth_signature=\"{}\"",
                canary("ck"),
                canary("sig")
            ),
        ),
    ];
    for request in requests {
        let what = format!("sandbox {} {}", request.method, request.url);
        let response = transport.send(request).await.unwrap();
        shown.debug(&what, &response.headers);
        shown
            .0
            .push((what, String::from_utf8_lossy(&response.body).into_owned()));
    }
}

#[tokio::test]
async fn no_output_path_shows_a_canary_secret() {
    let list = list();
    let panics = Arc::new(Mutex::new(Vec::<String>::new()));
    let seen = panics.clone();
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        seen.lock().unwrap().push(info.to_string());
        previous(info);
    }));

    let world = World::start().await;
    let mut secrets = Vec::new();
    let mut walked: BTreeMap<&str, Shown> = BTreeMap::new();
    credential_text(walked.entry("credential.text").or_default());
    flow_results(
        &world,
        walked.entry("flow_result.text").or_default(),
        &mut secrets,
    )
    .await;
    invalid_inputs(walked.entry("error.invalid_input").or_default());
    transport_errors(walked.entry("error.transport").or_default()).await;
    refused_logins(&world, walked.entry("error.refused_login").or_default()).await;
    store_errors(walked.entry("error.store").or_default());
    manager_text(
        &world,
        walked.entry("manager.text").or_default(),
        &mut secrets,
    )
    .await;
    sandbox_output(&world, walked.entry("sandbox.output").or_default()).await;
    let panic_messages = walked.entry("panic.message").or_default();
    for message in panics.lock().unwrap().iter() {
        panic_messages.0.push(("panic".into(), message.clone()));
    }

    let mut listed: Vec<&str> = list["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    listed.sort_unstable();
    let checked: Vec<&str> = walked.keys().copied().collect();
    assert_eq!(checked, listed, "every listed output path is walked");
    let mut leaks = Vec::new();
    for (path, shown) in &walked {
        if *path != "panic.message" {
            assert!(
                !shown.0.is_empty(),
                "{path} showed nothing: the walk is broken"
            );
        }
        leaks.extend(
            shown
                .leaks(&secrets)
                .into_iter()
                .map(|l| format!("[{path}] {l}")),
        );
    }
    assert!(leaks.is_empty(), "leaks:\n{}", leaks.join("\n"));
}
