//! `request`, `whoami` and `sandbox`: authorised calls to X with the
//! credential the endpoint needs, and the sandbox server.

use std::io::IsTerminal;
use std::sync::Arc;

use serde_json::Value;
use x_api_auth::{ApiResponse, Body, Credential, Error, OAuth1};
use x_api_auth_sandbox::{Sandbox, SandboxConfig};

use crate::cli::{Auth, RequestArgs, SandboxArgs, WhoamiArgs};
use crate::context::Context;

/// Sends one request with the chosen credential (the token manager's
/// choice and refreshes when none is named).
async fn send(
    ctx: &Context,
    auth: Option<Auth>,
    method: &str,
    path: &str,
    body: &Body,
    headers: &[(String, String)],
) -> Result<ApiResponse, Error> {
    let manager = ctx.manager()?;
    match auth {
        Some(Auth::App) => {
            let bearer = manager.bearer().await?;
            ctx.xauth
                .send_with_headers(&Credential::Bearer(bearer), method, path, body, headers)
                .await
        }
        Some(Auth::Oauth1) => {
            let consumer = ctx.app()?.consumer.ok_or_else(|| {
                ctx.needs_app("API Key & Secret", "x-api-auth apps add --consumer-key KEY")
            })?;
            let user = ctx.user()?;
            let token = user.oauth1.ok_or_else(|| Error::LoginRequired {
                profile: ctx.profile.clone(),
                user: user.user_id.clone(),
                reason: "has no OAuth 1.0a token: run `x-api-auth login oauth1`".to_owned(),
            })?;
            let signer = OAuth1::new(consumer).with_token(token);
            ctx.xauth
                .send_with_headers(&Credential::OAuth1(signer), method, path, body, headers)
                .await
        }
        Some(Auth::Oauth2) | None => {
            let user = ctx.user()?;
            if matches!(auth, Some(Auth::Oauth2)) && user.oauth2.is_none() {
                return Err(Error::LoginRequired {
                    profile: ctx.profile.clone(),
                    user: user.user_id.clone(),
                    reason: "has no OAuth 2.0 token: run `x-api-auth login oauth2`".to_owned(),
                });
            }
            manager
                .send_with_headers(Some(&user.user_id), method, path, body, headers)
                .await
        }
    }
}

fn body(args: &RequestArgs) -> Result<Body, Error> {
    if let Some(json) = &args.json_body {
        let value = serde_json::from_str(json)
            .map_err(|_| Error::invalid_input("--json-body", "is not JSON"))?;
        return Ok(Body::Json(value));
    }
    if args.data.is_empty() {
        return Ok(Body::Empty);
    }
    Ok(Body::Form(x_api_auth::parse_form(
        &args.data.join("&"),
        "form body",
    )?))
}

pub async fn run(ctx: &Context, args: RequestArgs) -> Result<(), Error> {
    let body = body(&args)?;
    let method = args.method.to_ascii_uppercase();
    let mut headers = Vec::new();
    for header in &args.headers {
        let (name, value) = header
            .split_once(':')
            .ok_or_else(|| Error::invalid_input("--header", "must be \"Name: value\""))?;
        headers.push((name.trim().to_owned(), value.trim().to_owned()));
    }
    let result = send(ctx, args.auth, &method, &args.path, &body, &headers).await;
    if args.verbose {
        match &result {
            Ok(response) => {
                err!("HTTP {}", response.status);
                if let Some(limit) = &response.rate_limit {
                    err!(
                        "rate limit: {}/{} left, resets at {}",
                        limit.remaining,
                        limit.limit,
                        limit.reset_at
                    );
                }
            }
            Err(Error::Api(api)) => {
                err!("HTTP {}", api.status);
                if let Some(hint) = &api.hint {
                    err!("hint: {hint}");
                }
            }
            Err(_) => {}
        }
    }
    let response = result?;
    print_body(ctx, &response.body);
    Ok(())
}

/// The body: pretty JSON on a terminal, as received otherwise.
fn print_body(ctx: &Context, body: &[u8]) {
    let text = String::from_utf8_lossy(body);
    match serde_json::from_slice::<Value>(body) {
        Ok(value) if std::io::stdout().is_terminal() && !ctx.global.json => {
            out!(
                "{}",
                serde_json::to_string_pretty(&value).unwrap_or_else(|_| text.into_owned())
            );
        }
        _ => out!("{text}"),
    }
}

pub async fn whoami(ctx: &Context, args: WhoamiArgs) -> Result<(), Error> {
    if matches!(args.auth, Some(Auth::App)) {
        return Err(Error::invalid_input(
            "--auth",
            "an app's bearer token has no user: whoami takes --auth oauth1 or oauth2",
        ));
    }
    let response = send(ctx, args.auth, "GET", "/2/users/me", &Body::Empty, &[]).await?;
    let me = response.json()?;
    let (id, username) = (
        me["data"]["id"].as_str().unwrap_or("?"),
        me["data"]["username"].as_str().unwrap_or("?"),
    );
    ctx.print(&me, &format!("@{username} ({id}), profile {}", ctx.profile));
    Ok(())
}

pub async fn sandbox(args: SandboxArgs) -> Result<(), Error> {
    let config = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                Error::invalid_input(
                    "--config",
                    format!("cannot read {}: {}", path.display(), e.kind()),
                )
            })?;
            serde_json::from_str(&text).map_err(|e| {
                Error::invalid_input(
                    "--config",
                    format!(
                        "is not a sandbox configuration: line {} column {}",
                        e.line(),
                        e.column()
                    ),
                )
            })?
        }
        None => SandboxConfig::default(),
    };
    let sandbox = Sandbox::start_with(config, Arc::new(x_api_auth::SystemClock), args.port)
        .await
        .map_err(|e| Error::Transport {
            timeout: false,
            reason: format!(
                "cannot listen on 127.0.0.1:{} ({}): pick another --port",
                args.port,
                e.kind()
            ),
        })?;
    out!("{}", sandbox.info());
    let _ = tokio::signal::ctrl_c().await;
    Ok(())
}
