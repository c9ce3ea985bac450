//! `apps add|set-keys|list|show|remove|use`: an app's keys under a profile.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use x_api_auth::tokens::{Record, RecordKey};
use x_api_auth::{ConsumerKeys, Error, OAuth2Client, env_vars};

use crate::cli::{AppsCommand, KeysArgs};
use crate::context::{Context, secret_input, set_active_profile};

pub async fn run(ctx: &Context, command: AppsCommand) -> Result<(), Error> {
    match command {
        AppsCommand::Add(keys) => save_keys(ctx, keys, false).await,
        AppsCommand::SetKeys(keys) => save_keys(ctx, keys, true).await,
        AppsCommand::List => list(ctx),
        AppsCommand::Show => show(ctx),
        AppsCommand::Remove => remove(ctx),
        AppsCommand::Import { from, file } => crate::import::run(ctx, from, file).await,
        AppsCommand::Use { profile } => {
            let path = set_active_profile(&profile)?;
            ctx.print(
                &json!({ "profile": profile, "saved_in": path.display().to_string() }),
                &format!("profile {profile} is now the default ({})", path.display()),
            );
            Ok(())
        }
    }
}

/// The keys the flags, the environment or the prompts give.
fn keys(args: &KeysArgs) -> Result<(Option<ConsumerKeys>, Option<OAuth2Client>), Error> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let from_env = |name| if args.from_env { env(name) } else { None };
    let consumer_key = args
        .consumer_key
        .clone()
        .or_else(|| from_env(env_vars::API_KEY));
    let consumer = match consumer_key {
        Some(key) => {
            let secret = match from_env(env_vars::API_SECRET) {
                Some(secret) if args.consumer_secret.is_none() => zeroize::Zeroizing::new(secret),
                _ => secret_input(
                    args.consumer_secret.as_deref(),
                    "API Key Secret",
                    "--consumer-secret",
                )?,
            };
            Some(ConsumerKeys::new(key, secret.as_str())?)
        }
        None if args.consumer_secret.is_some() => {
            return Err(Error::invalid_input(
                "--consumer-secret",
                "goes with --consumer-key",
            ));
        }
        None => None,
    };
    let client_id = args
        .client_id
        .clone()
        .or_else(|| from_env(env_vars::CLIENT_ID));
    let client = match client_id {
        Some(id) => {
            let env_secret = from_env(env_vars::CLIENT_SECRET);
            if args.client_secret.is_some() || args.confidential || env_secret.is_some() {
                let secret = match env_secret {
                    Some(secret) if args.client_secret.is_none() => zeroize::Zeroizing::new(secret),
                    _ => secret_input(
                        args.client_secret.as_deref(),
                        "Client Secret",
                        "--client-secret",
                    )?,
                };
                Some(OAuth2Client::confidential(id, secret.as_str())?)
            } else {
                Some(OAuth2Client::public(id)?)
            }
        }
        None if args.client_secret.is_some() => {
            return Err(Error::invalid_input(
                "--client-secret",
                "goes with --client-id",
            ));
        }
        None => None,
    };
    if consumer.is_none() && client.is_none() && args.callback_urls.is_empty() {
        return Err(Error::invalid_input(
            "keys",
            "give --consumer-key (the API Key) and/or --client-id (OAuth 2.0), or --from-env",
        ));
    }
    Ok((consumer, client))
}

async fn save_keys(ctx: &Context, args: KeysArgs, replace: bool) -> Result<(), Error> {
    let existing = ctx.app()?;
    let has_app = existing.consumer.is_some() || existing.client.is_some();
    if replace && !has_app {
        return Err(ctx.needs_app("app", "x-api-auth apps add --consumer-key KEY"));
    }
    if !replace && has_app {
        return Err(Error::invalid_input(
            "profile",
            format!(
                "{} already has an app: replace its keys with `x-api-auth apps set-keys`, or pick another --profile",
                ctx.profile
            ),
        ));
    }
    let (consumer, client) = keys(&args)?;
    let callbacks = args.callback_urls.clone();
    let manager = ctx.manager()?;
    let app = manager
        .update_app(move |app| {
            if let Some(consumer) = consumer {
                app.consumer = Some(consumer);
                app.bearer = None;
            }
            if let Some(client) = client {
                app.client = Some(client);
            }
            if !callbacks.is_empty() {
                app.callback_urls = callbacks;
            }
        })
        .await?;
    let users = users(ctx)?.len();
    ctx.print(
        &json!({ "profile": ctx.profile, "app": describe_app(ctx, &app), "users": users }),
        &format!(
            "{} profile {} in {} ({} user(s) kept)",
            if replace {
                "replaced the keys of"
            } else {
                "saved the app of"
            },
            ctx.profile,
            ctx.store.location(),
            users
        ),
    );
    Ok(())
}

