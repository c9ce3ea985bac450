//! `x-api-auth-sandbox [--port P] [--config FILE]`: runs the sandbox and
//! prints its base URL and default credentials as one JSON line.
//! `x-api-auth-sandbox --hostile [--port P]` runs the hostile look-alike of
//! X instead (see `x_api_auth_sandbox::hostile`), for robustness tests.

use std::process::ExitCode;
use std::sync::Arc;

use x_api_auth_sandbox::{Sandbox, SandboxConfig};

fn usage() -> ExitCode {
    eprintln!(
        "usage: x-api-auth-sandbox [--port PORT] [--config FILE.json] | --hostile [--port PORT]"
    );
    ExitCode::from(2)
}

#[tokio::main]
async fn main() -> ExitCode {
    let mut port = 0u16;
    let mut config = SandboxConfig::default();
    let mut hostile = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--hostile" {
            hostile = true;
            continue;
        }
        match (arg.as_str(), args.next()) {
            ("--port", Some(p)) => match p.parse() {
                Ok(p) => port = p,
                Err(_) => return usage(),
            },
            ("--config", Some(path)) => {
                let parsed = std::fs::read_to_string(&path)
                    .map_err(|e| e.to_string())
                    .and_then(|text| serde_json::from_str(&text).map_err(|e| e.to_string()));
                match parsed {
                    Ok(c) => config = c,
                    Err(e) => {
                        eprintln!("error: cannot load {path}: {e}");
                        return ExitCode::FAILURE;
                    }
                }
            }
            _ => return usage(),
        }
    }
    if hostile {
        return match x_api_auth_sandbox::hostile::HostileX::start_on(port).await {
            Ok(server) => {
                println!("{}", server.info());
                let _ = tokio::signal::ctrl_c().await;
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: cannot listen on 127.0.0.1:{port}: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let sandbox = match Sandbox::start_with(config, Arc::new(x_api_auth::SystemClock), port).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot listen on 127.0.0.1:{port}: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("{}", sandbox.info());
    let _ = tokio::signal::ctrl_c().await;
    ExitCode::SUCCESS
}
