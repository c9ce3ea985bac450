//! The routes: X's auth endpoints and a few API endpoints that check tokens, one
//! submodule per protocol; the state, the router, the helpers they share and
//! the test-only counters route sit here.

mod api;
mod app_only;
pub mod limits;
mod oauth1;
mod oauth2;

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::UNIX_EPOCH;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::{Json, Router};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use x_api_auth::Clock;

use crate::config::{AppConfig, ClientConfig, SandboxConfig, UserConfig};
use crate::counters::{Counter, Counters, LiveCounters};
use crate::oauth1_verify::{ReceivedRequest, parse_pairs, rfc3986};
use crate::store::Store;

struct Shared {
    config: SandboxConfig,
    clock: Arc<dyn Clock>,
    store: Mutex<Store>,
    counters: Arc<LiveCounters>,
    rate: Mutex<api::RateState>,
}

type AppState = State<Arc<Shared>>;

impl Shared {
    fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn app(&self, consumer_key: &str) -> Option<&AppConfig> {
        self.config
            .apps
            .iter()
            .find(|a| a.consumer_key == consumer_key)
    }

    fn client(&self, client_id: &str) -> Option<&ClientConfig> {
        self.config
            .apps
            .iter()
            .flat_map(|a| a.clients.iter())
            .find(|c| c.client_id == client_id)
    }

    fn user(&self, id: &str) -> Option<&UserConfig> {
        self.config.users.iter().find(|u| u.id == id)
    }

    fn user_named(&self, username: &str) -> Option<&UserConfig> {
        self.config
            .users
            .iter()
            .find(|u| u.username.eq_ignore_ascii_case(username))
    }

    /// Who approves a consent page: the user whose id or username is the
    /// `sandbox_user` query parameter, the first user without one.
    fn consenting_user(&self, query: &[(String, String)]) -> Result<&UserConfig, UnknownUser> {
        let Some(wanted) = first(query, "sandbox_user") else {
            return Ok(&self.config.users[0]);
        };
        self.user(wanted)
            .or_else(|| self.user_named(wanted))
            .ok_or_else(|| UnknownUser(wanted.to_owned()))
    }

    fn count(&self, counter: Counter) {
        self.counters.count(counter);
    }

    fn callback_allowed(&self, callback: &str) -> bool {
        self.config
            .apps
            .iter()
            .all(|a| a.callback_urls.is_empty() || a.callback_urls.iter().any(|c| c == callback))
    }

    fn now_secs(&self) -> u64 {
        self.clock
            .now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)
    }
}

/// A `sandbox_user` that names no configured user: a 400 page.
struct UnknownUser(String);

impl IntoResponse for UnknownUser {
    fn into_response(self) -> Response {
        let text = format!(
            "Unknown sandbox_user \"{}\": it is neither the id nor the username of a configured user.",
            self.0
        );
        (StatusCode::BAD_REQUEST, text).into_response()
    }
}

/// The router of every endpoint.
pub fn router(
    mut config: SandboxConfig,
    clock: Arc<dyn Clock>,
    counters: Arc<LiveCounters>,
) -> Router {
    if config.users.is_empty() {
        config.users = SandboxConfig::default().users;
    }
    let shared = Arc::new(Shared {
        config,
        clock,
        store: Mutex::new(Store::default()),
        counters,
        rate: Mutex::new(api::RateState::default()),
    });
    Router::new()
        .route("/oauth/request_token", post(oauth1::request_token))
        .route("/oauth/authorize", get(oauth1::oauth1_consent))
        .route("/oauth/authenticate", get(oauth1::oauth1_consent))
        .route("/oauth/access_token", post(oauth1::access_token))
        .route(
            "/1.1/oauth/invalidate_token",
            post(oauth1::invalidate_access_token),
        )
        .route(
            "/1.1/oauth/invalidate_token.json",
            post(oauth1::invalidate_access_token),
        )
        .route("/oauth2/token", post(app_only::bearer_token))
        .route(
            "/oauth2/invalidate_token",
            post(app_only::invalidate_bearer),
        )
        .route("/i/oauth2/authorize", get(oauth2::oauth2_consent))
        .route("/2/oauth2/authorize", get(oauth2::oauth2_consent))
        .route("/2/oauth2/token", post(oauth2::oauth2_token))
        .route("/2/oauth2/revoke", post(oauth2::oauth2_revoke))
        .route("/2/users/me", get(api::users_me))
        .route(
            "/2/users/by/username/{username}",
            get(api::user_by_username),
        )
        .route(
            "/1.1/account/verify_credentials.json",
            get(api::verify_credentials),
        )
        .route("/2/echo", any(api::echo))
        .route(Counters::PATH, get(sandbox_counters))
        .fallback(api::known_endpoint)
        .layer(axum::middleware::from_fn(limits::check))
        .layer(axum::extract::DefaultBodyLimit::max(limits::MAX_BODY))
        .with_state(shared)
}

/// `GET /__sandbox__/counters`: the [`Counters`] as JSON. Test-only: the path
/// does not exist at X.
async fn sandbox_counters(State(shared): AppState) -> Json<Counters> {
    Json(shared.counters.snapshot())
}

// ---------------------------------------------------------------- helpers of several protocols

fn received(method: &Method, uri: &Uri, headers: &HeaderMap, body: &Bytes) -> ReceivedRequest {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    ReceivedRequest {
        method: method.as_str().to_owned(),
        base_url: format!("http://{}{}", host.to_ascii_lowercase(), uri.path()),
        query: uri.query().unwrap_or("").to_owned(),
        form_body: is_form(headers).then(|| String::from_utf8_lossy(body).into_owned()),
        authorization: headers
            .get(header::AUTHORIZATION)
            .and_then(|h| h.to_str().ok())
            .map(str::to_owned),
    }
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|h| h.to_str().ok())
        .is_some_and(|c| {
            c.to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        })
}

fn form_pairs(body: &Bytes) -> Vec<(String, String)> {
    parse_pairs(&String::from_utf8_lossy(body)).unwrap_or_default()
}

fn first<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// `k=v&…` with RFC 3986 encoding.
fn encode_pairs(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", rfc3986(k), rfc3986(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Adds X's `x-access-level` header (the app's access level) to a response to
/// OAuth 1.0a user context.
fn with_access_level(mut response: Response, access_level: &str) -> Response {
    if let Ok(value) = HeaderValue::from_str(access_level) {
        response.headers_mut().insert("x-access-level", value);
    }
    response
}

fn redirect(location: &str) -> Response {
    let mut response = StatusCode::FOUND.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

fn with_query(url: &str, pairs: &[(&str, &str)]) -> String {
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}{}", encode_pairs(pairs))
}

fn decision(shared: &Shared, query: &[(String, String)]) -> String {
    first(query, "sandbox_decision")
        .unwrap_or(&shared.config.consent)
        .to_owned()
}

fn consent_page(uri: &Uri, what: &str) -> Response {
    let here = uri.to_string();
    let approve = with_query(&here, &[("sandbox_decision", "approve")]);
    let deny = with_query(&here, &[("sandbox_decision", "deny")]);
    Html(format!(
        "<!doctype html><html><head><title>Authorize {what}</title></head><body>\
         <h1>Authorize this app?</h1><p><a id=\"approve\" href=\"{approve}\">Approve</a> \
         <a id=\"deny\" href=\"{deny}\">Deny</a></p></body></html>"
    ))
    .into_response()
}

fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value.strip_prefix("Basic ")?;
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((
        crate::oauth1_verify::form_decode(id)?,
        crate::oauth1_verify::form_decode(secret)?,
    ))
}
