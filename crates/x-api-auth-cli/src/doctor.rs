//! `doctor`: "why does X refuse me". One cheap call per stored credential,
//! one line each, with what to do: the clock against X's, keys X no longer
//! accepts, access levels, OAuth 2.0 scopes and expiry, client type
//! mismatches, spent refresh tokens, enrollment and billing refusals.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use x_api_auth::transport::{HttpRequest, ReqwestTransport, Transport};
use x_api_auth::{Body, Credential, Error, OAuth1, parse_http_date};

use crate::apps::users;
use crate::context::Context;
use crate::report::{Failure, Steps, failure};

/// How far this machine's clock may be from X's before OAuth 1.0a suffers
/// (X allows a few minutes; past 30 s it is worth fixing).
const CLOCK_TOLERANCE: i64 = 30;

/// The error, with a remedy when `remedy` names one for its code.
fn explain(e: Error, remedy: &str) -> Failure {
    if e.code() == "X_REAUTHORIZE" {
        return failure(format!(
            "{e} → the refresh token is spent (X rotates it on every refresh: did another copy of the store use it?) or revoked: {remedy}"
        ));
    }
    match e.code() {
        "X_AUTHENTICATION"
        | "X_INVALID_TOKEN"
        | "X_FORBIDDEN"
        | "X_OAUTH1_PERMISSIONS"
        | "X_UNAUTHORIZED_CLIENT"
        | "X_REAUTHORIZE"
            if !remedy.is_empty() =>
        {
            failure(format!("{e} → {remedy}"))
        }
        _ => e.into(),
    }
}

/// This machine's clock against the `Date` of X's answer.
async fn clock(ctx: &Context) -> Result<String, Failure> {
    let transport = ReqwestTransport::new(Duration::from_secs(10))?;
    let url = format!("{}/2/users/me", ctx.global.api_base.trim_end_matches('/'));
    let response = transport.send(HttpRequest::new("GET", url)).await?;
    let theirs = response
        .header("date")
        .and_then(parse_http_date)
        .ok_or_else(|| failure("X's answer had no Date header to compare the clock with"))?;
    let ours = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
        .saturating_add_signed(ctx.global.simulated_clock_skew.unwrap_or(0));
    let offset =
        i64::try_from(theirs).unwrap_or(i64::MAX) - i64::try_from(ours).unwrap_or(i64::MAX);
    if offset.abs() > CLOCK_TOLERANCE {
        return Err(failure(format!(
            "this machine's clock is {} s {} X's: OAuth 1.0a requests get code 135 (the library retries once with X's time) → synchronise the clock with NTP",
            offset.abs(),
            if offset > 0 { "behind" } else { "ahead of" }
        )));
    }
    Ok(format!("within {} s of X's", offset.abs()))
}

pub async fn run(ctx: &Context) -> Result<u8, Error> {
    let app = ctx.app()?;
    let users = users(ctx)?;
    if app.consumer.is_none() && app.client.is_none() && users.is_empty() {
        return Err(ctx.needs_app("app", "x-api-auth apps add --consumer-key KEY"));
    }
    let mut steps = Steps::new(ctx);
    steps.run("clock", clock(ctx)).await;
    let x = &ctx.xauth;
    if let Some(consumer) = &app.consumer {
        steps
            .run("API Key & Secret", async {
                x.obtain_bearer(consumer).await.map_err(|e| {
                    explain(e, "regenerated in the developer portal? replace them with `x-api-auth apps set-keys`")
                })?;
                Ok("X accepts them (an app-only bearer token was issued)".to_owned())
            })
            .await;
    }
    if let Some(bearer) = &app.bearer {
        steps
            .run("bearer token", async {
                let credential = Credential::Bearer(bearer.clone());
                match x
                    .send(
                        &credential,
                        "GET",
                        "/2/users/by/username/XDevelopers",
                        &Body::Empty,
                    )
                    .await
                {
                    Ok(_) => Ok("X accepts it".to_owned()),
                    Err(Error::Api(api)) if api.status == 404 => Ok("X accepts it".to_owned()),
                    Err(e) => Err(explain(
                        e,
                        "invalidated or regenerated: obtain a new one with `x-api-auth login app`",
                    )),
                }
            })
            .await;
    }
    let manager = ctx.manager()?;
    for user in &users {
        let who = user
            .screen_name
            .as_deref()
            .map_or_else(|| user.user_id.clone(), |s| format!("@{s}"));
        if let Some(token) = &user.oauth1 {
            steps
                .run(&format!("{who}, OAuth 1.0a"), async {
                    let consumer = app.consumer.clone().ok_or_else(|| ctx.needs_app("API Key & Secret", "x-api-auth apps add --consumer-key KEY"))?;
                    let signer = OAuth1::new(consumer).with_token(token.clone());
                    x.users_me(&Credential::OAuth1(signer)).await.map_err(|e| {
                        explain(e, "keys or tokens regenerated? `x-api-auth apps set-keys`, then `x-api-auth login oauth1`")
                    })?;
                    Ok(match user.access_level.as_deref() {
                        Some("read") => "X accepts it, but its access level is read: posting needs read-write → switch the app's permissions in the portal, then log in again (`x-api-auth login oauth1`): old tokens keep the old level".to_owned(),
                        Some(level) => format!("X accepts it, access level {level}"),
                        None => "X accepts it".to_owned(),
                    })
                })
                .await;
        }
        if let Some(token) = &user.oauth2 {
            steps
                .run(&format!("{who}, OAuth 2.0"), async {
                    let scopes: Vec<&str> = token.scopes.iter().map(|s| s.as_str()).collect();
                    let expiry = match token.expires_at_unix() {
                        Some(at) => {
                            let left = at
                                - SystemTime::now()
                                    .duration_since(UNIX_EPOCH)
                                    .map_or(0.0, |d| d.as_secs_f64());
                            if left > 0.0 {
                                format!("expires in {} min", (left / 60.0).round())
                            } else {
                                "expired, refreshed on use".to_owned()
                            }
                        }
                        None => "expiry unknown".to_owned(),
                    };
                    manager
                        .send(Some(&user.user_id), "GET", "/2/users/me", &Body::Empty)
                        .await
                        .map_err(|e| {
                            explain(e, "log the user in again: `x-api-auth login oauth2`")
                        })?;
                    let refresh = if token.refresh_token.is_some() {
                        "a refresh token kept"
                    } else {
                        "no refresh token (ask for offline.access)"
                    };
                    Ok(format!(
                        "X accepts it; scopes {}; {expiry}; {refresh}",
                        scopes.join(" ")
                    ))
                })
                .await;
        }
    }
    Ok(steps.finish("every stored credential works"))
}
