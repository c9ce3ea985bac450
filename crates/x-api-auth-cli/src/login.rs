//! `login app|oauth1|oauth2`: the app's bearer token, and users through the
//! browser (the core's loopback callback server catches the redirect).

use std::io::IsTerminal;
use std::time::Duration;

use serde_json::json;
use x_api_auth::callback_server::{CallbackCheck, CallbackServer};
use x_api_auth::oauth2::Scope;
use x_api_auth::tokens::UserRecord;
use x_api_auth::{Credential, Error, OAuthVerifier};

use crate::cli::{BrowserArgs, LoginCommand, Oauth2Args};
use crate::context::{Context, read_line};

pub async fn run(ctx: &Context, command: LoginCommand) -> Result<(), Error> {
    match command {
        LoginCommand::App => app(ctx).await,
        LoginCommand::Oauth1(args) => oauth1(ctx, args).await,
        LoginCommand::Oauth2(args) => oauth2(ctx, args).await,
    }
}

async fn app(ctx: &Context) -> Result<(), Error> {
    let consumer = ctx.app()?.consumer.ok_or_else(|| {
        ctx.needs_app("API Key & Secret", "x-api-auth apps add --consumer-key KEY")
    })?;
    let bearer = ctx.xauth.obtain_bearer(&consumer).await?;
    let shown = ctx.secret(bearer.secret());
    ctx.manager()?
        .update_app(move |app| app.bearer = Some(bearer))
        .await?;
    ctx.print(
        &json!({ "profile": ctx.profile, "bearer_token": shown }),
        &format!(
            "the app's bearer token is stored in profile {}",
            ctx.profile
        ),
    );
    Ok(())
}

/// The callback URL: the flag, else the app's first registered one.
fn callback_url(ctx: &Context, args: &BrowserArgs) -> Result<String, Error> {
    if let Some(url) = &args.callback {
        return Ok(url.clone());
    }
    ctx.app()?.callback_urls.into_iter().next().ok_or_else(|| {
        Error::invalid_input(
            "--callback",
            "the app has no callback URL: pass --callback http://127.0.0.1:PORT/callback (as registered in the developer portal), or use --pin",
        )
    })
}

/// Sends the user to `url`: opens the browser unless --no-browser, and
/// always prints the URL on stderr.
fn send_to_browser(url: &str, args: &BrowserArgs) {
    if args.no_browser {
        err!("Open this URL in a browser and approve:\n{url}");
        return;
    }
    let opened = webbrowser::open(url).is_ok();
    err!(
        "{}\n{url}",
        if opened {
            "Approve in the browser that opened; if none did, open:"
        } else {
            "Open this URL in a browser and approve:"
        }
    );
}

/// Waits for the callback server, with a spinner on a terminal.
async fn wait(
    server: CallbackServer,
    check: CallbackCheck<'_>,
    timeout: u64,
) -> Result<String, Error> {
    let spinner = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_message("waiting for the browser…");
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    });
    let result = server.wait(check, Duration::from_secs(timeout)).await;
    if let Some(bar) = spinner {
        bar.finish_and_clear();
    }
    result
}

/// Stores a login, keeping what the user's record already holds.
async fn save(ctx: &Context, login: UserRecord) -> Result<UserRecord, Error> {
    let mut record = ctx
        .user_if_any(&login.user_id)?
        .unwrap_or_else(|| UserRecord::new(&login.user_id));
    record.screen_name = login.screen_name.or(record.screen_name);
    if login.oauth1.is_some() {
        record.oauth1 = login.oauth1;
        record.access_level = login.access_level;
    }
    if login.oauth2.is_some() {
        record.oauth2 = login.oauth2;
    }
    ctx.manager()?.save_login(record).await
}

