//! The Rust core for Node (`native.js` of the npm package `x-api-auth`).
//! Types and errors are converted here; behaviour lives in `x-api-auth`.
//! One file per concept, the same files as the Python bindings
//! (`bindings/python/src`). The modules are public so that the functions
//! napi-rs registers count as used in every build.

#![allow(unsafe_code)] // napi-derive generates the FFI glue
#![allow(missing_docs)] // napi-derive generates undocumented items

pub mod api;
pub mod callback_server;
pub mod cli;
pub mod credentials;
pub mod errors;
pub mod flows;
pub mod logging;
pub mod oauth1;
pub mod oauth2;
pub mod sandbox;
pub mod tokens;
pub mod webhook;

/// Node cannot fork (`child_process.fork` starts a new process), so fresh
/// nonces need not check the process id before each nonce.
#[napi_derive::module_init]
fn init() {
    x_api_auth::oauth1::rely_on_after_fork();
}
