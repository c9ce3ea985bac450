//! The file store, the embedded default: a directory under the platform's
//! config directory with one small JSON file per record, so that one user's
//! refresh writes one file and never waits for another user's.
//!
//! ```text
//! <store>/store.json                 format version (and the passphrase's salt)
//! <store>/<profile>/app.json         the app record
//! <store>/<profile>/users/<id>.json  one user's record
//! <record>.lock, <record>.write.lock the record's refresh lock and writer lock
//! ```
//!
//! - Directories are created 0700 and files 0600; a record that group or
//!   others can read is refused, with the `chmod` that fixes it (on Windows
//!   the user profile's ACL protects the files instead).
//! - Every write goes to a temporary file in the record's directory, is
//!   synced, renamed over the record and the directory synced: a crash leaves
//!   the old record or the new one, never a torn one.
//! - Locks are sidecar files (the record itself is replaced by each write,
//!   so a lock on it would stop protecting): `.lock` is held across a
//!   refresh, `.write.lock` around each compare-and-swap.
//! - Format 1, one file holding every record (`store.json` beside the
//!   default directory, or the file a `file:` URL names), is migrated when
//!   the store is opened: the old file is kept as `<file>.format1.bak`.
//! - With a key (`X_API_AUTH_STORE_KEY`) or a passphrase
//!   (`X_API_AUTH_STORE_PASSPHRASE`) every record is sealed with
//!   ChaCha20-Poly1305; the passphrase's salt is kept in `store.json`.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::sealed::{Sealed, Sealer, StoreKey, needs_key};
use crate::error::{Error, Result, StoreErrorKind};
use crate::tokens::record::{FORMAT_VERSION, Record, RecordKey, json_problem};
use crate::tokens::store::{RecordLock, TokenStore, option_name};

/// What a record file holds: the record, or the record sealed.
#[derive(Serialize, Deserialize)]
struct RecordFile {
    format: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    record: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sealed: Option<Sealed>,
}

/// Format 1: one file holding every record, by key path.
#[derive(Deserialize)]
struct SingleFile {
    format: u32,
    #[serde(default)]
    records: Option<std::collections::BTreeMap<String, serde_json::Value>>,
    #[serde(default)]
    sealed: Option<Sealed>,
}

/// `store.json`: the store's format and the passphrase's key derivation.
#[derive(Serialize, Deserialize, Default)]
struct StoreMeta {
    format: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    salt: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    iterations: Option<u32>,
}

/// A store in a directory. Cheap to open; every operation reads the files
/// anew, so processes sharing it always see each other's writes.
pub struct FileStore {
    dir: PathBuf,
    sealer: Option<Sealer>,
}

impl std::fmt::Debug for FileStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileStore")
            .field("dir", &self.dir)
            .field("encrypted", &self.sealer.is_some())
            .finish()
    }
}

/// The platform's config directory for x-api-auth.
fn config_dir() -> Option<PathBuf> {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let base = if cfg!(windows) {
        var("APPDATA")
    } else if cfg!(target_os = "macos") {
        var("HOME").map(|h| h.join("Library/Application Support"))
    } else {
        var("XDG_CONFIG_HOME").or_else(|| var("HOME").map(|h| h.join(".config")))
    };
    base.map(|b| b.join("x-api-auth"))
}

/// The key of a store encrypted with a key kept in the OS keychain
/// (`file:/dir?key=keyring`): 32 random bytes, created on first use.
#[cfg(feature = "store-keyring")]
fn keychain_key(dir: &Path) -> Result<StoreKey> {
    super::keyring::file_store_key(dir)
}

#[cfg(not(feature = "store-keyring"))]
fn keychain_key(dir: &Path) -> Result<StoreKey> {
    Err(Error::store(
        StoreErrorKind::Url,
        dir.display().to_string(),
        "?key=keyring needs the OS keychain (the store-keyring feature)",
    ))
}

/// A number that differs between the temporary files of one process.
fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

impl FileStore {
    /// Opens the store in directory `dir` (the part of a `file:` URL after
    /// the colon; empty for the default, `store` under the platform's config
    /// directory). Nothing is created until the first write.
    pub fn open(dir: &str) -> Result<Self> {
        let (dir, query) = dir.split_once('?').unwrap_or((dir, ""));
        let dir = if dir.is_empty() {
            config_dir()
                .ok_or_else(|| {
                    Error::store(
                        StoreErrorKind::Url,
                        "file:",
                        "no config directory (HOME is not set): give one, file:/path/to/store",
                    )
                })?
                .join("store")
        } else {
            PathBuf::from(dir)
        };
        let location = dir.display().to_string();
        let sealer = match query {
            "" => Sealer::from_env(&location)?,
            "key=keyring" => Some(Sealer::new(keychain_key(&dir)?)),
            other => {
                return Err(Error::store(
                    StoreErrorKind::Url,
                    &location,
                    // The option's name only: its value may be a secret.
                    format!(
                        "unknown option {}: the file store takes ?key=keyring",
                        option_name(other)
                    ),
                ));
            }
        };
        let store = Self { sealer, dir };
        store.migrate()?;
        Ok(store)
    }

