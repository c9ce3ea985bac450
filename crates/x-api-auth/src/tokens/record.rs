//! The credential records a store keeps: one app per profile and any number
//! of its users, each with a generation number so that a store never
//! replaces a newer token with an older one.
//!
//! Secrets stay in the secret newtypes; they become plain text only in
//! [`RecordKey`]-addressed storage formats ([`Record::to_stored_json`]) and in
//! an explicit export that names them ([`Record::export`]).

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::credentials::{AccessToken, ConsumerKeys, OAuth2Client, OAuth2UserToken};
use crate::error::{Error, Result, StoreErrorKind};
use crate::secret::BearerToken;

/// The format version written today. A store written with a higher version
/// is refused ([`StoreErrorKind::UnsupportedVersion`]); version 1, one file
/// holding every record, is migrated to version 2, a directory with one file
/// per record (see [`stores::file`](super::stores::file)).
pub const FORMAT_VERSION: u32 = 2;

/// The profile used when none is named (`X_API_AUTH_PROFILE` names another).
pub const DEFAULT_PROFILE: &str = "default";

/// Which record: a profile's app, or one of its users by user id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RecordKey {
    /// The profile: letters, digits, `.`, `_` and `-`.
    pub profile: String,
    /// The user's numeric id, or `None` for the app record.
    pub user_id: Option<String>,
}

impl RecordKey {
    /// The app record of `profile`.
    pub fn app(profile: &str) -> Result<Self> {
        check_name("profile", profile)?;
        Ok(Self {
            profile: profile.to_owned(),
            user_id: None,
        })
    }

    /// The record of user `user_id` (X's numeric user id) in `profile`.
    pub fn user(profile: &str, user_id: &str) -> Result<Self> {
        check_name("profile", profile)?;
        if user_id.is_empty() || user_id.len() > 32 || !user_id.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(Error::invalid_input(
                "user_id",
                "must be X's numeric user id (1 to 32 digits)",
            ));
        }
        Ok(Self {
            profile: profile.to_owned(),
            user_id: Some(user_id.to_owned()),
        })
    }

    /// The key of a [`RecordKey::path`], if it is one.
    ///
    /// ```
    /// use x_api_auth::tokens::RecordKey;
    /// assert_eq!(RecordKey::from_path("default/users/1001"), RecordKey::user("default", "1001").ok());
    /// assert_eq!(RecordKey::from_path("default/app"), RecordKey::app("default").ok());
    /// assert_eq!(RecordKey::from_path("default/other"), None);
    /// ```
    pub fn from_path(path: &str) -> Option<Self> {
        let (profile, rest) = path.split_once('/')?;
        match rest.strip_prefix("users/") {
            Some(id) => Self::user(profile, id).ok(),
            None if rest == "app" => Self::app(profile).ok(),
            None => None,
        }
    }

    /// `profile/app` or `profile/users/<id>`: how a person finds the record
    /// (the keychain entry name, the lock file name).
    pub fn path(&self) -> String {
        match &self.user_id {
            None => format!("{}/app", self.profile),
            Some(id) => format!("{}/users/{id}", self.profile),
        }
    }
}

fn check_name(field: &'static str, name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        && !name.starts_with('.');
    if ok {
        Ok(())
    } else {
        Err(Error::invalid_input(
            field,
            "must be 1 to 64 of A-Z a-z 0-9 . _ - (not starting with .)",
        ))
    }
}

/// An app's credentials: what the developer portal shows once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppRecord {
    /// API Key & Secret.
    pub consumer: Option<ConsumerKeys>,
    /// Client ID & (for confidential clients) Client Secret.
    pub client: Option<OAuth2Client>,
    /// The callback URLs registered for the app.
    pub callback_urls: Vec<String>,
    /// The access level the app needs (`read`, `read-write`,
    /// `read-write-directmessages`), if set.
    pub access_level: Option<String>,
    /// The app-only bearer token, once obtained.
    pub bearer: Option<BearerToken>,
    /// The user picked when none is named.
    pub default_user: Option<String>,
    /// Raised by one on every change.
    pub generation: u64,
}

