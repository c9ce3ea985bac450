//! OAuth 1.0a: the request token, the consent (authorize, authenticate and PIN) pages,
//! the access token and its invalidation, and the verifier of signed requests.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Response};
use serde_json::json;

use super::{
    AppState, Shared, consent_page, decision, encode_pairs, first, received, redirect,
    with_access_level, with_query,
};
use crate::oauth1_verify::{ReceivedRequest, base_string, collect, parse_pairs, signature_matches};
use crate::store::{AccessTokenEntry, RequestTokenEntry, random_pin, random_token};
use crate::x_errors::XError;

/// Which kind of token an OAuth 1.0a request must carry.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum TokenKind {
    None,
    Request,
    Access,
}

pub(super) struct VerifiedOauth1 {
    pub(super) consumer_key: String,
    pub(super) token: Option<String>,
    params: Vec<(String, String)>,
}

/// Verifies an OAuth 1.0a request with the independent verifier.
pub(super) fn verify_oauth1(
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
        let mut store = shared.store();
        match (kind, &token) {
            (TokenKind::None, None) => String::new(),
            (TokenKind::None, Some(_)) => return Err(XError::BAD_SIGNATURE),
            (_, None) => return Err(XError::BAD_AUTH_DATA),
            (TokenKind::Request, Some(t)) => match store.request_token(t, shared.clock.now()) {
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
    let expires_at = ts.saturating_add(shared.config.timestamp_window_secs);
    let fresh = {
        let mut store = shared.store();
        let fresh = store.nonces.insert(
            (consumer_key.clone(), nonce, timestamp),
            expires_at,
            shared.now_secs(),
        );
        shared.counters.set_nonces_remembered(store.nonces.len());
        fresh
    };
    if !fresh {
        return Err(XError::BAD_SIGNATURE);
    }
    Ok(VerifiedOauth1 {
        consumer_key,
        token,
        params: params.signed,
    })
}

fn form_response(pairs: &[(&str, &str)]) -> Response {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        encode_pairs(pairs),
    )
        .into_response()
}

pub(super) async fn request_token(
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
    let now = shared.clock.now();
    let mut store = shared.store();
    store.inserted(now);
    store.request_tokens.insert(
        token.clone(),
        RequestTokenEntry {
            issued_at: now,
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

pub(super) async fn oauth1_consent(State(shared): AppState, uri: Uri) -> Response {
    let query = parse_pairs(uri.query().unwrap_or("")).unwrap_or_default();
    let Some(token) = first(&query, "oauth_token").map(str::to_owned) else {
        return (
            StatusCode::BAD_REQUEST,
            "This page requires an oauth_token.",
        )
            .into_response();
    };
    let user_id = match shared.consenting_user(&query) {
        Ok(user) => user.id.clone(),
        Err(unknown) => return unknown.into_response(),
    };
    let decision = decision(&shared, &query);
    let mut store = shared.store();
    let Some(entry) = store.request_token(&token, shared.clock.now()) else {
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

pub(super) async fn access_token(
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
    let entry = match store.request_token(&token, shared.clock.now()) {
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
            consumer_key: entry.consumer_key.clone(),
            user_id: user_id.clone(),
        },
    );
    drop(store);
    let screen_name = shared
        .user(&user_id)
        .map(|u| u.username.clone())
        .unwrap_or_default();
    let response = form_response(&[
        ("oauth_token", &access),
        ("oauth_token_secret", &secret),
        ("user_id", &user_id),
        ("screen_name", &screen_name),
    ]);
    match shared.app(&entry.consumer_key) {
        Some(app) => with_access_level(response, &app.access_level),
        None => response,
    }
}

pub(super) async fn invalidate_access_token(
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
