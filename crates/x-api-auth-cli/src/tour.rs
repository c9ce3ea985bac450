//! `tour`: every credential type against the sandbox on loopback, with the
//! real flows and a temporary store: no network, no credentials. One line
//! per step: what it did and what came back.

use std::time::Duration;

use x_api_auth::callback_server::{CallbackCheck, CallbackServer};
use x_api_auth::oauth2::{Scope, TokenTypeHint};
use x_api_auth::tokens::{TokenManager, UserRecord, open_store};
use x_api_auth::transport::{HttpRequest, ReqwestTransport, Transport};
use x_api_auth::{
    AccessToken, Body, ConsumerKeys, Credential, Error, OAuth1, OAuth2Client, OAuth2UserToken,
    SignableRequest, XAuth, XAuthSettings,
};
use x_api_auth_sandbox::browser::{Consent, consent};
use x_api_auth_sandbox::{Sandbox, SandboxConfig};

use crate::context::Context;
use crate::report::{Failure, Steps, failure};

/// X's documented reference request and the signature X publishes for it.
mod reference {
    pub const URL: &str = "https://api.x.com/1.1/statuses/update.json?include_entities=true";
    pub const STATUS: &str = "Hello Ladies + Gentlemen, a signed OAuth request!";
    pub const NONCE: &str = "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg";
    pub const TIMESTAMP: u64 = 1_318_622_958;
    pub const KEY: &str = "xvz1evFS4wEEPTGEFPHBog";
    pub const SECRET: &str = "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw";
    pub const TOKEN: &str = "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb";
    pub const TOKEN_SECRET: &str = "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE";
    pub const SIGNATURE: &str = "Ls93hJiZbQ3akF3HF3x1Bz8/zU4=";
}

/// The browser: follows the authorize URL on the sandbox, approves, and
/// delivers the redirect to the callback server.
async fn play_browser(authorize_url: String) -> Result<(), Failure> {
    let Consent::Redirect(location) = consent(&authorize_url, true, None).await? else {
        return Err(failure(
            "the sandbox showed a PIN where a redirect was expected",
        ));
    };
    let transport = ReqwestTransport::new(Duration::from_secs(10))?;
    transport.send(HttpRequest::new("GET", location)).await?;
    Ok(())
}

/// A PKCE login through the real loopback callback server.
async fn pkce_login(x: &XAuth, client: &OAuth2Client) -> Result<OAuth2UserToken, Failure> {
    let server = CallbackServer::bind("http://127.0.0.1:0/callback").await?;
    let scopes = [Scope::TWEET_READ, Scope::USERS_READ, Scope::OFFLINE_ACCESS];
    let pending = x.start_authorization(client, server.redirect_uri(), &scopes)?;
    let browser = tokio::spawn(play_browser(pending.url.clone()));
    let callback = server
        .wait(
            CallbackCheck::State(&pending.state),
            Duration::from_secs(10),
        )
        .await?;
    browser
        .await
        .map_err(|_| failure("the browser stopped"))??;
    Ok(x.finish_authorization(client, pending, &callback).await?)
}

async fn username(x: &XAuth, credential: &Credential) -> Result<String, Failure> {
    let me = x.users_me(credential).await?;
    Ok(format!(
        "@{}",
        me["data"]["username"].as_str().unwrap_or("?")
    ))
}

