//! Stores and the token manager: where credentials live, and the refresh
//! that happens once across threads and processes. A change hook is a
//! JavaScript function run by the core's `TokenChangeHook`.

use std::sync::Arc;
use std::time::Duration;

use napi::bindgen_prelude::*;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi_derive::napi;
use x_api_auth::tokens::{self, RecordKey, TokenChange, TokenChangeHook, UserRecord};

use crate::api::ApiResponse;
use crate::credentials::{AccessToken, BearerToken, ConsumerKeys, OAuth2Client, OAuth2UserToken};
use crate::errors::core;
use crate::flows::{Job, SendOptions, XAuth, body};

/// A record's address.
#[napi(object)]
pub struct RecordAddress {
    /// The profile.
    pub profile: String,
    /// The user's id, or null for the app record.
    pub user_id: Option<String>,
}

/// Where credential records live, chosen by URL (`file:`,
/// `file:/path/store.json`; `X_API_AUTH_STORE`).
#[napi]
pub struct TokenStore(pub(crate) Arc<dyn tokens::TokenStore>);

fn key(profile: &str, user_id: Option<&str>) -> x_api_auth::Result<RecordKey> {
    match user_id {
        Some(id) => RecordKey::user(profile, id),
        None => RecordKey::app(profile),
    }
}

#[napi]
impl TokenStore {
    /// The store's URL.
    #[napi(getter)]
    pub fn location(&self) -> String {
        self.0.location()
    }

    /// The address of every record (of `profile` when given).
    #[napi]
    pub fn list(&self, profile: Option<String>) -> Result<Vec<RecordAddress>> {
        let keys = core(self.0.list(profile.as_deref()))?;
        Ok(keys
            .into_iter()
            .map(|k| RecordAddress {
                profile: k.profile,
                user_id: k.user_id,
            })
            .collect())
    }

    /// A record as a JSON document; secrets only with `includeSecrets`.
    #[napi]
    pub fn export_record(
        &self,
        profile: String,
        user_id: Option<String>,
        include_secrets: Option<bool>,
    ) -> Result<Option<String>> {
        let key = core(key(&profile, user_id.as_deref()))?;
        core(self.0.export_record(&key, include_secrets.unwrap_or(false)))
    }

    /// Stores a document made by `exportRecord(..., true)` under `profile`,
    /// replacing what is there.
    #[napi]
    pub fn import_record(&self, profile: String, document: String) -> Result<()> {
        core(self.0.import_record(&profile, &document).map(drop))
    }

    /// Removes a record.
    #[napi]
    pub fn delete(&self, profile: String, user_id: Option<String>) -> Result<()> {
        core(key(&profile, user_id.as_deref()).and_then(|k| self.0.delete(&k)))
    }
}

/// Opens a store by URL; without one, `X_API_AUTH_STORE`, else the default
/// file store.
#[napi]
pub fn open_store(url: Option<String>) -> Result<TokenStore> {
    core(tokens::open_store(url.as_deref())).map(TokenStore)
}

/// What changed, as the change hook receives it (no secret).
#[napi(object)]
pub struct TokenChangeEvent {
    /// The profile.
    pub profile: String,
    /// The user whose record changed, or null for the app record.
    pub user_id: Option<String>,
    /// The record's new generation.
    pub generation: i64,
    /// Whether the user must now log in again.
    pub needs_login: bool,
}

type ChangeFunction =
    ThreadsafeFunction<TokenChangeEvent, Unknown<'static>, TokenChangeEvent, Status, false, true>;

/// Calls a JavaScript function on the event loop for each change.
struct JsHook(ChangeFunction);

impl TokenChangeHook for JsHook {
    fn token_changed(&self, change: &TokenChange) {
        let event = TokenChangeEvent {
            profile: change.profile.clone(),
            user_id: change.user_id.clone(),
            generation: i64::try_from(change.generation).unwrap_or(i64::MAX),
            needs_login: change.needs_login,
        };
        self.0.call(event, ThreadsafeFunctionCallMode::NonBlocking);
    }
}

/// The options of `new TokenManager(xauth, options)`.
#[napi(object, object_to_js = false)]
pub struct TokenManagerOptions {
    /// The store URL (`X_API_AUTH_STORE`, else the default file store).
    pub store: Option<String>,
    /// The profile (`X_API_AUTH_PROFILE`, else `default`).
    pub profile: Option<String>,
    /// Refresh this many seconds before expiry (60).
    pub refresh_margin: Option<f64>,
    /// Called with a `TokenChangeEvent` after every stored change.
    #[napi(ts_type = "(event: TokenChangeEvent) => void")]
    pub on_change: Option<ChangeFunction>,
}

/// Serves OAuth 2.0 user tokens and the app's bearer token from a store,
/// refreshing each once across threads and processes.
#[napi]
pub struct TokenManager(tokens::TokenManager);

