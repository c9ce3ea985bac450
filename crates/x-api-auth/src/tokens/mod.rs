//! Credentials that are never lost: the records of apps and their users,
//! the stores that keep them, and the token manager that refreshes OAuth 2.0
//! tokens once across threads and processes.
//!
//! - [`record`]: [`AppRecord`], [`UserRecord`], [`Record`], generations,
//!   export and import.
//! - [`store`]: the [`TokenStore`] interface and [`open_store`] by URL.
//! - [`stores`]: backends; [`stores::file::FileStore`] is the default.
//! - `manager` (feature `reqwest`): [`TokenManager`].

mod conformance;
#[cfg(feature = "reqwest")]
mod manager;
pub mod record;
pub mod store;
pub mod stores;

pub use conformance::check_store;
#[cfg(feature = "reqwest")]
pub use manager::{TokenChange, TokenChangeHook, TokenManager};
pub use record::{AppRecord, DEFAULT_PROFILE, FORMAT_VERSION, Record, RecordKey, UserRecord};
pub use store::{
    PROFILE_ENV, RecordLock, STORE_ENV, TokenStore, find_user, load_app, open_store, profile_name,
};
