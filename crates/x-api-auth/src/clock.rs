//! Time as a dependency: signing, token expiry and the sandbox read the time
//! through [`Clock`], so tests can fix it or move it without sleeping.

use std::fmt::Debug;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A source of the current time.
pub trait Clock: Send + Sync + Debug {
    /// The current time.
    fn now(&self) -> SystemTime;

    /// The current time in whole seconds since the Unix epoch (0 before it).
    fn unix_seconds(&self) -> u64 {
        self.now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)
    }
}

/// The system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A clock that moves only when told to: for tests.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use x_api_auth::{Clock, ManualClock};
/// let clock = ManualClock::at_unix(1_318_622_958);
/// clock.advance(Duration::from_secs(2));
/// assert_eq!(clock.unix_seconds(), 1_318_622_960);
/// ```
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<Mutex<SystemTime>>);

impl ManualClock {
    /// A clock stopped at `secs` seconds after the Unix epoch.
    pub fn at_unix(secs: u64) -> Self {
        Self(Arc::new(Mutex::new(UNIX_EPOCH + Duration::from_secs(secs))))
    }

    /// A clock stopped at the current system time.
    pub fn now() -> Self {
        Self(Arc::new(Mutex::new(SystemTime::now())))
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        let mut t = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        *t += by;
    }

    /// Sets the clock.
    pub fn set(&self, to: SystemTime) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = to;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> SystemTime {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The system clock shifted by a fixed number of seconds: simulates a
/// machine whose clock is wrong (tests of the clock-skew recovery).
///
/// ```
/// use x_api_auth::{Clock, OffsetClock, SystemClock};
/// let behind = OffsetClock::new(-1000);
/// assert!(SystemClock.unix_seconds() - behind.unix_seconds() >= 999);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct OffsetClock(i64);

impl OffsetClock {
    /// A clock `seconds` ahead of the system's (behind when negative).
    pub fn new(seconds: i64) -> Self {
        Self(seconds)
    }
}

impl Clock for OffsetClock {
    fn now(&self) -> SystemTime {
        let now = SystemTime::now();
        let by = Duration::from_secs(self.0.unsigned_abs());
        if self.0 >= 0 {
            now.checked_add(by).unwrap_or(now)
        } else {
            now.checked_sub(by).unwrap_or(UNIX_EPOCH)
        }
    }
}
