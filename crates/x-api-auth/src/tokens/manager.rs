//! [`TokenManager`]: the one place that decides when an OAuth 2.0 token is
//! refreshed, and that refreshes it once for every thread and process that
//! shares a store.
//!
//! - A valid token is served from memory (no I/O).
//! - A token due within the margin is refreshed by exactly one caller in the
//!   process (the others wait for its result), and by exactly one process:
//!   the record's store lock is held across the refresh request, and a
//!   process that waited re-reads the store and uses the token the other one
//!   already stored.
//! - The rotated token is stored before any caller gets it. If the store
//!   cannot be written, the caller gets `X_STORE` and the token X issued is
//!   kept in memory and written on the next call: it is never dropped.
//! - A refresh X refuses marks the record as needing login (never deletes
//!   it) and is `X_REAUTHORIZE`.
//! - A child forked from the process gets a fresh runtime and transport.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime};

use super::record::{AppRecord, Record, RecordKey, UserRecord};
use super::store::{RecordLock, TokenStore, find_user, load_app};
use crate::api::{ApiResponse, Body};
use crate::api_error::ApiErrorKind;
use crate::credentials::{ConsumerKeys, OAuth2Client, OAuth2UserToken};
use crate::error::{Error, Result, StoreErrorKind};
use crate::flows::XAuth;
use crate::oauth1::OAuth1;
use crate::secret::BearerToken;

/// What changed in the store, for a [`TokenChangeHook`]. It holds no secret:
/// read the record from the store when the hook needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenChange {
    /// The profile.
    pub profile: String,
    /// The user whose record changed, or `None` for the app record.
    pub user_id: Option<String>,
    /// The record's new generation.
    pub generation: u64,
    /// Whether the user must now log in again.
    pub needs_login: bool,
}

/// Told each time the manager stores a changed record (a refresh, a login,
/// a record marked as needing login). Runs on the thread that made the
/// change: keep it short.
pub trait TokenChangeHook: Send + Sync {
    /// One change.
    fn token_changed(&self, change: &TokenChange);
}

impl<F: Fn(&TokenChange) + Send + Sync> TokenChangeHook for F {
    fn token_changed(&self, change: &TokenChange) {
        self(change)
    }
}

/// A user's token as this process last saw it.
#[derive(Clone)]
struct Cached {
    user_id: String,
    token: OAuth2UserToken,
    /// A record X issued that could not be stored yet.
    unsaved: Option<UserRecord>,
}

struct Inner {
    xauth: Mutex<XAuth>,
    store: Arc<dyn TokenStore>,
    profile: String,
    margin: Duration,
    lock_wait: Duration,
    hook: Option<Arc<dyn TokenChangeHook>>,
    /// By how the caller named the user (`""` for the default) and by id.
    cache: RwLock<HashMap<String, Cached>>,
    /// One refresh at a time per user id, in this process.
    flights: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

/// Serves OAuth 2.0 user tokens (and the app's bearer token) from a store,
/// refreshing them once across threads and processes. Cheap to clone.
///
/// ```no_run
/// # async fn demo() -> x_api_auth::Result<()> {
/// use x_api_auth::{XAuth, tokens::{TokenManager, open_store}};
/// let manager = TokenManager::new(XAuth::new()?, open_store(None)?, None)?;
/// let token = manager.access_token(None).await?;          // the profile's default user
/// let header = token.authorization_header()?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct TokenManager {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for TokenManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenManager")
            .field("store", &self.inner.store)
            .field("profile", &self.inner.profile)
            .finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Runs store I/O off the async threads.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|_| Error::Store {
            kind: StoreErrorKind::Io,
            location: "token store".to_owned(),
            reason: "a store operation panicked".to_owned(),
        })?
}

impl TokenManager {
    /// A manager for `profile` (`None`: `X_API_AUTH_PROFILE`, else
    /// `default`) of `store`, refreshing 60 s before expiry.
    pub fn new(xauth: XAuth, store: Arc<dyn TokenStore>, profile: Option<&str>) -> Result<Self> {
        let profile = super::store::profile_name(profile);
        RecordKey::app(&profile)?;
        Ok(Self {
            inner: Arc::new(Inner {
                xauth: Mutex::new(xauth),
                store,
                profile,
                margin: Duration::from_secs(60),
                lock_wait: Duration::from_secs(60),
                hook: None,
                cache: RwLock::new(HashMap::new()),
                flights: Mutex::new(HashMap::new()),
            }),
        })
    }

