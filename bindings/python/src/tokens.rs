//! Stores and the token manager: where credentials live, and the refresh
//! that happens once across threads and processes. A change hook is a
//! Python callable run by the core's `TokenChangeHook`.

use std::sync::Arc;
use std::time::Duration;

use pyo3::prelude::*;
use pyo3::types::PyDict;
use x_api_auth::tokens::{
    self, Record, RecordKey, RecordLock, TokenChange, TokenChangeHook, UserRecord,
};

use crate::api::{ApiResponse, body};
use crate::credentials::{
    AccessToken, BearerToken, ConsumerKeys, OAuth2Client, OAuth2UserToken, repr,
};
use crate::errors::guard;
use crate::flows::{XAuth, block};

/// Where credential records live, chosen by URL (`file:`,
/// `file:/path/store.json`; `X_API_AUTH_STORE`).
#[pyclass(module = "x_api_auth._native", frozen, subclass)]
pub struct TokenStore(pub Arc<dyn tokens::TokenStore>);

#[pymethods]
impl TokenStore {
    /// The store's URL.
    #[getter]
    fn location(&self) -> String {
        self.0.location()
    }

    /// `(profile, user_id)` of every record (`user_id` is None for the app).
    #[pyo3(signature = (profile=None))]
    fn list(
        &self,
        py: Python<'_>,
        profile: Option<&str>,
    ) -> PyResult<Vec<(String, Option<String>)>> {
        let keys = py.detach(|| self.0.list(profile));
        guard(py, || keys).map(|keys| keys.into_iter().map(|k| (k.profile, k.user_id)).collect())
    }

    /// A record as a JSON document; secrets only with `include_secrets=True`.
    #[pyo3(signature = (profile, user_id=None, *, include_secrets=false))]
    fn export_record(
        &self,
        py: Python<'_>,
        profile: &str,
        user_id: Option<&str>,
        include_secrets: bool,
    ) -> PyResult<Option<String>> {
        guard(py, || {
            self.0
                .export_record(&key(profile, user_id)?, include_secrets)
        })
    }

    /// Stores a document made by `export_record(..., include_secrets=True)`
    /// under `profile`, replacing what is there.
    fn import_record(&self, py: Python<'_>, profile: &str, document: &str) -> PyResult<()> {
        guard(py, || self.0.import_record(profile, document).map(drop))
    }

    /// Removes a record.
    #[pyo3(signature = (profile, user_id=None))]
    fn delete(&self, py: Python<'_>, profile: &str, user_id: Option<&str>) -> PyResult<()> {
        guard(py, || self.0.delete(&key(profile, user_id)?))
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!("TokenStore({})", repr(py, self.0.location()))
    }
}

fn key(profile: &str, user_id: Option<&str>) -> x_api_auth::Result<RecordKey> {
    match user_id {
        Some(id) => RecordKey::user(profile, id),
        None => RecordKey::app(profile),
    }
}

/// Opens a store by URL; `None` reads `X_API_AUTH_STORE`, else the default
/// file store.
#[pyfunction]
#[pyo3(signature = (url=None))]
pub fn open_store(py: Python<'_>, url: Option<&str>) -> PyResult<TokenStore> {
    guard(py, || tokens::open_store(url)).map(TokenStore)
}

/// A store the application supplies: a Python object with `location`,
/// `load`, `save`, `lock`, `list` and `delete` (and optionally
/// `still_held`), called by the core's `TokenStore` trait; the manager's
/// policy stays in Rust. See `examples/sqlite_store.py`.
struct PyStore {
    object: Py<PyAny>,
    location: String,
}

impl std::fmt::Debug for PyStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PyStore")
            .field("location", &self.location)
            .finish()
    }
}

impl PyStore {
    /// Calls `method`; a Python exception becomes `X_STORE` (io).
    fn call<
        T: for<'a, 'py> FromPyObject<'a, 'py>,
        A: for<'py> IntoPyObject<'py, Target = pyo3::types::PyTuple>,
    >(
        &self,
        method: &str,
        args: A,
    ) -> x_api_auth::Result<T> {
        Python::attach(|py| {
            args.into_pyobject(py)
                .map_err(Into::into)
                .map(pyo3::BoundObject::into_bound)
                .and_then(|args| self.object.call_method1(py, method, args))
                .and_then(|value| value.extract::<T>(py).map_err(Into::into))
                .map_err(|e| x_api_auth::Error::Store {
                    kind: x_api_auth::StoreErrorKind::Io,
                    location: self.location.clone(),
                    reason: format!("the application's store raised in {method}(): {e}"),
                })
        })
    }

    fn refused(&self, kind: x_api_auth::StoreErrorKind, reason: String) -> x_api_auth::Error {
        x_api_auth::Error::Store {
            kind,
            location: self.location.clone(),
            reason,
        }
    }
}

