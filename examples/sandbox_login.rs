//! Logs a user in with OAuth 2.0 PKCE against the sandbox, refreshes the
//! token, and calls `/2/users/me`.   `cargo run --example sandbox_login`

use std::process::ExitCode;
use std::time::Duration;

use x_api_auth::oauth2::Scope;
use x_api_auth::{Credential, OAuth2Client, XAuth};
use x_api_auth_sandbox::{Sandbox, SandboxConfig};

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::start(SandboxConfig::default()).await?;
    let x = XAuth::with_base_urls(
        &sandbox.base_url(),
        &sandbox.base_url(),
        Duration::from_secs(10),
    )?;
    let client = OAuth2Client::public("sandbox-public-client")?;
    let pending = x.start_authorization(
        &client,
        "https://app.example/callback",
        &[Scope::TWEET_READ, Scope::USERS_READ, Scope::OFFLINE_ACCESS],
    )?;
    // A browser would show the consent page; the sandbox approves at once.
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let consent = browser
        .get(format!("{}&sandbox_decision=approve", pending.url))
        .send()
        .await?;
    let callback = consent
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .ok_or("the consent page did not redirect")?
        .to_owned();
    let token = x.finish_authorization(&client, pending, &callback).await?;
    let token = x.refresh(&client, &token).await?; // X rotates refresh tokens: store this one
    let me = x.users_me(&Credential::OAuth2User(token)).await?;
    let user = &me["data"];
    println!(
        "logged in as @{} (id {})",
        user["username"].as_str().unwrap_or("?"),
        user["id"].as_str().unwrap_or("?")
    );
    Ok(())
}
