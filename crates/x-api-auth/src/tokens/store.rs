//! The store interface every backend implements, and choosing a store by
//! URL (`file:`, `file:/path/to/store`; `X_API_AUTH_STORE`).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::record::{AppRecord, DEFAULT_PROFILE, Record, RecordKey, UserRecord};
use super::stores::file::FileStore;
use crate::error::{Error, Result, StoreErrorKind};

/// The environment variable that chooses the store (a store URL).
pub const STORE_ENV: &str = "X_API_AUTH_STORE";
/// The environment variable that chooses the profile.
pub const PROFILE_ENV: &str = "X_API_AUTH_PROFILE";

/// A record's cross-process lock, released when dropped. Backends whose
/// locks can expire (Redis) give each lock a fencing token, a number that
/// grows with every lock of the record, and refuse a save that carries an
/// older one; the file store's locks never expire, and its fence is 0.
pub struct RecordLock {
    /// The fencing token.
    pub fence: u64,
    _held: Box<dyn Send + Sync>,
}

impl RecordLock {
    /// A lock held as long as `held` lives.
    pub fn new(fence: u64, held: impl Send + Sync + 'static) -> Self {
        Self {
            fence,
            _held: Box::new(held),
        }
    }
}

impl fmt::Debug for RecordLock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordLock")
            .field("fence", &self.fence)
            .finish()
    }
}

/// Where credential records live. Every method may block on I/O: async
/// callers run them on a blocking thread.
///
/// Saves are compare-and-swap: [`TokenStore::save`] writes only when the
/// stored generation is still `expected` (0: absent) and the new record's
/// generation is higher, so a store never replaces a newer token with an
/// older one. Locks are per record, so one user's refresh never waits for
/// another's.
pub trait TokenStore: Send + Sync + fmt::Debug {
    /// The store's URL (or path), for messages.
    fn location(&self) -> String;

    /// The record, if stored.
    fn load(&self, key: &RecordKey) -> Result<Option<Record>>;

    /// Writes `record` if the stored generation is `expected` (0 when absent)
    /// and `record`'s is higher; a [`StoreErrorKind::Conflict`] otherwise.
    /// `lock`, when given, is the record's lock held by the caller.
    fn save(
        &self,
        key: &RecordKey,
        record: &Record,
        expected: u64,
        lock: Option<&RecordLock>,
    ) -> Result<()>;

    /// Takes the record's cross-process lock, waiting up to `wait`
    /// ([`StoreErrorKind::Locked`] after that).
    fn lock(&self, key: &RecordKey, wait: Duration) -> Result<RecordLock>;

    /// The keys of every record of `profile` (every profile when `None`).
    fn list(&self, profile: Option<&str>) -> Result<Vec<RecordKey>>;

    /// Removes the record (nothing when absent).
    fn delete(&self, key: &RecordKey) -> Result<()>;

    /// Whether `lock` still holds the record: a lock that can expire
    /// (Redis) may have passed to another worker. The manager asks right
    /// before it sends a refresh. Locks that never expire always hold.
    fn still_held(&self, _key: &RecordKey, _lock: &RecordLock) -> Result<bool> {
        Ok(true)
    }

    /// The record as a JSON document to move elsewhere ([`Record::export`]):
    /// secrets only when `include_secrets`.
    fn export_record(&self, key: &RecordKey, include_secrets: bool) -> Result<Option<String>> {
        Ok(self.load(key)?.map(|r| r.export(include_secrets)))
    }

    /// Stores a document made by [`TokenStore::export_record`] with its
    /// secrets under `profile`, replacing what is there; returns its key.
    fn import_record(&self, profile: &str, document: &str) -> Result<RecordKey> {
        let mut record = Record::import(document)?;
        let key = match &record {
            Record::User(u) => RecordKey::user(profile, &u.user_id)?,
            Record::App(_) => RecordKey::app(profile)?,
        };
        let held = self.lock(&key, Duration::from_secs(60))?;
        let expected = self.load(&key)?.map_or(0, |r| r.generation());
        record.set_generation(expected + 1);
        self.save(&key, &record, expected, Some(&held))?;
        Ok(key)
    }
}

