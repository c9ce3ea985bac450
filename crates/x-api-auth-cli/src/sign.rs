//! `sign`: the OAuth 1.0a `Authorization` header of a request, from flags,
//! the environment, then the profile; `--curl` and `--explain`.

use serde_json::json;
use x_api_auth::oauth1::OAuth1Settings;
use x_api_auth::{Error, SignableRequest, env_vars};
use zeroize::Zeroizing;

use crate::cli::SignArgs;
use crate::context::Context;

/// The credentials to sign with: each from its flag, else its environment
/// variable, else the profile (the app's keys, the user's access token).
fn settings(ctx: &Context, args: &SignArgs) -> Result<OAuth1Settings, Error> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let app = ctx.app().ok();
    let user = ctx.user().ok();
    let stored_consumer = app.as_ref().and_then(|a| a.consumer.as_ref());
    let stored_token = user.as_ref().and_then(|u| u.oauth1.as_ref());
    let consumer_key = args
        .consumer_key
        .clone()
        .or_else(|| env(env_vars::API_KEY))
        .or_else(|| stored_consumer.map(|c| c.key().to_owned()))
        .ok_or_else(|| {
            ctx.needs_app(
                "API Key",
                "x-api-auth apps add --consumer-key KEY, or pass --consumer-key, or set X_API_KEY",
            )
        })?;
    let consumer_secret = args
        .consumer_secret
        .clone()
        .or_else(|| env(env_vars::API_SECRET))
        .or_else(|| stored_consumer.map(|c| c.secret().secret().to_owned()))
        .ok_or_else(|| {
            ctx.needs_app(
                "API Key Secret",
                "x-api-auth apps add --consumer-key KEY, or pass --consumer-secret, or set X_API_SECRET",
            )
        })?;
    let token = args
        .token
        .clone()
        .or_else(|| env(env_vars::ACCESS_TOKEN))
        .or_else(|| stored_token.map(|t| t.token().to_owned()));
    let token_secret = args
        .token_secret
        .clone()
        .or_else(|| env(env_vars::ACCESS_TOKEN_SECRET))
        .or_else(|| stored_token.map(|t| t.secret().secret().to_owned()));
    let mut settings = OAuth1Settings::default();
    settings.consumer_key = consumer_key;
    settings.consumer_secret = consumer_secret;
    settings.token = token;
    settings.token_secret = token_secret;
    settings.signature_method = Some(args.signature_method.clone());
    Ok(settings)
}

pub fn run(ctx: &Context, args: SignArgs) -> Result<(), Error> {
    let signer = settings(ctx, &args)?.build()?;
    let mut form = Vec::new();
    for pair in &args.form {
        let (k, v) = pair
            .split_once('=')
            .ok_or_else(|| Error::invalid_input("--form", "must be K=V"))?;
        form.push((k, v));
    }
    let mut request =
        SignableRequest::new(args.method.as_str(), args.url.as_str()).form(form.iter().copied());
    if let Some(callback) = &args.callback {
        request = request.callback(callback.as_str());
    }
    if let Some(verifier) = &args.verifier {
        request = request.verifier(verifier.as_str());
    }
    if let Some(nonce) = &args.nonce {
        request = request.nonce(nonce.as_str());
    }
    if let Some(timestamp) = args.timestamp {
        request = request.timestamp(timestamp);
    }
    let signed = signer.sign(&request)?;
    let header = Zeroizing::new(signed.authorization.clone());
    if args.explain {
        let key_shape = format!(
            "percent_encode(API Key Secret: {} characters)&percent_encode(access token secret: {})",
            signer.consumer().secret().secret().chars().count(),
            signer.token().map_or_else(
                || "none".to_owned(),
                |t| format!("{} characters", t.secret().secret().chars().count())
            )
        );
        let document = json!({
            "base_string": x_api_auth::oauth1::masked_base_string(&signed.base_string),
            "signing_key": key_shape,
            "signature_method": signer.signature_method().as_str(),
        });
        let base = document["base_string"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        ctx.print(
            &document,
            &format!(
                "base string:  {base}\nsigning key:  {key_shape}\nmethod:       {}\n\nX computes the same base string from what it receives: compare it with the request you send.",
                signer.signature_method().as_str()
            ),
        );
        return Ok(());
    }
    if args.curl {
        let mut command = format!(
            "curl -X {} '{}' -H 'Authorization: {}'",
            args.method.to_ascii_uppercase(),
            args.url,
            header.as_str()
        );
        if !form.is_empty() {
            let body = x_api_auth::encode_form(form.iter().copied());
            command.push_str(&format!(
                " -H 'Content-Type: application/x-www-form-urlencoded' --data '{body}'"
            ));
        }
        out!("{command}");
        return Ok(());
    }
    ctx.print(
        &json!({ "authorization": header.as_str() }),
        header.as_str(),
    );
    Ok(())
}
