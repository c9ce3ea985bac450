//! `x-api-auth-sandbox [--port P] [--config FILE]`: runs the sandbox and
//! prints its base URL and default credentials as one JSON line.
//! `x-api-auth-sandbox --hostile [--port P]` runs the hostile look-alike of
//! X instead (see `x_api_auth_sandbox::hostile`), for robustness tests.

#![forbid(unsafe_code)]

use std::process::ExitCode;
use std::sync::Arc;

use x_api_auth_sandbox::{Sandbox, SandboxConfig};

const USAGE: &str =
    "usage: x-api-auth-sandbox [--port PORT] [--config FILE.json] | --hostile [--port PORT]";

/// What `--help` prints: every option and the configuration file.
const HELP: &str = r#"x-api-auth-sandbox: an X-compatible auth server on loopback, for testing auth code offline.

usage: x-api-auth-sandbox [--port PORT] [--config FILE.json]
       x-api-auth-sandbox --hostile [--port PORT]

Prints one JSON line, {"base_url": "http://127.0.0.1:PORT", "apps": [...], "users": [...]},
then serves until interrupted (Ctrl-C). Point a client at base_url for both the API and the
consent pages (Rust XAuth::with_base_urls, Python XAuth(base_url, base_url), Node
new XAuth({ apiBase, webBase })).

options:
  --port PORT         listen on 127.0.0.1:PORT (0, the default: a free port)
  --config FILE.json  the configuration below (the built-in app and users when absent)
  --hostile           a misbehaving look-alike of X instead (huge, truncated, slow or
                      malformed answers), for robustness tests
  -h, --help          this text

configuration (every field optional; the built-in value when left out):
  apps                    [{consumer_key, consumer_secret, access_token, access_token_secret,
                           clients: [{client_id, client_secret (null: public)}],
                           callback_urls: [...] (none: any), access_level: "read" |
                           "read-write" | "read-write-directmessages", api_access}]
  users                   [{id, username, name}]: who can log in (the first by default)
  timestamp_window_secs   OAuth 1.0a timestamp tolerance (300)
  consent                 "approve" | "deny" | "page": what the consent pages do ("approve");
                          ?sandbox_decision= and ?sandbox_user= override it per request
  revoke_family_on_reuse  a spent refresh token used again revokes its family (true)
  access_token_lifetime_secs  OAuth 2.0 access tokens' lifetime (7200)
  api_access              "ok" | "client-not-enrolled" | "user-not-enrolled" |
                          "payment-required" | "oauth1-permissions" |
                          "unsupported-authentication": the refusal the API answers ("ok")
  rate_limit              {limit, window_secs (900), daily_limit}: 429 past it (none)

example: {"apps": [{"consumer_key": "k", "consumer_secret": "s", "clients":
          [{"client_id": "c"}]}], "rate_limit": {"limit": 2, "window_secs": 1}}
"#;

fn usage() -> ExitCode {
    eprintln!(
        "{USAGE}\n(x-api-auth-sandbox --help describes every option and the configuration file)"
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
        if arg == "--help" || arg == "-h" {
            print!("{HELP}");
            return ExitCode::SUCCESS;
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
