//! `apps import --from twurl|xurl|dotenv`: credentials from the tools users
//! switch from, into the store.

use std::collections::HashMap;
use std::path::PathBuf;

use serde_json::{Value, json};
use x_api_auth::tokens::UserRecord;
use x_api_auth::{AccessToken, BearerToken, ConsumerKeys, Error, OAuth2Client, env_vars};
use zeroize::Zeroizing;

use crate::cli::ImportSource;
use crate::context::Context;

/// What a file held.
#[derive(Default)]
struct Found {
    consumer: Option<ConsumerKeys>,
    client: Option<OAuth2Client>,
    bearer: Option<BearerToken>,
    user: Option<AccessToken>,
    skipped: Vec<String>,
}

pub async fn run(ctx: &Context, from: ImportSource, file: Option<PathBuf>) -> Result<(), Error> {
    let home = || {
        std::env::var_os("HOME")
            .map(PathBuf::from)
            .unwrap_or_default()
    };
    let path = file.unwrap_or_else(|| match from {
        ImportSource::Twurl => home().join(".twurlrc"),
        ImportSource::Xurl => home().join(".xurl"),
        ImportSource::Dotenv => PathBuf::from(".env"),
    });
    let text = Zeroizing::new(std::fs::read_to_string(&path).map_err(|e| {
        Error::invalid_input(
            "file",
            format!("cannot read {}: {}", path.display(), e.kind()),
        )
    })?);
    let found = match from {
        ImportSource::Dotenv => dotenv(&text)?,
        ImportSource::Twurl => twurl(&text)?,
        ImportSource::Xurl => xurl(&text)?,
    };
    if found.consumer.is_none() && found.client.is_none() && found.bearer.is_none() {
        return Err(Error::invalid_input(
            "file",
            format!("{} holds no credentials this command reads", path.display()),
        ));
    }
    let Found {
        consumer,
        client,
        bearer,
        user,
        skipped,
    } = found;
    let imported: Vec<&str> = [
        consumer.as_ref().map(|_| "API Key & Secret"),
        client.as_ref().map(|_| "OAuth 2.0 client"),
        bearer.as_ref().map(|_| "bearer token"),
        user.as_ref().map(|_| "access token"),
    ]
    .into_iter()
    .flatten()
    .collect();
    let manager = ctx.manager()?;
    manager
        .update_app(move |app| {
            if let Some(consumer) = consumer {
                app.consumer = Some(consumer);
            }
            if let Some(client) = client {
                app.client = Some(client);
            }
            if let Some(bearer) = bearer {
                app.bearer = Some(bearer);
            }
        })
        .await?;
    if let Some(token) = user {
        let id = token.user_id().map(str::to_owned);
        match id {
            Some(id) => {
                let mut record = ctx
                    .user_if_any(&id)?
                    .unwrap_or_else(|| UserRecord::new(&id));
                record.oauth1 = Some(token);
                manager.save_login(record).await?;
            }
            None => {
                return Err(Error::invalid_input(
                    "access token",
                    "does not start with the user's id (NNN-…): is it an access token?",
                ));
            }
        }
    }
    for skip in &skipped {
        err!("skipped: {skip}");
    }
    ctx.print(
        &json!({ "profile": ctx.profile, "imported": imported, "skipped": skipped }),
        &format!(
            "imported {} from {} into profile {}",
            imported.join(", "),
            path.display(),
            ctx.profile
        ),
    );
    Ok(())
}

/// `KEY=value` lines (`export`, quotes and comments allowed).
fn dotenv(text: &str) -> Result<Found, Error> {
    let mut vars: HashMap<String, String> = HashMap::new();
    for line in text.lines() {
        let line = line.trim();
        let line = line.strip_prefix("export ").unwrap_or(line);
        if line.starts_with('#') {
            continue;
        }
        if let Some((key, value)) = line.split_once('=') {
            let value = value.trim();
            let value = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
                .unwrap_or(value);
            vars.insert(key.trim().to_owned(), value.to_owned());
        }
    }
    let get = |name: &str| vars.get(name).filter(|v| !v.is_empty()).cloned();
    let mut found = Found::default();
    if let (Some(key), Some(secret)) = (get(env_vars::API_KEY), get(env_vars::API_SECRET)) {
        found.consumer = Some(ConsumerKeys::new(key, secret)?);
    }
    if let (Some(token), Some(secret)) = (
        get(env_vars::ACCESS_TOKEN),
        get(env_vars::ACCESS_TOKEN_SECRET),
    ) {
        found.user = Some(AccessToken::new(token, secret)?);
    }
    if let Some(bearer) = get(env_vars::BEARER_TOKEN) {
        found.bearer = Some(BearerToken::new(bearer));
    }
    if let Some(id) = get(env_vars::CLIENT_ID) {
        found.client = Some(match get(env_vars::CLIENT_SECRET) {
            Some(secret) => OAuth2Client::confidential(id, secret)?,
            None => OAuth2Client::public(id)?,
        });
    }
    Ok(found)
}

