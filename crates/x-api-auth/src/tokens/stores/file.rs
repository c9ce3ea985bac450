//! The file store, the embedded default: one JSON file (optionally
//! encrypted) under the platform's config directory.
//!
//! - The directory is created 0700 and the file 0600; a file that group or
//!   others can read is refused, with the `chmod` that fixes it (on Windows
//!   the user profile's ACL protects it instead).
//! - Every write goes to a temporary file in the same directory, is synced,
//!   renamed over the store and the directory synced: a crash leaves the old
//!   file or the new one, never a torn one.
//! - Writers take `<file>.lock`, a sidecar lock file (the store itself is
//!   replaced by each write, so a lock on it would stop protecting); each
//!   record has its own lock under `<file>.locks/` for refreshes, so one
//!   user's refresh never waits for another's.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::sealed::{Sealed, Sealer, StoreKey, needs_key};
use crate::error::{Error, Result, StoreErrorKind};
use crate::tokens::record::{FORMAT_VERSION, Record, RecordKey};
use crate::tokens::store::{RecordLock, TokenStore};

/// The file's top level.
#[derive(Serialize, Deserialize)]
struct FileContent {
    format: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    records: Option<BTreeMap<String, serde_json::Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sealed: Option<Sealed>,
}

/// A store in one file. Cheap to open; every operation reads the file anew,
/// so processes sharing it always see each other's writes.
pub struct FileStore {
    path: PathBuf,
    sealer: Option<Sealer>,
}

impl std::fmt::Debug for FileStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileStore")
            .field("path", &self.path)
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

impl FileStore {
    /// Opens the store at `path` (the part of a `file:` URL after the
    /// colon; empty for the default file, `store.json` under the platform's
    /// config directory). Nothing is created until the first write.
    pub fn open(path: &str) -> Result<Self> {
        let path = if path.is_empty() {
            config_dir()
                .ok_or_else(|| {
                    Error::store(
                        StoreErrorKind::Url,
                        "file:",
                        "no config directory (HOME is not set): give a path, file:/path/to/store.json",
                    )
                })?
                .join("store.json")
        } else {
            PathBuf::from(path)
        };
        let location = path.display().to_string();
        Ok(Self {
            sealer: Sealer::from_env(&location)?,
            path,
        })
    }

    /// Opens an encrypted store at `path` with `key` (instead of the key in
    /// the environment).
    pub fn open_encrypted(path: &str, key: StoreKey) -> Result<Self> {
        let mut store = Self::open(path)?;
        store.sealer = Some(Sealer::new(key));
        Ok(store)
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn location(&self) -> String {
        self.path.display().to_string()
    }

    fn io_error(&self, what: &str, e: &io::Error) -> Error {
        let kind = if e.kind() == io::ErrorKind::PermissionDenied {
            StoreErrorKind::Permissions
        } else {
            StoreErrorKind::Io
        };
        Error::store(kind, self.location(), format!("cannot {what}: {e}"))
    }

    fn dir(&self) -> &Path {
        self.path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
    }

    fn create_dir(&self, dir: &Path) -> Result<()> {
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder
            .create(dir)
            .map_err(|e| self.io_error("create its directory", &e))
    }

    fn open_private(&self, path: &Path) -> io::Result<File> {
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        options.open(path)
    }

    /// Every record, by key path; empty when the file does not exist.
    fn read_all(&self) -> Result<(BTreeMap<String, serde_json::Value>, Option<Sealed>)> {
        let bytes = match fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Default::default()),
            Err(e) => return Err(self.io_error("read it", &e)),
        };
        self.check_private()?;
        let corrupt =
            |reason: String| Error::store(StoreErrorKind::Corrupt, self.location(), reason);
        let content: FileContent = serde_json::from_slice(&bytes).map_err(|e| {
            corrupt(format!(
                "is not a valid store ({e}); it was left untouched: restore it from a backup or move it away"
            ))
        })?;
        if content.format > FORMAT_VERSION {
            return Err(Error::store(
                StoreErrorKind::UnsupportedVersion,
                self.location(),
                format!(
                    "was written by a newer x-api-auth (format {}, this one reads {FORMAT_VERSION}): upgrade x-api-auth",
                    content.format
                ),
            ));
        }
        match (content.records, content.sealed) {
            (Some(records), None) => Ok((records, None)),
            (None, Some(sealed)) => {
                let sealer = self
                    .sealer
                    .as_ref()
                    .ok_or_else(|| needs_key(&self.location()))?;
                let plaintext = sealer.open(&sealed, &self.location())?;
                let records = serde_json::from_slice(&plaintext)
                    .map_err(|e| corrupt(format!("its decrypted content is not valid ({e})")))?;
                Ok((records, Some(sealed)))
            }
            _ => Err(corrupt("has neither records nor sealed records".to_owned())),
        }
    }

    #[cfg(unix)]
    fn check_private(&self) -> Result<()> {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&self.path)
            .map_err(|e| self.io_error("read its permissions", &e))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            return Err(Error::store(
                StoreErrorKind::Permissions,
                self.location(),
                format!(
                    "is readable by group or others (mode {:o}); refusing to use it: run chmod 600 '{}'",
                    mode & 0o777,
                    self.location()
                ),
            ));
        }
        Ok(())
    }

    #[cfg(not(unix))]
    fn check_private(&self) -> Result<()> {
        Ok(())
    }

    /// Writes every record: temporary file, sync, rename, sync directory.
    fn write_all(
        &self,
        records: &BTreeMap<String, serde_json::Value>,
        previous: Option<&Sealed>,
    ) -> Result<()> {
        let content = match &self.sealer {
            None => FileContent {
                format: FORMAT_VERSION,
                records: Some(records.clone()),
                sealed: None,
            },
            Some(sealer) => {
                let plaintext =
                    zeroize::Zeroizing::new(serde_json::to_vec(records).unwrap_or_default());
                FileContent {
                    format: FORMAT_VERSION,
                    records: None,
                    sealed: Some(sealer.seal(&plaintext, previous)?),
                }
            }
        };
        let bytes =
            zeroize::Zeroizing::new(serde_json::to_vec_pretty(&content).unwrap_or_default());
        let dir = self.dir();
        let name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temp = dir.join(format!(".{name}.{}.{}.tmp", std::process::id(), unique()));
        let written = (|| -> io::Result<()> {
            let mut file = self.open_private(&temp)?;
            file.set_len(0)?;
            file.write_all(&bytes)?;
            file.sync_all()?;
            fs::rename(&temp, &self.path)?;
            File::open(dir)?.sync_all()
        })();
        if let Err(e) = written {
            let _ = fs::remove_file(&temp);
            return Err(self.io_error("write it", &e));
        }
        Ok(())
    }

    /// Runs a read-modify-write under the store's writer lock.
    fn update<T>(
        &self,
        change: impl FnOnce(&mut BTreeMap<String, serde_json::Value>) -> Result<T>,
    ) -> Result<T> {
        self.create_dir(self.dir())?;
        let lock_path = self.path.with_file_name(format!(
            "{}.lock",
            self.path
                .file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default()
        ));
        let lock = self
            .open_private(&lock_path)
            .map_err(|e| self.io_error("open its lock file", &e))?;
        lock.lock().map_err(|e| self.io_error("lock it", &e))?;
        let (mut records, sealed) = self.read_all()?;
        let result = change(&mut records)?;
        self.write_all(&records, sealed.as_ref())?;
        Ok(result)
    }

    fn record_lock_path(&self, key: &RecordKey) -> PathBuf {
        let name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        self.dir()
            .join(format!("{name}.locks"))
            .join(format!("{}.lock", key.path()))
    }
}