pub async fn run(ctx: &Context) -> Result<u8, Error> {
    let mut steps = Steps::new(ctx);
    steps
        .run(
            "sign X's reference request (OAuth 1.0a, HMAC-SHA1)",
            async {
                use reference::*;
                let signer = OAuth1::new(ConsumerKeys::new(KEY, SECRET)?)
                    .with_token(AccessToken::new(TOKEN, TOKEN_SECRET)?);
                let request = SignableRequest::new("POST", URL)
                    .form([("status", STATUS)])
                    .nonce(NONCE)
                    .timestamp(TIMESTAMP);
                let signed = signer.sign(&request)?;
                if signed.signature != SIGNATURE {
                    return Err(failure(format!(
                        "got {}, X publishes {SIGNATURE}",
                        signed.signature
                    )));
                }
                Ok(format!("signature {SIGNATURE}, the one X publishes"))
            },
        )
        .await;

    let sandbox = Sandbox::start(SandboxConfig::default())
        .await
        .map_err(|e| Error::Transport {
            timeout: false,
            reason: format!("cannot start the sandbox on loopback: {}", e.kind()),
        })?;
    let base = sandbox.base_url();
    let x = XAuth::with_base_urls(&base, &base, Duration::from_secs(10))?;
    let app = sandbox.config().apps[0].clone();
    let consumer = ConsumerKeys::new(&app.consumer_key, app.consumer_secret.as_str())?;
    steps.note(&format!("     sandbox on {base}"));

    steps
        .run(
            "3-legged OAuth 1.0a with a callback (loopback server)",
            async {
                let server = CallbackServer::bind("http://127.0.0.1:0/oauth1").await?;
                let request_token = x
                    .request_token(&consumer, server.redirect_uri(), None)
                    .await?;
                let browser =
                    tokio::spawn(play_browser(x.authorize_url(&request_token, false, None)));
                let callback = server
                    .wait(
                        CallbackCheck::RequestToken(&request_token.token),
                        Duration::from_secs(10),
                    )
                    .await?;
                browser
                    .await
                    .map_err(|_| failure("the browser stopped"))??;
                let verifier = x_api_auth::oauth1::parse_callback(&callback, &request_token.token)?;
                let access = x.access_token(&consumer, &request_token, &verifier).await?;
                let signer = OAuth1::new(consumer.clone()).with_token(access.access_token.clone());
                let who = username(&x, &Credential::OAuth1(signer)).await?;
                Ok(format!(
                    "access token for {who}, access level {}",
                    access.access_level.as_deref().unwrap_or("?")
                ))
            },
        )
        .await;

    steps
        .run("3-legged OAuth 1.0a with a PIN (oob)", async {
            let request_token = x.request_token(&consumer, "oob", None).await?;
            let Consent::Pin(pin) =
                consent(&x.authorize_url(&request_token, false, None), true, None).await?
            else {
                return Err(failure("no PIN page"));
            };
            let access = x
                .access_token(
                    &consumer,
                    &request_token,
                    &x_api_auth::OAuthVerifier::new(pin),
                )
                .await?;
            Ok(format!(
                "PIN accepted, access token for user {}",
                access.user_id.as_deref().unwrap_or("?")
            ))
        })
        .await;

    steps
        .run("a stale clock healed by the clock-skew retry", async {
            let skewed = XAuthSettings {
                api_base: Some(base.clone()),
                web_base: Some(base.clone()),
                simulated_clock_skew: Some(-3_600),
                ..Default::default()
            }
            .build()?;
            let signer = OAuth1::new(consumer.clone()).with_token(AccessToken::new(
                &app.access_token,
                app.access_token_secret.as_str(),
            )?);
            let who = username(&skewed, &Credential::OAuth1(signer)).await?;
            Ok(format!(
                "clock 3600 s behind: code 135, then {who} after one retry (offset learnt: {} s)",
                skewed.clock_offset()
            ))
        })
        .await;

    steps
        .run("app-only bearer: obtain, use, invalidate", async {
            let bearer = x.obtain_bearer(&consumer).await?;
            let user = &sandbox.config().users[0].username;
            let found = x
                .user_by_username(&Credential::Bearer(bearer.clone()), user)
                .await?;
            x.invalidate_bearer(&consumer, &bearer).await?;
            let refused = x.user_by_username(&Credential::Bearer(bearer), user).await;
            match refused {
                Err(e) => Ok(format!(
                    "looked up @{}, invalidated, then refused ({})",
                    found["data"]["username"].as_str().unwrap_or("?"),
                    e.code()
                )),
                Ok(_) => Err(failure("an invalidated bearer token still works")),
            }
        })
        .await;

    let public = OAuth2Client::public("sandbox-public-client")?;
    let confidential =
        OAuth2Client::confidential("sandbox-confidential-client", "sandbox-client-secret")?;
    let mut first_login = None;
    steps
        .run("OAuth 2.0 PKCE, public client (loopback server)", async {
            let token = pkce_login(&x, &public).await?;
            let who = username(&x, &Credential::OAuth2User(token.clone())).await?;
            let scopes: Vec<String> = token.scopes.iter().map(|s| s.as_str().to_owned()).collect();
            first_login = Some(token);
            Ok(format!("{who}, scopes {}", scopes.join(" ")))
        })
        .await;
    steps
        .run(
            "OAuth 2.0 PKCE, confidential client (loopback server)",
            async {
                let token = pkce_login(&x, &confidential).await?;
                Ok(format!(
                    "{} (HTTP Basic client authentication)",
                    username(&x, &Credential::OAuth2User(token)).await?
                ))
            },
        )
        .await;

    let mut rotated = None;
    steps
        .run("refresh, with rotation", async {
            let token = first_login
                .clone()
                .ok_or_else(|| failure("no login to refresh"))?;
            let fresh = x.refresh(&public, &token).await?;
            let (old, new) = (token.refresh_token.as_ref(), fresh.refresh_token.as_ref());
            if old.map(|t| t.secret()) == new.map(|t| t.secret()) {
                return Err(failure("the refresh token did not rotate"));
            }
            rotated = Some(fresh);
            Ok("new access token and a new refresh token".to_owned())
        })
        .await;
    steps
        .run("a spent refresh token is refused", async {
            let spent = first_login.clone().ok_or_else(|| failure("no login"))?;
            match x.refresh(&public, &spent).await {
                Err(e) => Ok(format!(
                    "refused ({}); X revokes the family on reuse",
                    e.code()
                )),
                Ok(_) => Err(failure("a spent refresh token was accepted")),
            }
        })
        .await;

    steps
        .run(
            "20 concurrent requests across an expiry (token manager, file store)",
            async {
                let dir =
                    std::env::temp_dir().join(format!("x-api-auth-tour-{}", std::process::id()));
                let _ = std::fs::remove_dir_all(&dir);
                let store = open_store(Some(&format!("file:{}", dir.display())))?;
                let manager = TokenManager::new(x.clone(), store, Some("tour"))?;
                manager.set_app_keys(None, Some(public.clone())).await?;
                let token = pkce_login(&x, &public).await?;
                let me = x.users_me(&Credential::OAuth2User(token.clone())).await?;
                let mut login = UserRecord::new(me["data"]["id"].as_str().unwrap_or("0"));
                login.oauth2 = Some(token);
                manager.save_login(login).await?;
                sandbox.advance_clock(Duration::from_secs(7_200));
                let before = sandbox.counters().refreshes;
                let mut calls = tokio::task::JoinSet::new();
                for _ in 0..20 {
                    let manager = manager.clone();
                    calls.spawn(async move {
                        manager.send(None, "GET", "/2/users/me", &Body::Empty).await
                    });
                }
                let mut ok = 0;
                while let Some(done) = calls.join_next().await {
                    done.map_err(|_| failure("a request task stopped"))??;
                    ok += 1;
                }
                let refreshes = sandbox.counters().refreshes - before;
                let _ = std::fs::remove_dir_all(&dir);
                if refreshes != 1 {
                    return Err(failure(format!("{refreshes} refreshes for one expiry")));
                }
                Ok(format!(
                    "{ok} ok, 1 refresh counted by the sandbox, the rotated token stored"
                ))
            },
        )
        .await;

    steps
        .run("revoke", async {
            let token = rotated.clone().ok_or_else(|| failure("no token"))?;
            x.revoke(
                &public,
                token.access_token.secret(),
                TokenTypeHint::AccessToken,
            )
            .await?;
            match x.users_me(&Credential::OAuth2User(token)).await {
                Err(e) => Ok(format!("revoked; the token is then refused ({})", e.code())),
                Ok(_) => Err(failure("a revoked token still works")),
            }
        })
        .await;

    steps
        .run("webhook CRC and event signature", async {
            use x_api_auth::webhook::{crc_response_token, sign_body, verify_signature};
            let secret = consumer.secret();
            let answer = crc_response_token(secret, "challenge");
            let event = br#"{"for_user_id":"1","tweet_create_events":[]}"#;
            let signature = sign_body(secret, event);
            verify_signature(secret, event, &signature)?;
            let forged = verify_signature(secret, br#"{"forged":true}"#, &signature);
            if forged.is_ok() {
                return Err(failure("a forged event passed"));
            }
            Ok(format!(
                "CRC answer {}…, a signed event accepted, a forged one refused",
                &answer[..16]
            ))
        })
        .await;

    Ok(steps.finish("every credential type worked against the sandbox, offline"))
}