    fn inner_mut(&mut self) -> &mut Inner {
        Arc::get_mut(&mut self.inner).expect("configured before it is cloned")
    }

    /// Refreshes tokens this long before they expire (60 s).
    pub fn with_refresh_margin(mut self, margin: Duration) -> Self {
        self.inner_mut().margin = margin;
        self
    }

    /// [`TokenManager::with_refresh_margin`] in seconds, as a config file or
    /// another language gives it: 0 to 86,400 (a day), else `X_INVALID_INPUT`.
    pub fn with_refresh_margin_secs(self, seconds: f64) -> Result<Self> {
        if !(0.0..=86_400.0).contains(&seconds) {
            return Err(Error::invalid_input(
                "refresh_margin",
                "must be a number of seconds from 0 to 86400",
            ));
        }
        Ok(self.with_refresh_margin(Duration::from_secs_f64(seconds)))
    }

    /// Waits this long for another process's refresh before `X_STORE`
    /// (`locked`) (60 s).
    pub fn with_lock_wait(mut self, wait: Duration) -> Self {
        self.inner_mut().lock_wait = wait;
        self
    }

    /// Tells `hook` about every change this manager stores.
    pub fn with_hook(mut self, hook: Arc<dyn TokenChangeHook>) -> Self {
        self.inner_mut().hook = Some(hook);
        self
    }

    /// The profile.
    pub fn profile(&self) -> &str {
        &self.inner.profile
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn TokenStore> {
        &self.inner.store
    }

    fn xauth(&self) -> XAuth {
        let mut x = lock(&self.inner.xauth);
        let here = x.in_this_process();
        *x = here.clone();
        here
    }

    fn notify(&self, user_id: Option<&str>, generation: u64, needs_login: bool) {
        if let Some(hook) = &self.inner.hook {
            hook.token_changed(&TokenChange {
                profile: self.inner.profile.clone(),
                user_id: user_id.map(str::to_owned),
                generation,
                needs_login,
            });
        }
    }

    /// The user's token from memory when it is valid beyond the margin: no
    /// I/O, no lock but a read lock. `user`: an id, a screen name, or `None`
    /// for the default user.
    pub fn fresh_token(&self, user: Option<&str>) -> Option<OAuth2UserToken> {
        let cache = self.inner.cache.read().unwrap_or_else(|p| p.into_inner());
        let cached = cache.get(user.unwrap_or(""))?;
        let due = cached
            .token
            .expires_within(self.inner.margin, SystemTime::now());
        (cached.unsaved.is_none() && !due).then(|| cached.token.clone())
    }

    /// An access token for `user` (an id, a screen name, or `None` for the
    /// profile's default user), refreshed first when it expires within the
    /// margin.
    pub async fn access_token(&self, user: Option<&str>) -> Result<OAuth2UserToken> {
        if let Some(token) = self.fresh_token(user) {
            return Ok(token);
        }
        self.refresh_unless(user, |token, margin| {
            !token.expires_within(margin, SystemTime::now())
        })
        .await
    }

    /// After X answered 401 to `rejected`: a token refreshed once, unless
    /// another caller already replaced `rejected`, in which case that
    /// replacement.
    pub async fn refresh_after_unauthorized(
        &self,
        user: Option<&str>,
        rejected: &OAuth2UserToken,
    ) -> Result<OAuth2UserToken> {
        let rejected = rejected.access_token.clone();
        self.refresh_unless(user, move |token, _| token.access_token != rejected)
            .await
    }

    async fn flight(&self, user_id: &str) -> Arc<tokio::sync::Mutex<()>> {
        lock(&self.inner.flights)
            .entry(user_id.to_owned())
            .or_default()
            .clone()
    }

    fn forget(&self, user_id: &str) {
        self.inner
            .cache
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|_, c| c.user_id != user_id);
    }

    fn remember(&self, user: Option<&str>, cached: Cached) {
        let mut cache = self.inner.cache.write().unwrap_or_else(|p| p.into_inner());
        cache.insert(cached.user_id.clone(), cached.clone());
        cache.insert(user.unwrap_or("").to_owned(), cached);
    }

