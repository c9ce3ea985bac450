//! The token manager against the sandbox: one refresh for many concurrent
//! callers, the rotated token stored before anyone gets it, a failed write
//! that never loses the token, a refused refresh that marks the record, and
//! processes killed mid-refresh.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use x_api_auth::oauth2::Scope;
use x_api_auth::tokens::stores::file::FileStore;
use x_api_auth::tokens::{Record, RecordKey, RecordLock, TokenManager, TokenStore, UserRecord};
use x_api_auth::{Error, OAuth2Client, StoreErrorKind, XAuth};
use x_api_auth_sandbox::{Sandbox, SandboxConfig};

use crate::file_store::temp_dir;

const CALLBACK: &str = "https://app.example/callback";

/// A sandbox whose access tokens live `lifetime` seconds, and a manager on a
/// fresh file store holding one logged-in user.
pub struct Fleet {
    pub sandbox: Sandbox,
    pub x: XAuth,
    pub store: Arc<dyn TokenStore>,
    pub store_path: String,
}

impl Fleet {
    pub async fn start(name: &str, lifetime: u64) -> Self {
        let config = SandboxConfig {
            access_token_lifetime_secs: lifetime,
            ..SandboxConfig::default()
        };
        let sandbox = Sandbox::start(config).await.unwrap();
        let x = XAuth::with_base_urls(
            &sandbox.base_url(),
            &sandbox.base_url(),
            Duration::from_secs(10),
        )
        .unwrap();
        let store_path = temp_dir(name).join("store").display().to_string();
        let store: Arc<dyn TokenStore> = Arc::new(FileStore::open(&store_path).unwrap());
        Self {
            sandbox,
            x,
            store,
            store_path,
        }
    }

    /// User 1001's record as stored now.
    pub fn stored(&self) -> UserRecord {
        match self
            .store
            .load(&RecordKey::user("fleet", "1001").unwrap())
            .unwrap()
        {
            Some(Record::User(record)) => record,
            other => panic!("no user record is stored: {other:?}"),
        }
    }

    pub fn manager(&self) -> TokenManager {
        TokenManager::new(self.x.clone(), self.store.clone(), Some("fleet"))
            .unwrap()
            .with_refresh_margin(Duration::from_secs(1))
    }

