//! `exec -- COMMAND`: runs a command with the profile's credentials in the
//! `X_*` variables the libraries read, the OAuth 2.0 token fresh.

use x_api_auth::{Error, env_vars};
use zeroize::Zeroizing;

use crate::cli::ExecArgs;
use crate::context::Context;

/// The variable of a fresh OAuth 2.0 user access token.
const OAUTH2_ACCESS_TOKEN: &str = "X_OAUTH2_ACCESS_TOKEN";

pub async fn run(ctx: &Context, args: ExecArgs) -> Result<u8, Error> {
    let app = ctx.app()?;
    let mut vars: Vec<(&str, Zeroizing<String>)> = Vec::new();
    let mut set = |name, value: &str| vars.push((name, Zeroizing::new(value.to_owned())));
    if let Some(consumer) = &app.consumer {
        set(env_vars::API_KEY, consumer.key());
        set(env_vars::API_SECRET, consumer.secret().secret());
    }
    if let Some(bearer) = &app.bearer {
        set(env_vars::BEARER_TOKEN, bearer.secret());
    }
    if let Some(client) = &app.client {
        set(env_vars::CLIENT_ID, client.client_id());
        if let Some(secret) = client.client_secret() {
            set(env_vars::CLIENT_SECRET, secret.secret());
        }
    }
    let user = match ctx.user() {
        Ok(user) => Some(user),
        Err(Error::LoginRequired { .. }) if ctx.global.user.is_none() => None,
        Err(e) => return Err(e),
    };
    if let Some(user) = &user {
        if let Some(token) = &user.oauth1 {
            set(env_vars::ACCESS_TOKEN, token.token());
            set(env_vars::ACCESS_TOKEN_SECRET, token.secret().secret());
        }
        if user.oauth2.is_some() {
            let fresh = ctx.manager()?.access_token(Some(&user.user_id)).await?;
            set(OAUTH2_ACCESS_TOKEN, fresh.access_token.secret());
        }
    }
    if vars.is_empty() {
        return Err(ctx.needs_app("credentials", "x-api-auth apps add --consumer-key KEY"));
    }
    let (program, rest) = args
        .command
        .split_first()
        .ok_or_else(|| Error::invalid_input("command", "give the command after --"))?;
    let mut command = std::process::Command::new(program);
    command.args(rest);
    for (name, value) in &vars {
        command.env(name, value.as_str());
    }
    let status = command.status().map_err(|e| {
        Error::invalid_input("command", format!("cannot run {program:?}: {}", e.kind()))
    })?;
    Ok(status.code().map_or(1, |c| u8::try_from(c).unwrap_or(1)))
}
