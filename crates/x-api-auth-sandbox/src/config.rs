//! Apps and users the sandbox knows, from JSON or the built-in defaults.

use serde::{Deserialize, Serialize};

/// An OAuth 2.0 client of an app.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClientConfig {
    /// The Client ID.
    pub client_id: String,
    /// The Client Secret; absent for a public client.
    #[serde(default)]
    pub client_secret: Option<String>,
}

/// An X app: consumer keys, its owner's access token, its OAuth 2.0 clients
/// and the callback URLs it allows.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AppConfig {
    /// API Key.
    pub consumer_key: String,
    /// API Key Secret.
    pub consumer_secret: String,
    /// The app owner's Access Token.
    pub access_token: String,
    /// The app owner's Access Token Secret.
    pub access_token_secret: String,
    /// OAuth 2.0 clients (public and confidential).
    #[serde(default)]
    pub clients: Vec<ClientConfig>,
    /// Allowed callback URLs (exact match, both OAuth 1.0a and 2.0); empty
    /// allows any.
    #[serde(default)]
    pub callback_urls: Vec<String>,
    /// The app's access level, which X sends as the `x-access-level` header
    /// of every successful response to an OAuth 1.0a user-context request
    /// (and of `/oauth/access_token`): `read`, `read-write` (the default) or
    /// `read-write-directmessages`.
    #[serde(default = "default_access_level")]
    pub access_level: String,
    /// What the API endpoints answer this app's callers, overriding
    /// [`SandboxConfig::api_access`] (same values); absent: that one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_access: Option<String>,
}

/// A user of the sandbox.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UserConfig {
    /// Numeric id.
    pub id: String,
    /// Handle.
    pub username: String,
    /// Display name.
    pub name: String,
}

/// The whole configuration. Every field may be left out of a JSON
/// configuration: it then takes its default (the built-in app and users).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct SandboxConfig {
    /// The apps.
    pub apps: Vec<AppConfig>,
    /// The users. The consent pages act as the first one, unless their
    /// `sandbox_user` query parameter (a user's id or username) names another.
    pub users: Vec<UserConfig>,
    /// Allowed distance between an OAuth 1.0a timestamp and the sandbox's
    /// clock, in seconds (X publishes none; 300 is the usual default).
    pub timestamp_window_secs: u64,
    /// What the consent pages do: `approve`, `deny` or `page` (an HTML page
    /// with Approve and Deny). A `sandbox_decision` query parameter overrides
    /// it per request.
    pub consent: String,
    /// Whether reusing a spent refresh token revokes its whole family.
    pub revoke_family_on_reuse: bool,
    /// How long an OAuth 2.0 user access token lives, in seconds: its
    /// `expires_in`, after which the API endpoints refuse it (X's is 7200,
    /// the default; a few seconds lets a test watch tokens expire).
    pub access_token_lifetime_secs: u64,
    /// What the API endpoints answer authenticated callers, to rehearse the
    /// refusals that look like auth failures: `ok` (the default),
    /// `client-not-enrolled` (403: the app is not in a Project with the
    /// access the endpoint needs), `user-not-enrolled` (403: the request is
    /// billed to the user, who has not enrolled), `payment-required` (402:
    /// no credits left), `oauth1-permissions` (403 to OAuth 1.0a user
    /// context: the token's app permissions do not cover the endpoint) or
    /// `unsupported-authentication` (403: the endpoint does not accept the
    /// credential's type). Each app can override it
    /// ([`AppConfig::api_access`]).
    pub api_access: String,
    /// A rate limit the API endpoints enforce (over all callers), to
    /// rehearse a 429 and waiting for the window's reset; none by default
    /// (the headers then show X's usual 900 a window, never exhausted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimitConfig>,
}

/// The sandbox's rate limit: `limit` requests a window of `window_secs`
/// (`x-rate-limit-*`), and optionally `daily_limit` requests a day
/// (`x-app-limit-24hour-*`), counted on the sandbox's clock.
///
/// ```
/// let config: x_api_auth_sandbox::SandboxConfig =
///     serde_json::from_str(r#"{"rate_limit": {"limit": 3, "window_secs": 2}}"#).unwrap();
/// assert_eq!(config.rate_limit.unwrap().daily_limit, None);
/// ```
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RateLimitConfig {
    /// Requests a window.
    pub limit: u32,
    /// The window, in seconds (X's is 900).
    #[serde(default = "default_rate_window")]
    pub window_secs: u64,
    /// Requests a day, when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub daily_limit: Option<u32>,
}

fn default_rate_window() -> u64 {
    900
}

fn default_window() -> u64 {
    300
}

fn default_consent() -> String {
    "approve".to_owned()
}

fn default_access_level() -> String {
    "read-write".to_owned()
}

fn default_access_token_lifetime() -> u64 {
    7200
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            apps: vec![AppConfig {
                consumer_key: "sandbox-consumer-key".to_owned(),
                consumer_secret: "sandbox-consumer-secret".to_owned(),
                access_token: "1001-sandboxownertoken".to_owned(),
                access_token_secret: "sandbox-owner-token-secret".to_owned(),
                clients: vec![
                    ClientConfig {
                        client_id: "sandbox-public-client".to_owned(),
                        client_secret: None,
                    },
                    ClientConfig {
                        client_id: "sandbox-confidential-client".to_owned(),
                        client_secret: Some("sandbox-client-secret".to_owned()),
                    },
                ],
                callback_urls: Vec::new(),
                access_level: default_access_level(),
                api_access: None,
            }],
            users: vec![
                UserConfig {
                    id: "1001".to_owned(),
                    username: "sandbox_user".to_owned(),
                    name: "Sandbox User".to_owned(),
                },
                UserConfig {
                    id: "783214".to_owned(),
                    username: "X".to_owned(),
                    name: "X".to_owned(),
                },
            ],
            timestamp_window_secs: default_window(),
            consent: default_consent(),
            revoke_family_on_reuse: true,
            access_token_lifetime_secs: default_access_token_lifetime(),
            api_access: "ok".to_owned(),
            rate_limit: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minimal_document_gets_the_defaults() {
        let config: SandboxConfig = serde_json::from_value(serde_json::json!({
            "apps": [{
                "consumer_key": "k",
                "consumer_secret": "s",
                "access_token": "1-t",
                "access_token_secret": "ts",
            }],
            "users": [],
        }))
        .unwrap();
        assert_eq!(config.access_token_lifetime_secs, 7200);
        assert_eq!(config.apps[0].access_level, "read-write");
        let default = SandboxConfig::default();
        assert_eq!(default.access_token_lifetime_secs, 7200);
        assert_eq!(default.apps[0].access_level, "read-write");
    }
}
