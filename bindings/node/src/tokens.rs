//! Stores and the token manager: where credentials live, and the refresh
//! that happens once across threads and processes. A change hook is a
//! JavaScript function run by the core's `TokenChangeHook`.

use std::sync::Arc;
use std::time::Duration;

use napi::bindgen_prelude::*;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi_derive::napi;
use x_api_auth::tokens::{
    self, Record, RecordKey, RecordLock, TokenChange, TokenChangeHook, UserRecord,
};

use crate::api::ApiResponse;
use crate::credentials::{AccessToken, BearerToken, ConsumerKeys, OAuth2Client, OAuth2UserToken};
use crate::errors::core;
use crate::flows::{Job, SendOptions, XAuth, body};

/// A record's address.
#[napi(object)]
pub struct RecordAddress {
    /// The profile.
    pub profile: String,
    /// The user's id, or null for the app record.
    pub user_id: Option<String>,
}

/// Where credential records live, chosen by URL (`file:`,
/// `file:/path/store.json`; `X_API_AUTH_STORE`).
#[napi]
pub struct TokenStore(pub(crate) Arc<dyn tokens::TokenStore>);

fn key(profile: &str, user_id: Option<&str>) -> x_api_auth::Result<RecordKey> {
    match user_id {
        Some(id) => RecordKey::user(profile, id),
        None => RecordKey::app(profile),
    }
}

#[napi]
impl TokenStore {
    /// The store's URL.
    #[napi(getter, catch_unwind)]
    pub fn location(&self) -> String {
        self.0.location()
    }

    /// The address of every record (of `profile` when given).
    #[napi(catch_unwind)]
    pub fn list(&self, profile: Option<String>) -> Result<Vec<RecordAddress>> {
        let keys = core(self.0.list(profile.as_deref()))?;
        Ok(keys
            .into_iter()
            .map(|k| RecordAddress {
                profile: k.profile,
                user_id: k.user_id,
            })
            .collect())
    }

    /// A record as a JSON document; secrets only with `includeSecrets`.
    #[napi(catch_unwind)]
    pub fn export_record(
        &self,
        profile: String,
        user_id: Option<String>,
        include_secrets: Option<bool>,
    ) -> Result<Option<String>> {
        let key = core(key(&profile, user_id.as_deref()))?;
        core(self.0.export_record(&key, include_secrets.unwrap_or(false)))
    }

    /// Stores a document made by `exportRecord(..., true)` under `profile`,
    /// replacing what is there.
    #[napi(catch_unwind)]
    pub fn import_record(&self, profile: String, document: String) -> Result<()> {
        core(self.0.import_record(&profile, &document).map(drop))
    }

    /// Removes a record.
    #[napi(catch_unwind)]
    pub fn delete(&self, profile: String, user_id: Option<String>) -> Result<()> {
        core(key(&profile, user_id.as_deref()).and_then(|k| self.0.delete(&k)))
    }
}

/// Opens a store by URL; without one, `X_API_AUTH_STORE`, else the default
/// file store.
#[napi(catch_unwind)]
pub fn open_store(url: Option<String>) -> Result<TokenStore> {
    core(tokens::open_store(url.as_deref())).map(TokenStore)
}

/// One call to a store the application supplies (`customStore`): the record's
/// key (`profile/app`, `profile/users/<id>`) and, per method, the rest.
#[napi(object)]
pub struct StoreCall {
    /// The record's key (for `list`: the profile, or null).
    pub key: Option<String>,
    /// `save`: the record as JSON (secrets in clear).
    pub document: Option<String>,
    /// `save`: the generation the stored record must have (0: absent).
    pub expected: Option<i64>,
    /// `save`: the record's new generation.
    pub generation: Option<i64>,
    /// `save`, `unlock`, `stillHeld`: the lock's fence, when one is held.
    pub fence: Option<i64>,
}

type Callback<R> = ThreadsafeFunction<StoreCall, R, StoreCall, Status, false, true>;

