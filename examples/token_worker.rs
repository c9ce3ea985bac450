//! A worker of the fleet test (`tests/fleet/run`): for `seconds`, sends
//! rounds of `concurrency` concurrent `GET /2/users/me` through a
//! `TokenManager` sharing the store with the other workers, and prints
//! `{"ok": n, "failed": n, "errors": [...]}`. It goes on past `seconds` until
//! every user was asked for once.
//!
//! `cargo run --example token_worker -- BASE_URL STORE_URL PROFILE SECONDS CONCURRENCY [USERS]`
//! (`USERS`: a comma-separated list of user ids to spread the requests over;
//! the default user when absent).

use std::time::{Duration, Instant};

use x_api_auth::tokens::{TokenManager, open_store};
use x_api_auth::{Body, Credential, Error, XAuth};

async fn one_request(x: &XAuth, manager: &TokenManager, user: Option<&str>) -> Result<(), Error> {
    let token = manager.access_token(user).await?;
    match x
        .send(
            &Credential::OAuth2User(token.clone()),
            "GET",
            "/2/users/me",
            &Body::Empty,
        )
        .await
    {
        Err(Error::Api(api)) if api.status == 401 => {
            let fresh = manager.refresh_after_unauthorized(user, &token).await?;
            x.send(
                &Credential::OAuth2User(fresh),
                "GET",
                "/2/users/me",
                &Body::Empty,
            )
            .await
            .map(drop)
        }
        other => other.map(drop),
    }
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [base, store, profile, seconds, concurrency, rest @ ..] = args.as_slice() else {
        eprintln!("usage: token_worker BASE_URL STORE_URL PROFILE SECONDS CONCURRENCY [USERS]");
        std::process::exit(2);
    };
    let users: Vec<Option<String>> = match rest.first() {
        Some(list) => list.split(',').map(|u| Some(u.to_owned())).collect(),
        None => vec![None],
    };
    let x = XAuth::with_base_urls(base, base, Duration::from_secs(30))?;
    let manager = TokenManager::new(x.clone(), open_store(Some(store))?, Some(profile))?
        .with_refresh_margin(Duration::from_secs(1));
    let deadline = Instant::now() + Duration::from_secs_f64(seconds.parse().unwrap_or(10.0));
    let concurrency: usize = concurrency.parse().unwrap_or(100);
    let (mut ok, mut errors) = (0u64, Vec::new());
    let mut next_user = 0;
    let (mut failed_before, mut last_round_failed) = (0, 0);
    while Instant::now() < deadline || next_user < users.len() {
        let round: Vec<_> = (0..concurrency)
            .map(|_| {
                let (x, manager) = (x.clone(), manager.clone());
                let user = users[next_user % users.len()].clone();
                next_user += 1;
                tokio::spawn(async move { one_request(&x, &manager, user.as_deref()).await })
            })
            .collect();
        last_round_failed = 0;
        for request in round {
            match request.await {
                Ok(Ok(())) => ok += 1,
                Ok(Err(e)) => errors.push(e.to_string()),
                Err(e) => errors.push(e.to_string()),
            }
            last_round_failed = errors.len() - failed_before;
        }
        failed_before = errors.len();
        if Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(200)).await; // paced rounds
        }
    }
    println!(
        "{}",
        serde_json::json!({"ok": ok, "failed": errors.len(), "last_round_failed": last_round_failed, "errors": errors.iter().take(5).collect::<Vec<_>>()})
    );
    std::process::exit(i32::from(!errors.is_empty()));
}