    /// Opens an encrypted store in `dir` with `key` (instead of the key in
    /// the environment).
    pub fn open_encrypted(dir: &str, key: StoreKey) -> Result<Self> {
        let store = Self {
            sealer: Some(Sealer::new(key)),
            dir: PathBuf::from(dir),
        };
        store.migrate()?;
        Ok(store)
    }

    /// Moves a format-1 store (one file) into this directory layout: the
    /// file the URL names, or `store.json` beside the store's directory.
    /// The old file is kept as `<file>.format1.bak`.
    fn migrate(&self) -> Result<()> {
        let beside = self.dir.with_extension("json");
        let old = if self.dir.is_file() {
            self.dir.clone()
        } else if !self.dir.exists() && beside.is_file() {
            beside
        } else {
            return Ok(());
        };
        let parent = old.parent().unwrap_or(Path::new("."));
        let _migrating = self.lock_file(&parent.join(".x-api-auth-migrate.lock"))?;
        let Some(bytes) = self.read_private(&old)? else {
            return Ok(()); // another process migrated it meanwhile
        };
        let corrupt = |reason: String| self.error(StoreErrorKind::Corrupt, &old, reason);
        let file: SingleFile = serde_json::from_slice(&bytes).map_err(|e| {
            corrupt(format!(
                "is not a store of format 1 ({}); it was left untouched",
                json_problem(&e)
            ))
        })?;
        if file.format != 1 {
            self.check_format(file.format, &old)?;
            return Err(corrupt(format!(
                "has format {} where a file of format 1 was expected",
                file.format
            )));
        }
        let records = match (file.records, file.sealed) {
            (Some(records), None) => records,
            (None, Some(sealed)) => {
                let sealer = self
                    .sealer
                    .as_ref()
                    .ok_or_else(|| needs_key(&old.display().to_string()))?;
                let location = old.display().to_string();
                let plaintext = sealer.open(
                    &sealed,
                    sealed.salt.as_deref(),
                    sealed.iterations,
                    &location,
                )?;
                serde_json::from_slice(&plaintext).map_err(|e| {
                    corrupt(format!("its records are not valid ({})", json_problem(&e)))
                })?
            }
            _ => {
                return Err(corrupt(
                    "holds neither records nor sealed records".to_owned(),
                ));
            }
        };
        let backup = PathBuf::from(format!("{}.format1.bak", old.display()));
        fs::rename(&old, &backup).map_err(|e| self.io_error(&old, "move it aside", &e))?;
        for (path, value) in records {
            let record = Record::from_stored_json(value, &backup.display().to_string())?;
            let key = match path.split_once("/users/") {
                Some((profile, id)) => RecordKey::user(profile, id),
                None => RecordKey::app(path.trim_end_matches("/app")),
            }
            .map_err(|e| corrupt(format!("holds a record named {path:?}: {e}")))?;
            self.write_record(&key, &record).map_err(|e| {
                Error::store(
                    StoreErrorKind::Io,
                    backup.display().to_string(),
                    format!(
                        "migrating to {} failed ({e}); the old store is kept in this file",
                        self.dir.display()
                    ),
                )
            })?;
        }
        Ok(())
    }

    /// The store's directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file of a record.
    pub fn record_path(&self, key: &RecordKey) -> PathBuf {
        self.dir.join(format!("{}.json", key.path()))
    }

    fn error(&self, kind: StoreErrorKind, path: &Path, reason: impl Into<String>) -> Error {
        Error::store(kind, path.display().to_string(), reason)
    }

    fn io_error(&self, path: &Path, what: &str, e: &io::Error) -> Error {
        let kind = if e.kind() == io::ErrorKind::PermissionDenied {
            StoreErrorKind::Permissions
        } else {
            StoreErrorKind::Io
        };
        self.error(kind, path, format!("cannot {what}: {e}"))
    }

    fn create_dir(&self, dir: &Path) -> Result<()> {
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder
            .create(dir)
            .map_err(|e| self.io_error(dir, "create the directory", &e))
    }

    fn open_private(path: &Path) -> io::Result<File> {
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        options.open(path)
    }

