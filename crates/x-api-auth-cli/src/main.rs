//! `x-api-auth`: see the crate's documentation, or `x-api-auth --help`.

use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(x_api_auth_cli::run(std::env::args_os().collect()))
}
