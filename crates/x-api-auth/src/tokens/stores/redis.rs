//! The Redis store (`redis://host:port/db`, or `rediss://` over TLS on
//! rustls with ring, the server's certificate checked against the system's
//! roots or `SSL_CERT_FILE`; feature `store-redis`): for fleets of workers on
//! several machines sharing one app's and many users' tokens.
//!
//! - One key per record, `<prefix>:<profile>/users/<id>` (prefix
//!   `x-api-auth`, or `?prefix=` in the URL), holding the record as JSON.
//! - Saves are compare-and-swap by generation in one Lua script.
//! - A record's refresh lock is `SET <prefix>:lock:<record> <fence> NX PX
//!   <ttl>` (30 s, or `?lock_ttl_ms=`), where the fence comes from `INCR`:
//!   a save made under a lock is refused unless the lock still holds that
//!   fence, so a worker that stalled past its lock never overwrites a newer
//!   token. The manager also checks the lock right before it sends a
//!   refresh; what fencing cannot cover is a worker that stalls after that
//!   check and before X answers: its refresh then spends the refresh token
//!   another worker may be using (keep the TTL far above a refresh's round
//!   trip).
//! - Connections are pooled and re-opened after a failure; an unreachable
//!   server is `X_STORE` (`unavailable`).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::error::{Error, Result, StoreErrorKind};
use crate::tokens::record::{Record, RecordKey};
use crate::tokens::store::{RecordLock, TokenStore, option_name};

const SAVE: &str = r"
if ARGV[4] ~= '' and redis.call('GET', KEYS[2]) ~= ARGV[4] then return -1 end
local current = redis.call('GET', KEYS[1])
local generation = 0
if current then generation = cjson.decode(current)['generation'] or 0 end
if generation ~= tonumber(ARGV[1]) then return -2 end
redis.call('SET', KEYS[1], ARGV[3])
return 1
";

const UNLOCK: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
";

/// The connection pool shared by a store and the locks it hands out.
struct Shared {
    client: redis::Client,
    idle: Mutex<Vec<redis::Connection>>,
    location: String,
}

impl Shared {
    fn error(&self, e: &redis::RedisError) -> Error {
        let kind = if e.is_connection_refusal()
            || e.is_io_error()
            || e.is_timeout()
            || e.is_connection_dropped()
        {
            StoreErrorKind::Unavailable
        } else {
            StoreErrorKind::Io
        };
        Error::store(kind, &self.location, format!("Redis: {e}"))
    }

    fn connect(&self) -> Result<redis::Connection> {
        let c = self
            .client
            .get_connection_with_timeout(Duration::from_secs(5))
            .map_err(|e| self.error(&e))?;
        c.set_read_timeout(Some(Duration::from_secs(10)))
            .map_err(|e| self.error(&e))?;
        c.set_write_timeout(Some(Duration::from_secs(10)))
            .map_err(|e| self.error(&e))?;
        Ok(c)
    }

    /// Runs `f` on a pooled connection. A pooled connection that fails to
    /// reach the server (it restarted) is dropped and `f` runs once more on
    /// a new one; a connection that failed is never pooled again.
    fn with<T>(
        &self,
        mut f: impl FnMut(&mut redis::Connection) -> redis::RedisResult<T>,
    ) -> Result<T> {
        let pooled = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let (mut connection, fresh) = match pooled {
            Some(c) => (c, false),
            None => (self.connect()?, true),
        };
        let result = match f(&mut connection) {
            Err(e) if !fresh && (e.is_io_error() || e.is_connection_dropped()) => {
                connection = self.connect()?;
                f(&mut connection)
            }
            other => other,
        };
        let value = result.map_err(|e| self.error(&e))?;
        self.idle
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(connection);
        Ok(value)
    }
}

/// Releases a record's lock (only if it still holds this fence).
struct Held {
    shared: Arc<Shared>,
    key: String,
    fence: u64,
}

impl Drop for Held {
    fn drop(&mut self) {
        let _ = self.shared.with(|c| {
            redis::Script::new(UNLOCK)
                .key(&self.key)
                .arg(self.fence)
                .invoke::<i64>(c)
        });
    }
}

/// A store in Redis.
pub struct RedisStore {
    shared: Arc<Shared>,
    prefix: String,
    lock_ttl: Duration,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore")
            .field("location", &self.shared.location)
            .field("prefix", &self.prefix)
            .finish()
    }
}

impl RedisStore {
    /// Opens `redis://host:port/db` or `rediss://` (options `prefix` and
    /// `lock_ttl_ms` in the query). Connects on first use.
    pub fn open(url: &str) -> Result<Self> {
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        // the URL without its credentials, for messages
        let scheme = if base.starts_with("rediss://") {
            "rediss"
        } else {
            "redis"
        };
        let host = base.rsplit('@').next().unwrap_or_default();
        let location = format!(
            "{scheme}://{}",
            host.rsplit("//").next().unwrap_or_default()
        );
        let bad = |reason: String| Error::store(StoreErrorKind::Url, &location, reason);
        let mut prefix = "x-api-auth".to_owned();
        let mut lock_ttl = Duration::from_secs(30);
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            match pair.split_once('=') {
                Some(("prefix", p)) if !p.is_empty() && !p.contains(':') => prefix = p.to_owned(),
                Some(("lock_ttl_ms", ms)) => {
                    lock_ttl = Duration::from_millis(
                        ms.parse()
                            .map_err(|_| bad("lock_ttl_ms is not a number".to_owned()))?,
                    )
                }
                _ => {
                    // The option's name only: its value may be a secret.
                    return Err(bad(format!(
                        "unknown option {}: use prefix= or lock_ttl_ms=",
                        option_name(pair)
                    )));
                }
            }
        }
        let client =
            redis::Client::open(base).map_err(|e| bad(format!("is not a Redis URL: {e}")))?;
        Ok(Self {
            shared: Arc::new(Shared {
                client,
                idle: Mutex::new(Vec::new()),
                location,
            }),
            prefix,
            lock_ttl,
        })
    }

    fn key(&self, key: &RecordKey) -> String {
        format!("{}:{}", self.prefix, key.path())
    }

    fn lock_key(&self, key: &RecordKey) -> String {
        format!("{}:lock:{}", self.prefix, key.path())
    }
}

