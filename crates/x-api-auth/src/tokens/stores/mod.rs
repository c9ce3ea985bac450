//! Store backends. The file store is the embedded default; the OS keychain
//! and Redis come behind features.

pub mod file;
#[cfg(feature = "store-keyring")]
pub mod keyring;
#[cfg(feature = "store-redis")]
pub mod redis;
mod sealed;

pub use sealed::{KEY_ENV, PASSPHRASE_ENV, StoreKey};