    /// The record behind `user`: from the cache's id, else from the store.
    async fn user_id(&self, user: Option<&str>) -> Result<String> {
        if let Some(cached) = self
            .inner
            .cache
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(user.unwrap_or(""))
        {
            return Ok(cached.user_id.clone());
        }
        let (store, profile, user) = (
            self.inner.store.clone(),
            self.inner.profile.clone(),
            user.map(str::to_owned),
        );
        blocking(move || find_user(store.as_ref(), &profile, user.as_deref()).map(|u| u.user_id))
            .await
    }

    /// The slow path: under the user's in-process and cross-process locks,
    /// the stored token when `good` accepts it, else a refreshed one.
    async fn refresh_unless(
        &self,
        user: Option<&str>,
        good: impl Fn(&OAuth2UserToken, Duration) -> bool,
    ) -> Result<OAuth2UserToken> {
        let user_id = self.user_id(user).await?;
        let flight = self.flight(&user_id).await;
        let _one_at_a_time = flight.lock().await;
        let key = RecordKey::user(&self.inner.profile, &user_id)?;
        let unsaved = self
            .inner
            .cache
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(&user_id)
            .and_then(|c| c.unsaved.clone());

        if let Some(pending) = unsaved {
            // X issued this token earlier and the store refused it: write it
            // now, compare-and-swap on the generation it was based on, without
            // waiting for the lock (a lock lost in a store outage may still
            // be held until it expires, and nobody may refresh before this
            // token is stored).
            let (store, save_key, record) =
                (self.inner.store.clone(), key.clone(), pending.clone());
            let expected = pending.generation.saturating_sub(1);
            match blocking(move || store.save(&save_key, &Record::User(record), expected, None))
                .await
            {
                Ok(()) => {
                    self.notify(Some(&pending.user_id), pending.generation, false);
                    let token = pending
                        .oauth2
                        .clone()
                        .unwrap_or_else(|| OAuth2UserToken::new(""));
                    self.remember(
                        user,
                        Cached {
                            user_id,
                            token: token.clone(),
                            unsaved: None,
                        },
                    );
                    return Ok(token);
                }
                Err(Error::Store {
                    kind: StoreErrorKind::Conflict,
                    ..
                }) => {
                    // the store moved on without it: forget it and read what is there
                    self.forget(&user_id);
                }
                Err(e) => return Err(e),
            }
        }

        let (store, lock_key, wait) = (self.inner.store.clone(), key.clone(), self.inner.lock_wait);
        let (record_lock, stored) = blocking(move || {
            let held = store.lock(&lock_key, wait)?;
            let stored = store.load(&lock_key)?;
            Ok((held, stored))
        })
        .await?;
        let mut record = match stored {
            Some(Record::User(record)) => record,
            _ => {
                return Err(Error::LoginRequired {
                    profile: self.inner.profile.clone(),
                    user: user_id,
                    reason: "no stored record: log the user in first".to_owned(),
                });
            }
        };
        if record.needs_login {
            return Err(self.login_required(&user_id, "a refresh was refused before"));
        }
        let Some(token) = record.oauth2.clone() else {
            return Err(self.login_required(&user_id, "the record has no OAuth 2.0 token"));
        };
        if good(&token, self.inner.margin) {
            self.remember(
                user,
                Cached {
                    user_id,
                    token: token.clone(),
                    unsaved: None,
                },
            );
            return Ok(token);
        }
        let client = self.client().await?;
        // A lock that can expire (Redis) may have passed to another worker
        // while this one waited: then send nothing.
        let (store, lock_key) = (self.inner.store.clone(), key.clone());
        let (record_lock, still_held) = blocking(move || {
            let held = store.still_held(&lock_key, &record_lock)?;
            Ok((record_lock, held))
        })
        .await?;
        if !still_held {
            return Err(Error::Store {
                kind: StoreErrorKind::Locked,
                location: self.inner.store.location(),
                reason: format!(
                    "{}: this worker's refresh lock expired before it sent the refresh; nothing was sent: ask again",
                    key.path()
                ),
            });
        }
        match self.xauth().refresh(&client, &token).await {
            Ok(new_token) => {
                let expected = record.generation;
                let mut next = record.clone();
                next.oauth2 = Some(new_token.clone());
                next.generation = expected + 1;
                match self
                    .store_record(key, next.clone(), expected, record_lock)
                    .await
                {
                    Ok(_) => {
                        tracing::info!(
                            target: crate::logging::TARGET,
                            profile = %self.inner.profile,
                            user = %user_id,
                            generation = expected + 1,
                            "refreshed: the rotated refresh token is stored"
                        );
                        self.remember(
                            user,
                            Cached {
                                user_id,
                                token: new_token.clone(),
                                unsaved: None,
                            },
                        );
                        Ok(new_token)
                    }
                    Err(e) => {
                        tracing::warn!(
                            target: crate::logging::TARGET,
                            profile = %self.inner.profile,
                            user = %user_id,
                            error = %e,
                            "refreshed, but the store refused the rotated token: kept in memory, written by the next call"
                        );
                        self.remember(
                            user,
                            Cached {
                                user_id,
                                token: new_token,
                                unsaved: Some(next),
                            },
                        );
                        Err(e)
                    }
                }
            }
            Err(Error::Api(api))
                if matches!(
                    api.kind,
                    ApiErrorKind::ReauthorizationRequired | ApiErrorKind::InvalidToken
                ) =>
            {
                tracing::warn!(
                    target: crate::logging::TARGET,
                    profile = %self.inner.profile,
                    user = %user_id,
                    reason = %api.api_message,
                    "X refused the refresh: the user must log in again"
                );
                let expected = record.generation;
                record.needs_login = true;
                record.generation = expected + 1;
                self.store_record(key, record, expected, record_lock)
                    .await?;
                self.inner
                    .cache
                    .write()
                    .unwrap_or_else(|p| p.into_inner())
                    .retain(|_, c| c.user_id != user_id);
                Err(self.login_required(
                    &user_id,
                    &format!("X refused the refresh ({})", api.api_message),
                ))
            }
            Err(e) => Err(self.named(e)),
        }
    }

