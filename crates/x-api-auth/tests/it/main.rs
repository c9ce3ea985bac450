//! The integration tests of the core crate, in one binary.

#![allow(clippy::unwrap_used)]

mod bad_input;
mod blocking;
#[cfg(feature = "callback-server")]
mod callback_server;
mod differential;
mod endpoints;
mod faults;
mod file_store;
mod hardening;
mod hostile_server;
#[cfg(feature = "store-keyring")]
mod keychain;
mod leak_canaries;
mod logging;
mod network;
mod properties;
mod rate_limits;
#[cfg(feature = "store-redis")]
mod redis_server;
mod scenarios;
mod secrets_never_leak;
mod store_conformance;
mod support;
mod token_manager;
mod transport;
mod vectors;