/// twurl's `~/.twurlrc`: `profiles: {username: {consumer_key: {consumer_key,
/// consumer_secret, token, secret}}}`, `configuration: {default_profile:
/// [username, consumer_key]}`, `bearer_tokens: {consumer_key: token}`. Its
/// YAML has a fixed shape, read by indentation.
fn twurl(text: &str) -> Result<Found, Error> {
    let mut section = "";
    let mut profiles: Vec<(String, String, HashMap<String, String>)> = Vec::new();
    let mut default: Vec<String> = Vec::new();
    let mut bearers: HashMap<String, String> = HashMap::new();
    let mut username = String::new();
    for line in text.lines() {
        let indent = line.len() - line.trim_start().len();
        let line = line.trim();
        if line.is_empty() || line == "---" || line.starts_with('#') {
            continue;
        }
        let unquote = |v: &str| v.trim().trim_matches(|c| c == '"' || c == '\'').to_owned();
        if indent == 0 {
            section = line.trim_end_matches(':');
            continue;
        }
        match (section, indent) {
            ("profiles", 2) => username = unquote(line.trim_end_matches(':')),
            ("profiles", 4) => profiles.push((
                username.clone(),
                unquote(line.trim_end_matches(':')),
                HashMap::new(),
            )),
            ("profiles", 6) => {
                if let (Some((key, value)), Some(last)) =
                    (line.split_once(':'), profiles.last_mut())
                {
                    last.2.insert(key.trim().to_owned(), unquote(value));
                }
            }
            ("configuration", _) if line.starts_with("- ") => default.push(unquote(&line[2..])),
            ("bearer_tokens", 2) => {
                if let Some((key, value)) = line.split_once(':') {
                    bearers.insert(unquote(key), unquote(value));
                }
            }
            _ => {}
        }
    }
    let chosen = profiles
        .iter()
        .find(|(user, key, _)| default.len() == 2 && *user == default[0] && *key == default[1])
        .or_else(|| profiles.first())
        .ok_or_else(|| Error::invalid_input("file", "has no twurl profile"))?;
    let (user, key, fields) = chosen;
    let field = |name: &str| fields.get(name).cloned().filter(|v| !v.is_empty());
    let mut found = Found::default();
    let secret = field("consumer_secret")
        .ok_or_else(|| Error::invalid_input("file", "the twurl profile has no consumer_secret"))?;
    found.consumer = Some(ConsumerKeys::new(key.clone(), secret)?);
    if let (Some(token), Some(secret)) = (field("token"), field("secret")) {
        found.user = Some(AccessToken::new(token, secret)?);
    }
    found.bearer = bearers.get(key).map(|b| BearerToken::new(b.as_str()));
    for (other, other_key, _) in &profiles {
        if (other, other_key) != (user, key) {
            found.skipped.push(format!("twurl profile {other} / {other_key}: import it with --profile and a file holding only it"));
        }
    }
    Ok(found)
}

/// xurl's `~/.xurl` (JSON): `oauth1_tokens`, `bearer_token`, `oauth2_tokens`.
fn xurl(text: &str) -> Result<Found, Error> {
    let value: Value = serde_json::from_str(text).map_err(|_| {
        Error::invalid_input("file", "is not xurl's JSON store (newer xurl versions keep YAML: this command reads the JSON one)")
    })?;
    let mut found = Found::default();
    let oauth1 = &value["oauth1_tokens"]["oauth1"];
    let text = |v: &Value| v.as_str().filter(|s| !s.is_empty()).map(str::to_owned);
    if let (Some(key), Some(secret)) = (
        text(&oauth1["consumer_key"]),
        text(&oauth1["consumer_secret"]),
    ) {
        found.consumer = Some(ConsumerKeys::new(key, secret)?);
    }
    if let (Some(token), Some(secret)) =
        (text(&oauth1["access_token"]), text(&oauth1["token_secret"]))
    {
        found.user = Some(AccessToken::new(token, secret)?);
    }
    found.bearer = text(&value["bearer_token"]["bearer"]).map(BearerToken::new);
    if let Some(users) = value["oauth2_tokens"].as_object() {
        for user in users.keys() {
            found.skipped.push(format!(
                "xurl's OAuth 2.0 token of {user}: it names no user id and no client; log in again with `x-api-auth login oauth2`"
            ));
        }
    }
    Ok(found)
}