/// Releases a lock handle of the application's store when dropped.
struct PyLock(Py<PyAny>);

impl Drop for PyLock {
    fn drop(&mut self) {
        Python::attach(|py| {
            if let Err(e) = self.0.call_method0(py, "release") {
                e.write_unraisable(py, Some(self.0.bind(py)));
            }
        });
    }
}

impl tokens::TokenStore for PyStore {
    fn location(&self) -> String {
        self.location.clone()
    }

    fn load(&self, key: &RecordKey) -> x_api_auth::Result<Option<Record>> {
        let document: Option<String> = self.call("load", (key.path(),))?;
        document
            .map(|d| Record::from_document(&d, &format!("{} {}", self.location, key.path())))
            .transpose()
    }

    fn save(
        &self,
        key: &RecordKey,
        record: &Record,
        expected: u64,
        lock: Option<&RecordLock>,
    ) -> x_api_auth::Result<()> {
        if record.generation() <= expected {
            return Err(self.refused(
                x_api_auth::StoreErrorKind::Conflict,
                "a save must raise the generation".into(),
            ));
        }
        let document = record.to_document();
        let fence = lock.map(|l| l.fence);
        let args = (
            key.path(),
            document.as_str(),
            expected,
            record.generation(),
            fence,
        );
        if self.call::<bool, _>("save", args)? {
            Ok(())
        } else {
            let why = format!(
                "{} is not at generation {expected} (or its lock was lost): read it again",
                key.path()
            );
            Err(self.refused(x_api_auth::StoreErrorKind::Conflict, why))
        }
    }

    fn lock(&self, key: &RecordKey, wait: Duration) -> x_api_auth::Result<RecordLock> {
        let handle: Option<Py<PyAny>> = self.call("lock", (key.path(), wait.as_secs_f64()))?;
        let handle = handle.ok_or_else(|| {
            let why = format!(
                "{} stayed locked for {wait:?}: is a refresh stuck?",
                key.path()
            );
            self.refused(x_api_auth::StoreErrorKind::Locked, why)
        })?;
        let fence = Python::attach(|py| {
            handle
                .getattr(py, "fence")
                .and_then(|f| f.extract::<u64>(py))
                .unwrap_or(0)
        });
        Ok(RecordLock::new(fence, PyLock(handle)))
    }

    fn still_held(&self, key: &RecordKey, lock: &RecordLock) -> x_api_auth::Result<bool> {
        let has = Python::attach(|py| self.object.bind(py).hasattr("still_held").unwrap_or(false));
        if has {
            self.call("still_held", (key.path(), lock.fence))
        } else {
            Ok(true)
        }
    }

    fn list(&self, profile: Option<&str>) -> x_api_auth::Result<Vec<RecordKey>> {
        let paths: Vec<String> = self.call("list", (profile.map(str::to_owned),))?;
        let mut keys: Vec<RecordKey> = paths
            .iter()
            .filter_map(|p| RecordKey::from_path(p))
            .collect();
        keys.sort();
        Ok(keys)
    }

    fn delete(&self, key: &RecordKey) -> x_api_auth::Result<()> {
        self.call::<Py<PyAny>, _>("delete", (key.path(),)).map(drop)
    }
}

/// A `TokenStore` over an object the application supplies (its own
/// database): see `examples/sqlite_store.py` for the methods it needs.
#[pyfunction]
pub fn custom_store(py: Python<'_>, store: Py<PyAny>) -> PyResult<TokenStore> {
    let location: String = store
        .getattr(py, "location")
        .and_then(|l| l.extract(py))
        .map_err(|_| {
            crate::errors::invalid(
                py,
                "store",
                "needs a `location` string (and load, save, lock, list, delete)",
            )
        })?;
    Ok(TokenStore(Arc::new(PyStore {
        object: store,
        location,
    })))
}

/// Runs the core's store conformance checks on `store` with records of
/// `profile`; returns what failed, or None.
#[pyfunction]
#[pyo3(signature = (store, profile="conformance"))]
pub fn check_store(py: Python<'_>, store: &TokenStore, profile: &str) -> Option<String> {
    let store = store.0.clone();
    py.detach(|| tokens::check_store(store, profile).err())
}

/// Calls a Python callable with a dict of the change.
struct PyHook(Py<PyAny>);

impl TokenChangeHook for PyHook {
    fn token_changed(&self, change: &TokenChange) {
        Python::attach(|py| {
            let call = || -> PyResult<()> {
                let event = PyDict::new(py);
                event.set_item("profile", &change.profile)?;
                event.set_item("user_id", change.user_id.as_deref())?;
                event.set_item("generation", change.generation)?;
                event.set_item("needs_login", change.needs_login)?;
                self.0.call1(py, (event,))?;
                Ok(())
            };
            if let Err(e) = call() {
                e.write_unraisable(py, Some(self.0.bind(py)));
            }
        });
    }
}