    /// `e`, naming this manager's profile when regenerated keys may be the cause.
    fn named(&self, e: Error) -> Error {
        match e {
            Error::Api(api) => Error::Api(Box::new(api.with_profile(&self.inner.profile))),
            other => other,
        }
    }

    /// Sends an authorised request as a stored user (`None`: the default
    /// user): with their OAuth 2.0 token, refreshed when due and once after a
    /// 401, or else with OAuth 1.0a (the app's stored API Key & Secret and the
    /// user's access token). A refusal that regenerated keys can cause (codes
    /// 89, 32, 99) names the profile and says how to replace its keys.
    pub async fn send(
        &self,
        user: Option<&str>,
        method: &str,
        path: &str,
        body: &Body,
    ) -> Result<ApiResponse> {
        self.send_with_headers(user, method, path, body, &[]).await
    }

    /// [`TokenManager::send`] with extra request headers (see
    /// [`XAuth::send_with_headers`]).
    pub async fn send_with_headers(
        &self,
        user: Option<&str>,
        method: &str,
        path: &str,
        body: &Body,
        headers: &[(String, String)],
    ) -> Result<ApiResponse> {
        let x = self.xauth();
        let token = match self.fresh_token(user) {
            Some(token) => token,
            None => {
                let (store, profile, who) = (
                    self.inner.store.clone(),
                    self.inner.profile.clone(),
                    user.map(str::to_owned),
                );
                let record =
                    blocking(move || find_user(store.as_ref(), &profile, who.as_deref())).await?;
                match (record.oauth2, record.oauth1) {
                    (Some(_), _) => self.access_token(user).await?,
                    (None, Some(access)) => {
                        let consumer = self
                            .app()
                            .await?
                            .consumer
                            .ok_or_else(|| self.missing_keys())?;
                        let signer = OAuth1::new(consumer).with_token(access);
                        return x
                            .send_with_headers(&signer.into(), method, path, body, headers)
                            .await
                            .map_err(|e| self.named(e));
                    }
                    (None, None) => {
                        return Err(
                            self.login_required(&record.user_id, "the record holds no token")
                        );
                    }
                }
            }
        };
        match x
            .send_with_headers(&token.clone().into(), method, path, body, headers)
            .await
        {
            Err(Error::Api(api)) if api.status == 401 => {
                let fresh = self.refresh_after_unauthorized(user, &token).await?;
                x.send_with_headers(&fresh.into(), method, path, body, headers)
                    .await
                    .map_err(|e| self.named(e))
            }
            other => other.map_err(|e| self.named(e)),
        }
    }

    async fn app(&self) -> Result<AppRecord> {
        let (store, profile) = (self.inner.store.clone(), self.inner.profile.clone());
        blocking(move || load_app(store.as_ref(), &profile)).await
    }

    fn missing_keys(&self) -> Error {
        Error::MissingConfig {
            name: format!("the API Key & Secret of profile {}", self.inner.profile),
            reason: "are not stored (save the app's keys first)",
        }
    }

