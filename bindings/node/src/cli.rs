//! The `x-api-auth` command, run by the package's `bin` entry
//! (`bin/x-api-auth.js`), so npm users get it without a Rust toolchain.

use std::ffi::OsString;

use napi_derive::napi;

/// Runs the command line `argv` (the program name first) and returns its
/// exit code. It blocks: it is the whole process of the `bin` entry.
#[napi(catch_unwind)]
pub fn cli_main(argv: Vec<String>) -> u32 {
    u32::from(x_api_auth_cli::run(
        argv.into_iter().map(OsString::from).collect(),
    ))
}