/// The functions of a store the application supplies; each takes a
/// `StoreCall` and answers synchronously, on the JavaScript thread, while it
/// waits for a Promise of the manager (a synchronous method that would need
/// the store fails instead of blocking).
#[napi(object, object_to_js = false)]
pub struct CustomStoreOptions {
    /// Names the store in messages (`sqlite:/path`).
    pub location: String,
    /// The record's JSON, or null.
    #[napi(ts_type = "(call: StoreCall) => string | null")]
    pub load: Callback<Option<String>>,
    /// Writes when the stored generation is `expected` and, with a `fence`,
    /// the lock still holds it; false otherwise.
    #[napi(ts_type = "(call: StoreCall) => boolean")]
    pub save: Callback<bool>,
    /// Takes the key's lock (it should expire) if it is free: its fence (a
    /// number that grows with every lock), or null at once when it is held
    /// (the core waits and asks again).
    #[napi(ts_type = "(call: StoreCall) => number | null")]
    pub lock: Callback<Option<i64>>,
    /// Releases the lock if it still has this fence.
    #[napi(ts_type = "(call: StoreCall) => void")]
    pub unlock: Callback<Option<bool>>,
    /// Whether the lock still has this fence (optional: true).
    #[napi(ts_type = "(call: StoreCall) => boolean")]
    pub still_held: Option<Callback<bool>>,
    /// The keys of the profile's records (of all with a null key).
    #[napi(ts_type = "(call: StoreCall) => string[]")]
    pub list: Callback<Vec<String>>,
    /// Removes the record.
    #[napi(ts_type = "(call: StoreCall) => void")]
    pub delete: Callback<Option<bool>>,
}

/// The core's `TokenStore` over the application's functions.
struct JsStore {
    functions: CustomStoreOptions,
    js_thread: std::thread::ThreadId,
}

impl std::fmt::Debug for JsStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsStore")
            .field("location", &self.functions.location)
            .finish()
    }
}

fn call(key: &RecordKey) -> StoreCall {
    StoreCall {
        key: Some(key.path()),
        document: None,
        expected: None,
        generation: None,
        fence: None,
    }
}

fn int(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl JsStore {
    fn fail(&self, kind: x_api_auth::StoreErrorKind, reason: String) -> x_api_auth::Error {
        x_api_auth::Error::Store {
            kind,
            location: self.functions.location.clone(),
            reason,
        }
    }

    /// Calls one of the functions on the JavaScript thread and waits for its
    /// answer.
    fn ask<R: 'static + Send + FromNapiValue>(
        &self,
        name: &str,
        f: &Callback<R>,
        arguments: StoreCall,
    ) -> x_api_auth::Result<R> {
        if std::thread::current().id() == self.js_thread {
            return Err(self.fail(
                x_api_auth::StoreErrorKind::Io,
                format!("{name}() of the application's store cannot run inside a synchronous call: use the TokenManager's (async) methods"),
            ));
        }
        let (tx, rx) = std::sync::mpsc::channel();
        let status = f.call_with_return_value(
            arguments,
            ThreadsafeFunctionCallMode::Blocking,
            move |answer, _| {
                let _ = tx.send(answer.map_err(|e| e.reason.clone()));
                Ok(())
            },
        );
        if status != Status::Ok {
            return Err(self.fail(
                x_api_auth::StoreErrorKind::Unavailable,
                format!("{name}() cannot be called: {status}"),
            ));
        }
        match rx.recv_timeout(Duration::from_secs(120)) {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(reason)) => Err(self.fail(
                x_api_auth::StoreErrorKind::Io,
                format!("{name}() of the application's store failed: {reason}"),
            )),
            Err(_) => Err(self.fail(
                x_api_auth::StoreErrorKind::Unavailable,
                format!("{name}() of the application's store did not answer"),
            )),
        }
    }
}

/// Releases a lock of the application's store when dropped.
struct JsLock {
    store: Arc<JsStore>,
    key: RecordKey,
    fence: u64,
}

impl Drop for JsLock {
    fn drop(&mut self) {
        let mut arguments = call(&self.key);
        arguments.fence = Some(int(self.fence));
        let _ = self
            .store
            .ask("unlock", &self.store.functions.unlock, arguments);
    }
}

/// The store handed to the core: it gives its locks a handle on itself.
#[derive(Debug)]
struct SharedJsStore(Arc<JsStore>);

