//! `token show|refresh|revoke|invalidate`.

use serde_json::json;
use x_api_auth::Error;
use x_api_auth::oauth2::TokenTypeHint;

use crate::apps::{describe_app, describe_user};
use crate::cli::TokenCommand;
use crate::context::Context;

pub async fn run(ctx: &Context, command: TokenCommand) -> Result<(), Error> {
    match command {
        TokenCommand::Show => {
            let app = ctx.app()?;
            let user = ctx.user().ok();
            let document = json!({
                "profile": ctx.profile,
                "bearer_token": describe_app(ctx, &app)["bearer_token"],
                "user": user.as_ref().map(|u| describe_user(ctx, u)),
            });
            if app.bearer.is_none() && user.is_none() {
                return Err(
                    ctx.needs_app("token", "x-api-auth login app, or x-api-auth login oauth2")
                );
            }
            let text = serde_json::to_string_pretty(&document).unwrap_or_default();
            ctx.print(&document, &text);
        }
        TokenCommand::Refresh => {
            let user = ctx.user()?;
            let token = user.oauth2.ok_or_else(|| no_oauth2(ctx, &user.user_id))?;
            let manager = ctx.manager()?;
            let fresh = manager
                .refresh_after_unauthorized(Some(&user.user_id), &token)
                .await?;
            ctx.print(
                &json!({ "user_id": user.user_id, "expires_at": fresh.expires_at_unix() }),
                &format!(
                    "refreshed the OAuth 2.0 token of {} (the new refresh token is stored)",
                    user.user_id
                ),
            );
        }
        TokenCommand::Revoke => {
            let mut user = ctx.user()?;
            let client = ctx.app()?.client.ok_or_else(|| {
                ctx.needs_app("OAuth 2.0 client", "x-api-auth apps add --client-id ID")
            })?;
            let token = user
                .oauth2
                .take()
                .ok_or_else(|| no_oauth2(ctx, &user.user_id))?;
            match &token.refresh_token {
                Some(refresh) => {
                    ctx.xauth
                        .revoke(&client, refresh.secret(), TokenTypeHint::RefreshToken)
                        .await?
                }
                None => {
                    ctx.xauth
                        .revoke(
                            &client,
                            token.access_token.secret(),
                            TokenTypeHint::AccessToken,
                        )
                        .await?
                }
            }
            let id = user.user_id.clone();
            ctx.manager()?.save_login(user).await?;
            ctx.print(
                &json!({ "user_id": id, "revoked": true }),
                &format!("revoked and forgot the OAuth 2.0 token of {id}"),
            );
        }
        TokenCommand::Invalidate { app: true } => {
            let app = ctx.app()?;
            let consumer = app.consumer.ok_or_else(|| {
                ctx.needs_app("API Key & Secret", "x-api-auth apps add --consumer-key KEY")
            })?;
            let bearer = app
                .bearer
                .ok_or_else(|| ctx.needs_app("bearer token", "x-api-auth login app"))?;
            ctx.xauth.invalidate_bearer(&consumer, &bearer).await?;
            ctx.manager()?.update_app(|app| app.bearer = None).await?;
            ctx.print(
                &json!({ "profile": ctx.profile, "invalidated": "bearer_token" }),
                "invalidated and forgot the app's bearer token",
            );
        }
        TokenCommand::Invalidate { app: false } => {
            let consumer = ctx.app()?.consumer.ok_or_else(|| {
                ctx.needs_app("API Key & Secret", "x-api-auth apps add --consumer-key KEY")
            })?;
            let mut user = ctx.user()?;
            let token = user.oauth1.take().ok_or_else(|| Error::LoginRequired {
                profile: ctx.profile.clone(),
                user: user.user_id.clone(),
                reason: "has no OAuth 1.0a token: pass --app for the bearer token".to_owned(),
            })?;
            ctx.xauth.invalidate_access_token(&consumer, &token).await?;
            let id = user.user_id.clone();
            ctx.manager()?.save_login(user).await?;
            ctx.print(
                &json!({ "user_id": id, "invalidated": "oauth1" }),
                &format!("invalidated and forgot the OAuth 1.0a token of {id}"),
            );
        }
    }
    Ok(())
}

fn no_oauth2(ctx: &Context, user: &str) -> Error {
    Error::LoginRequired {
        profile: ctx.profile.clone(),
        user: user.to_owned(),
        reason: "has no OAuth 2.0 token: run `x-api-auth login oauth2`".to_owned(),
    }
}