    /// Logs `user` (a sandbox user id) in with PKCE and stores the login.
    pub async fn login(&self, manager: &TokenManager, user: &str) -> UserRecord {
        let client = OAuth2Client::public("sandbox-public-client").unwrap();
        manager
            .set_app_keys(None, Some(client.clone()))
            .await
            .unwrap();
        let scopes = [Scope::TWEET_READ, Scope::USERS_READ, Scope::OFFLINE_ACCESS];
        let pending = self
            .x
            .start_authorization(&client, CALLBACK, &scopes)
            .unwrap();
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let consent = format!(
            "{}&sandbox_decision=approve&sandbox_user={user}",
            pending.url
        );
        let response = http.get(consent).send().await.unwrap();
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        let token = self
            .x
            .finish_authorization(&client, pending, &location)
            .await
            .unwrap();
        let mut record = UserRecord::new(user);
        record.oauth2 = Some(token);
        manager.save_login(record).await.unwrap()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_concurrent_callers_at_expiry_cause_one_refresh() {
    let fleet = Fleet::start("concurrent", 2).await;
    let manager = fleet.manager();
    fleet.login(&manager, "1001").await;
    let first = manager.access_token(None).await.unwrap();
    assert_eq!(fleet.sandbox.counters().refreshes, 0);
    tokio::time::sleep(Duration::from_millis(1100)).await; // now within the 1 s margin

    let callers: Vec<_> = (0..64)
        .map(|_| {
            let manager = manager.clone();
            tokio::spawn(async move { manager.access_token(None).await })
        })
        .collect();
    let mut tokens = Vec::new();
    for caller in callers {
        tokens.push(caller.await.unwrap().unwrap());
    }
    assert_eq!(fleet.sandbox.counters().refreshes, 1);
    assert_eq!(fleet.sandbox.counters().refresh_reuse_detected, 0);
    assert!(
        tokens
            .iter()
            .all(|t| t.access_token == tokens[0].access_token)
    );
    assert!(tokens[0].access_token != first.access_token);
    // stored before anyone got it
    let stored = fleet
        .store
        .load(&RecordKey::user("fleet", "1001").unwrap())
        .unwrap();
    let Some(Record::User(stored)) = stored else {
        panic!("no record")
    };
    assert_eq!(stored.oauth2.unwrap().access_token, tokens[0].access_token);
    assert_eq!(stored.generation, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_managers_sharing_a_store_refresh_once() {
    // two managers stand for two processes: separate caches, one store
    let fleet = Fleet::start("two-managers", 2).await;
    let (a, b) = (fleet.manager(), fleet.manager());
    fleet.login(&a, "1001").await;
    for round in 1..=3 {
        tokio::time::sleep(Duration::from_millis(1100)).await;
        let calls: Vec<_> = (0..32)
            .map(|i| {
                let m = if i % 2 == 0 { a.clone() } else { b.clone() };
                tokio::spawn(async move { m.access_token(None).await })
            })
            .collect();
        for call in calls {
            call.await.unwrap().unwrap();
        }
        assert_eq!(fleet.sandbox.counters().refreshes, round);
    }
    assert_eq!(fleet.sandbox.counters().refresh_reuse_detected, 0);
}

#[tokio::test]
async fn a_refused_refresh_marks_the_record_and_keeps_it() {
    let fleet = Fleet::start("refused", 7200).await;
    let manager = fleet.manager();
    let login = fleet.login(&manager, "1001").await;
    // somebody else spends the refresh token
    let client = OAuth2Client::public("sandbox-public-client").unwrap();
    fleet
        .x
        .refresh(&client, login.oauth2.as_ref().unwrap())
        .await
        .unwrap();
    let e = manager
        .refresh_after_unauthorized(None, login.oauth2.as_ref().unwrap())
        .await
        .unwrap_err();
    assert_eq!(e.code(), "X_REAUTHORIZE");
    assert!(matches!(e, Error::LoginRequired { .. }), "{e:?}");
    let stored = fleet.stored();
    assert!(stored.needs_login && stored.oauth2.is_some());
    assert_eq!(
        manager.access_token(None).await.unwrap_err().code(),
        "X_REAUTHORIZE"
    );
    // a new login clears it
    fleet.login(&manager, "1001").await;
    manager.access_token(None).await.unwrap();
}

/// A store whose saves fail while `broken` is set.
#[derive(Debug)]
struct Flaky {
    inner: FileStore,
    broken: AtomicBool,
}

impl TokenStore for Flaky {
    fn location(&self) -> String {
        self.inner.location()
    }
    fn load(&self, key: &RecordKey) -> x_api_auth::Result<Option<Record>> {
        self.inner.load(key)
    }
    fn save(
        &self,
        key: &RecordKey,
        record: &Record,
        expected: u64,
        lock: Option<&RecordLock>,
    ) -> x_api_auth::Result<()> {
        if self.broken.load(Ordering::SeqCst) {
            return Err(Error::Store {
                kind: StoreErrorKind::Io,
                location: self.location(),
                reason: "disk full (injected)".into(),
            });
        }
        self.inner.save(key, record, expected, lock)
    }
    fn lock(&self, key: &RecordKey, wait: Duration) -> x_api_auth::Result<RecordLock> {
        self.inner.lock(key, wait)
    }
    fn list(&self, profile: Option<&str>) -> x_api_auth::Result<Vec<RecordKey>> {
        self.inner.list(profile)
    }
    fn delete(&self, key: &RecordKey) -> x_api_auth::Result<()> {
        self.inner.delete(key)
    }
}

#[tokio::test]
async fn a_failed_write_never_loses_the_token_x_issued() {
    let mut fleet = Fleet::start("flaky", 2).await;
    let flaky = Arc::new(Flaky {
        inner: FileStore::open(&fleet.store_path).unwrap(),
        broken: AtomicBool::new(false),
    });
    fleet.store = flaky.clone();
    let manager = fleet.manager();
    fleet.login(&manager, "1001").await;
    tokio::time::sleep(Duration::from_millis(1100)).await;

    flaky.broken.store(true, Ordering::SeqCst);
    let e = manager.access_token(None).await.unwrap_err();
    assert_eq!(e.code(), "X_STORE");
    assert_eq!(fleet.sandbox.counters().refreshes, 1);
    // still failing: the issued token is kept, no second refresh
    assert_eq!(
        manager.access_token(None).await.unwrap_err().code(),
        "X_STORE"
    );
    assert_eq!(fleet.sandbox.counters().refreshes, 1);

    flaky.broken.store(false, Ordering::SeqCst);
    let token = manager.access_token(None).await.unwrap();
    assert_eq!(
        fleet.sandbox.counters().refreshes,
        1,
        "the kept token was written, not refreshed again"
    );
    let stored = fleet.stored();
    assert_eq!(stored.oauth2.unwrap().access_token, token.access_token);
    // and it works at X
    let me = fleet.x.users_me(&token.into()).await.unwrap();
    assert_eq!(me["data"]["id"], "1001");
}

/// The crash test's child: refreshes as fast as it can until it is killed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a child process of processes_killed_mid_refresh_never_tear_the_store"]
async fn crash_child() {
    let base = std::env::var("X_API_AUTH_CRASH_SANDBOX").unwrap();
    let path = std::env::var("X_API_AUTH_CRASH_STORE").unwrap();
    let x = XAuth::with_base_urls(&base, &base, Duration::from_secs(10)).unwrap();
    let store = Arc::new(FileStore::open(&path).unwrap());
    let manager = TokenManager::new(x, store, Some("fleet")).unwrap();
    loop {
        let refreshed = match manager.access_token(None).await {
            Ok(token) => manager.refresh_after_unauthorized(None, &token).await,
            Err(e) => Err(e),
        };
        if let Err(e) = refreshed {
            // The parent reports it: a child that stops early is a failure.
            eprintln!("crash_child stopped: {e}");
            std::process::exit(3);
        }
    }
}

/// A small xorshift generator: random kill times without a dependency.
fn next_random(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn processes_killed_mid_refresh_never_tear_the_store() {
    let fleet = Fleet::start("crash", 7200).await;
    let manager = fleet.manager();
    fleet.login(&manager, "1001").await;
    let exe = std::env::current_exe().unwrap();
    let mut seed = 0x9E37_79B9_7F4A_7C15 ^ u64::from(std::process::id());
    let (mut kills, mut in_window) = (0, 0);
    while kills < 50 {
        let before = fleet.sandbox.counters().refreshes;
        let mut child = std::process::Command::new(&exe)
            .args([
                "token_manager::crash_child",
                "--exact",
                "--ignored",
                "--quiet",
            ])
            .env("X_API_AUTH_CRASH_SANDBOX", fleet.sandbox.base_url())
            .env("X_API_AUTH_CRASH_STORE", &fleet.store_path)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // let it get going, then kill it at a random point of its refresh loop
        while fleet.sandbox.counters().refreshes < before + 2 {
            if let Some(status) = child.try_wait().unwrap() {
                let mut stderr = String::new();
                std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr)
                    .unwrap();
                panic!("the child stopped by itself before kill {kills} ({status}): {stderr}");
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        tokio::time::sleep(Duration::from_micros(next_random(&mut seed) % 20_000)).await;
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        kills += 1;

        // the store is never torn: it parses and holds the record
        let stored = fleet.stored();
        // the next refresh renews it, or, when the kill fell between X's
        // answer and the rename, says the user must log in again
        match manager
            .refresh_after_unauthorized(None, stored.oauth2.as_ref().unwrap())
            .await
        {
            Ok(_) => {}
            Err(Error::LoginRequired { .. }) => {
                in_window += 1;
                let marked = fleet.stored();
                assert!(marked.needs_login);
                fleet.login(&manager, "1001").await;
            }
            Err(e) => panic!("after kill {kills}: {e}"),
        }
    }
    println!(
        "{kills} kills mid-refresh: store intact every time; {in_window} fell between X's answer and the rename (user marked as needing login)"
    );
    let users_dir = std::path::Path::new(&fleet.store_path).join("fleet/users");
    let stray = std::fs::read_dir(users_dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".tmp")
        })
        .count();
    println!("{stray} temporary files left by killed writers");
}

/// The read-only-directory test's child: refreshes while the store's users
/// directory is read-only, then again once it is writable.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a child process of a_read_only_store_directory_keeps_the_issued_token"]
async fn read_only_child() {
    use std::os::unix::fs::PermissionsExt;
    let base = std::env::var("X_API_AUTH_CRASH_SANDBOX").unwrap();
    let path = std::env::var("X_API_AUTH_CRASH_STORE").unwrap();
    let users = std::path::Path::new(&path).join("fleet/users");
    let x = XAuth::with_base_urls(&base, &base, Duration::from_secs(10)).unwrap();
    let manager = TokenManager::new(x, Arc::new(FileStore::open(&path).unwrap()), Some("fleet"))
        .unwrap()
        .with_refresh_margin(Duration::from_secs(1));
    std::fs::set_permissions(&users, std::fs::Permissions::from_mode(0o500)).unwrap();
    let failed = manager.access_token(None).await.unwrap_err();
    std::fs::set_permissions(&users, std::fs::Permissions::from_mode(0o700)).unwrap();
    let kept = manager.access_token(None).await.unwrap();
    println!("{} {}", failed.code(), kept.access_token.secret().len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_store_directory_keeps_the_issued_token() {
    let fleet = Fleet::start("read-only", 2).await;
    let manager = fleet.manager();
    fleet.login(&manager, "1001").await;
    // the child runs as an unprivileged user when the tests run as root, so
    // that a read-only directory refuses its writes
    let root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .unwrap()
        .stdout
        == b"0\n";
    if root {
        chown_tree(std::path::Path::new(&fleet.store_path), 65534);
    }
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let exe = std::env::current_exe().unwrap();
    let mut command = if root {
        let mut c = std::process::Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&exe);
        c
    } else {
        std::process::Command::new(&exe)
    };
    let output = command
        .args([
            "token_manager::read_only_child",
            "--exact",
            "--ignored",
            "--nocapture",
            "--quiet",
        ])
        .env("X_API_AUTH_CRASH_SANDBOX", fleet.sandbox.base_url())
        .env("X_API_AUTH_CRASH_STORE", &fleet.store_path)
        .output()
        .expect("setpriv (util-linux) runs the child as nobody");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("X_STORE "), "{stdout}");
    assert_eq!(
        fleet.sandbox.counters().refreshes,
        1,
        "the kept token was stored, not refreshed again"
    );
    let stored = fleet.stored();
    assert_eq!(stored.generation, 2);
}

fn chown_tree(path: &std::path::Path, uid: u32) {
    std::os::unix::fs::chown(path, Some(uid), Some(uid)).unwrap();
    if path.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            chown_tree(&entry.unwrap().path(), uid);
        }
    }
}

#[tokio::test]
async fn regenerated_keys_are_named_and_replaced_without_losing_users() {
    use x_api_auth::{AccessToken, Body, ConsumerKeys};
    let fleet = Fleet::start("regenerated", 7200).await;
    let manager = fleet.manager();
    let app = &fleet.sandbox.config().apps[0];
    // the stored API Key Secret is the old one; the user's OAuth 1.0a token is fine
    let old = ConsumerKeys::new(&app.consumer_key, "regenerated-away").unwrap();
    manager.set_app_keys(Some(old), None).await.unwrap();
    let mut user = UserRecord::new("1001");
    user.oauth1 =
        Some(AccessToken::new(&app.access_token, app.access_token_secret.as_str()).unwrap());
    manager.save_login(user).await.unwrap();

    let e = manager
        .send(None, "GET", "/2/users/me", &Body::Empty)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "X_AUTHENTICATION");
    assert!(
        e.to_string().contains("profile fleet") && e.to_string().contains("set_app_keys"),
        "{e}"
    );
    assert_eq!(e.api_error().unwrap().profile.as_deref(), Some("fleet"));

    let new = ConsumerKeys::new(&app.consumer_key, app.consumer_secret.as_str()).unwrap();
    manager.set_app_keys(Some(new), None).await.unwrap();
    let me = manager
        .send(None, "GET", "/2/users/me", &Body::Empty)
        .await
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(me["data"]["id"], "1001", "the user survived the new keys");
}

/// A Redis store that says when it holds a record's lock (on the first load
/// under it), and pauses there so that the test can stop the process.
#[cfg(feature = "store-redis")]
#[derive(Debug)]
struct Announcing(x_api_auth::tokens::stores::redis::RedisStore, AtomicBool);

#[cfg(feature = "store-redis")]
impl TokenStore for Announcing {
    fn location(&self) -> String {
        self.0.location()
    }
    fn load(&self, key: &RecordKey) -> x_api_auth::Result<Option<Record>> {
        if self.1.swap(false, Ordering::SeqCst) {
            println!("LOCKED");
            std::thread::sleep(Duration::from_millis(300));
        }
        self.0.load(key)
    }
    fn save(
        &self,
        key: &RecordKey,
        record: &Record,
        expected: u64,
        lock: Option<&RecordLock>,
    ) -> x_api_auth::Result<()> {
        self.0.save(key, record, expected, lock)
    }
    fn lock(&self, key: &RecordKey, wait: Duration) -> x_api_auth::Result<RecordLock> {
        let held = self.0.lock(key, wait)?;
        self.1.store(true, Ordering::SeqCst);
        Ok(held)
    }
    fn still_held(&self, key: &RecordKey, lock: &RecordLock) -> x_api_auth::Result<bool> {
        self.0.still_held(key, lock)
    }
    fn list(&self, profile: Option<&str>) -> x_api_auth::Result<Vec<RecordKey>> {
        self.0.list(profile)
    }
    fn delete(&self, key: &RecordKey) -> x_api_auth::Result<()> {
        self.0.delete(key)
    }
}

/// The stalled worker: takes the lock for a due token and reports what
/// happened once it is resumed.
#[cfg(feature = "store-redis")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a child process of a_worker_stopped_holding_its_lock_does_not_send_its_refresh"]
async fn stalled_child() {
    use x_api_auth::tokens::stores::redis::RedisStore;
    let base = std::env::var("X_API_AUTH_CRASH_SANDBOX").unwrap();
    let url = std::env::var("X_API_AUTH_CRASH_STORE").unwrap();
    let x = XAuth::with_base_urls(&base, &base, Duration::from_secs(10)).unwrap();
    let store = Arc::new(Announcing(
        RedisStore::open(&url).unwrap(),
        AtomicBool::new(false),
    ));
    let manager = TokenManager::new(x, store, Some("fleet"))
        .unwrap()
        .with_refresh_margin(Duration::from_secs(7200));
    match manager.access_token(None).await {
        Ok(_) => println!("SENT"),
        Err(e) => println!("REFUSED {e}"),
    }
}

#[cfg(feature = "store-redis")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_stopped_holding_its_lock_does_not_send_its_refresh() {
    use std::io::{BufRead, BufReader};
    use x_api_auth::tokens::stores::redis::RedisStore;
    let redis = crate::redis_server::RedisServer::start();
    let url = format!("{}&lock_ttl_ms=500", redis.url("stalled"));
    let mut fleet = Fleet::start("stalled", 7200).await;
    fleet.store = Arc::new(RedisStore::open(&url).unwrap());
    let manager = fleet
        .manager()
        .with_refresh_margin(Duration::from_secs(7200)); // always due
    fleet.login(&manager, "1001").await;

    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "token_manager::stalled_child",
            "--exact",
            "--ignored",
            "--nocapture",
            "--quiet",
        ])
        .env("X_API_AUTH_CRASH_SANDBOX", fleet.sandbox.base_url())
        .env("X_API_AUTH_CRASH_STORE", &url)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    while lines.next().unwrap().unwrap() != "LOCKED" {}
    let pid = child.id().to_string();
    assert!(
        std::process::Command::new("kill")
            .args(["-STOP", &pid])
            .status()
            .unwrap()
            .success()
    );
    // its lock expires; another worker refreshes meanwhile
    tokio::time::sleep(Duration::from_millis(800)).await;
    manager.access_token(None).await.unwrap();
    assert_eq!(fleet.sandbox.counters().refreshes, 1);
    assert!(
        std::process::Command::new("kill")
            .args(["-CONT", &pid])
            .status()
            .unwrap()
            .success()
    );
    let rest: Vec<String> = lines.map(|l| l.unwrap()).collect();
    child.wait().unwrap();
    let outcome = rest
        .iter()
        .find(|l| l.starts_with("SENT") || l.starts_with("REFUSED"))
        .unwrap();
    assert!(
        outcome.starts_with("REFUSED") && outcome.contains("nothing was sent"),
        "{rest:?}"
    );
    assert_eq!(
        fleet.sandbox.counters().refreshes,
        1,
        "the stalled worker sent no refresh"
    );
    assert_eq!(fleet.sandbox.counters().refresh_reuse_detected, 0);
}
