//! The `x-api-auth` command, run by the package's console script
//! (`x_api_auth.cli:main`), so pip users get it without a Rust toolchain.

use std::ffi::OsString;

use pyo3::prelude::*;

/// Runs the command line `argv` (the program name first) and returns its
/// exit code.
#[pyfunction]
pub fn cli_main(py: Python<'_>, argv: Vec<String>) -> u8 {
    let args: Vec<OsString> = argv.into_iter().map(OsString::from).collect();
    py.detach(|| x_api_auth_cli::run(args))
}
