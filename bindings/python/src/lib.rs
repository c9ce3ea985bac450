//! `x_api_auth._native`: the Rust core for Python. Types and errors are
//! converted here; behaviour lives in the `x-api-auth` crate. One file per
//! concept, the same files as the Node bindings (`bindings/node/src`).

mod api;
mod callback_server;
mod cli;
mod credentials;
mod errors;
mod flows;
mod logging;
mod oauth1;
mod oauth2;
mod sandbox;
mod tokens;
mod webhook;

use pyo3::prelude::*;

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    logging::install();
    oauth1::install_fork_hook(m)?;
    m.add_class::<credentials::ConsumerKeys>()?;
    m.add_class::<credentials::AccessToken>()?;
    m.add_class::<credentials::OAuth2Client>()?;
    m.add_class::<credentials::BearerToken>()?;
    m.add_class::<credentials::OAuth2UserToken>()?;
    m.add_class::<oauth1::OAuth1>()?;
    m.add_class::<oauth1::SignedRequest>()?;
    m.add_class::<oauth1::RequestToken>()?;
    m.add_class::<oauth1::AccessTokenResponse>()?;
    m.add_class::<oauth2::PendingAuthorization>()?;
    m.add_class::<api::RateLimit>()?;
    m.add_class::<api::ApiResponse>()?;
    m.add_class::<flows::XAuth>()?;
    m.add_class::<sandbox::Sandbox>()?;
    m.add_class::<tokens::TokenStore>()?;
    m.add_class::<tokens::TokenManager>()?;
    m.add_class::<callback_server::CallbackServer>()?;
    m.add_function(wrap_pyfunction!(tokens::open_store, m)?)?;
    m.add_function(wrap_pyfunction!(tokens::custom_store, m)?)?;
    m.add_function(wrap_pyfunction!(tokens::check_store, m)?)?;
    m.add_function(wrap_pyfunction!(api::authorize, m)?)?;
    m.add_function(wrap_pyfunction!(api::rate_limit_wait, m)?)?;
    m.add_function(wrap_pyfunction!(oauth1::percent_encode, m)?)?;
    m.add_function(wrap_pyfunction!(oauth2::basic_authorization, m)?)?;
    m.add_function(wrap_pyfunction!(oauth2::pkce_challenge, m)?)?;
    m.add_function(wrap_pyfunction!(webhook::crc_response_token, m)?)?;
    m.add_function(wrap_pyfunction!(webhook::verify_webhook_signature, m)?)?;
    m.add_function(wrap_pyfunction!(errors::parse_error, m)?)?;
    m.add_function(wrap_pyfunction!(cli::cli_main, m)?)?;
    m.add("ERROR_CODES", x_api_auth::Error::CODES.to_vec())?;
    Ok(())
}
