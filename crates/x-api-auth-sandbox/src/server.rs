//! The routes: X's auth endpoints and a few API endpoints that check tokens.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{any, get, post};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};
use x_api_auth::Clock;

use crate::config::{AppConfig, ClientConfig, SandboxConfig, UserConfig};
use crate::oauth1_verify::{
    ReceivedRequest, base_string, collect, parse_pairs, rfc3986, signature_matches,
};
use crate::store::{
    AccessTokenEntry, CodeEntry, RefreshEntry, RequestTokenEntry, Store, UserTokenEntry,
    random_pin, random_token,
};
use crate::x_errors::XError;

const CODE_LIFETIME: Duration = Duration::from_secs(30);
const ACCESS_TOKEN_LIFETIME: Duration = Duration::from_secs(7200);

struct Shared {
    config: SandboxConfig,
    clock: Arc<dyn Clock>,
    store: Mutex<Store>,
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

    fn consenting_user(&self) -> &UserConfig {
        &self.config.users[0]
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

/// The router of every endpoint.
pub fn router(mut config: SandboxConfig, clock: Arc<dyn Clock>) -> Router {
    if config.users.is_empty() {
        config.users = SandboxConfig::default().users;
    }
    let shared = Arc::new(Shared {
        config,
        clock,
        store: Mutex::new(Store::default()),
    });
    Router::new()
        .route("/oauth/request_token", post(request_token))
        .route("/oauth/authorize", get(oauth1_consent))
        .route("/oauth/authenticate", get(oauth1_consent))
        .route("/oauth/access_token", post(access_token))
        .route("/1.1/oauth/invalidate_token", post(invalidate_access_token))
        .route(
            "/1.1/oauth/invalidate_token.json",
            post(invalidate_access_token),
        )
        .route("/oauth2/token", post(bearer_token))
        .route("/oauth2/invalidate_token", post(invalidate_bearer))
        .route("/i/oauth2/authorize", get(oauth2_consent))
        .route("/2/oauth2/authorize", get(oauth2_consent))
        .route("/2/oauth2/token", post(oauth2_token))
        .route("/2/oauth2/revoke", post(oauth2_revoke))
        .route("/2/users/me", get(users_me))
        .route("/2/users/by/username/{username}", get(user_by_username))
        .route(
            "/1.1/account/verify_credentials.json",
            get(verify_credentials),
        )
        .route("/2/echo", any(echo))
        .with_state(shared)
}

// ---------------------------------------------------------------- helpers

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

fn form_response(pairs: &[(&str, &str)]) -> Response {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        encode_pairs(pairs),
    )
        .into_response()
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

fn rate_limited(shared: &Shared, mut response: Response) -> Response {
    let reset = (shared.now_secs() + 900).to_string();
    let headers = response.headers_mut();
    headers.insert("x-rate-limit-limit", HeaderValue::from_static("900"));
    headers.insert("x-rate-limit-remaining", HeaderValue::from_static("899"));
    if let Ok(v) = HeaderValue::from_str(&reset) {
        headers.insert("x-rate-limit-reset", v);
    }
    response
}

/// Which kind of token an OAuth 1.0a request must carry.
#[derive(Clone, Copy, PartialEq, Eq)]
enum TokenKind {
    None,
    Request,
    Access,
}

struct VerifiedOauth1 {
    consumer_key: String,
    token: Option<String>,
    params: Vec<(String, String)>,
}

/// Verifies an OAuth 1.0a request with the independent verifier.
fn verify_oauth1(
    shared: &Shared,
    request: &ReceivedRequest,
    kind: TokenKind,
) -> Result<VerifiedOauth1, XError> {
    let params = collect(request).map_err(|_| XError::BAD_AUTH_DATA)?;
    let get = |name: &str| params.get(name).map(str::to_owned);
    let consumer_key = get("oauth_consumer_key").ok_or(XError::BAD_AUTH_DATA)?;
    let nonce = get("oauth_nonce").ok_or(XError::BAD_AUTH_DATA)?;
    let timestamp = get("oauth_timestamp").ok_or(XError::BAD_AUTH_DATA)?;
    if get("oauth_signature_method").as_deref() != Some("HMAC-SHA1") {
        return Err(XError::BAD_SIGNATURE);
    }
    if get("oauth_version").is_some_and(|v| v != "1.0") {
        return Err(XError::BAD_SIGNATURE);
    }
    let ts: u64 = timestamp.parse().map_err(|_| XError::BAD_SIGNATURE)?;
    if ts.abs_diff(shared.now_secs()) > shared.config.timestamp_window_secs {
        return Err(XError::TIMESTAMP);
    }
    let app = shared.app(&consumer_key).ok_or(XError::BAD_SIGNATURE)?;
    let token = get("oauth_token");
    let token_secret = {
        let store = shared.store();
        match (kind, &token) {
            (TokenKind::None, None) => String::new(),
            (TokenKind::None, Some(_)) => return Err(XError::BAD_SIGNATURE),
            (_, None) => return Err(XError::BAD_AUTH_DATA),
            (TokenKind::Request, Some(t)) => match store.request_tokens.get(t) {
                Some(e) if e.consumer_key == consumer_key => e.secret.clone(),
                _ => return Err(XError::INVALID_TOKEN),
            },
            (TokenKind::Access, Some(t)) if *t == app.access_token => {
                app.access_token_secret.clone()
            }
            (TokenKind::Access, Some(t)) => match store.access_tokens.get(t) {
                Some(e) if e.consumer_key == consumer_key => e.secret.clone(),
                _ => return Err(XError::INVALID_TOKEN),
            },
        }
    };
    let base = base_string(&request.method, &request.base_url, &params.signed);
    if !signature_matches(
        &base,
        &app.consumer_secret,
        &token_secret,
        &params.signature,
    ) {
        return Err(XError::BAD_SIGNATURE);
    }
    if !shared
        .store()
        .nonces
        .insert((consumer_key.clone(), nonce, timestamp))
    {
        return Err(XError::BAD_SIGNATURE);
    }
    Ok(VerifiedOauth1 {
        consumer_key,
        token,
        params: params.signed,
    })
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

// ---------------------------------------------------------------- OAuth 1.0a

async fn request_token(
    State(shared): AppState,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request = received(&method, &uri, &headers, &body);
    let verified = match verify_oauth1(&shared, &request, TokenKind::None) {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    let Some(callback) = first(&verified.params, "oauth_callback").map(str::to_owned) else {
        return XError::BAD_AUTH_DATA.into_response();
    };
    if callback != "oob" && !shared.callback_allowed(&callback) {
        return XError::CALLBACK_NOT_APPROVED.into_response();
    }
    let token = random_token(24);
    let secret = random_token(30);
    shared.store().request_tokens.insert(
        token.clone(),
        RequestTokenEntry {
            secret: secret.clone(),
            consumer_key: verified.consumer_key,
            callback,
            verifier: None,
            user_id: None,
        },
    );
    form_response(&[
        ("oauth_token", &token),
        ("oauth_token_secret", &secret),
        ("oauth_callback_confirmed", "true"),
    ])
}

async fn oauth1_consent(State(shared): AppState, uri: Uri) -> Response {
    let query = parse_pairs(uri.query().unwrap_or("")).unwrap_or_default();
    let Some(token) = first(&query, "oauth_token").map(str::to_owned) else {
        return (
            StatusCode::BAD_REQUEST,
            "This page requires an oauth_token.",
        )
            .into_response();
    };
    let decision = decision(&shared, &query);
    let user_id = shared.consenting_user().id.clone();
    let mut store = shared.store();
    let Some(entry) = store.request_tokens.get_mut(&token) else {
        return (
            StatusCode::BAD_REQUEST,
            "This request token is invalid or expired.",
        )
            .into_response();
    };
    match decision.as_str() {
        "page" => consent_page(&uri, "app"),
        "deny" => {
            let callback = entry.callback.clone();
            store.request_tokens.remove(&token);
            if callback == "oob" {
                Html("<p>You denied the app.</p>").into_response()
            } else {
                redirect(&with_query(&callback, &[("denied", &token)]))
            }
        }
        _ => {
            let verifier = if entry.callback == "oob" {
                random_pin()
            } else {
                random_token(24)
            };
            entry.verifier = Some(verifier.clone());
            entry.user_id = Some(user_id);
            if entry.callback == "oob" {
                let mut page = Html(format!(
                    "<p>Enter this PIN in the app: <code id=\"pin\">{verifier}</code></p>"
                ))
                .into_response();
                if let Ok(v) = HeaderValue::from_str(&verifier) {
                    page.headers_mut().insert("x-sandbox-pin", v);
                }
                page
            } else {
                redirect(&with_query(
                    &entry.callback,
                    &[("oauth_token", &token), ("oauth_verifier", &verifier)],
                ))
            }
        }
    }
}

async fn access_token(
    State(shared): AppState,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request = received(&method, &uri, &headers, &body);
    let verified = match verify_oauth1(&shared, &request, TokenKind::Request) {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    let token = verified.token.unwrap_or_default();
    let given = first(&verified.params, "oauth_verifier")
        .unwrap_or_default()
        .to_owned();
    let mut store = shared.store();
    let entry = match store.request_tokens.get(&token) {
        Some(e) if e.verifier.as_deref() == Some(given.as_str()) && !given.is_empty() => e.clone(),
        _ => return XError::INVALID_VERIFIER.into_response(),
    };
    store.request_tokens.remove(&token);
    let user_id = entry.user_id.unwrap_or_default();
    let access = format!("{user_id}-{}", random_token(24));
    let secret = random_token(30);
    store.access_tokens.insert(
        access.clone(),
        AccessTokenEntry {
            secret: secret.clone(),
            consumer_key: entry.consumer_key,
            user_id: user_id.clone(),
        },
    );
    drop(store);
    let screen_name = shared
        .user(&user_id)
        .map(|u| u.username.clone())
        .unwrap_or_default();
    form_response(&[
        ("oauth_token", &access),
        ("oauth_token_secret", &secret),
        ("user_id", &user_id),
        ("screen_name", &screen_name),
    ])
}

async fn invalidate_access_token(
    State(shared): AppState,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request = received(&method, &uri, &headers, &body);
    match verify_oauth1(&shared, &request, TokenKind::Access) {
        Ok(v) => {
            let token = v.token.unwrap_or_default();
            shared.store().access_tokens.remove(&token);
            axum::Json(json!({"access_token": token})).into_response()
        }
        Err(e) => e.into_response(),
    }
}

// ---------------------------------------------------------------- app-only

async fn bearer_token(State(shared): AppState, headers: HeaderMap, body: Bytes) -> Response {
    let Some((key, secret)) = basic_credentials(&headers) else {
        return XError::APP_CREDENTIALS.into_response();
    };
    let app = match shared.app(&key) {
        Some(app) if app.consumer_secret == secret => app,
        _ => return XError::APP_CREDENTIALS.into_response(),
    };
    if first(&form_pairs(&body), "grant_type") != Some("client_credentials") {
        return XError::APP_CREDENTIALS.into_response();
    }
    let token = shared
        .store()
        .bearers
        .entry(app.consumer_key.clone())
        .or_insert_with(|| {
            format!(
                "AAAAAAAAAAAAAAAAAAAAA{}%3D{}",
                random_token(12),
                random_token(30)
            )
        })
        .clone();
    axum::Json(json!({"token_type": "bearer", "access_token": token})).into_response()
}

async fn invalidate_bearer(
    State(shared): AppState,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let consumer_key = match basic_credentials(&headers) {
        Some((key, secret)) => match shared.app(&key) {
            Some(app) if app.consumer_secret == secret => key,
            _ => return XError::APP_CREDENTIALS.into_response(),
        },
        None => match verify_oauth1(
            &shared,
            &received(&method, &uri, &headers, &body),
            TokenKind::Access,
        ) {
            Ok(v) => v.consumer_key,
            Err(_) => return XError::APP_CREDENTIALS.into_response(),
        },
    };
    let mut pairs = form_pairs(&body);
    pairs.extend(parse_pairs(uri.query().unwrap_or("")).unwrap_or_default());
    let Some(token) = first(&pairs, "access_token").map(str::to_owned) else {
        return XError::APP_CREDENTIALS.into_response();
    };
    let mut store = shared.store();
    if store.bearers.get(&consumer_key) != Some(&token) {
        return XError::APP_CREDENTIALS.into_response();
    }
    store.bearers.remove(&consumer_key);
    axum::Json(json!({"access_token": token})).into_response()
}

// ---------------------------------------------------------------- OAuth 2.0

async fn oauth2_consent(State(shared): AppState, uri: Uri) -> Response {
    let query = parse_pairs(uri.query().unwrap_or("")).unwrap_or_default();
    let get = |name: &str| first(&query, name).unwrap_or_default().to_owned();
    let (client_id, redirect_uri, state) = (get("client_id"), get("redirect_uri"), get("state"));
    if shared.client(&client_id).is_none() {
        return (
            StatusCode::BAD_REQUEST,
            "Something went wrong: this app's client_id is invalid.",
        )
            .into_response();
    }
    if redirect_uri.is_empty() || !shared.callback_allowed(&redirect_uri) {
        return (
            StatusCode::BAD_REQUEST,
            "Something went wrong: the redirect_uri is not approved for this app.",
        )
            .into_response();
    }
    let method = get("code_challenge_method");
    if get("response_type") != "code"
        || get("code_challenge").is_empty()
        || !(method.eq_ignore_ascii_case("s256") || method == "plain")
        || state.is_empty()
        || state.chars().count() > 500
    {
        return redirect(&with_query(
            &redirect_uri,
            &[("error", "invalid_request"), ("state", &state)],
        ));
    }
    match decision(&shared, &query).as_str() {
        "page" => consent_page(&uri, &client_id),
        "deny" => redirect(&with_query(
            &redirect_uri,
            &[("error", "access_denied"), ("state", &state)],
        )),
        _ => {
            let code = random_token(32);
            shared.store().codes.insert(
                code.clone(),
                CodeEntry {
                    client_id,
                    redirect_uri: redirect_uri.clone(),
                    challenge: get("code_challenge"),
                    method,
                    scopes: get("scope")
                        .split_ascii_whitespace()
                        .map(str::to_owned)
                        .collect(),
                    user_id: shared.consenting_user().id.clone(),
                    issued_at: shared.clock.now(),
                    used: false,
                },
            );
            redirect(&with_query(
                &redirect_uri,
                &[("state", &state), ("code", &code)],
            ))
        }
    }
}

/// Authenticates the OAuth 2.0 client of a token or revoke request.
fn oauth2_client(
    shared: &Shared,
    headers: &HeaderMap,
    pairs: &[(String, String)],
) -> Result<String, XError> {
    if let Some((id, secret)) = basic_credentials(headers) {
        return match shared.client(&id) {
            Some(c) if c.client_secret.as_deref() == Some(secret.as_str()) => Ok(id),
            _ => Err(XError::MISSING_BASIC),
        };
    }
    let id = first(pairs, "client_id").ok_or(XError::MISSING_CLIENT_ID)?;
    match shared.client(id) {
        None => Err(XError::INVALID_CLIENT),
        Some(c) if c.client_secret.is_some() => Err(XError::MISSING_BASIC),
        Some(_) => Ok(id.to_owned()),
    }
}

fn pkce_matches(verifier: &str, challenge: &str, method: &str) -> bool {
    if method.eq_ignore_ascii_case("s256") {
        let digest = ring::digest::digest(&ring::digest::SHA256, verifier.as_bytes());
        URL_SAFE_NO_PAD.encode(digest) == challenge
    } else {
        verifier == challenge
    }
}

fn issue_user_token(
    shared: &Shared,
    store: &mut Store,
    client_id: &str,
    user_id: &str,
    scopes: &[String],
    family: &str,
) -> Value {
    let access = random_token(40);
    store.user_tokens.insert(
        access.clone(),
        UserTokenEntry {
            client_id: client_id.to_owned(),
            user_id: user_id.to_owned(),
            scopes: scopes.to_vec(),
            expires_at: shared.clock.now() + ACCESS_TOKEN_LIFETIME,
            family: family.to_owned(),
        },
    );
    let mut body = json!({
        "token_type": "bearer",
        "expires_in": ACCESS_TOKEN_LIFETIME.as_secs(),
        "access_token": access,
        "scope": scopes.join(" "),
    });
    if scopes.iter().any(|s| s == "offline.access") {
        let refresh = random_token(40);
        store.refresh_tokens.insert(
            refresh.clone(),
            RefreshEntry {
                client_id: client_id.to_owned(),
                user_id: user_id.to_owned(),
                scopes: scopes.to_vec(),
                family: family.to_owned(),
                used: false,
            },
        );
        body["refresh_token"] = Value::String(refresh);
    }
    body
}

async fn oauth2_token(State(shared): AppState, headers: HeaderMap, body: Bytes) -> Response {
    let pairs = form_pairs(&body);
    let client_id = match oauth2_client(&shared, &headers, &pairs) {
        Ok(id) => id,
        Err(e) => return e.into_response(),
    };
    let get = |name: &str| first(&pairs, name).unwrap_or_default().to_owned();
    let mut store = shared.store();
    let body = match get("grant_type").as_str() {
        "authorization_code" => {
            let code = get("code");
            let Some(entry) = store.codes.get_mut(&code) else {
                return XError::INVALID_CODE.into_response();
            };
            let expired = shared
                .clock
                .now()
                .duration_since(entry.issued_at)
                .unwrap_or_default()
                > CODE_LIFETIME;
            if entry.used
                || expired
                || entry.client_id != client_id
                || entry.redirect_uri != get("redirect_uri")
                || !pkce_matches(&get("code_verifier"), &entry.challenge, &entry.method)
            {
                entry.used = true;
                return XError::INVALID_CODE.into_response();
            }
            entry.used = true;
            let entry = entry.clone();
            issue_user_token(
                &shared,
                &mut store,
                &client_id,
                &entry.user_id,
                &entry.scopes,
                &random_token(12),
            )
        }
        "refresh_token" => {
            let token = get("refresh_token");
            let Some(entry) = store
                .refresh_tokens
                .get(&token)
                .filter(|e| e.client_id == client_id)
                .cloned()
            else {
                return XError::INVALID_REFRESH.into_response();
            };
            if entry.used {
                if shared.config.revoke_family_on_reuse {
                    store.revoked_families.insert(entry.family);
                }
                return XError::INVALID_REFRESH.into_response();
            }
            if store.revoked_families.contains(&entry.family) {
                return XError::INVALID_REFRESH.into_response();
            }
            if let Some(e) = store.refresh_tokens.get_mut(&token) {
                e.used = true;
            }
            let family = entry.family.clone();
            issue_user_token(
                &shared,
                &mut store,
                &client_id,
                &entry.user_id,
                &entry.scopes,
                &family,
            )
        }
        _ => return XError::BAD_GRANT_TYPE.into_response(),
    };
    axum::Json(body).into_response()
}

async fn oauth2_revoke(State(shared): AppState, headers: HeaderMap, body: Bytes) -> Response {
    let pairs = form_pairs(&body);
    let client_id = match oauth2_client(&shared, &headers, &pairs) {
        Ok(id) => id,
        Err(e) => return e.into_response(),
    };
    let token = first(&pairs, "token").unwrap_or_default().to_owned();
    let mut store = shared.store();
    if store
        .user_tokens
        .get(&token)
        .is_some_and(|t| t.client_id == client_id)
    {
        store.user_tokens.remove(&token);
    } else if let Some(family) = store
        .refresh_tokens
        .get(&token)
        .filter(|t| t.client_id == client_id)
        .map(|t| t.family.clone())
    {
        store.refresh_tokens.remove(&token);
        store.revoked_families.insert(family);
    }
    axum::Json(json!({"revoked": true})).into_response()
}

// ---------------------------------------------------------------- API

/// Who is calling an API endpoint.
enum Caller {
    AppOnly,
    User {
        user_id: String,
        scheme: &'static str,
        scopes: Option<Vec<String>>,
    },
}

fn authenticate(shared: &Shared, request: &ReceivedRequest) -> Result<Caller, XError> {
    let Some(authorization) = request.authorization.as_deref() else {
        return Err(XError::UNAUTHORIZED);
    };
    if let Some(token) = authorization.strip_prefix("Bearer ") {
        let store = shared.store();
        if store.bearers.values().any(|b| b == token) {
            return Ok(Caller::AppOnly);
        }
        return match store.user_tokens.get(token) {
            Some(t)
                if t.expires_at > shared.clock.now()
                    && !store.revoked_families.contains(&t.family) =>
            {
                Ok(Caller::User {
                    user_id: t.user_id.clone(),
                    scheme: "oauth2_user",
                    scopes: Some(t.scopes.clone()),
                })
            }
            _ => Err(XError::UNAUTHORIZED),
        };
    }
    let verified = verify_oauth1(shared, request, TokenKind::Access)?;
    let token = verified.token.unwrap_or_default();
    let user_id = match shared.app(&verified.consumer_key) {
        Some(app) if app.access_token == token => {
            token.split('-').next().unwrap_or_default().to_owned()
        }
        _ => shared
            .store()
            .access_tokens
            .get(&token)
            .map(|t| t.user_id.clone())
            .unwrap_or_default(),
    };
    Ok(Caller::User {
        user_id,
        scheme: "oauth1",
        scopes: None,
    })
}

fn user_json(user: Option<&UserConfig>) -> Response {
    match user {
        Some(u) => {
            axum::Json(json!({"data": {"id": u.id, "name": u.name, "username": u.username}}))
                .into_response()
        }
        None => XError::NOT_FOUND.into_response(),
    }
}

async fn users_me(
    State(shared): AppState,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let response = match authenticate(&shared, &received(&method, &uri, &headers, &body)) {
        Ok(Caller::AppOnly) => XError::UNSUPPORTED_AUTH.into_response(),
        Ok(Caller::User { user_id, .. }) => user_json(shared.user(&user_id)),
        Err(e) => e.into_response(),
    };
    rate_limited(&shared, response)
}

async fn user_by_username(
    State(shared): AppState,
    Path(username): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let response = match authenticate(&shared, &received(&method, &uri, &headers, &body)) {
        Ok(_) => user_json(
            shared
                .config
                .users
                .iter()
                .find(|u| u.username.eq_ignore_ascii_case(&username)),
        ),
        Err(e) => e.into_response(),
    };
    rate_limited(&shared, response)
}

async fn verify_credentials(
    State(shared): AppState,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request = received(&method, &uri, &headers, &body);
    if request
        .authorization
        .as_deref()
        .is_none_or(|a| !a.starts_with("OAuth "))
    {
        return XError::BAD_AUTH_DATA.into_response();
    }
    let response = match authenticate(&shared, &request) {
        Ok(Caller::User { user_id, .. }) => match shared.user(&user_id) {
            Some(u) => {
                axum::Json(json!({"id_str": u.id, "screen_name": u.username, "name": u.name}))
                    .into_response()
            }
            None => XError::INVALID_TOKEN.into_response(),
        },
        Ok(Caller::AppOnly) => XError::BAD_AUTH_DATA.into_response(),
        Err(e) => e.into_response(),
    };
    rate_limited(&shared, response)
}

async fn echo(
    State(shared): AppState,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request = received(&method, &uri, &headers, &body);
    let (scheme, user_id, scopes) = match authenticate(&shared, &request) {
        Ok(Caller::AppOnly) => ("app_only", None, None),
        Ok(Caller::User {
            user_id,
            scheme,
            scopes,
        }) => (scheme, Some(user_id), scopes),
        Err(e) => return rate_limited(&shared, e.into_response()),
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let pairs_json = |pairs: Vec<(String, String)>| {
        Value::Array(pairs.into_iter().map(|(k, v)| json!([k, v])).collect())
    };
    let json_body: Value = if content_type.starts_with("application/json") {
        serde_json::from_slice(&body).unwrap_or(Value::Null)
    } else {
        Value::Null
    };
    let response = axum::Json(json!({
        "auth": scheme,
        "user_id": user_id,
        "scopes": scopes,
        "method": method.as_str(),
        "query": pairs_json(parse_pairs(uri.query().unwrap_or("")).unwrap_or_default()),
        "form": if is_form(&headers) { pairs_json(form_pairs(&body)) } else { Value::Null },
        "json": json_body,
        "content_type": content_type,
        "body_bytes": body.len(),
    }))
    .into_response();
    rate_limited(&shared, response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_s256_is_rfc7636() {
        assert!(pkce_matches(
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            "s256"
        ));
        assert!(!pkce_matches(
            "other-verifier",
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            "S256"
        ));
        assert!(pkce_matches("challenge", "challenge", "plain"));
    }
}
