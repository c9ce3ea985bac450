//! App-only authentication: the bearer token of the client credentials grant
//! (`/oauth2/token`) and its invalidation.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::oauth1::{TokenKind, verify_oauth1};
use super::{AppState, basic_credentials, first, form_pairs, received};
use crate::oauth1_verify::parse_pairs;
use crate::store::random_token;
use crate::x_errors::XError;

pub(super) async fn bearer_token(
    State(shared): AppState,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
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

pub(super) async fn invalidate_bearer(
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
