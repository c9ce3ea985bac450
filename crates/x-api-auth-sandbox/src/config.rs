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

/// The whole configuration.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SandboxConfig {
    /// The apps.
    pub apps: Vec<AppConfig>,
    /// The users; the first one is who approves consent screens.
    pub users: Vec<UserConfig>,
    /// Allowed distance between an OAuth 1.0a timestamp and the sandbox's
    /// clock, in seconds (X publishes none; 300 is the usual default).
    #[serde(default = "default_window")]
    pub timestamp_window_secs: u64,
    /// What the consent pages do: `approve`, `deny` or `page` (an HTML page
    /// with Approve and Deny). A `sandbox_decision` query parameter overrides
    /// it per request.
    #[serde(default = "default_consent")]
    pub consent: String,
    /// Whether reusing a spent refresh token revokes its whole family.
    #[serde(default = "default_true")]
    pub revoke_family_on_reuse: bool,
}

fn default_window() -> u64 {
    300
}

fn default_consent() -> String {
    "approve".to_owned()
}

fn default_true() -> bool {
    true
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
        }
    }
}