impl tokens::TokenStore for SharedJsStore {
    fn location(&self) -> String {
        self.0.functions.location.clone()
    }

    fn load(&self, key: &RecordKey) -> x_api_auth::Result<Option<Record>> {
        let document = self.0.ask("load", &self.0.functions.load, call(key))?;
        let location = format!("{} {}", self.0.functions.location, key.path());
        document
            .map(|d| Record::from_document(&d, &location))
            .transpose()
    }

    fn save(
        &self,
        key: &RecordKey,
        record: &Record,
        expected: u64,
        lock: Option<&RecordLock>,
    ) -> x_api_auth::Result<()> {
        if record.generation() <= expected {
            return Err(self.0.fail(
                x_api_auth::StoreErrorKind::Conflict,
                "a save must raise the generation".into(),
            ));
        }
        let document = record.to_document();
        let mut arguments = call(key);
        arguments.document = Some(document.to_string());
        arguments.expected = Some(int(expected));
        arguments.generation = Some(int(record.generation()));
        arguments.fence = lock.map(|l| int(l.fence));
        if self.0.ask("save", &self.0.functions.save, arguments)? {
            Ok(())
        } else {
            let why = format!(
                "{} is not at generation {expected} (or its lock was lost): read it again",
                key.path()
            );
            Err(self.0.fail(x_api_auth::StoreErrorKind::Conflict, why))
        }
    }

    fn lock(&self, key: &RecordKey, wait: Duration) -> x_api_auth::Result<RecordLock> {
        // The application's `lock` answers at once (JavaScript must not
        // block its thread); the waiting happens here.
        let deadline = std::time::Instant::now() + wait;
        let mut pause = Duration::from_millis(1);
        loop {
            if let Some(fence) = self.0.ask("lock", &self.0.functions.lock, call(key))? {
                let fence = u64::try_from(fence).unwrap_or(0);
                return Ok(RecordLock::new(
                    fence,
                    JsLock {
                        store: self.0.clone(),
                        key: key.clone(),
                        fence,
                    },
                ));
            }
            if std::time::Instant::now() >= deadline {
                let why = format!(
                    "{} stayed locked for {wait:?}: is a refresh stuck?",
                    key.path()
                );
                return Err(self.0.fail(x_api_auth::StoreErrorKind::Locked, why));
            }
            std::thread::sleep(pause);
            pause = (pause * 2).min(Duration::from_millis(20));
        }
    }

    fn still_held(&self, key: &RecordKey, lock: &RecordLock) -> x_api_auth::Result<bool> {
        let Some(function) = &self.0.functions.still_held else {
            return Ok(true);
        };
        let mut arguments = call(key);
        arguments.fence = Some(int(lock.fence));
        self.0.ask("stillHeld", function, arguments)
    }

    fn list(&self, profile: Option<&str>) -> x_api_auth::Result<Vec<RecordKey>> {
        let mut arguments = call(&RecordKey::app("x")?);
        arguments.key = profile.map(str::to_owned);
        let paths = self.0.ask("list", &self.0.functions.list, arguments)?;
        let mut keys: Vec<RecordKey> = paths
            .iter()
            .filter_map(|p| RecordKey::from_path(p))
            .collect();
        keys.sort();
        Ok(keys)
    }

    fn delete(&self, key: &RecordKey) -> x_api_auth::Result<()> {
        self.0
            .ask("delete", &self.0.functions.delete, call(key))
            .map(drop)
    }
}

/// A `TokenStore` over functions the application supplies (its own
/// database): see `examples/sqlite_store.mjs`.
#[napi(catch_unwind)]
pub fn custom_store(functions: CustomStoreOptions) -> TokenStore {
    let store = JsStore {
        functions,
        js_thread: std::thread::current().id(),
    };
    TokenStore(Arc::new(SharedJsStore(Arc::new(store))))
}

/// Runs the core's store conformance checks on `store` with records of
/// `profile`; resolves to what failed, or null.
#[napi(ts_return_type = "Promise<string | null>", catch_unwind)]
pub fn check_store(store: &TokenStore, profile: Option<String>) -> AsyncTask<Job<Option<String>>> {
    let store = store.0.clone();
    let profile = profile.unwrap_or_else(|| "conformance".to_owned());
    Job::new(async move { Ok(tokens::check_store(store, &profile).err()) })
}