    fn login_required(&self, user_id: &str, why: &str) -> Error {
        Error::LoginRequired {
            profile: self.inner.profile.clone(),
            user: user_id.to_owned(),
            reason: format!(
                "{why}; the record is kept: authorize the user again and save the new login"
            ),
        }
    }

    /// Saves `record` under the held lock and tells the hook.
    async fn store_record(
        &self,
        key: RecordKey,
        record: UserRecord,
        expected: u64,
        held: RecordLock,
    ) -> Result<UserRecord> {
        let store = self.inner.store.clone();
        let saved = record.clone();
        blocking(move || {
            let result = store.save(&key, &Record::User(record), expected, Some(&held));
            drop(held);
            result
        })
        .await?;
        self.notify(Some(&saved.user_id), saved.generation, saved.needs_login);
        Ok(saved)
    }

    async fn client(&self) -> Result<OAuth2Client> {
        self.app()
            .await?
            .client
            .ok_or_else(|| Error::MissingConfig {
                name: format!("the OAuth 2.0 Client ID of profile {}", self.inner.profile),
                reason: "is not stored (save the app's client first)",
            })
    }

    /// The app's bearer token: the stored one, or one obtained with the
    /// stored API Key & Secret and stored.
    pub async fn bearer(&self) -> Result<BearerToken> {
        let app = self.app().await?;
        if let Some(bearer) = app.bearer {
            return Ok(bearer);
        }
        let consumer = app.consumer.clone().ok_or_else(|| self.missing_keys())?;
        let bearer = self
            .xauth()
            .obtain_bearer(&consumer)
            .await
            .map_err(|e| self.named(e))?;
        let stored = bearer.clone();
        self.update_app(move |app| app.bearer = Some(stored))
            .await?;
        Ok(bearer)
    }

    /// Changes the profile's app record under its lock (keys regenerated in
    /// the portal, a new client, the default user); its users are kept.
    pub async fn update_app(
        &self,
        change: impl FnOnce(&mut AppRecord) + Send + 'static,
    ) -> Result<AppRecord> {
        let (store, profile, wait) = (
            self.inner.store.clone(),
            self.inner.profile.clone(),
            self.inner.lock_wait,
        );
        let app = blocking(move || {
            let key = RecordKey::app(&profile)?;
            let held = store.lock(&key, wait)?;
            let mut app = load_app(store.as_ref(), &profile)?;
            let expected = app.generation;
            change(&mut app);
            app.generation = expected + 1;
            store.save(&key, &Record::App(app.clone()), expected, Some(&held))?;
            Ok(app)
        })
        .await?;
        self.notify(None, app.generation, false);
        Ok(app)
    }

    /// Replaces the app's keys (regenerated in the developer portal) without
    /// touching its users; the stored bearer token, tied to the old keys, is
    /// dropped.
    pub async fn set_app_keys(
        &self,
        consumer: Option<ConsumerKeys>,
        client: Option<OAuth2Client>,
    ) -> Result<AppRecord> {
        self.update_app(move |app| {
            if let Some(consumer) = consumer {
                app.consumer = Some(consumer);
                app.bearer = None;
            }
            if let Some(client) = client {
                app.client = Some(client);
            }
        })
        .await
    }

    /// Stores a user's new login (after `finish_authorization`, or the
    /// 3-legged flow): it replaces the record's tokens, clears
    /// "needs login", and becomes the default user when there is none.
    pub async fn save_login(&self, mut login: UserRecord) -> Result<UserRecord> {
        let (store, profile, wait) = (
            self.inner.store.clone(),
            self.inner.profile.clone(),
            self.inner.lock_wait,
        );
        let saved = blocking(move || {
            let key = RecordKey::user(&profile, &login.user_id)?;
            let held = store.lock(&key, wait)?;
            let expected = store.load(&key)?.map_or(0, |r| r.generation());
            login.generation = expected + 1;
            login.needs_login = false;
            store.save(&key, &Record::User(login.clone()), expected, Some(&held))?;
            Ok(login)
        })
        .await?;
        self.inner
            .cache
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|_, c| c.user_id != saved.user_id);
        self.notify(Some(&saved.user_id), saved.generation, false);
        if self.app().await?.default_user.is_none() {
            let user_id = saved.user_id.clone();
            self.update_app(move |app| {
                app.default_user.get_or_insert(user_id);
            })
            .await?;
        }
        Ok(saved)
    }
}