/// Opens a store by URL: `file:` (the default directory under the platform's
/// config directory) or `file:/path/to/store` (a directory). `None` reads
/// `X_API_AUTH_STORE`, and without it opens the default file store.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("x-api-auth-doc-{}", std::process::id()));
/// let store = x_api_auth::tokens::open_store(Some(&format!("file:{}/store", dir.display())))?;
/// assert!(store.location().ends_with("/store"));
/// assert_eq!(x_api_auth::tokens::open_store(Some("ftp://x")).unwrap_err().code(), "X_STORE");
/// # Ok::<(), x_api_auth::Error>(())
/// ```
pub fn open_store(url: Option<&str>) -> Result<Arc<dyn TokenStore>> {
    let from_env = std::env::var(STORE_ENV).ok().filter(|v| !v.is_empty());
    let url = url
        .map(str::to_owned)
        .or(from_env)
        .unwrap_or_else(|| "file:".to_owned());
    match url.split_once(':') {
        Some(("file", rest)) => Ok(Arc::new(FileStore::open(rest)?)),
        #[cfg(feature = "store-keyring")]
        Some(("keyring", "")) => Ok(Arc::new(super::stores::keyring::KeyringStore::open()?)),
        #[cfg(feature = "store-redis")]
        Some(("redis" | "rediss", _)) => {
            Ok(Arc::new(super::stores::redis::RedisStore::open(&url)?))
        }
        // The scheme only: the rest of a URL may hold a password or a key.
        _ => Err(Error::store(
            StoreErrorKind::Url,
            format!("{}:…", url.split(':').next().unwrap_or_default()),
            "is not a store URL this build understands: use file:, file:/path/to/store (a directory), keyring: (store-keyring feature) or redis://host:port/db (store-redis feature)",
        )),
    }
}

/// How an error names an unknown option of a store URL: its name when it
/// looks like one (`"color"`), never anything that may be a value (a key
/// written `key:hex:…` has no `=` to split at).
pub(crate) fn option_name(option: &str) -> String {
    let name = option.split('=').next().unwrap_or_default();
    if !name.is_empty()
        && name.len() <= 32
        && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
    {
        format!("{name:?}")
    } else {
        "(not shown: it may hold a secret)".to_owned()
    }
}

/// The profile to use: `profile` when given, else `X_API_AUTH_PROFILE`,
/// else `default`.
pub fn profile_name(profile: Option<&str>) -> String {
    profile
        .map(str::to_owned)
        .or_else(|| std::env::var(PROFILE_ENV).ok().filter(|v| !v.is_empty()))
        .unwrap_or_else(|| DEFAULT_PROFILE.to_owned())
}

/// Reads a profile's app record (an empty one when absent).
pub fn load_app(store: &dyn TokenStore, profile: &str) -> Result<AppRecord> {
    match store.load(&RecordKey::app(profile)?)? {
        Some(Record::App(app)) => Ok(app),
        _ => Ok(AppRecord::default()),
    }
}

/// Finds a user of `profile`: by numeric id, by screen name (with or
/// without `@`, any case), or, for `None`, the profile's default user (the
/// only user when there is one).
pub fn find_user(store: &dyn TokenStore, profile: &str, user: Option<&str>) -> Result<UserRecord> {
    let not_found = |what: String| Error::LoginRequired {
        profile: profile.to_owned(),
        user: user.unwrap_or("(default)").to_owned(),
        reason: what,
    };
    let wanted = match user {
        Some(u) => Some(u.trim_start_matches('@').to_owned()),
        None => load_app(store, profile)?.default_user,
    };
    if let Some(id) = wanted
        .as_deref()
        .filter(|w| w.bytes().all(|b| b.is_ascii_digit()))
        && let Some(Record::User(record)) = store.load(&RecordKey::user(profile, id)?)?
    {
        return Ok(record);
    }
    let mut users = Vec::new();
    for key in store.list(Some(profile))? {
        if key.user_id.is_some()
            && let Some(Record::User(record)) = store.load(&key)?
        {
            users.push(record);
        }
    }
    match wanted {
        Some(name) => users
            .into_iter()
            .find(|u| {
                u.screen_name
                    .as_deref()
                    .is_some_and(|s| s.eq_ignore_ascii_case(&name))
            })
            .ok_or_else(|| not_found(format!("no stored user {name}: log them in first"))),
        None if users.len() == 1 => Ok(users.remove(0)),
        None if users.is_empty() => {
            Err(not_found("no user is stored: log one in first".to_owned()))
        }
        None => Err(not_found(
            "several users are stored and none is the default: name one, or set a default user"
                .to_owned(),
        )),
    }
}
