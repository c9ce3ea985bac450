//! OAuth 2.0 with PKCE: the consent page, the token endpoint (authorization code
//! and refresh token grants) and revocation.

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use super::{
    AppState, Shared, basic_credentials, consent_page, decision, first, form_pairs, redirect,
    with_query,
};
use crate::counters::Counter;
use crate::oauth1_verify::parse_pairs;
use crate::store::{CODE_LIFETIME, CodeEntry, RefreshEntry, Store, UserTokenEntry, random_token};
use crate::x_errors::XError;

pub(super) async fn oauth2_consent(State(shared): AppState, uri: Uri) -> Response {
    let query = parse_pairs(uri.query().unwrap_or("")).unwrap_or_default();
    let user_id = match shared.consenting_user(&query) {
        Ok(user) => user.id.clone(),
        Err(unknown) => return unknown.into_response(),
    };
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
            let mut store = shared.store();
            store.inserted(shared.clock.now());
            store.codes.insert(
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
                    user_id,
                    issued_at: shared.clock.now(),
                    used: false,
                },
            );
            shared.count(Counter::AuthorizationCodesIssued);
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
    let lifetime = shared.config.access_token_lifetime_secs;
    let access = random_token(40);
    store.inserted(shared.clock.now());
    store.user_tokens.insert(
        access.clone(),
        UserTokenEntry {
            client_id: client_id.to_owned(),
            user_id: user_id.to_owned(),
            scopes: scopes.to_vec(),
            expires_at: {
                let now = shared.clock.now();
                now.checked_add(Duration::from_secs(lifetime))
                    .unwrap_or(now + crate::MAX_CLOCK_AHEAD)
            },
            family: family.to_owned(),
        },
    );
    shared.count(Counter::TokensIssued);
    let mut body = json!({
        "token_type": "bearer",
        "expires_in": lifetime,
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
                used_at: None,
            },
        );
        body["refresh_token"] = Value::String(refresh);
    }
    body
}

pub(super) async fn oauth2_token(
    State(shared): AppState,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
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
            if entry.used_at.is_some() {
                shared.count(Counter::RefreshReuseDetected);
                if shared.config.revoke_family_on_reuse {
                    store.revoked_families.insert(entry.family);
                }
                return XError::INVALID_REFRESH.into_response();
            }
            if store.revoked_families.contains(&entry.family) {
                return XError::INVALID_REFRESH.into_response();
            }
            let now = shared.clock.now();
            if let Some(e) = store.refresh_tokens.get_mut(&token) {
                e.used_at = Some(now);
            }
            shared.count(Counter::Refreshes);
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

pub(super) async fn oauth2_revoke(
    State(shared): AppState,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
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