/// One user of an app: an OAuth 1.0a access token and/or an OAuth 2.0 token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    /// X's numeric user id.
    pub user_id: String,
    /// The handle, when known.
    pub screen_name: Option<String>,
    /// OAuth 1.0a Access Token & Secret.
    pub oauth1: Option<AccessToken>,
    /// The access level X reported for the OAuth 1.0a token
    /// (`x-access-level`).
    pub access_level: Option<String>,
    /// The OAuth 2.0 user token.
    pub oauth2: Option<OAuth2UserToken>,
    /// Set when a refresh was refused: the user must log in again.
    pub needs_login: bool,
    /// Raised by one on every change.
    pub generation: u64,
}

impl UserRecord {
    /// A new record (generation 0: not stored yet).
    pub fn new(user_id: impl Into<String>) -> Self {
        Self {
            user_id: user_id.into(),
            screen_name: None,
            oauth1: None,
            access_level: None,
            oauth2: None,
            needs_login: false,
            generation: 0,
        }
    }
}

/// A stored record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    /// A profile's app.
    App(AppRecord),
    /// One user.
    User(UserRecord),
}

impl Record {
    /// Its generation (0: never stored).
    pub fn generation(&self) -> u64 {
        match self {
            Record::App(a) => a.generation,
            Record::User(u) => u.generation,
        }
    }

    /// Sets its generation.
    pub fn set_generation(&mut self, generation: u64) {
        match self {
            Record::App(a) => a.generation = generation,
            Record::User(u) => u.generation = generation,
        }
    }

    /// The record as the JSON a store writes: every secret in clear. Only
    /// stores call this; applications use [`Record::export`].
    pub fn to_stored_json(&self) -> serde_json::Value {
        serde_json::to_value(Stored::from(self)).unwrap_or_default()
    }

    /// Reads what [`Record::to_stored_json`] wrote.
    pub fn from_stored_json(value: serde_json::Value, location: &str) -> Result<Self> {
        let stored: Stored = serde_json::from_value(value).map_err(|e| {
            Error::store(
                StoreErrorKind::Corrupt,
                location,
                format!("a record is not valid: {}", json_problem(&e)),
            )
        })?;
        stored.into_record(location)
    }

    /// The record as the document a key-value store keeps (Redis, stores
    /// the application supplies): `{"format", "generation", "record"}`, every
    /// secret in clear, wiped when dropped.
    pub fn to_document(&self) -> Zeroizing<String> {
        let document = serde_json::json!({
            "format": FORMAT_VERSION,
            "generation": self.generation(),
            "record": self.to_stored_json(),
        });
        Zeroizing::new(document.to_string())
    }

    /// Reads what [`Record::to_document`] wrote; `location` names the store
    /// and key in errors.
    pub fn from_document(document: &str, location: &str) -> Result<Self> {
        let corrupt = |reason: String| Error::store(StoreErrorKind::Corrupt, location, reason);
        let mut value: serde_json::Value = serde_json::from_str(document)
            .map_err(|e| corrupt(format!("is not a valid record ({})", json_problem(&e))))?;
        let format = value["format"].as_u64().unwrap_or(0);
        if format > u64::from(FORMAT_VERSION) {
            return Err(Error::store(
                StoreErrorKind::UnsupportedVersion,
                location,
                format!("was written by a newer x-api-auth (format {format}): upgrade x-api-auth"),
            ));
        }
        Record::from_stored_json(take_record(&mut value), location)
    }