/// What changed, as the change hook receives it (no secret).
#[napi(object)]
pub struct TokenChangeEvent {
    /// The profile.
    pub profile: String,
    /// The user whose record changed, or null for the app record.
    pub user_id: Option<String>,
    /// The record's new generation.
    pub generation: i64,
    /// Whether the user must now log in again.
    pub needs_login: bool,
}

type ChangeFunction =
    ThreadsafeFunction<TokenChangeEvent, Unknown<'static>, TokenChangeEvent, Status, false, true>;

/// Calls a JavaScript function on the event loop for each change.
struct JsHook(ChangeFunction);

impl TokenChangeHook for JsHook {
    fn token_changed(&self, change: &TokenChange) {
        let event = TokenChangeEvent {
            profile: change.profile.clone(),
            user_id: change.user_id.clone(),
            generation: i64::try_from(change.generation).unwrap_or(i64::MAX),
            needs_login: change.needs_login,
        };
        self.0.call(event, ThreadsafeFunctionCallMode::NonBlocking);
    }
}

/// The options of `new TokenManager(xauth, options)`.
#[napi(object, object_to_js = false)]
pub struct TokenManagerOptions {
    /// The store URL (`X_API_AUTH_STORE`, else the default file store).
    pub store: Option<String>,
    /// The profile (`X_API_AUTH_PROFILE`, else `default`).
    pub profile: Option<String>,
    /// Refresh this many seconds before expiry (60).
    pub refresh_margin: Option<f64>,
    /// Called with a `TokenChangeEvent` after every stored change.
    #[napi(ts_type = "(event: TokenChangeEvent) => void")]
    pub on_change: Option<ChangeFunction>,
}

/// The margin and the change hook of the options.
fn configure(
    mut manager: tokens::TokenManager,
    margin: Option<f64>,
    hook: Option<ChangeFunction>,
) -> Result<tokens::TokenManager> {
    if let Some(margin) = margin {
        manager = core(manager.with_refresh_margin_secs(margin))?;
    }
    if let Some(hook) = hook {
        manager = manager.with_hook(Arc::new(JsHook(hook)));
    }
    Ok(manager)
}

/// Serves OAuth 2.0 user tokens and the app's bearer token from a store,
/// refreshing each once across threads and processes.
#[napi]
pub struct TokenManager(tokens::TokenManager);

#[napi]
impl TokenManager {
    /// A manager for a profile of a store.
    #[napi(constructor, catch_unwind)]
    pub fn new(xauth: &XAuth, options: Option<TokenManagerOptions>) -> Result<Self> {
        let options = options.unwrap_or(TokenManagerOptions {
            store: None,
            profile: None,
            refresh_margin: None,
            on_change: None,
        });
        let store = core(tokens::open_store(options.store.as_deref()))?;
        let manager = core(tokens::TokenManager::new(
            xauth.0.clone(),
            store,
            options.profile.as_deref(),
        ))?;
        configure(manager, options.refresh_margin, options.on_change).map(Self)
    }

    /// A manager over a store object (`customStore`, or one from `openStore`).
    #[napi(factory, catch_unwind)]
    pub fn with_store(
        xauth: &XAuth,
        store: &TokenStore,
        options: Option<TokenManagerOptions>,
    ) -> Result<Self> {
        let options = options.unwrap_or(TokenManagerOptions {
            store: None,
            profile: None,
            refresh_margin: None,
            on_change: None,
        });
        let manager = core(tokens::TokenManager::new(
            xauth.0.clone(),
            store.0.clone(),
            options.profile.as_deref(),
        ))?;
        configure(manager, options.refresh_margin, options.on_change).map(Self)
    }

    /// The profile.
    #[napi(getter, catch_unwind)]
    pub fn profile(&self) -> String {
        self.0.profile().to_owned()
    }

    /// The store.
    #[napi(getter, catch_unwind)]
    pub fn store(&self) -> TokenStore {
        TokenStore(self.0.store().clone())
    }

