//! The `x-api-auth` command against the sandbox: every command, the browser
//! logins end to end through the loopback callback server (the test plays
//! the browser), bad input with its exit code, and a canary secret that no
//! output may show without --show-secrets.

#![allow(clippy::unwrap_used, missing_docs)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::Mutex;
use std::time::Duration;

use x_api_auth::transport::{HttpRequest, ReqwestTransport, Transport};
use x_api_auth_sandbox::browser::{Consent, consent};
use x_api_auth_sandbox::{Sandbox, SandboxConfig};

const CANARY: &str = "CANARYsecretc4n4ryCANARY";

/// A sandbox, a store and a settings directory of their own, and every
/// output the commands printed (for the canary check).
struct World {
    sandbox: Sandbox,
    dir: PathBuf,
    outputs: Mutex<Vec<String>>,
}

impl World {
    async fn start(name: &str) -> Self {
        Self::start_with(name, SandboxConfig::default()).await
    }

    async fn start_with(name: &str, config: SandboxConfig) -> Self {
        let sandbox = Sandbox::start(config).await.unwrap();
        let dir =
            std::env::temp_dir().join(format!("x-api-auth-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self {
            sandbox,
            dir,
            outputs: Mutex::new(Vec::new()),
        }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_x-api-auth"));
        command
            .args(args)
            .env(
                "X_API_AUTH_STORE",
                format!("file:{}", self.dir.join("store").display()),
            )
            .env("X_API_AUTH_CONFIG_DIR", self.dir.join("config"))
            .env("X_API_AUTH_API_BASE", self.sandbox.base_url())
            .env("X_API_AUTH_WEB_BASE", self.sandbox.base_url())
            .env("BROWSER", "true")
            .env_remove("X_API_AUTH_PROFILE")
            .env_remove("X_API_KEY")
            .env_remove("X_API_SECRET")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }

    /// Runs a command to its end, `stdin` written to it.
    async fn run(&self, args: &[&str], stdin: &str) -> Output {
        let mut child = self.command(args).spawn().unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        let output = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
            .await
            .unwrap();
        self.keep(&output);
        output
    }

    fn keep(&self, output: &Output) {
        let mut outputs = self.outputs.lock().unwrap();
        outputs.push(String::from_utf8_lossy(&output.stdout).into_owned());
        outputs.push(String::from_utf8_lossy(&output.stderr).into_owned());
    }

    /// Runs a command that must succeed; its stdout.
    async fn ok(&self, args: &[&str]) -> String {
        let output = self.run(args, "").await;
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }

    /// Runs a command that must fail with `code`: its one-line error.
    async fn fails(&self, args: &[&str], stdin: &str, code: i32) -> String {
        let output = self.run(args, stdin).await;
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert_eq!(output.status.code(), Some(code), "{args:?}: {stderr}");
        let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(
            lines.len(),
            1,
            "{args:?}: one line, no stack trace: {stderr}"
        );
        assert!(
            lines[0].starts_with("error: ") && !stderr.contains("panicked"),
            "{stderr}"
        );
        stderr
    }

    async fn add_app(&self) {
        let app = &self.sandbox.config().apps[0];
        self.run(
            &[
                "apps",
                "add",
                "--consumer-key",
                &app.consumer_key,
                "--consumer-secret",
                "-",
                "--client-id",
                "sandbox-public-client",
            ],
            &format!("{}\n", app.consumer_secret.as_str()),
        )
        .await;
    }

    /// No output showed the canary, nor a secret of the sandbox's app (its
    /// API Key Secret and its owner's access token secret went in through
    /// stdin or the store only).
    fn assert_no_canary(&self) {
        let app = &self.sandbox.config().apps[0];
        let secrets = [
            app.consumer_secret.as_str(),
            app.access_token_secret.as_str(),
            "c4n4ry",
        ];
        for output in self.outputs.lock().unwrap().iter() {
            for secret in secrets {
                assert!(!output.contains(secret), "a secret was shown: {output}");
            }
        }
    }
}

impl Drop for World {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Reads the child's stderr until the consent URL, and plays the browser:
/// consent on the sandbox, then the redirect to the CLI's callback server.
async fn play_browser(child: &mut Child) -> Consent {
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let url = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        loop {
            line.clear();
            assert!(
                stderr.read_line(&mut line).unwrap() > 0,
                "the CLI printed no URL"
            );
            if line.starts_with("http://") {
                return line.trim().to_owned();
            }
        }
    })
    .await
    .unwrap();
    let consent = consent(&url, true, None).await.unwrap();
    if let Consent::Redirect(location) = &consent {
        let transport = ReqwestTransport::new(Duration::from_secs(10)).unwrap();
        let page = transport
            .send(HttpRequest::new("GET", location.clone()))
            .await
            .unwrap();
        assert_eq!(page.status, 200, "{}", String::from_utf8_lossy(&page.body));
    }
    consent
}

