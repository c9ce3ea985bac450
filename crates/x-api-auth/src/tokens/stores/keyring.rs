//! The OS keychain store (`keyring:`, feature `store-keyring`): Secret
//! Service on Linux (GNOME Keyring, KeePassXC), Keychain on macOS,
//! Credential Manager on Windows.
//!
//! - One entry per record, service `x-api-auth`, account `<profile>/app` or
//!   `<profile>/users/<id>`, so a person finds them in their password
//!   manager; the entry holds the record as JSON.
//! - An `index` entry lists the records (the keychain API cannot search).
//! - Locks are sidecar files under the config directory
//!   (`x-api-auth/keyring-locks/`), as in the file store: a refresh lock and
//!   a writer lock per record.
//! - It can instead hold only the key of an encrypted file store
//!   (`file:/dir?key=keyring`, account `file-store-key:<dir>`).

use std::path::Path;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use ring::rand::{SecureRandom, SystemRandom};
use zeroize::Zeroizing;

use super::file::FileStore;
use super::sealed::StoreKey;
use crate::error::{Error, Result, StoreErrorKind};
use crate::tokens::record::{Record, RecordKey, json_problem};
use crate::tokens::store::{RecordLock, TokenStore};

const SERVICE: &str = "x-api-auth";
const INDEX: &str = "index";

fn entry(account: &str) -> Result<keyring::Entry> {
    keyring::Entry::new(SERVICE, account).map_err(|e| error(account, e))
}

fn error(account: &str, e: keyring::Error) -> Error {
    let location = format!("keyring:{account}");
    match e {
        keyring::Error::NoStorageAccess(_) => Error::store(
            StoreErrorKind::Locked,
            location,
            format!(
                "the keychain is locked ({e}): unlock it (log in to the desktop session, or run gnome-keyring-daemon --unlock), then try again"
            ),
        ),
        keyring::Error::PlatformFailure(_) | keyring::Error::NoDefaultStore => Error::store(
            StoreErrorKind::Unavailable,
            location,
            format!(
                "the keychain cannot be reached ({e}): on Linux a Secret Service (GNOME Keyring, KeePassXC) must run in the session"
            ),
        ),
        other => Error::store(
            StoreErrorKind::Io,
            location,
            format!("the keychain failed: {other}"),
        ),
    }
}

/// Reads an entry; `None` when there is none.
fn read(account: &str) -> Result<Option<Zeroizing<String>>> {
    match entry(account)?.get_password() {
        Ok(value) => Ok(Some(Zeroizing::new(value))),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(error(account, e)),
    }
}

fn write(account: &str, value: &str) -> Result<()> {
    entry(account)?
        .set_password(value)
        .map_err(|e| error(account, e))
}

/// The key of the encrypted file store in `dir`, created on first use.
pub(crate) fn file_store_key(dir: &Path) -> Result<StoreKey> {
    let absolute = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    let account = format!("file-store-key:{}", absolute.display());
    let encoded = match read(&account)? {
        Some(encoded) => encoded,
        None => {
            let mut key = Zeroizing::new([0u8; 32]);
            SystemRandom::new().fill(key.as_mut()).map_err(|_| {
                Error::store(
                    StoreErrorKind::Io,
                    &account,
                    "the system random generator failed",
                )
            })?;
            let encoded = Zeroizing::new(BASE64.encode(key.as_ref()));
            write(&account, &encoded)?;
            encoded
        }
    };
    let bytes = Zeroizing::new(BASE64.decode(encoded.as_bytes()).unwrap_or_default());
    let key: [u8; 32] = bytes.as_slice().try_into().map_err(|_| {
        Error::store(
            StoreErrorKind::Corrupt,
            format!("keyring:{account}"),
            "is not a 32-byte key",
        )
    })?;
    Ok(StoreKey::Key(Zeroizing::new(key)))
}

/// A store in the OS keychain.
#[derive(Debug)]
pub struct KeyringStore {
    locks: FileStore,
}

impl KeyringStore {
    /// Opens the keychain store (`keyring:`); its lock files go to
    /// `keyring-locks/` under the platform's config directory.
    pub fn open() -> Result<Self> {
        let locks = FileStore::open("")?;
        let dir = locks.dir().with_file_name("keyring-locks");
        Ok(Self {
            locks: FileStore::open(&dir.display().to_string())?,
        })
    }

    fn index(&self) -> Result<Vec<String>> {
        match read(INDEX)? {
            Some(text) => serde_json::from_str(&text).map_err(|e| {
                Error::store(
                    StoreErrorKind::Corrupt,
                    "keyring:index",
                    format!("is not a list ({})", json_problem(&e)),
                )
            }),
            None => Ok(Vec::new()),
        }
    }

    fn update_index(&self, change: impl FnOnce(&mut Vec<String>)) -> Result<()> {
        let _writer = self
            .locks
            .lock_file(&self.locks.dir().join("index.write.lock"))?;
        let mut paths = self.index()?;
        change(&mut paths);
        paths.sort();
        paths.dedup();
        write(INDEX, &serde_json::to_string(&paths).unwrap_or_default())
    }
}

impl TokenStore for KeyringStore {
    fn location(&self) -> String {
        "keyring:".to_owned()
    }

    fn load(&self, key: &RecordKey) -> Result<Option<Record>> {
        let account = key.path();
        read(&account)?
            .map(|document| Record::from_document(&document, &format!("keyring:{account}")))
            .transpose()
    }

    fn save(
        &self,
        key: &RecordKey,
        record: &Record,
        expected: u64,
        _lock: Option<&RecordLock>,
    ) -> Result<()> {
        let writer = self.locks.writer(key)?;
        let stored = self.load(key)?.map_or(0, |r| r.generation());
        if stored != expected || record.generation() <= stored {
            return Err(Error::store(
                StoreErrorKind::Conflict,
                format!("keyring:{}", key.path()),
                format!(
                    "is at generation {stored}, not {expected}: another writer changed it; read it again"
                ),
            ));
        }
        write(&key.path(), &record.to_document())?;
        drop(writer);
        if stored == 0 {
            self.update_index(|paths| paths.push(key.path()))?;
        }
        Ok(())
    }

    fn lock(&self, key: &RecordKey, wait: Duration) -> Result<RecordLock> {
        self.locks.lock(key, wait)
    }

    fn list(&self, profile: Option<&str>) -> Result<Vec<RecordKey>> {
        let prefix = profile.map(|p| format!("{p}/"));
        Ok(self
            .index()?
            .iter()
            .filter(|path| prefix.as_deref().is_none_or(|p| path.starts_with(p)))
            .filter_map(|path| RecordKey::from_path(path))
            .collect())
    }

    fn delete(&self, key: &RecordKey) -> Result<()> {
        let writer = self.locks.writer(key)?;
        let account = key.path();
        match entry(&account)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => {}
            Err(e) => return Err(error(&account, e)),
        }
        drop(writer);
        self.update_index(|paths| paths.retain(|p| *p != account))
    }
}