/// A number that differs between the temporary files of one process.
fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

impl TokenStore for FileStore {
    fn location(&self) -> String {
        format!("file:{}", self.location())
    }

    fn load(&self, key: &RecordKey) -> Result<Option<Record>> {
        let (mut records, _) = self.read_all()?;
        records
            .remove(&key.path())
            .map(|value| Record::from_stored_json(value, &self.location()))
            .transpose()
    }

    fn save(
        &self,
        key: &RecordKey,
        record: &Record,
        expected: u64,
        _lock: Option<&RecordLock>,
    ) -> Result<()> {
        self.update(|records| {
            let path = key.path();
            let stored = records
                .get(&path)
                .map(|v| v["generation"].as_u64().unwrap_or(0))
                .unwrap_or(0);
            if stored != expected || record.generation() <= stored {
                return Err(Error::store(
                    StoreErrorKind::Conflict,
                    self.location(),
                    format!(
                        "{path} is at generation {stored}, not {expected}: another writer changed it; read it again"
                    ),
                ));
            }
            records.insert(path, record.to_stored_json());
            Ok(())
        })
    }

    fn lock(&self, key: &RecordKey, wait: Duration) -> Result<RecordLock> {
        let path = self.record_lock_path(key);
        if let Some(parent) = path.parent() {
            self.create_dir(parent)?;
        }
        let file = self
            .open_private(&path)
            .map_err(|e| self.io_error("open a record lock", &e))?;
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
                    return Err(Error::store(
                        StoreErrorKind::Locked,
                        self.location(),
                        format!(
                            "{} stayed locked by another process for {wait:?}: is a refresh stuck? ({})",
                            key.path(),
                            path.display()
                        ),
                    ));
                }
                Err(TryLockError::Error(e)) => return Err(self.io_error("lock a record", &e)),
            }
        }
    }

    fn list(&self, profile: Option<&str>) -> Result<Vec<RecordKey>> {
        let (records, _) = self.read_all()?;
        Ok(records
            .keys()
            .filter_map(|path| {
                let (p, rest) = path.split_once('/')?;
                if profile.is_some_and(|wanted| wanted != p) {
                    return None;
                }
                match rest.strip_prefix("users/") {
                    Some(id) => RecordKey::user(p, id).ok(),
                    None if rest == "app" => RecordKey::app(p).ok(),
                    None => None,
                }
            })
            .collect())
    }

    fn delete(&self, key: &RecordKey) -> Result<()> {
        self.update(|records| {
            records.remove(&key.path());
            Ok(())
        })
    }
}
