//! [`Transport`] over reqwest, on rustls with ring (the `reqwest` feature).

use std::time::Duration;

use super::{HttpRequest, HttpResponse, Transport, TransportFuture};
use crate::error::{Error, Result};
use zeroize::Zeroize;

/// reqwest on rustls (ring): redirects never followed, one timeout for the
/// whole exchange (body included) and a shorter one to connect, response
/// bodies read up to [`HttpRequest::response_limit`].
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
    timeout: Duration,
}

impl ReqwestTransport {
    /// A client whose every request times out after `timeout`, and gives up
    /// connecting after [`CONNECT_TIMEOUT`] (or `timeout`, if shorter).
    pub fn new(timeout: Duration) -> Result<Self> {
        // rustls runs on ring; the provider is installed once per process.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout)
            .connect_timeout(timeout.min(CONNECT_TIMEOUT))
            .build()
            .map_err(transport_error)?;
        Ok(Self { client, timeout })
    }
}

/// How long to wait for a connection (10 s): a host that does not answer
/// fails fast instead of using the whole request timeout.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

fn transport_error(e: reqwest::Error) -> Error {
    Error::Transport {
        timeout: e.is_timeout(),
        reason: if e.is_timeout() {
            "the request timed out".to_owned()
        } else if e.is_connect() {
            "could not connect".to_owned()
        } else {
            "the HTTP exchange failed".to_owned()
        },
    }
}

impl Transport for ReqwestTransport {
    fn for_child(&self) -> Option<std::sync::Arc<dyn Transport>> {
        Self::new(self.timeout)
            .ok()
            .map(|t| std::sync::Arc::new(t) as std::sync::Arc<dyn Transport>)
    }

    fn send(&self, mut request: HttpRequest) -> TransportFuture<'_> {
        Box::pin(async move {
            let method = reqwest::Method::from_bytes(request.method.as_bytes()).map_err(|_| {
                Error::invalid_input("method", "must be an HTTP method such as GET or POST")
            })?;
            let mut builder = self.client.request(method, request.url.as_str());
            for (name, value) in &request.headers {
                builder = builder.header(name.as_ref(), value.as_str());
            }
            let mut response = builder
                .body(std::mem::take(&mut request.body))
                .send()
                .await
                .map_err(transport_error)?;
            let status = response.status().as_u16();
            let headers = response
                .headers()
                .iter()
                .filter_map(|(n, v)| Some((n.as_str().to_owned(), v.to_str().ok()?.to_owned())))
                .collect();
            let limit = request.response_limit_for(status);
            let announced = response.content_length().unwrap_or(0);
            if announced > limit as u64 {
                return Err(Error::response_too_large(status, limit));
            }
            // Sized up front when announced, so that no reallocation leaves
            // an unwiped copy of a token behind.
            let mut body = Vec::with_capacity(announced as usize);
            while let Some(chunk) = response.chunk().await.map_err(transport_error)? {
                if body.len() + chunk.len() > limit {
                    body.zeroize();
                    return Err(Error::response_too_large(status, limit));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(HttpResponse {
                status,
                headers,
                body,
            })
        })
    }
}
