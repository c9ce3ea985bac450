//! The API endpoints that check tokens: users/me, users/by/username, verify_credentials
//! and an echo endpoint, all with X's rate-limit headers (and `x-access-level` on
//! successes to OAuth 1.0a user context), counted in the counters. Every other
//! operation of X's endpoint table (`x_api_auth::endpoints`) answers with what it
//! verified, like the echo. Each checks, as X does, the credential type and the
//! OAuth 2.0 scopes the table lists for it, and the refusal `api_access` sets up.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use x_api_auth::CredentialKind;
use x_api_auth::endpoints::{self, EndpointAuth};

use super::oauth1::{TokenKind, verify_oauth1};
use super::{AppState, Shared, form_pairs, is_form, received, with_access_level};
use crate::config::UserConfig;
use crate::counters::Counter;
use crate::oauth1_verify::{ReceivedRequest, parse_pairs};
use crate::x_errors::XError;

/// The requests counted in the current window and day of the configured
/// rate limit (`SandboxConfig::rate_limit`).
#[derive(Debug, Default)]
pub(super) struct RateState {
    window_start: u64,
    used: u32,
    day_start: u64,
    day_used: u32,
}

/// One window's `limit`, `remaining` and `reset` (Unix seconds).
type Window = (u32, u32, u64);

/// The 15-minute window and the day's, when a daily limit is set.
type Windows = (Window, Option<Window>);

impl RateState {
    /// Counts a request at `now` under `config`: the windows after it, or
    /// `Err` with them when one was already exhausted.
    fn take(
        &mut self,
        now: u64,
        config: &crate::config::RateLimitConfig,
    ) -> Result<Windows, Windows> {
        let window = config.window_secs.max(1);
        if now >= self.window_start + window {
            (self.window_start, self.used) = (now, 0);
        }
        if now >= self.day_start + 86_400 {
            (self.day_start, self.day_used) = (now, 0);
        }
        let exhausted = self.used >= config.limit
            || config
                .daily_limit
                .is_some_and(|daily| self.day_used >= daily);
        if !exhausted {
            self.used += 1;
            self.day_used += 1;
        }
        let windows = (
            (
                config.limit,
                config.limit.saturating_sub(self.used),
                self.window_start + window,
            ),
            config.daily_limit.map(|daily| {
                (
                    daily,
                    daily.saturating_sub(self.day_used),
                    self.day_start + 86_400,
                )
            }),
        );
        if exhausted { Err(windows) } else { Ok(windows) }
    }
}

/// `response` with the rate-limit headers of `windows`.
fn with_rate_headers(mut response: Response, (window, day): Windows) -> Response {
    let headers = response.headers_mut();
    let mut set = |name: &'static str, value: String| {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert(name, v);
        }
    };
    set("x-rate-limit-limit", window.0.to_string());
    set("x-rate-limit-remaining", window.1.to_string());
    set("x-rate-limit-reset", window.2.to_string());
    if let Some((limit, remaining, reset)) = day {
        set("x-app-limit-24hour-limit", limit.to_string());
        set("x-app-limit-24hour-remaining", remaining.to_string());
        set("x-app-limit-24hour-reset", reset.to_string());
    }
    response
}

/// Counts a request of an authenticated caller against the configured rate
/// limit: the windows after it, or `Err` with them when one is exhausted.
fn rate_limit(shared: &Shared) -> Result<Option<Windows>, Windows> {
    let Some(config) = &shared.config.rate_limit else {
        return Ok(None);
    };
    let now = shared.now_secs();
    shared
        .rate
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .take(now, config)
        .map(Some)
}

/// X's 429, with the exhausted windows' headers.
fn too_many_requests(windows: Windows) -> Response {
    let body = json!({"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank", "status": 429});
    with_rate_headers(
        (StatusCode::TOO_MANY_REQUESTS, axum::Json(body)).into_response(),
        windows,
    )
}

/// X's usual headers when no rate limit is configured: 900 a window, never exhausted.
fn rate_limited(shared: &Shared, response: Response) -> Response {
    with_rate_headers(response, ((900, 899, shared.now_secs() + 900), None))
}

