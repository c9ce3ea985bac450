//! The `x-api-auth` command: keep X API credentials, log in, sign and send
//! requests, and run the auth sandbox, from a terminal or a script. The
//! same command runs from the Python and Node packages, which call [`run`].
//!
//! Exit codes: 0 ok, 1 X (or the network) refused, 2 usage, 3 login
//! needed, 4 store error.

/// `println!` that does not panic when stdout is closed (`x-api-auth … |
/// head`): the reader left, so the output is dropped.
macro_rules! out {
    ($($arg:tt)+) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)+);
    }};
}

/// `eprintln!` that does not panic when stderr is closed.
macro_rules! err {
    ($($arg:tt)+) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)+);
    }};
}

mod apps;
mod cli;
mod context;
mod doctor;
mod exec;
mod import;
mod login;
mod report;
mod request;
mod sign;
mod token;
mod tour;
mod webhook;

use std::ffi::OsString;

use clap::Parser;
use x_api_auth::Error;

use crate::cli::{Cli, Command};
use crate::context::Context;

/// Runs the command line `args` (the program name first) and returns its
/// exit code: what `main` does, for the Python and Node packages' entry
/// points.
pub fn run(args: Vec<OsString>) -> u8 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let usage = e.use_stderr();
            let _ = e.print();
            return if usage { 2 } else { 0 };
        }
    };
    let json = cli.global.json;
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            err!("error: cannot start the async runtime: {e}");
            return 1;
        }
    };
    match runtime.block_on(dispatch(cli)) {
        Ok(code) => code,
        Err(e) => {
            context::print_error(&e, json);
            exit_code(&e)
        }
    }
}

/// The documented exit code of an error.
fn exit_code(e: &Error) -> u8 {
    match e.code() {
        "X_INVALID_INPUT" | "X_INSECURE_TRANSPORT" => 2,
        "X_REAUTHORIZE" | "X_CONFIG" => 3,
        "X_STORE" => 4,
        _ => 1,
    }
}

async fn dispatch(cli: Cli) -> Result<u8, Error> {
    let ctx = Context::new(cli.global)?;
    match cli.command {
        Command::Apps(command) => apps::run(&ctx, command).await?,
        Command::Login(command) => login::run(&ctx, command).await?,
        Command::Token(command) => token::run(&ctx, command).await?,
        Command::Whoami(args) => request::whoami(&ctx, args).await?,
        Command::Sign(args) => sign::run(&ctx, args)?,
        Command::Request(args) => request::run(&ctx, args).await?,
        Command::Exec(args) => return exec::run(&ctx, args).await,
        Command::Webhook(command) => webhook::run(&ctx, command).await?,
        Command::Sandbox(args) => request::sandbox(args).await?,
        Command::Tour => return tour::run(&ctx).await,
        Command::Doctor => return doctor::run(&ctx).await,
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut command, "x-api-auth", &mut std::io::stdout());
        }
    }
    Ok(0)
}