async fn oauth1(ctx: &Context, args: BrowserArgs) -> Result<(), Error> {
    let consumer = ctx.app()?.consumer.ok_or_else(|| {
        ctx.needs_app("API Key & Secret", "x-api-auth apps add --consumer-key KEY")
    })?;
    let x = &ctx.xauth;
    let (request_token, verifier) = if args.pin {
        let request_token = x.request_token(&consumer, "oob", None).await?;
        err!(
            "Open this URL, approve, and type the PIN X shows:\n{}",
            x.authorize_url(&request_token, false, None)
        );
        let pin = read_line("PIN")?;
        (request_token, OAuthVerifier::new(pin.as_str()))
    } else {
        let callback = callback_url(ctx, &args)?;
        if args.no_browser {
            let request_token = x.request_token(&consumer, &callback, None).await?;
            send_to_browser(&x.authorize_url(&request_token, false, None), &args);
            err!("Then paste the URL the browser was sent to:");
            let pasted = read_line("redirect URL")?;
            let verifier = x_api_auth::oauth1::parse_callback(&pasted, &request_token.token)?;
            (request_token, verifier)
        } else {
            let server = CallbackServer::bind(&callback).await?;
            let request_token = x
                .request_token(&consumer, server.redirect_uri(), None)
                .await?;
            send_to_browser(&x.authorize_url(&request_token, false, None), &args);
            let caught = wait(
                server,
                CallbackCheck::RequestToken(&request_token.token),
                args.timeout,
            )
            .await?;
            let verifier = x_api_auth::oauth1::parse_callback(&caught, &request_token.token)?;
            (request_token, verifier)
        }
    };
    let access = x.access_token(&consumer, &request_token, &verifier).await?;
    let user_id = access
        .user_id
        .clone()
        .or_else(|| access.access_token.user_id().map(str::to_owned))
        .ok_or_else(|| Error::invalid_input("access token", "X named no user"))?;
    let mut login = UserRecord::new(&user_id);
    login.screen_name = access.screen_name.clone();
    login.access_level = access.access_level.clone();
    login.oauth1 = Some(access.access_token.clone());
    let saved = save(ctx, login).await?;
    ctx.print(
        &json!({ "profile": ctx.profile, "user_id": saved.user_id, "screen_name": saved.screen_name, "access_level": saved.access_level }),
        &format!(
            "logged in {} ({}) with OAuth 1.0a{}",
            saved.screen_name.as_deref().map_or_else(|| saved.user_id.clone(), |s| format!("@{s}")),
            saved.user_id,
            saved.access_level.as_deref().map_or_else(String::new, |l| format!(", access level {l}"))
        ),
    );
    Ok(())
}

async fn oauth2(ctx: &Context, args: Oauth2Args) -> Result<(), Error> {
    let client = ctx
        .app()?
        .client
        .ok_or_else(|| ctx.needs_app("OAuth 2.0 client", "x-api-auth apps add --client-id ID"))?;
    let scopes = Scope::parse_requested([&args.scopes])?;
    let x = &ctx.xauth;
    let browser = &args.browser;
    let callback = callback_url(ctx, browser)?;
    let (pending, caught) = if browser.no_browser {
        let pending = x.start_authorization(&client, &callback, &scopes)?;
        send_to_browser(&pending.url, browser);
        err!("Then paste the URL the browser was sent to:");
        let pasted = read_line("redirect URL")?;
        (pending, pasted.to_string())
    } else {
        let server = CallbackServer::bind(&callback).await?;
        let pending = x.start_authorization(&client, server.redirect_uri(), &scopes)?;
        send_to_browser(&pending.url, browser);
        let caught = wait(
            server,
            CallbackCheck::State(&pending.state),
            browser.timeout,
        )
        .await?;
        (pending, caught)
    };
    let token = x.finish_authorization(&client, pending, &caught).await?;
    let me = x.users_me(&Credential::OAuth2User(token.clone())).await?;
    let user_id = me["data"]["id"]
        .as_str()
        .ok_or_else(|| Error::invalid_input("users/me", "X named no user id"))?
        .to_owned();
    let mut login = UserRecord::new(&user_id);
    login.screen_name = me["data"]["username"].as_str().map(str::to_owned);
    login.oauth2 = Some(token);
    let saved = save(ctx, login).await?;
    let scopes: Vec<&str> = saved
        .oauth2
        .as_ref()
        .map(|t| t.scopes.iter().map(|s| s.as_str()).collect())
        .unwrap_or_default();
    ctx.print(
        &json!({ "profile": ctx.profile, "user_id": saved.user_id, "screen_name": saved.screen_name, "scopes": scopes }),
        &format!(
            "logged in {} ({}) with OAuth 2.0, scopes {}",
            saved.screen_name.as_deref().map_or_else(|| saved.user_id.clone(), |s| format!("@{s}")),
            saved.user_id,
            scopes.join(" ")
        ),
    );
    Ok(())
}