    /// Reads a file of the store; `None` when it does not exist.
    fn read_private(&self, path: &Path) -> Result<Option<Vec<u8>>> {
        let bytes = match fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(self.io_error(path, "read it", &e)),
        };
        self.check_private(path)?;
        Ok(Some(bytes))
    }

    #[cfg(unix)]
    fn check_private(&self, path: &Path) -> Result<()> {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(path)
            .map_err(|e| self.io_error(path, "read its permissions", &e))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            return Err(self.error(
                StoreErrorKind::Permissions,
                path,
                format!(
                    "is readable by group or others (mode {:o}); refusing to use it: run chmod 600 '{}'",
                    mode & 0o777,
                    path.display()
                ),
            ));
        }
        Ok(())
    }

    #[cfg(not(unix))]
    fn check_private(&self, _path: &Path) -> Result<()> {
        Ok(())
    }

    /// Writes a file: temporary file, sync, rename, sync directory.
    fn write_private(&self, path: &Path, bytes: &[u8]) -> Result<()> {
        let dir = path.parent().unwrap_or(&self.dir);
        self.create_dir(dir)?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temp = dir.join(format!(".{name}.{}.{}.tmp", std::process::id(), unique()));
        let written = (|| -> io::Result<()> {
            let mut file = Self::open_private(&temp)?;
            file.set_len(0)?;
            file.write_all(bytes)?;
            file.sync_all()?;
            fs::rename(&temp, path)?;
            File::open(dir)?.sync_all()
        })();
        if let Err(e) = written {
            let _ = fs::remove_file(&temp);
            return Err(self.io_error(path, "write it", &e));
        }
        Ok(())
    }

    /// `store.json`, written on first use: the format, and for a passphrase
    /// the salt every record's key is derived with.
    fn meta(&self, create: bool) -> Result<StoreMeta> {
        let path = self.dir.join("store.json");
        if let Some(bytes) = self.read_private(&path)? {
            let meta: StoreMeta = serde_json::from_slice(&bytes).map_err(|e| {
                self.error(
                    StoreErrorKind::Corrupt,
                    &path,
                    format!("is not valid ({}); it was left untouched", json_problem(&e)),
                )
            })?;
            self.check_format(meta.format, &path)?;
            return Ok(meta);
        }
        if !create {
            return Ok(StoreMeta::default());
        }
        let (salt, iterations) = match &self.sealer {
            Some(sealer) => sealer.new_salt()?,
            None => (None, None),
        };
        let meta = StoreMeta {
            format: FORMAT_VERSION,
            salt,
            iterations,
        };
        // Two processes creating the store at once: the first rename wins,
        // and both then read the same file.
        let lock = self.lock_file(&self.dir.join("store.json.lock"))?;
        if self.read_private(&path)?.is_none() {
            self.write_private(&path, &serde_json::to_vec_pretty(&meta).unwrap_or_default())?;
        }
        drop(lock);
        self.meta(false)
    }

    fn check_format(&self, format: u32, path: &Path) -> Result<()> {
        if format > FORMAT_VERSION {
            return Err(self.error(
                StoreErrorKind::UnsupportedVersion,
                path,
                format!("was written by a newer x-api-auth (format {format}, this one reads {FORMAT_VERSION}): upgrade x-api-auth"),
            ));
        }
        Ok(())
    }

    fn read_record(&self, key: &RecordKey) -> Result<Option<(Record, u64)>> {
        let path = self.record_path(key);
        let Some(bytes) = self.read_private(&path)? else {
            return Ok(None);
        };
        let corrupt = |reason: String| self.error(StoreErrorKind::Corrupt, &path, reason);
        let file: RecordFile = serde_json::from_slice(&bytes).map_err(|e| {
            corrupt(format!("is not a valid record ({}); it was left untouched: restore it from a backup or move it away", json_problem(&e)))
        })?;
        self.check_format(file.format, &path)?;
        let value = match (file.record, file.sealed) {
            (Some(record), None) => record,
            (None, Some(sealed)) => {
                let sealer = self
                    .sealer
                    .as_ref()
                    .ok_or_else(|| needs_key(&path.display().to_string()))?;
                let meta = self.meta(false)?;
                let plaintext = sealer.open(
                    &sealed,
                    meta.salt.as_deref(),
                    meta.iterations,
                    &path.display().to_string(),
                )?;
                serde_json::from_slice(&plaintext).map_err(|e| {
                    corrupt(format!(
                        "its decrypted content is not valid ({})",
                        json_problem(&e)
                    ))
                })?
            }
            _ => {
                return Err(corrupt(
                    "holds neither a record nor a sealed record".to_owned(),
                ));
            }
        };
        let record = Record::from_stored_json(value, &path.display().to_string())?;
        let generation = record.generation();
        Ok(Some((record, generation)))
    }

    fn write_record(&self, key: &RecordKey, record: &Record) -> Result<()> {
        let meta = self.meta(true)?;
        let value = record.to_stored_json();
        let file = match &self.sealer {
            None => RecordFile {
                format: FORMAT_VERSION,
                record: Some(value),
                sealed: None,
            },
            Some(sealer) => {
                let plaintext =
                    zeroize::Zeroizing::new(serde_json::to_vec(&value).unwrap_or_default());
                let sealed = sealer.seal(&plaintext, meta.salt.as_deref(), meta.iterations)?;
                RecordFile {
                    format: FORMAT_VERSION,
                    record: None,
                    sealed: Some(sealed),
                }
            }
        };
        let bytes = zeroize::Zeroizing::new(serde_json::to_vec(&file).unwrap_or_default());
        self.write_private(&self.record_path(key), &bytes)
    }

    /// Takes a lock file, waiting as long as it takes (writer locks are held
    /// for one small write).
    pub(crate) fn lock_file(&self, path: &Path) -> Result<File> {
        if let Some(parent) = path.parent() {
            self.create_dir(parent)?;
        }
        let file =
            Self::open_private(path).map_err(|e| self.io_error(path, "open a lock file", &e))?;
        file.lock()
            .map_err(|e| self.io_error(path, "lock it", &e))?;
        Ok(file)
    }

    /// The writer lock of a record, held around a compare-and-swap.
    pub(crate) fn writer(&self, key: &RecordKey) -> Result<File> {
        self.lock_file(&self.sidecar(key, ".write.lock"))
    }

    fn sidecar(&self, key: &RecordKey, suffix: &str) -> PathBuf {
        self.dir.join(format!("{}{suffix}", key.path()))
    }
}