#[napi]
impl TokenManager {
    /// A manager for a profile of a store.
    #[napi(constructor)]
    pub fn new(xauth: &XAuth, options: Option<TokenManagerOptions>) -> Result<Self> {
        let options = options.unwrap_or(TokenManagerOptions {
            store: None,
            profile: None,
            refresh_margin: None,
            on_change: None,
        });
        let store = core(tokens::open_store(options.store.as_deref()))?;
        let mut manager = core(tokens::TokenManager::new(
            xauth.0.clone(),
            store,
            options.profile.as_deref(),
        ))?;
        if let Some(margin) = options.refresh_margin {
            manager =
                manager.with_refresh_margin(Duration::from_secs_f64(margin.clamp(0.0, 86_400.0)));
        }
        if let Some(hook) = options.on_change {
            manager = manager.with_hook(Arc::new(JsHook(hook)));
        }
        Ok(Self(manager))
    }

    /// The profile.
    #[napi(getter)]
    pub fn profile(&self) -> String {
        self.0.profile().to_owned()
    }

    /// The store.
    #[napi(getter)]
    pub fn store(&self) -> TokenStore {
        TokenStore(self.0.store().clone())
    }

    /// The user's token from memory when valid beyond the margin (no I/O);
    /// null otherwise: then call `accessToken`.
    #[napi]
    pub fn fresh_token(&self, user: Option<String>) -> Option<OAuth2UserToken> {
        self.0.fresh_token(user.as_deref()).map(OAuth2UserToken)
    }

    /// An access token for `user` (an id, a screen name, or none for the
    /// default user), refreshed first when it is about to expire.
    #[napi(ts_return_type = "Promise<OAuth2UserToken>")]
    pub fn access_token(&self, user: Option<String>) -> AsyncTask<Job<OAuth2UserToken>> {
        let manager = self.0.clone();
        Job::new(async move {
            manager
                .access_token(user.as_deref())
                .await
                .map(OAuth2UserToken)
        })
    }

    /// After X answered 401 to `rejected`: a refreshed token (once, however
    /// many callers ask).
    #[napi(ts_return_type = "Promise<OAuth2UserToken>")]
    pub fn refresh_after_unauthorized(
        &self,
        user: Option<String>,
        rejected: &OAuth2UserToken,
    ) -> AsyncTask<Job<OAuth2UserToken>> {
        let (manager, rejected) = (self.0.clone(), rejected.0.clone());
        Job::new(async move {
            manager
                .refresh_after_unauthorized(user.as_deref(), &rejected)
                .await
                .map(OAuth2UserToken)
        })
    }

    /// Sends an authorised request as a stored user (none: the default user),
    /// with their OAuth 2.0 token (refreshed when due, once after a 401) or
    /// else OAuth 1.0a; `form` is signed, `json` never is.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn send(
        &self,
        user: Option<String>,
        method: String,
        path: String,
        options: Option<SendOptions>,
    ) -> Result<AsyncTask<Job<ApiResponse>>> {
        let body = body(options)?;
        let manager = self.0.clone();
        Ok(Job::new(async move {
            manager
                .send(user.as_deref(), &method, &path, &body)
                .await
                .map(ApiResponse)
        }))
    }

    /// The app's bearer token (obtained once with the stored keys, then stored).
    #[napi(ts_return_type = "Promise<BearerToken>")]
    pub fn bearer(&self) -> AsyncTask<Job<BearerToken>> {
        let manager = self.0.clone();
        Job::new(async move { manager.bearer().await.map(BearerToken) })
    }

    /// Stores a user's login (an OAuth 2.0 token and/or an OAuth 1.0a access
    /// token); resolves to the record's generation.
    #[napi(ts_return_type = "Promise<number>")]
    pub fn save_login(
        &self,
        user_id: String,
        oauth2: Option<&OAuth2UserToken>,
        oauth1: Option<&AccessToken>,
        screen_name: Option<String>,
        access_level: Option<String>,
    ) -> AsyncTask<Job<i64>> {
        let mut record = UserRecord::new(user_id);
        record.oauth2 = oauth2.map(|t| t.0.clone());
        record.oauth1 = oauth1.map(|t| t.0.clone());
        record.screen_name = screen_name;
        record.access_level = access_level;
        let manager = self.0.clone();
        Job::new(async move {
            let saved = manager.save_login(record).await?;
            Ok(i64::try_from(saved.generation).unwrap_or(i64::MAX))
        })
    }

    /// Replaces the app's keys (regenerated in the developer portal) and/or
    /// its OAuth 2.0 client, keeping its users.
    #[napi(ts_return_type = "Promise<number>")]
    pub fn set_app_keys(
        &self,
        consumer: Option<&ConsumerKeys>,
        client: Option<&OAuth2Client>,
    ) -> AsyncTask<Job<i64>> {
        let (consumer, client) = (consumer.map(|c| c.0.clone()), client.map(|c| c.0.clone()));
        let manager = self.0.clone();
        Job::new(async move {
            let app = manager.set_app_keys(consumer, client).await?;
            Ok(i64::try_from(app.generation).unwrap_or(i64::MAX))
        })
    }
}
