//! The API endpoints that check tokens: users/me, users/by/username, verify_credentials
//! and an echo endpoint, all with X's rate-limit headers (and `x-access-level` on
//! successes to OAuth 1.0a user context), counted in the counters.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::oauth1::{TokenKind, verify_oauth1};
use super::{AppState, Shared, form_pairs, is_form, received, with_access_level};
use crate::config::UserConfig;
use crate::counters::Counter;
use crate::oauth1_verify::{ReceivedRequest, parse_pairs};
use crate::x_errors::XError;

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

/// Finishes the response of an API endpoint to `caller`: counts it, and adds
/// X's rate-limit headers and, to a success for OAuth 1.0a user context, the
/// app's `x-access-level`.
fn finish(shared: &Shared, caller: &Result<Caller, XError>, response: Response) -> Response {
    if caller.is_ok() {
        shared.count(Counter::ApiRequests);
        if let Some(refusal) = access_refusal(&shared.config.api_access) {
            return rate_limited(shared, refusal);
        }
    }
    if response.status() == StatusCode::UNAUTHORIZED {
        shared.count(Counter::ApiUnauthorized);
    }
    let response = match caller {
        Ok(Caller::User {
            access_level: Some(level),
            ..
        }) if response.status().is_success() => with_access_level(response, level),
        _ => response,
    };
    rate_limited(shared, response)
}

/// The refusal `api_access` sets up, in X's shapes (`None` for `ok`).
fn access_refusal(api_access: &str) -> Option<Response> {
    let forbidden = |reason: &str, detail: &str| {
        json!({
            "title": "Client Forbidden",
            "detail": detail,
            "reason": reason,
            "registration_url": "https://developer.x.com/en/docs/projects/overview",
            "type": "https://api.twitter.com/2/problems/client-forbidden",
        })
    };
    let (status, body) = match api_access {
        "client-not-enrolled" => (
            StatusCode::FORBIDDEN,
            forbidden(
                "client-not-enrolled",
                "When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens from a Twitter developer App that is attached to a Project. You can create a project via the developer portal.",
            ),
        ),
        "user-not-enrolled" => (
            StatusCode::FORBIDDEN,
            forbidden(
                "user-not-enrolled",
                "This request is billed to the authenticated user, who is not enrolled.",
            ),
        ),
        "payment-required" => (
            StatusCode::PAYMENT_REQUIRED,
            json!({"title": "Payment Required", "detail": "Your account has no credits left for this request.", "type": "about:blank", "status": 402}),
        ),
        _ => return None,
    };
    Some((status, axum::Json(body)).into_response())
}

/// Who is calling an API endpoint.
enum Caller {
    AppOnly,
    User {
        user_id: String,
        scheme: &'static str,
        scopes: Option<Vec<String>>,
        /// The app's access level, for OAuth 1.0a user context only.
        access_level: Option<String>,
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
                    access_level: None,
                })
            }
            _ => Err(XError::UNAUTHORIZED),
        };
    }
    let verified = verify_oauth1(shared, request, TokenKind::Access)?;
    let token = verified.token.unwrap_or_default();
    let app = shared.app(&verified.consumer_key);
    let user_id = match app {
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
        access_level: app.map(|a| a.access_level.clone()),
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

pub(super) async fn users_me(
    State(shared): AppState,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let caller = authenticate(&shared, &received(&method, &uri, &headers, &body));
    let response = match &caller {
        Ok(Caller::AppOnly) => XError::UNSUPPORTED_AUTH.into_response(),
        Ok(Caller::User { user_id, .. }) => user_json(shared.user(user_id)),
        Err(e) => e.clone().into_response(),
    };
    finish(&shared, &caller, response)
}

pub(super) async fn user_by_username(
    State(shared): AppState,
    Path(username): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let caller = authenticate(&shared, &received(&method, &uri, &headers, &body));
    let response = match &caller {
        Ok(_) => user_json(shared.user_named(&username)),
        Err(e) => e.clone().into_response(),
    };
    finish(&shared, &caller, response)
}

pub(super) async fn verify_credentials(
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
    let caller = authenticate(&shared, &request);
    let response = match &caller {
        Ok(Caller::User { user_id, .. }) => match shared.user(user_id) {
            Some(u) => {
                axum::Json(json!({"id_str": u.id, "screen_name": u.username, "name": u.name}))
                    .into_response()
            }
            None => XError::INVALID_TOKEN.into_response(),
        },
        Ok(Caller::AppOnly) => XError::BAD_AUTH_DATA.into_response(),
        Err(e) => e.clone().into_response(),
    };
    finish(&shared, &caller, response)
}

pub(super) async fn echo(
    State(shared): AppState,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request = received(&method, &uri, &headers, &body);
    let caller = authenticate(&shared, &request);
    let (scheme, user_id, scopes) = match &caller {
        Ok(Caller::AppOnly) => ("app_only", None, None),
        Ok(Caller::User {
            user_id,
            scheme,
            scopes,
            ..
        }) => (*scheme, Some(user_id), scopes.as_ref()),
        Err(e) => return finish(&shared, &caller, e.clone().into_response()),
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
        "headers": headers
            .iter()
            .filter(|(name, _)| *name != header::AUTHORIZATION)
            .map(|(name, value)| json!([name.as_str(), value.to_str().unwrap_or("")]))
            .collect::<Vec<_>>(),
    }))
    .into_response();
    finish(&shared, &caller, response)
}
