//! The integration tests of the core crate, in one binary.

#![allow(clippy::unwrap_used)]

mod bad_input;
mod blocking;
mod differential;
mod faults;
mod properties;
mod scenarios;
mod secrets_never_leak;
mod support;
mod transport;
mod vectors;
