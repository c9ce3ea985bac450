//! The browser login's loopback server, for desktop apps (the core's
//! `callback_server`): it catches the redirect after consent.

use std::sync::{Arc, Mutex, PoisonError};

use napi::bindgen_prelude::*;
use napi_derive::napi;
use x_api_auth::callback_server::{CallbackCheck, CallbackServer as Core};

use crate::errors::js_error;
use crate::flows::Job;
use crate::oauth1::RequestToken;
use crate::oauth2::PendingAuthorization;

/// Listens on the registered loopback callback URL until one login comes
/// back.
#[napi]
pub struct CallbackServer {
    server: Arc<Mutex<Option<Core>>>,
    redirect_uri: String,
}

impl CallbackServer {
    fn take(&self) -> Result<Core> {
        self.server
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
            .ok_or_else(|| js_error(Core::already_used()))
    }
}

#[napi]
impl CallbackServer {
    /// Listens on `redirectUri` (http:// on 127.0.0.1, `[::1]` or localhost;
    /// port 0 picks a free one).
    #[napi(ts_return_type = "Promise<CallbackServer>", catch_unwind)]
    pub fn bind(redirect_uri: String) -> AsyncTask<Job<CallbackServer>> {
        Job::new(async move {
            let server = Core::bind(&redirect_uri).await?;
            Ok(CallbackServer {
                redirect_uri: server.redirect_uri().to_owned(),
                server: Arc::new(Mutex::new(Some(server))),
            })
        })
    }

    /// The callback URL, its port filled in.
    #[napi(getter, catch_unwind)]
    pub fn redirect_uri(&self) -> String {
        self.redirect_uri.clone()
    }

    /// Waits for the OAuth 2.0 callback of `pending` (its state checked);
    /// resolves to the callback URL for `finishAuthorization`.
    #[napi(ts_return_type = "Promise<string>", catch_unwind)]
    pub fn wait(
        &self,
        pending: &PendingAuthorization,
        timeout: Option<f64>,
    ) -> Result<AsyncTask<Job<String>>> {
        let state = pending.state()?;
        let server = self.take()?;
        Ok(Job::new(async move {
            server
                .wait_secs(CallbackCheck::State(&state), timeout.unwrap_or(300.0))
                .await
        }))
    }

    /// Waits for the OAuth 1.0a callback of `requestToken`; resolves to the
    /// callback URL for `parseCallback`.
    #[napi(ts_return_type = "Promise<string>", catch_unwind)]
    pub fn wait_for_request_token(
        &self,
        request_token: &RequestToken,
        timeout: Option<f64>,
    ) -> Result<AsyncTask<Job<String>>> {
        let token = request_token.0.token.clone();
        let server = self.take()?;
        Ok(Job::new(async move {
            server
                .wait_secs(
                    CallbackCheck::RequestToken(&token),
                    timeout.unwrap_or(300.0),
                )
                .await
        }))
    }
}
