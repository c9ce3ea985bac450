//! Signs a request with OAuth 1.0a and prints the `Authorization` header.
//!
//! ```text
//! cargo run --example sign                          # X's documented reference request
//! X_API_KEY=… X_API_SECRET=… X_ACCESS_TOKEN=… X_ACCESS_TOKEN_SECRET=… \
//!     cargo run --example sign -- GET 'https://api.x.com/2/users/me'
//! ```
//!
//! Without credentials in the environment it uses the example app of X's
//! "Creating a signature" page, with its fixed nonce and timestamp, and
//! checks the result against the signature X publishes.

use std::process::ExitCode;

use x_api_auth::{AccessToken, ConsumerKeys, OAuth1, SignableRequest};

const REFERENCE_URL: &str = "https://api.x.com/1.1/statuses/update.json?include_entities=true";
const REFERENCE_STATUS: &str = "Hello Ladies + Gentlemen, a signed OAuth request!";
const REFERENCE_SIGNATURE: &str = "Ls93hJiZbQ3akF3HF3x1Bz8/zU4=";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), x_api_auth::Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if std::env::var_os("X_API_KEY").is_some() {
        let (method, url) = match args.as_slice() {
            [method, url] => (method.as_str(), url.as_str()),
            _ => ("GET", "https://api.x.com/2/users/me"),
        };
        let mut signer = OAuth1::new(ConsumerKeys::from_env()?);
        if std::env::var_os("X_ACCESS_TOKEN").is_some() {
            signer = signer.with_token(AccessToken::from_env()?);
        }
        let signed = signer.sign(&SignableRequest::new(method, url))?;
        println!("base string:   {}", signed.base_string);
        println!("Authorization: {}", signed.authorization);
        return Ok(());
    }

    if let [method, url] = args.as_slice() {
        // No credentials: the given request, signed with the documented example app's keys.
        println!(
            "No X_API_KEY in the environment: signing {method} {url} with the keys of X's documented example app."
        );
        let signed =
            example_signer()?.sign(&SignableRequest::new(method.as_str(), url.as_str()))?;
        println!("base string:   {}", signed.base_string);
        println!("Authorization: {}", signed.authorization);
        return Ok(());
    }
    if !args.is_empty() {
        return Err(x_api_auth::Error::invalid_input(
            "arguments",
            "expected METHOD URL (e.g. GET https://api.x.com/2/users/me), or none for X's reference request",
        ));
    }
    println!("No X_API_KEY in the environment: signing X's documented reference request.");
    let signed = example_signer()?.sign(
        &SignableRequest::new("POST", REFERENCE_URL)
            .form([("status", REFERENCE_STATUS)])
            .nonce("kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg")
            .timestamp(1318622958),
    )?;
    println!("base string:   {}", signed.base_string);
    println!("Authorization: {}", signed.authorization);
    if signed.signature == REFERENCE_SIGNATURE {
        println!("signature matches X's published value {REFERENCE_SIGNATURE}");
        Ok(())
    } else {
        Err(x_api_auth::Error::UnexpectedResponse {
            status: 0,
            reason: format!(
                "signature {} differs from X's {REFERENCE_SIGNATURE}",
                signed.signature
            ),
        })
    }
}

/// The signer of the example app on X's "Creating a signature" page.
fn example_signer() -> Result<OAuth1, x_api_auth::Error> {
    Ok(OAuth1::new(ConsumerKeys::new(
        "xvz1evFS4wEEPTGEFPHBog",
        "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
    )?)
    .with_token(AccessToken::new(
        "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
        "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
    )?))
}