/// The profile's user records.
pub fn users(ctx: &Context) -> Result<Vec<x_api_auth::tokens::UserRecord>, Error> {
    let mut out = Vec::new();
    for key in ctx.store.list(Some(&ctx.profile))? {
        if key.user_id.is_some()
            && let Some(Record::User(user)) = ctx.store.load(&key)?
        {
            out.push(user);
        }
    }
    Ok(out)
}

pub fn describe_app(ctx: &Context, app: &x_api_auth::tokens::AppRecord) -> Value {
    json!({
        "consumer_key": app.consumer.as_ref().map(|c| c.key().to_owned()),
        "consumer_secret": app.consumer.as_ref().map(|c| ctx.secret(c.secret().secret())),
        "client_id": app.client.as_ref().map(|c| c.client_id().to_owned()),
        "client_type": app.client.as_ref().map(|c| if c.is_confidential() { "confidential" } else { "public" }),
        "client_secret": app.client.as_ref().and_then(|c| c.client_secret()).map(|s| ctx.secret(s.secret())),
        "bearer_token": app.bearer.as_ref().map(|b| ctx.secret(b.secret())),
        "callback_urls": app.callback_urls,
        "default_user": app.default_user,
    })
}

pub fn describe_user(ctx: &Context, user: &x_api_auth::tokens::UserRecord) -> Value {
    json!({
        "user_id": user.user_id,
        "screen_name": user.screen_name,
        "needs_login": user.needs_login,
        "oauth1": user.oauth1.as_ref().map(|t| json!({
            "token": t.token(),
            "token_secret": ctx.secret(t.secret().secret()),
            "access_level": user.access_level,
        })),
        "oauth2": user.oauth2.as_ref().map(|t| json!({
            "access_token": ctx.secret(t.access_token.secret()),
            "refresh_token": t.refresh_token.as_ref().map(|r| ctx.secret(r.secret())),
            "expires_at": t.expires_at_unix(),
            "scopes": t.scopes.iter().map(|s| s.as_str().to_owned()).collect::<Vec<_>>(),
        })),
    })
}

fn list(ctx: &Context) -> Result<(), Error> {
    let mut profiles: BTreeMap<String, usize> = BTreeMap::new();
    for key in ctx.store.list(None)? {
        *profiles.entry(key.profile.clone()).or_default() += usize::from(key.user_id.is_some());
    }
    let text = if profiles.is_empty() {
        format!(
            "no profile in {}: add one with `x-api-auth apps add`",
            ctx.store.location()
        )
    } else {
        profiles
            .iter()
            .map(|(p, n)| {
                format!(
                    "{}{p}  ({n} user(s))",
                    if *p == ctx.profile { "* " } else { "  " }
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let document: Vec<Value> = profiles
        .iter()
        .map(|(p, n)| json!({ "profile": p, "users": n, "active": *p == ctx.profile }))
        .collect();
    ctx.print(
        &json!({ "store": ctx.store.location(), "profiles": document }),
        &text,
    );
    Ok(())
}

fn show(ctx: &Context) -> Result<(), Error> {
    let app = ctx.app()?;
    let users = users(ctx)?;
    if app.consumer.is_none() && app.client.is_none() && users.is_empty() {
        return Err(ctx.needs_app("app", "x-api-auth apps add --consumer-key KEY"));
    }
    let document = json!({
        "profile": ctx.profile,
        "store": ctx.store.location(),
        "app": describe_app(ctx, &app),
        "users": users.iter().map(|u| describe_user(ctx, u)).collect::<Vec<_>>(),
    });
    let text = serde_json::to_string_pretty(&document).unwrap_or_default();
    ctx.print(&document, &text);
    Ok(())
}

fn remove(ctx: &Context) -> Result<(), Error> {
    let keys: Vec<RecordKey> = ctx.store.list(Some(&ctx.profile))?;
    if keys.is_empty() {
        return Err(ctx.needs_app("app", "x-api-auth apps add --consumer-key KEY"));
    }
    for key in &keys {
        ctx.store.delete(key)?;
    }
    ctx.print(
        &json!({ "profile": ctx.profile, "removed_records": keys.len() }),
        &format!("removed profile {} ({} record(s))", ctx.profile, keys.len()),
    );
    Ok(())
}
