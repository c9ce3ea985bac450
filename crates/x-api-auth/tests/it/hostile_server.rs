//! Every flow against every case of the hostile look-alike of X
//! (`x_api_auth_sandbox::hostile`): each ends in the typed error that
//! `tests/hostile/cases.json` names for it (shared with Python and Node),
//! within the client's timeout, without a panic.

use std::time::{Duration, Instant};

use serde_json::Value;
use x_api_auth::oauth1::RequestToken;
use x_api_auth::oauth2::{Scope, TokenTypeHint};
use x_api_auth::{
    AccessToken, Body, ConsumerKeys, Credential, OAuth1, OAuth2Client, OAuth2UserToken,
    OAuthVerifier, RefreshToken, Result, XAuth, XAuthSettings,
};
use x_api_auth_sandbox::hostile::{CASES, HostileX};

/// The client's timeout in these tests.
const TIMEOUT: f64 = 1.0;

fn cases() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/hostile/cases.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Runs one flow by its name in `cases.json`; `Ok(())` when it succeeded.
async fn run(x: &XAuth, flow: &str) -> Result<()> {
    let consumer = ConsumerKeys::new("ck", "cs")?;
    let client = OAuth2Client::confidential("id", "secret")?;
    let mut token = OAuth2UserToken::new("access");
    token.refresh_token = Some(RefreshToken::new("refresh"));
    match flow {
        "obtain_bearer" => x.obtain_bearer(&consumer).await.map(drop),
        "invalidate_bearer" => {
            let bearer = x_api_auth::BearerToken::new("AAAA");
            x.invalidate_bearer(&consumer, &bearer).await
        }
        "request_token" => x.request_token(&consumer, "oob", None).await.map(drop),
        "access_token" => {
            let request = RequestToken::parse(
                200,
                "oauth_token=t&oauth_token_secret=s&oauth_callback_confirmed=true",
            )?;
            let verifier = OAuthVerifier::new("1234567");
            x.access_token(&consumer, &request, &verifier)
                .await
                .map(drop)
        }
        "invalidate_access_token" => {
            let access = AccessToken::new("1-t", "s")?;
            x.invalidate_access_token(&consumer, &access).await
        }
        "finish_authorization" => {
            let pending =
                x.start_authorization(&client, "http://127.0.0.1/cb", &[Scope::new("tweet.read")])?;
            let callback = format!(
                "http://127.0.0.1/cb?state={}&code=c",
                pending.state.secret()
            );
            x.finish_authorization(&client, pending, &callback)
                .await
                .map(drop)
        }
        "refresh" => x.refresh(&client, &token).await.map(drop),
        "revoke" => {
            x.revoke(&client, "access", TokenTypeHint::AccessToken)
                .await
        }
        "user_by_username_bearer" => {
            let bearer = Credential::Bearer(x_api_auth::BearerToken::new("AAAA"));
            x.send(
                &bearer,
                "GET",
                "/2/users/by/username/XDevelopers",
                &Body::Empty,
            )
            .await?
            .json()
            .map(drop)
        }
        "users_me_oauth1" => {
            let signer = OAuth1::new(consumer).with_token(AccessToken::new("1-t", "s")?);
            x.users_me(&Credential::OAuth1(signer)).await.map(drop)
        }
        other => panic!("cases.json names a flow this test does not know: {other}"),
    }
}

#[tokio::test]
async fn every_flow_meets_every_hostile_case_with_the_expected_typed_error() {
    let server = HostileX::start().await.unwrap();
    let cases = cases();
    let flows: Vec<String> = cases["flows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_owned())
        .collect();
    let listed: Vec<&str> = cases["cases"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut served: Vec<&str> = CASES.to_vec();
    served.sort_unstable();
    let mut listed_sorted = listed.clone();
    listed_sorted.sort_unstable();
    assert_eq!(
        listed_sorted, served,
        "cases.json lists every case of the server"
    );
    let mut mismatches = Vec::new();
    for (case, expected) in cases["cases"].as_object().unwrap() {
        let base = server.base_url(case);
        let x = XAuthSettings {
            api_base: Some(base.clone()),
            web_base: Some(base),
            timeout: Some(TIMEOUT),
            ..Default::default()
        }
        .build()
        .unwrap();
        // All flows at once: the slow cases then cost one timeout.
        let mut runs = tokio::task::JoinSet::new();
        for flow in flows.clone() {
            let x = x.clone();
            runs.spawn(async move {
                let started = Instant::now();
                let outcome = run(&x, &flow).await;
                (flow, outcome, started.elapsed())
            });
        }
        while let Some(joined) = runs.join_next().await {
            let (flow, outcome, took) = joined.expect("a flow panicked");
            let got = match &outcome {
                Ok(()) => "ok".to_owned(),
                Err(e) => e.code().to_owned(),
            };
            let want = expected
                .get(flow.as_str())
                .or_else(|| expected.get("*"))
                .and_then(Value::as_str)
                .unwrap_or("?");
            if got != want {
                mismatches.push(format!(
                    "{case} / {flow}: got {got} ({outcome:?}), want {want}"
                ));
            }
            if let Err(e) = &outcome {
                assert!(
                    e.to_string().len() < 2_000,
                    "{case} / {flow}: a message of {} bytes",
                    e.to_string().len()
                );
            }
            assert!(
                took < Duration::from_secs_f64(TIMEOUT + 2.0),
                "{case} / {flow} took {took:?}"
            );
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