impl TokenStore for RedisStore {
    fn location(&self) -> String {
        self.shared.location.clone()
    }

    fn load(&self, key: &RecordKey) -> Result<Option<Record>> {
        let name = self.key(key);
        let value: Option<String> = self
            .shared
            .with(|c| redis::cmd("GET").arg(&name).query(c))?;
        let Some(value) = value else { return Ok(None) };
        Record::from_document(&value, &format!("{} {name}", self.shared.location)).map(Some)
    }

    fn save(
        &self,
        key: &RecordKey,
        record: &Record,
        expected: u64,
        lock: Option<&RecordLock>,
    ) -> Result<()> {
        let value = record.to_document();
        let fence = lock.map(|l| l.fence.to_string()).unwrap_or_default();
        if record.generation() <= expected {
            return Err(Error::store(
                StoreErrorKind::Conflict,
                &self.shared.location,
                "a save must raise the generation",
            ));
        }
        let outcome: i64 = self.shared.with(|c| {
            redis::Script::new(SAVE)
                .key(self.key(key))
                .key(self.lock_key(key))
                .arg(expected)
                .arg(record.generation())
                .arg(value.as_str())
                .arg(&fence)
                .invoke(c)
        })?;
        match outcome {
            1 => Ok(()),
            -1 => Err(Error::store(
                StoreErrorKind::Locked,
                &self.shared.location,
                format!(
                    "{}: this worker's lock expired and another worker took it (fencing token {fence}); the save was refused",
                    key.path()
                ),
            )),
            _ => Err(Error::store(
                StoreErrorKind::Conflict,
                &self.shared.location,
                format!(
                    "{} is not at generation {expected}: another writer changed it; read it again",
                    key.path()
                ),
            )),
        }
    }

    fn lock(&self, key: &RecordKey, wait: Duration) -> Result<RecordLock> {
        let (lock_key, fence_key) = (
            self.lock_key(key),
            format!("{}:fence:{}", self.prefix, key.path()),
        );
        let ttl = u64::try_from(self.lock_ttl.as_millis()).unwrap_or(u64::MAX);
        let deadline = Instant::now() + wait;
        let mut pause = Duration::from_millis(2);
        loop {
            let fence: u64 = self
                .shared
                .with(|c| redis::cmd("INCR").arg(&fence_key).query(c))?;
            let taken: Option<String> = self.shared.with(|c| {
                redis::cmd("SET")
                    .arg(&lock_key)
                    .arg(fence)
                    .arg("NX")
                    .arg("PX")
                    .arg(ttl)
                    .query(c)
            })?;
            if taken.is_some() {
                let held = Held {
                    shared: self.shared.clone(),
                    key: lock_key,
                    fence,
                };
                return Ok(RecordLock::new(fence, held));
            }
            if Instant::now() >= deadline {
                return Err(Error::store(
                    StoreErrorKind::Locked,
                    &self.shared.location,
                    format!(
                        "{} stayed locked by another worker for {wait:?}: is a refresh stuck?",
                        key.path()
                    ),
                ));
            }
            std::thread::sleep(pause);
            pause = (pause * 2).min(Duration::from_millis(50));
        }
    }

    fn still_held(&self, key: &RecordKey, lock: &RecordLock) -> Result<bool> {
        let holder: Option<String> = self
            .shared
            .with(|c| redis::cmd("GET").arg(self.lock_key(key)).query(c))?;
        Ok(holder.as_deref() == Some(lock.fence.to_string().as_str()))
    }

    fn list(&self, profile: Option<&str>) -> Result<Vec<RecordKey>> {
        let pattern = format!("{}:{}/*", self.prefix, profile.unwrap_or("*"));
        let names: Vec<String> = self.shared.with(|c| {
            let mut names = Vec::new();
            let mut cursor = 0u64;
            loop {
                let (next, batch): (u64, Vec<String>) = redis::cmd("SCAN")
                    .arg(cursor)
                    .arg("MATCH")
                    .arg(&pattern)
                    .arg("COUNT")
                    .arg(1000)
                    .query(c)?;
                names.extend(batch);
                if next == 0 {
                    return Ok(names);
                }
                cursor = next;
            }
        })?;
        let mut keys: Vec<RecordKey> = names
            .iter()
            .filter_map(|name| {
                RecordKey::from_path(name.strip_prefix(&self.prefix)?.strip_prefix(':')?)
            })
            .collect();
        keys.sort();
        Ok(keys)
    }

    fn delete(&self, key: &RecordKey) -> Result<()> {
        self.shared
            .with(|c| redis::cmd("DEL").arg(self.key(key)).query::<i64>(c))
            .map(drop)
    }
}