    /// The user's token from memory when valid beyond the margin (no I/O);
    /// null otherwise: then call `accessToken`.
    #[napi(catch_unwind)]
    pub fn fresh_token(&self, user: Option<String>) -> Option<OAuth2UserToken> {
        self.0.fresh_token(user.as_deref()).map(OAuth2UserToken)
    }

    /// An access token for `user` (an id, a screen name, or none for the
    /// default user), refreshed first when it is about to expire.
    #[napi(ts_return_type = "Promise<OAuth2UserToken>", catch_unwind)]
    pub fn access_token(&self, user: Option<String>) -> AsyncTask<Job<OAuth2UserToken>> {
        let manager = self.0.clone();
        Job::new(async move {
            manager
                .access_token(user.as_deref())
                .await
                .map(OAuth2UserToken)
        })
    }

    /// After X answered 401 to `rejected`: a refreshed token (once, however
    /// many callers ask).
    #[napi(ts_return_type = "Promise<OAuth2UserToken>", catch_unwind)]
    pub fn refresh_after_unauthorized(
        &self,
        user: Option<String>,
        rejected: &OAuth2UserToken,
    ) -> AsyncTask<Job<OAuth2UserToken>> {
        let (manager, rejected) = (self.0.clone(), rejected.0.clone());
        Job::new(async move {
            manager
                .refresh_after_unauthorized(user.as_deref(), &rejected)
                .await
                .map(OAuth2UserToken)
        })
    }

    /// Sends an authorised request as a stored user (none: the default user),
    /// with their OAuth 2.0 token (refreshed when due, once after a 401) or
    /// else OAuth 1.0a; `form` is signed, `json` never is.
    #[napi(ts_return_type = "Promise<ApiResponse>", catch_unwind)]
    pub fn send(
        &self,
        user: Option<String>,
        method: String,
        path: String,
        options: Option<SendOptions<'_>>,
    ) -> Result<AsyncTask<Job<ApiResponse>>> {
        let body = body(options)?;
        let manager = self.0.clone();
        Ok(Job::new(async move {
            manager
                .send(user.as_deref(), &method, &path, &body)
                .await
                .map(ApiResponse)
        }))
    }

    /// The app's bearer token (obtained once with the stored keys, then stored).
    #[napi(ts_return_type = "Promise<BearerToken>", catch_unwind)]
    pub fn bearer(&self) -> AsyncTask<Job<BearerToken>> {
        let manager = self.0.clone();
        Job::new(async move { manager.bearer().await.map(BearerToken) })
    }

    /// Stores a user's login (an OAuth 2.0 token and/or an OAuth 1.0a access
    /// token); resolves to the record's generation.
    #[napi(ts_return_type = "Promise<number>", catch_unwind)]
    pub fn save_login(
        &self,
        user_id: String,
        oauth2: Option<&OAuth2UserToken>,
        oauth1: Option<&AccessToken>,
        screen_name: Option<String>,
        access_level: Option<String>,
    ) -> AsyncTask<Job<i64>> {
        let mut record = UserRecord::new(user_id);
        record.oauth2 = oauth2.map(|t| t.0.clone());
        record.oauth1 = oauth1.map(|t| t.0.clone());
        record.screen_name = screen_name;
        record.access_level = access_level;
        let manager = self.0.clone();
        Job::new(async move {
            let saved = manager.save_login(record).await?;
            Ok(i64::try_from(saved.generation).unwrap_or(i64::MAX))
        })
    }

    /// Replaces the app's keys (regenerated in the developer portal) and/or
    /// its OAuth 2.0 client, keeping its users.
    #[napi(ts_return_type = "Promise<number>", catch_unwind)]
    pub fn set_app_keys(
        &self,
        consumer: Option<&ConsumerKeys>,
        client: Option<&OAuth2Client>,
    ) -> AsyncTask<Job<i64>> {
        let (consumer, client) = (consumer.map(|c| c.0.clone()), client.map(|c| c.0.clone()));
        let manager = self.0.clone();
        Job::new(async move {
            let app = manager.set_app_keys(consumer, client).await?;
            Ok(i64::try_from(app.generation).unwrap_or(i64::MAX))
        })
    }
}