/// Finishes the response of an API endpoint to `caller`: counts it, and adds
/// X's rate-limit headers and, to a success for OAuth 1.0a user context, the
/// app's `x-access-level`. With a configured rate limit, an authenticated
/// request past it gets X's 429 instead.
fn finish(shared: &Shared, caller: &Result<Caller, XError>, response: Response) -> Response {
    let windows = match caller {
        Ok(_) => match rate_limit(shared) {
            Err(exhausted) => return too_many_requests(exhausted),
            Ok(windows) => windows,
        },
        Err(_) => None,
    };
    if caller.is_ok() {
        shared.count(Counter::ApiRequests);
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
    match windows {
        Some(windows) => with_rate_headers(response, windows),
        None => rate_limited(shared, response),
    }
}

/// What an authenticated caller is refused before the endpoint answers: the
/// refusal its app's `api_access` sets up, then, for an operation of X's
/// endpoint table, a credential type it does not accept (403
/// `unsupported-authentication`), an OAuth 2.0 token without a scope it
/// requires (403 `Forbidden`), and a write by OAuth 1.0a user context of an
/// app whose access level is `read` (403 `oauth1-permissions`).
fn gate(
    shared: &Shared,
    method: &Method,
    uri: &Uri,
    caller: &Result<Caller, XError>,
) -> Option<Response> {
    let caller = caller.as_ref().ok()?;
    let app = caller.consumer_key().and_then(|key| shared.app(key));
    let api_access = app
        .and_then(|a| a.api_access.as_deref())
        .unwrap_or(&shared.config.api_access);
    if let Some(refusal) = access_refusal(api_access, caller) {
        return Some(refusal);
    }
    let endpoint = endpoints::lookup(method.as_str(), uri.path())?;
    endpoint_refusal(&endpoint, method, caller).map(IntoResponse::into_response)
}

/// X's refusal of `caller` on `endpoint`, from the endpoint table.
fn endpoint_refusal(endpoint: &EndpointAuth, method: &Method, caller: &Caller) -> Option<XError> {
    let kind = caller.kind();
    if !endpoint.accepts_credential(kind) {
        return Some(XError::unsupported_auth(kind, endpoint.accepts));
    }
    match caller {
        Caller::User {
            scopes: Some(scopes),
            ..
        } => {
            let granted: Vec<_> = scopes
                .iter()
                .map(|s| x_api_auth::oauth2::Scope::new(s.as_str()))
                .collect();
            (!endpoint.missing_scopes(&granted).is_empty()).then_some(XError::FORBIDDEN)
        }
        Caller::User {
            access_level: Some(level),
            ..
        } if level == "read" && method != Method::GET => Some(XError::OAUTH1_PERMISSIONS),
        _ => None,
    }
}

/// The refusal `api_access` sets up, in X's shapes (`None` for `ok`).
fn access_refusal(api_access: &str, caller: &Caller) -> Option<Response> {
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
        "oauth1-permissions" if caller.kind() == CredentialKind::OAuth1 => {
            return Some(XError::OAUTH1_PERMISSIONS.into_response());
        }
        "unsupported-authentication" => {
            let others: Vec<CredentialKind> = [
                CredentialKind::OAuth1,
                CredentialKind::Bearer,
                CredentialKind::OAuth2User,
            ]
            .into_iter()
            .filter(|k| *k != caller.kind())
            .collect();
            return Some(XError::unsupported_auth(caller.kind(), &others).into_response());
        }
        _ => return None,
    };
    Some((status, axum::Json(body)).into_response())
}

/// Who is calling an API endpoint, and the consumer key of their app (when
/// the sandbox knows it).
enum Caller {
    AppOnly {
        consumer_key: Option<String>,
    },
    User {
        user_id: String,
        scheme: &'static str,
        scopes: Option<Vec<String>>,
        /// The app's access level, for OAuth 1.0a user context only.
        access_level: Option<String>,
        consumer_key: Option<String>,
    },
}

impl Caller {
    fn kind(&self) -> CredentialKind {
        match self {
            Caller::AppOnly { .. } => CredentialKind::Bearer,
            Caller::User {
                scheme: "oauth1", ..
            } => CredentialKind::OAuth1,
            Caller::User { .. } => CredentialKind::OAuth2User,
        }
    }