    /// The record as a JSON document to move elsewhere. Secrets are left out
    /// unless `include_secrets` is true: then the document holds every key
    /// and token in clear, so treat it as a secret.
    ///
    /// ```
    /// use x_api_auth::tokens::{Record, UserRecord};
    /// let mut user = UserRecord::new("1001");
    /// user.oauth2 = Some(x_api_auth::OAuth2UserToken::new("CANARY-token"));
    /// let record = Record::User(user);
    /// assert!(!record.export(false).contains("CANARY"));
    /// let full = record.export(true);
    /// assert_eq!(Record::import(&full)?, record);
    /// # Ok::<(), x_api_auth::Error>(())
    /// ```
    pub fn export(&self, include_secrets: bool) -> String {
        let mut value = serde_json::json!({
            "format": FORMAT_VERSION,
            "record": self.to_stored_json(),
        });
        if !include_secrets {
            redact(&mut value["record"]);
        }
        value.to_string()
    }

    /// Reads a document made by [`Record::export`] with its secrets.
    pub fn import(document: &str) -> Result<Self> {
        let bad = |reason: String| Error::invalid_input("record", reason);
        let mut value: serde_json::Value = serde_json::from_str(document)
            .map_err(|e| bad(format!("is not JSON: {}", json_problem(&e))))?;
        let format = value["format"].as_u64().unwrap_or(0);
        if format > u64::from(FORMAT_VERSION) {
            return Err(bad(format!(
                "was exported by a newer x-api-auth (format {format}, this one reads {FORMAT_VERSION}): upgrade x-api-auth"
            )));
        }
        if contains_redacted(&value["record"]) {
            return Err(bad(
                "has its secrets redacted: export it with include_secrets".to_owned(),
            ));
        }
        Record::from_stored_json(take_record(&mut value), "imported record")
            .map_err(|e| bad(e.to_string()))
    }
}

/// The `record` member of a stored or exported document (`null` when the
/// document is not an object or has none, which the caller then refuses).
fn take_record(document: &mut serde_json::Value) -> serde_json::Value {
    document
        .get_mut("record")
        .map(serde_json::Value::take)
        .unwrap_or_default()
}

/// What is wrong with a JSON document, without quoting it: serde's own
/// messages quote the offending value, which may be a token.
pub(crate) fn json_problem(e: &serde_json::Error) -> String {
    let what = match e.classify() {
        serde_json::error::Category::Syntax => "malformed JSON",
        serde_json::error::Category::Eof => "truncated JSON",
        serde_json::error::Category::Data => "a field is missing or has the wrong type",
        serde_json::error::Category::Io => "unreadable",
    };
    format!("{what}, line {} column {}", e.line(), e.column())
}

const REDACTED: &str = "[redacted]";
const SECRET_FIELDS: [&str; 6] = [
    "consumer_secret",
    "client_secret",
    "bearer_token",
    "token_secret",
    "access_token",
    "refresh_token",
];

fn redact(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if SECRET_FIELDS.contains(&key.as_str()) && v.is_string() {
                    *v = REDACTED.into();
                } else {
                    redact(v);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(redact),
        _ => {}
    }
}

fn contains_redacted(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::String(s) => s == REDACTED,
        serde_json::Value::Object(map) => map.values().any(contains_redacted),
        serde_json::Value::Array(items) => items.iter().any(contains_redacted),
        _ => false,
    }
}

/// The stored shape of a record: plain strings, wiped when dropped.
#[derive(Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Stored {
    App(StoredApp),
    User(StoredUser),
}

type Text = Zeroizing<String>;

#[derive(Serialize, Deserialize)]
struct StoredApp {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    consumer_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    consumer_secret: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    client_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    client_secret: Option<Text>,
    #[serde(default)]
    callback_urls: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    access_level: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    bearer_token: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    default_user: Option<String>,
    generation: u64,
}