impl TokenStore for FileStore {
    fn location(&self) -> String {
        format!("file:{}", self.dir.display())
    }

    fn load(&self, key: &RecordKey) -> Result<Option<Record>> {
        Ok(self.read_record(key)?.map(|(record, _)| record))
    }

    fn save(
        &self,
        key: &RecordKey,
        record: &Record,
        expected: u64,
        _lock: Option<&RecordLock>,
    ) -> Result<()> {
        let writer = self.lock_file(&self.sidecar(key, ".write.lock"))?;
        let stored = self
            .read_record(key)?
            .map_or(0, |(_, generation)| generation);
        if stored != expected || record.generation() <= stored {
            return Err(self.error(
                StoreErrorKind::Conflict,
                &self.record_path(key),
                format!("is at generation {stored}, not {expected}: another writer changed it; read it again"),
            ));
        }
        self.write_record(key, record)?;
        drop(writer);
        Ok(())
    }

    fn lock(&self, key: &RecordKey, wait: Duration) -> Result<RecordLock> {
        let path = self.sidecar(key, ".lock");
        if let Some(parent) = path.parent() {
            self.create_dir(parent)?;
        }
        let file = Self::open_private(&path)
            .map_err(|e| self.io_error(&path, "open a record lock", &e))?;
        let deadline = Instant::now() + wait;
        let mut pause = Duration::from_millis(1);
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(RecordLock::new(0, file)),
                Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_millis(20));
                }
                Err(TryLockError::WouldBlock) => {
                    return Err(self.error(
                        StoreErrorKind::Locked,
                        &path,
                        format!(
                            "stayed locked by another process for {wait:?}: is a refresh stuck?"
                        ),
                    ));
                }
                Err(TryLockError::Error(e)) => {
                    return Err(self.io_error(&path, "lock a record", &e));
                }
            }
        }
    }

    fn list(&self, profile: Option<&str>) -> Result<Vec<RecordKey>> {
        self.meta(false)?;
        let profiles: Vec<String> = match profile {
            Some(p) => vec![p.to_owned()],
            None => match fs::read_dir(&self.dir) {
                Ok(entries) => entries
                    .filter_map(|e| e.ok())
                    .filter(|e| e.path().is_dir())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect(),
                Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
                Err(e) => return Err(self.io_error(&self.dir, "list it", &e)),
            },
        };
        let mut keys = Vec::new();
        for profile in profiles {
            let Ok(app) = RecordKey::app(&profile) else {
                continue;
            };
            if self.record_path(&app).exists() {
                keys.push(app);
            }
            let users = self.dir.join(&profile).join("users");
            let entries = match fs::read_dir(&users) {
                Ok(entries) => entries,
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => return Err(self.io_error(&users, "list it", &e)),
            };
            for entry in entries.filter_map(|e| e.ok()) {
                let name = entry.file_name().to_string_lossy().into_owned();
                if let Some(id) = name.strip_suffix(".json")
                    && let Ok(key) = RecordKey::user(&profile, id)
                {
                    keys.push(key);
                }
            }
        }
        keys.sort();
        Ok(keys)
    }

    fn delete(&self, key: &RecordKey) -> Result<()> {
        let writer = self.writer(key)?;
        let path = self.record_path(key);
        match fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(self.io_error(&path, "delete it", &e)),
        }
        drop(writer);
        Ok(())
    }
}