async fn finish(child: Child) -> Output {
    tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tour_walks_every_credential_type_offline() {
    let world = World::start("tour").await;
    let out = world.ok(&["tour"]).await;
    let steps = [
        "sign X's reference request",
        "3-legged OAuth 1.0a with a callback",
        "3-legged OAuth 1.0a with a PIN",
        "a stale clock healed",
        "app-only bearer: obtain, use, invalidate",
        "OAuth 2.0 PKCE, public client",
        "OAuth 2.0 PKCE, confidential client",
        "refresh, with rotation",
        "a spent refresh token is refused",
        "20 concurrent requests across an expiry",
        "revoke",
        "webhook CRC and event signature",
    ];
    let lines: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("ok") || l.starts_with("FAIL"))
        .collect();
    assert_eq!(lines.len(), steps.len(), "{out}");
    for (line, step) in lines.iter().zip(steps) {
        assert!(
            line.starts_with("ok   ") && line.contains(step),
            "{line} (expected {step})"
        );
    }
    assert!(
        out.contains("Ls93hJiZbQ3akF3HF3x1Bz8/zU4=") && out.contains("1 refresh counted"),
        "{out}"
    );
    let document: serde_json::Value =
        serde_json::from_str(&world.ok(&["tour", "--json"]).await).unwrap();
    assert_eq!(
        (
            document["failed"].as_u64(),
            document["steps"].as_array().map(Vec::len)
        ),
        (Some(0), Some(steps.len()))
    );
    world.assert_no_canary();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oauth2_login_without_a_browser_takes_the_pasted_redirect() {
    let world = World::start("paste").await;
    world.add_app().await;
    let mut child = world
        .command(&[
            "login",
            "oauth2",
            "--no-browser",
            "--callback",
            "https://app.example/callback",
        ])
        .spawn()
        .unwrap();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let (url, mut stderr) = tokio::task::spawn_blocking(move || read_url(stderr))
        .await
        .unwrap();
    let Consent::Redirect(location) = consent(&url, true, None).await.unwrap() else {
        panic!("no redirect")
    };
    assert!(
        location.starts_with("https://app.example/callback?"),
        "{location}"
    );
    // (a CLI that stopped already is reported below, with its stderr)
    let _ = child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{location}\n").as_bytes());
    let login = finish(child).await;
    world.keep(&login);
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).unwrap();
    assert!(login.status.success(), "{rest}");
    assert!(world.ok(&["whoami"]).await.contains("@sandbox_user"));
    world.assert_no_canary();
}