#[derive(Serialize, Deserialize)]
struct StoredOAuth1 {
    token: String,
    token_secret: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    access_level: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct StoredOAuth2 {
    access_token: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refresh_token: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expires_at: Option<f64>,
    #[serde(default)]
    scopes: Vec<String>,
}

#[derive(Serialize, Deserialize)]
struct StoredUser {
    user_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    screen_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    oauth1: Option<StoredOAuth1>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    oauth2: Option<StoredOAuth2>,
    #[serde(default)]
    needs_login: bool,
    generation: u64,
}

fn text(s: &str) -> Text {
    Zeroizing::new(s.to_owned())
}

impl From<&Record> for Stored {
    fn from(record: &Record) -> Self {
        match record {
            Record::App(a) => Stored::App(StoredApp {
                consumer_key: a.consumer.as_ref().map(|c| c.key().to_owned()),
                consumer_secret: a.consumer.as_ref().map(|c| text(c.secret().secret())),
                client_id: a.client.as_ref().map(|c| c.client_id().to_owned()),
                client_secret: a
                    .client
                    .as_ref()
                    .and_then(|c| c.client_secret())
                    .map(|s| text(s.secret())),
                callback_urls: a.callback_urls.clone(),
                access_level: a.access_level.clone(),
                bearer_token: a.bearer.as_ref().map(|b| text(b.secret())),
                default_user: a.default_user.clone(),
                generation: a.generation,
            }),
            Record::User(u) => Stored::User(StoredUser {
                user_id: u.user_id.clone(),
                screen_name: u.screen_name.clone(),
                oauth1: u.oauth1.as_ref().map(|t| StoredOAuth1 {
                    token: t.token().to_owned(),
                    token_secret: text(t.secret().secret()),
                    access_level: u.access_level.clone(),
                }),
                oauth2: u.oauth2.as_ref().map(|t| StoredOAuth2 {
                    access_token: text(t.access_token.secret()),
                    refresh_token: t.refresh_token.as_ref().map(|r| text(r.secret())),
                    expires_at: t.expires_at_unix(),
                    scopes: t.scopes.iter().map(ToString::to_string).collect(),
                }),
                needs_login: u.needs_login,
                generation: u.generation,
            }),
        }
    }
}

impl Stored {
    fn into_record(self, location: &str) -> Result<Record> {
        let corrupt = |e: Error| {
            Error::store(
                StoreErrorKind::Corrupt,
                location,
                format!("a stored credential is not valid: {e}"),
            )
        };
        Ok(match self {
            Stored::App(a) => Record::App(AppRecord {
                consumer: match (a.consumer_key, a.consumer_secret) {
                    (Some(key), Some(secret)) => {
                        Some(ConsumerKeys::new(key, secret.as_str()).map_err(corrupt)?)
                    }
                    _ => None,
                },
                client: match (a.client_id, a.client_secret) {
                    (Some(id), Some(secret)) => {
                        Some(OAuth2Client::confidential(id, secret.as_str()).map_err(corrupt)?)
                    }
                    (Some(id), None) => Some(OAuth2Client::public(id).map_err(corrupt)?),
                    _ => None,
                },
                callback_urls: a.callback_urls,
                access_level: a.access_level,
                bearer: a.bearer_token.map(|b| BearerToken::new(b.as_str())),
                default_user: a.default_user,
                generation: a.generation,
            }),
            Stored::User(u) => Record::User(UserRecord {
                access_level: u.oauth1.as_ref().and_then(|o| o.access_level.clone()),
                oauth1: match u.oauth1 {
                    Some(o) => {
                        Some(AccessToken::new(o.token, o.token_secret.as_str()).map_err(corrupt)?)
                    }
                    None => None,
                },
                oauth2: u.oauth2.map(|o| {
                    OAuth2UserToken::from_parts(
                        o.access_token.as_str(),
                        o.refresh_token.map(|r| r.as_str().to_owned()),
                        o.expires_at,
                        o.scopes,
                    )
                }),
                user_id: u.user_id,
                screen_name: u.screen_name,
                needs_login: u.needs_login,
                generation: u.generation,
            }),
        })
    }
}