/// Serves OAuth 2.0 user tokens and the app's bearer token from a store,
/// refreshing each once across threads and processes.
#[pyclass(module = "x_api_auth._native", frozen, subclass)]
pub struct TokenManager(x_api_auth::tokens::TokenManager);

#[pymethods]
impl TokenManager {
    #[new]
    #[pyo3(signature = (xauth, store=None, profile=None, *, refresh_margin=None, on_change=None))]
    fn new(
        py: Python<'_>,
        xauth: &XAuth,
        store: Option<&TokenStore>,
        profile: Option<&str>,
        refresh_margin: Option<f64>,
        on_change: Option<Py<PyAny>>,
    ) -> PyResult<Self> {
        guard(py, || {
            let store = match store {
                Some(s) => s.0.clone(),
                None => tokens::open_store(None)?,
            };
            let mut manager = tokens::TokenManager::new(xauth.0.clone(), store, profile)?;
            if let Some(margin) = refresh_margin {
                manager = manager.with_refresh_margin_secs(margin)?;
            }
            if let Some(hook) = on_change {
                manager = manager.with_hook(Arc::new(PyHook(hook)));
            }
            Ok(Self(manager))
        })
    }

    /// The profile.
    #[getter]
    fn profile(&self) -> &str {
        self.0.profile()
    }

    /// The store.
    #[getter]
    fn store(&self) -> TokenStore {
        TokenStore(self.0.store().clone())
    }

    /// An access token for `user` (an id, a screen name, or None for the
    /// default user), refreshed first when it is about to expire.
    #[pyo3(signature = (user=None))]
    fn access_token(&self, py: Python<'_>, user: Option<&str>) -> PyResult<OAuth2UserToken> {
        if let Some(token) = self.0.fresh_token(user) {
            return Ok(OAuth2UserToken(token));
        }
        block(py, self.0.access_token(user)).map(OAuth2UserToken)
    }

    /// After X answered 401 to `rejected`: a refreshed token (once, however
    /// many callers ask).
    #[pyo3(signature = (user, rejected))]
    fn refresh_after_unauthorized(
        &self,
        py: Python<'_>,
        user: Option<&str>,
        rejected: &OAuth2UserToken,
    ) -> PyResult<OAuth2UserToken> {
        block(py, self.0.refresh_after_unauthorized(user, &rejected.0)).map(OAuth2UserToken)
    }

    /// Sends an authorised request as a stored user (None: the default user),
    /// with their OAuth 2.0 token (refreshed when due, once after a 401) or
    /// else OAuth 1.0a; `form` is signed, `json_body` never is.
    #[pyo3(signature = (user, method, path, *, form=None, json_body=None))]
    fn send(
        &self,
        py: Python<'_>,
        user: Option<&str>,
        method: &str,
        path: &str,
        form: Option<&Bound<'_, PyAny>>,
        json_body: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<ApiResponse> {
        let body = body(py, form, json_body)?;
        block(py, self.0.send(user, method, path, &body)).map(ApiResponse)
    }

    /// The app's bearer token (obtained once with the stored keys, then stored).
    fn bearer(&self, py: Python<'_>) -> PyResult<BearerToken> {
        block(py, self.0.bearer()).map(BearerToken)
    }

    /// Stores a user's login: an OAuth 2.0 token and/or an OAuth 1.0a access
    /// token. It clears "needs login" and becomes the default user when the
    /// profile has none.
    #[pyo3(signature = (user_id, *, oauth2=None, oauth1=None, screen_name=None, access_level=None))]
    fn save_login(
        &self,
        py: Python<'_>,
        user_id: String,
        oauth2: Option<&OAuth2UserToken>,
        oauth1: Option<&AccessToken>,
        screen_name: Option<String>,
        access_level: Option<String>,
    ) -> PyResult<u64> {
        let mut record = UserRecord::new(user_id);
        record.oauth2 = oauth2.map(|t| t.0.clone());
        record.oauth1 = oauth1.map(|t| t.0.clone());
        record.screen_name = screen_name;
        record.access_level = access_level;
        block(py, self.0.save_login(record)).map(|r| r.generation)
    }

    /// Replaces the app's keys (regenerated in the developer portal) and/or
    /// its OAuth 2.0 client, keeping its users.
    #[pyo3(signature = (*, consumer=None, client=None))]
    fn set_app_keys(
        &self,
        py: Python<'_>,
        consumer: Option<&ConsumerKeys>,
        client: Option<&OAuth2Client>,
    ) -> PyResult<u64> {
        let (consumer, client) = (consumer.map(|c| c.0.clone()), client.map(|c| c.0.clone()));
        block(py, self.0.set_app_keys(consumer, client)).map(|a| a.generation)
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "TokenManager(store={}, profile={})",
            repr(py, self.0.store().location()),
            repr(py, self.0.profile())
        )
    }
}