/// Reads a CLI's stderr up to the URL it prints; the URL and the rest.
fn read_url(
    mut stderr: BufReader<std::process::ChildStderr>,
) -> (String, BufReader<std::process::ChildStderr>) {
    let mut line = String::new();
    loop {
        line.clear();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "the CLI printed no URL"
        );
        if line.starts_with("http://") {
            return (line.trim().to_owned(), stderr);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apps_are_kept_redacted_replaced_without_losing_users_and_removed() {
    let world = World::start("apps").await;
    world
        .run(
            &[
                "apps",
                "add",
                "--consumer-key",
                "ck",
                "--consumer-secret",
                "-",
                "--profile",
                "bot",
            ],
            &format!("{CANARY}\n"),
        )
        .await;
    let shown = world.ok(&["apps", "show", "--profile", "bot"]).await;
    assert!(
        shown.contains("\"consumer_key\": \"ck\"") && shown.contains("[redacted]"),
        "{shown}"
    );
    let list = world.ok(&["apps", "list", "--json"]).await;
    assert!(list.contains("\"profile\":\"bot\""), "{list}");
    world
        .fails(
            &[
                "apps",
                "add",
                "--consumer-key",
                "ck2",
                "--consumer-secret",
                "x",
                "--profile",
                "bot",
            ],
            "",
            2,
        )
        .await;
    world
        .ok(&[
            "apps",
            "set-keys",
            "--consumer-key",
            "ck2",
            "--consumer-secret",
            "s2",
            "--profile",
            "bot",
        ])
        .await;
    world.ok(&["apps", "use", "bot"]).await;
    let now = world.ok(&["apps", "show", "--json"]).await;
    assert!(
        now.contains("\"consumer_key\":\"ck2\""),
        "apps use made bot the default: {now}"
    );
    world.ok(&["apps", "remove"]).await;
    world.fails(&["apps", "show"], "", 3).await;
    world.assert_no_canary();
    let revealed = world.run(&["apps", "show", "--show-secrets"], "").await;
    assert!(!revealed.status.success(), "the profile was removed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_one_line_with_its_exit_code() {
    let world = World::start("bad").await;
    let e = world
        .fails(&["apps", "add", "--consumer-key", "ck"], "", 2)
        .await;
    assert!(
        e.contains("no terminal") && e.contains("--consumer-secret -"),
        "{e}"
    );
    let e = world
        .fails(&["apps", "show", "--profile", "nope"], "", 3)
        .await;
    assert!(e.contains("apps add"), "{e}");
    world
        .fails(&["login", "oauth2", "--profile", "nope"], "", 3)
        .await;
    world.fails(&["whoami"], "", 3).await;
    world
        .fails(&["sign", "--url", "https://api.x.com/2/users/me"], "", 3)
        .await;
    world
        .fails(&["--store", "ftp://nowhere", "apps", "list"], "", 4)
        .await;
    world.add_app().await;
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let callback = format!("http://127.0.0.1:{}/cb", taken.local_addr().unwrap().port());
    let e = world
        .fails(&["login", "oauth2", "--callback", &callback], "", 1)
        .await;
    assert!(e.contains("cannot listen"), "{e}");
    let misspelt = [
        "login",
        "oauth2",
        "--scopes",
        "tweet.read,tweet.reed",
        "--callback",
        &callback,
    ];
    let e = world.fails(&misspelt, "", 2).await;
    assert!(
        e.contains("did you mean tweet.read?") && e.contains("custom:tweet.reed"),
        "{e}"
    );
    let e = world.fails(&["login", "oauth2"], "", 2).await;
    assert!(e.contains("--callback"), "{e}");
    let usage = world.run(&["login", "sideways"], "").await;
    assert_eq!(usage.status.code(), Some(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oauth2_login_through_the_browser_then_requests_refresh_exec_and_revoke() {
    let world = World::start("oauth2").await;
    world.add_app().await;
    let mut child = world
        .command(&[
            "login",
            "oauth2",
            "--callback",
            "http://127.0.0.1:0/callback",
        ])
        .spawn()
        .unwrap();
    assert!(matches!(
        play_browser(&mut child).await,
        Consent::Redirect(_)
    ));
    let login = finish(child).await;
    world.keep(&login);
    assert!(
        login.status.success(),
        "{}",
        String::from_utf8_lossy(&login.stderr)
    );
    assert!(String::from_utf8_lossy(&login.stdout).contains("logged in @sandbox_user"));

    assert!(world.ok(&["whoami"]).await.contains("@sandbox_user"));
    let body = world.ok(&["request", "GET", "/2/users/me"]).await;
    assert!(body.contains("sandbox_user"), "{body}");
    let echoed = world
        .ok(&[
            "request",
            "POST",
            "/2/echo",
            "-H",
            "X-Trace: abc123",
            "--json-body",
            "{\"a\":1}",
        ])
        .await;
    assert!(
        echoed.contains("\"x-trace\",\"abc123\"") && echoed.contains("\"json\":{\"a\":1}"),
        "{echoed}"
    );
    assert!(
        echoed.contains("x-api-auth/") && echoed.contains("(cli)"),
        "the User-Agent names the CLI: {echoed}"
    );
    world
        .fails(
            &[
                "request",
                "GET",
                "/2/users/me",
                "-H",
                "Authorization: Bearer x",
            ],
            "",
            2,
        )
        .await;
    let shown = world.ok(&["token", "show", "--json"]).await;
    assert!(
        shown.contains("tweet.read") && shown.contains("[redacted]"),
        "{shown}"
    );
    world.ok(&["token", "refresh"]).await;

    let script = "test -n \"$X_OAUTH2_ACCESS_TOKEN\" && test -n \"$X_API_SECRET\" && echo child-saw:$X_CLIENT_ID";
    let out = world.ok(&["exec", "--", "sh", "-c", script]).await;
    assert_eq!(out.trim(), "child-saw:sandbox-public-client");
    let status = world.run(&["exec", "--", "sh", "-c", "exit 7"], "").await;
    assert_eq!(
        status.status.code(),
        Some(7),
        "exec exits with the child's status"
    );

    world.ok(&["token", "revoke"]).await;
    world
        .fails(
            &["request", "GET", "/2/users/me", "--auth", "oauth2"],
            "",
            3,
        )
        .await;
    world.assert_no_canary();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_callback_with_another_state_is_refused() {
    let world = World::start("state").await;
    world.add_app().await;
    let mut child = world
        .command(&[
            "login",
            "oauth2",
            "--callback",
            "http://127.0.0.1:0/callback",
        ])
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let (url, mut stderr) = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        loop {
            line.clear();
            assert!(
                stderr.read_line(&mut line).unwrap() > 0,
                "the CLI printed no URL"
            );
            if line.starts_with("http://") {
                return (line.trim().to_owned(), stderr);
            }
        }
    })
    .await
    .unwrap();
    let redirect = url
        .split("redirect_uri=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    let redirect = x_api_auth::parse_form(&format!("r={redirect}"), "query").unwrap()[0]
        .1
        .clone();
    let transport = ReqwestTransport::new(Duration::from_secs(10)).unwrap();
    let page = transport
        .send(HttpRequest::new(
            "GET",
            format!("{redirect}?state=forged&code=c"),
        ))
        .await
        .unwrap();
    assert_eq!(page.status, 400);
    let output = finish(child).await;
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(rest.contains("error: ") && rest.contains("state"), "{rest}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oauth1_logins_with_a_pin_and_with_a_callback_and_the_app_bearer() {
    let world = World::start("oauth1").await;
    world.add_app().await;
    let mut child = world
        .command(&["login", "oauth1", "--pin"])
        .spawn()
        .unwrap();
    let Consent::Pin(pin) = play_browser(&mut child).await else {
        panic!("no PIN page")
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{pin}\n").as_bytes())
        .unwrap();
    let login = finish(child).await;
    world.keep(&login);
    assert!(
        login.status.success(),
        "{}",
        String::from_utf8_lossy(&login.stderr)
    );
    assert!(String::from_utf8_lossy(&login.stdout).contains("OAuth 1.0a"));
    assert!(
        world
            .ok(&["whoami", "--auth", "oauth1"])
            .await
            .contains("@sandbox_user")
    );

    let mut child = world
        .command(&["login", "oauth1", "--callback", "http://127.0.0.1:0/oauth1"])
        .spawn()
        .unwrap();
    assert!(matches!(
        play_browser(&mut child).await,
        Consent::Redirect(_)
    ));
    let login = finish(child).await;
    world.keep(&login);
    assert!(
        login.status.success(),
        "{}",
        String::from_utf8_lossy(&login.stderr)
    );
    world.ok(&["token", "invalidate"]).await;

    world.ok(&["login", "app"]).await;
    let user = &world.sandbox.config().users[0].username;
    let found = world
        .ok(&[
            "request",
            "GET",
            &format!("/2/users/by/username/{user}"),
            "--auth",
            "app",
        ])
        .await;
    assert!(found.contains(user.as_str()), "{found}");
    world.ok(&["token", "invalidate", "--app"]).await;
    world.ok(&["doctor"]).await;
    world.assert_no_canary();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_reproduces_xs_published_signature_from_flags_alone() {
    let world = World::start("sign").await;
    let header = world
        .ok(&[
            "sign",
            "--method",
            "POST",
            "--url",
            "https://api.x.com/1.1/statuses/update.json?include_entities=true",
            "--form",
            "status=Hello Ladies + Gentlemen, a signed OAuth request!",
            "--consumer-key",
            "xvz1evFS4wEEPTGEFPHBog",
            "--consumer-secret",
            "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
            "--token",
            "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
            "--token-secret",
            "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
            "--nonce",
            "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg",
            "--timestamp",
            "1318622958",
        ])
        .await;
    assert!(
        header.trim().starts_with("OAuth ")
            && header.contains("oauth_signature=\"Ls93hJiZbQ3akF3HF3x1Bz8%2FzU4%3D\""),
        "{header}"
    );
    assert_eq!(header.lines().count(), 1, "the header and nothing else");
    let explained = world
        .ok(&[
            "sign",
            "--explain",
            "--url",
            "https://api.x.com/oauth/access_token",
            "--method",
            "POST",
            "--consumer-key",
            "k",
            "--consumer-secret",
            CANARY,
            "--verifier",
            CANARY,
        ])
        .await;
    assert!(
        explained.contains("base string:") && explained.contains("oauth_verifier%3D%5Bredacted%5D"),
        "{explained}"
    );
    let curl = world
        .ok(&[
            "sign",
            "--curl",
            "--url",
            "https://api.x.com/2/users/me",
            "--consumer-key",
            "k",
            "--consumer-secret",
            "s",
        ])
        .await;
    assert!(
        curl.starts_with("curl -X GET 'https://api.x.com/2/users/me' -H 'Authorization: OAuth "),
        "{curl}"
    );
    world.assert_no_canary();
    assert!(
        world
            .ok(&["completions", "bash"])
            .await
            .contains("x-api-auth")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_serve_answers_crc_and_refuses_forged_events() {
    use x_api_auth::webhook::{crc_response_token, sign_body};
    let world = World::start("webhook").await;
    let secret = x_api_auth::ConsumerSecret::new("webhook-secret");
    let crc = world
        .command(&["webhook", "crc", "--token", "challenge"])
        .env("X_API_SECRET", "webhook-secret")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&crc.stdout).trim(),
        crc_response_token(&secret, "challenge")
    );
    let mut child = world
        .command(&["webhook", "serve", "--port", "0"])
        .env("X_API_SECRET", "webhook-secret")
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let url = serde_json::from_str::<serde_json::Value>(&line).unwrap()["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let transport = ReqwestTransport::new(Duration::from_secs(10)).unwrap();
    let answer = transport
        .send(HttpRequest::new(
            "GET",
            format!("{url}/webhook?crc_token=challenge"),
        ))
        .await
        .unwrap();
    let expected = crc_response_token(&secret, "challenge");
    assert!(String::from_utf8_lossy(&answer.body).contains(&expected));
    let event = br#"{"for_user_id":"1"}"#.to_vec();
    let signed = HttpRequest::new("POST", format!("{url}/webhook"))
        .header("x-twitter-webhooks-signature", sign_body(&secret, &event))
        .body("application/json", event.clone());
    assert_eq!(transport.send(signed).await.unwrap().status, 200);
    let forged = HttpRequest::new("POST", format!("{url}/webhook"))
        .header("x-twitter-webhooks-signature", sign_body(&secret, b"other"))
        .body("application/json", event);
    assert_eq!(transport.send(forged).await.unwrap().status, 401);
    let mut printed = String::new();
    stdout.read_line(&mut printed).unwrap();
    assert_eq!(printed.trim(), r#"{"for_user_id":"1"}"#);
    child.kill().unwrap();
    let _ = child.wait();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_come_in_from_twurl_xurl_and_dotenv_and_work() {
    let world = World::start("import").await;
    let app = world.sandbox.config().apps[0].clone();
    let (key, secret) = (app.consumer_key.as_str(), app.consumer_secret.as_str());
    let (token, token_secret) = (app.access_token.as_str(), app.access_token_secret.as_str());
    let twurlrc = world.dir.join("twurlrc");
    std::fs::write(
        &twurlrc,
        format!(
            "---\nprofiles:\n  sandbox_user:\n    {key}:\n      username: sandbox_user\n      consumer_key: {key}\n      consumer_secret: {secret}\n      token: {token}\n      secret: {token_secret}\nconfiguration:\n  default_profile:\n  - sandbox_user\n  - {key}\n"
        ),
    )
    .unwrap();
    let out = world
        .ok(&[
            "apps",
            "import",
            "--from",
            "twurl",
            twurlrc.to_str().unwrap(),
            "--profile",
            "twurl",
        ])
        .await;
    assert!(out.contains("API Key & Secret, access token"), "{out}");
    assert!(
        world
            .ok(&["whoami", "--auth", "oauth1", "--profile", "twurl"])
            .await
            .contains("@sandbox_user")
    );

    let xurl = world.dir.join("xurl");
    let store = serde_json::json!({
        "oauth1_tokens": {"type": "oauth1", "oauth1": {"access_token": token, "token_secret": token_secret, "consumer_key": key, "consumer_secret": secret}},
        "oauth2_tokens": {"someone": {"type": "oauth2", "oauth2": {"access_token": "a", "refresh_token": "r", "expiration_time": 0}}},
    });
    std::fs::write(&xurl, store.to_string()).unwrap();
    let imported = world
        .run(
            &[
                "apps",
                "import",
                "--from",
                "xurl",
                xurl.to_str().unwrap(),
                "--profile",
                "xurl",
            ],
            "",
        )
        .await;
    assert!(imported.status.success());
    assert!(
        String::from_utf8_lossy(&imported.stderr)
            .contains("skipped: xurl's OAuth 2.0 token of someone")
    );
    assert!(
        world
            .ok(&["whoami", "--auth", "oauth1", "--profile", "xurl"])
            .await
            .contains("@sandbox_user")
    );

    let dotenv = world.dir.join(".env");
    std::fs::write(&dotenv, format!("# keys\nexport X_API_KEY={key}\nX_API_SECRET=\"{secret}\"\nX_CLIENT_ID=sandbox-public-client\n")).unwrap();
    world
        .ok(&[
            "apps",
            "import",
            "--from",
            "dotenv",
            dotenv.to_str().unwrap(),
            "--profile",
            "env",
        ])
        .await;
    world.ok(&["login", "app", "--profile", "env"]).await;
    let shown = world
        .ok(&["apps", "show", "--profile", "env", "--json"])
        .await;
    assert!(
        shown.contains("\"client_id\":\"sandbox-public-client\"") && shown.contains(key),
        "{shown}"
    );
    let e = world
        .fails(
            &["apps", "import", "--from", "twurl", "/nonexistent/twurlrc"],
            "",
            2,
        )
        .await;
    assert!(e.contains("cannot read"), "{e}");
}

/// Logs the default user in with OAuth 2.0 through the loopback server.
async fn log_in_through_the_browser(world: &World) {
    let mut child = world
        .command(&[
            "login",
            "oauth2",
            "--callback",
            "http://127.0.0.1:0/callback",
        ])
        .spawn()
        .unwrap();
    play_browser(&mut child).await;
    assert!(finish(child).await.status.success());
}

/// Logs the default user in with OAuth 1.0a and the PIN the consent page shows.
async fn log_in_with_a_pin(world: &World) {
    let mut child = world
        .command(&["login", "oauth1", "--pin"])
        .spawn()
        .unwrap();
    let Consent::Pin(pin) = play_browser(&mut child).await else {
        panic!("no PIN page")
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{pin}\n").as_bytes())
        .unwrap();
    assert!(finish(child).await.status.success());
}

/// Logs the default user in with OAuth 2.0 and OAuth 1.0a (PIN).
async fn log_in_both_ways(world: &World) {
    log_in_through_the_browser(world).await;
    log_in_with_a_pin(world).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_says_what_is_wrong_and_what_to_do() {
    let world = World::start("doctor").await;
    world.add_app().await;
    log_in_both_ways(&world).await;
    world.ok(&["login", "app"]).await;
    let healthy = world.ok(&["doctor"]).await;
    for line in [
        "ok   clock",
        "ok   API Key & Secret",
        "ok   bearer token",
        "ok   @sandbox_user, OAuth 1.0a",
        "ok   @sandbox_user, OAuth 2.0",
    ] {
        assert!(healthy.contains(line), "{line}: {healthy}");
    }
    assert!(
        healthy.contains("scopes tweet.read users.read offline.access"),
        "{healthy}"
    );

    let skewed = world
        .run(&["doctor", "--simulated-clock-skew", "-3600"], "")
        .await;
    let out = String::from_utf8_lossy(&skewed.stdout);
    assert_eq!(skewed.status.code(), Some(1));
    assert!(
        out.contains("FAIL clock") && out.contains("3600 s behind") && out.contains("NTP"),
        "{out}"
    );

    let app = &world.sandbox.config().apps[0];
    world
        .ok(&[
            "apps",
            "set-keys",
            "--consumer-key",
            &app.consumer_key,
            "--consumer-secret",
            "regenerated-in-the-portal",
        ])
        .await;
    let out = String::from_utf8_lossy(&world.run(&["doctor"], "").await.stdout).into_owned();
    assert!(
        out.contains("FAIL API Key & Secret") && out.contains("apps set-keys"),
        "{out}"
    );
    assert!(
        out.contains("FAIL @sandbox_user, OAuth 1.0a") && out.contains("code 32"),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_names_the_portal_step_for_enrollment_billing_and_read_only_apps() {
    for (api_access, expected) in [
        ("client-not-enrolled", "attached to a Project"),
        ("user-not-enrolled", "billed to the authenticated user"),
        ("payment-required", "no credits left"),
    ] {
        let config = SandboxConfig {
            api_access: api_access.to_owned(),
            ..SandboxConfig::default()
        };
        let world = World::start_with(api_access, config).await;
        world.add_app().await;
        log_in_with_a_pin(&world).await;
        let out = String::from_utf8_lossy(&world.run(&["doctor"], "").await.stdout).into_owned();
        assert!(
            out.contains("FAIL @sandbox_user, OAuth 1.0a") && out.contains(expected),
            "{api_access}: {out}"
        );
    }
    let mut config = SandboxConfig::default();
    config.apps[0].access_level = "read".to_owned();
    let world = World::start_with("read-only", config).await;
    world.add_app().await;
    log_in_with_a_pin(&world).await;
    let out = world.ok(&["doctor"]).await;
    assert!(
        out.contains("access level is read") && out.contains("log in again"),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sandbox_command_serves_and_says_where() {
    let world = World::start("sandbox").await;
    let mut child = world.command(&["sandbox", "--port", "0"]).spawn().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let info: serde_json::Value = serde_json::from_str(&line).unwrap();
    let base = info["base_url"].as_str().unwrap().to_owned();
    let transport = ReqwestTransport::new(Duration::from_secs(10)).unwrap();
    let answer = transport
        .send(HttpRequest::new("GET", format!("{base}/2/users/me")))
        .await
        .unwrap();
    assert_eq!(
        answer.status, 401,
        "the sandbox answers as X does without credentials"
    );
    child.kill().unwrap();
    let _ = child.wait();
    let e = world
        .fails(&["sandbox", "--config", "/nonexistent.json"], "", 2)
        .await;
    assert!(e.contains("cannot read"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn output_into_a_closed_pipe_is_not_a_panic() {
    let world = World::start("pipe").await;
    let mut child = world.command(&["tour"]).spawn().unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap(); // then `| head -1` closes
    let output = finish(child).await;
    assert!(first.starts_with("ok"), "{first}");
    assert!(
        !String::from_utf8_lossy(&output.stderr).contains("panicked"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_spots_a_spent_refresh_token_and_a_client_type_mismatch() {
    let world = World::start("doctor-oauth2").await;
    world.add_app().await;
    log_in_through_the_browser(&world).await;
    // Keep the record, refresh (X rotates the refresh token), put the old one back.
    let users = world.dir.join("store/default/users");
    let record = std::fs::read_dir(&users)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let before = std::fs::read(&record).unwrap();
    world.ok(&["token", "refresh"]).await;
    std::fs::write(&record, before).unwrap();
    world.sandbox.advance_clock(Duration::from_secs(7_300));
    let out = String::from_utf8_lossy(&world.run(&["doctor"], "").await.stdout).into_owned();
    assert!(
        out.contains("FAIL @sandbox_user, OAuth 2.0") && out.contains("refresh token is spent"),
        "{out}"
    );
    assert!(out.contains("login oauth2"), "{out}");

    let world = World::start("doctor-client").await;
    world.add_app().await;
    let confidential = [
        "--client-id",
        "sandbox-confidential-client",
        "--client-secret",
        "sandbox-client-secret",
    ];
    world
        .ok(&[&["apps", "set-keys"][..], &confidential[..]].concat())
        .await;
    log_in_through_the_browser(&world).await;
    // The portal says "confidential"; the stored client lost its secret.
    world
        .ok(&[
            "apps",
            "set-keys",
            "--client-id",
            "sandbox-confidential-client",
        ])
        .await;
    world.sandbox.advance_clock(Duration::from_secs(7_300));
    let out = String::from_utf8_lossy(&world.run(&["doctor"], "").await.stdout).into_owned();
    assert!(
        out.contains("FAIL @sandbox_user, OAuth 2.0") && out.contains("Type of App"),
        "{out}"
    );
}

#[test]
fn every_command_has_help_with_an_example() {
    let leaves = [
        "apps add",
        "apps set-keys",
        "apps list",
        "apps show",
        "apps remove",
        "apps use",
        "apps import",
        "login app",
        "login oauth1",
        "login oauth2",
        "token show",
        "token refresh",
        "token revoke",
        "token invalidate",
        "whoami",
        "sign",
        "request",
        "exec",
        "webhook crc",
        "webhook serve",
        "sandbox",
        "tour",
        "doctor",
        "completions",
    ];
    for leaf in leaves {
        let mut args: Vec<&str> = leaf.split(' ').collect();
        args.push("--help");
        let output = Command::new(env!("CARGO_BIN_EXE_x-api-auth"))
            .args(&args)
            .output()
            .unwrap();
        let help = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success() && help.contains("Example"),
            "{leaf}: {help}"
        );
    }
}