    fn consumer_key(&self) -> Option<&str> {
        match self {
            Caller::AppOnly { consumer_key } | Caller::User { consumer_key, .. } => {
                consumer_key.as_deref()
            }
        }
    }
}

fn authenticate(shared: &Shared, request: &ReceivedRequest) -> Result<Caller, XError> {
    let Some(authorization) = request.authorization.as_deref() else {
        return Err(XError::UNAUTHORIZED);
    };
    if let Some(token) = authorization.strip_prefix("Bearer ") {
        let store = shared.store();
        if let Some((consumer_key, _)) = store.bearers.iter().find(|(_, b)| *b == token) {
            return Ok(Caller::AppOnly {
                consumer_key: Some(consumer_key.clone()),
            });
        }
        return match store.user_tokens.get(token) {
            Some(t)
                if t.expires_at > shared.clock.now()
                    && !store.revoked_families.contains(&t.family) =>
            {
                let consumer_key = shared
                    .config
                    .apps
                    .iter()
                    .find(|a| a.clients.iter().any(|c| c.client_id == t.client_id))
                    .map(|a| a.consumer_key.clone());
                Ok(Caller::User {
                    user_id: t.user_id.clone(),
                    scheme: "oauth2_user",
                    scopes: Some(t.scopes.clone()),
                    access_level: None,
                    consumer_key,
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
        consumer_key: Some(verified.consumer_key),
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
    let response = match (&caller, gate(&shared, &method, &uri, &caller)) {
        (_, Some(refusal)) => refusal,
        (Ok(Caller::AppOnly { .. }), None) => {
            let user = [CredentialKind::OAuth1, CredentialKind::OAuth2User];
            XError::unsupported_auth(CredentialKind::Bearer, &user).into_response()
        }
        (Ok(Caller::User { user_id, .. }), None) => user_json(shared.user(user_id)),
        (Err(e), None) => e.clone().into_response(),
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
    let response = match (&caller, gate(&shared, &method, &uri, &caller)) {
        (_, Some(refusal)) => refusal,
        (Ok(_), None) => user_json(shared.user_named(&username)),
        (Err(e), None) => e.clone().into_response(),
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
    let response = match (&caller, gate(&shared, &method, &uri, &caller)) {
        (_, Some(refusal)) => refusal,
        (Ok(Caller::User { user_id, .. }), None) => match shared.user(user_id) {
            Some(u) => {
                axum::Json(json!({"id_str": u.id, "screen_name": u.username, "name": u.name}))
                    .into_response()
            }
            None => XError::INVALID_TOKEN.into_response(),
        },
        (Ok(Caller::AppOnly { .. }), None) => XError::BAD_AUTH_DATA.into_response(),
        (Err(e), None) => e.clone().into_response(),
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
    answer_verified(&shared, method, uri, headers, body, None)
}

/// Any other path: an operation of X's endpoint table answers like the echo
/// (with its `operation`), after X's checks of the credential; anything
/// else is a 404.
pub(super) async fn known_endpoint(
    State(shared): AppState,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match endpoints::lookup(method.as_str(), uri.path()) {
        Some(endpoint) if uri.path().starts_with("/2/") => {
            answer_verified(&shared, method, uri, headers, body, Some(endpoint))
        }
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

/// What the request verified as, as JSON: the credential's scheme, user and
/// scopes, the method, query, form or JSON body and headers (not
/// `authorization`), and the operation of X's table it went to.
fn answer_verified(
    shared: &Shared,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
    endpoint: Option<EndpointAuth>,
) -> Response {
    let request = received(&method, &uri, &headers, &body);
    let caller = authenticate(shared, &request);
    if let Some(refusal) = gate(shared, &method, &uri, &caller) {
        return finish(shared, &caller, refusal);
    }
    let (scheme, user_id, scopes) = match &caller {
        Ok(Caller::AppOnly { .. }) => ("app_only", None, None),
        Ok(Caller::User {
            user_id,
            scheme,
            scopes,
            ..
        }) => (*scheme, Some(user_id), scopes.as_ref()),
        Err(e) => return finish(shared, &caller, e.clone().into_response()),
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
    let mut echo = json!({
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
    });
    if let Some(endpoint) = endpoint {
        echo["operation"] = endpoint.operation.into();
    }
    finish(shared, &caller, axum::Json(echo).into_response())
}
