//! Authorised API requests with any [`Credential`], the clock-skew retry,
//! and the two user lookups that check a credential.

use std::sync::atomic::Ordering;

use super::XAuth;
use crate::api::{ApiResponse, Body, RateLimit};
use crate::api_error::{ApiError, ApiErrorKind};
use crate::credential::{Credential, RequestParts};
use crate::endpoints::{self, EndpointAuth};
use crate::error::{Error, Result};
use crate::http_date::parse_http_date;
use crate::transport::{API_RESPONSE_LIMIT, HttpRequest};

/// Headers the request sets itself: a caller's would clash with them.
const OWN_HEADERS: [&str; 5] = [
    "authorization",
    "content-type",
    "content-length",
    "host",
    "user-agent",
];

fn check_extra_headers(headers: &[(String, String)]) -> Result<()> {
    for (name, value) in headers {
        let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
        if name.is_empty() || !name.bytes().all(token) {
            return Err(Error::invalid_input(
                "header",
                "names are letters, digits and !#$%&'*+-.^_`|~",
            ));
        }
        if OWN_HEADERS.iter().any(|own| own.eq_ignore_ascii_case(name)) {
            return Err(Error::invalid_input(
                "header",
                format!("{name} is set by x-api-auth itself: leave it out"),
            ));
        }
        crate::error::check_header_safe("header", value)?;
    }
    Ok(())
}

/// The outcome of one attempt of [`XAuth::send`].
enum Attempt {
    Done(ApiResponse),
    Skewed {
        error: ApiError,
        server_time: Option<u64>,
    },
    /// A 429, with the response's rate-limit headers.
    Limited {
        error: ApiError,
        rate_limit: Option<RateLimit>,
    },
}

/// How many times one request waits for a rate-limit reset before the 429
/// is returned.
const RATE_LIMIT_WAITS: u32 = 3;

impl XAuth {
    /// Sends an authorised request to X. `path` is relative to the API base
    /// (or an absolute URL) and may carry a query. A 401 with code 135
    /// (clock skew) is retried once with the offset read from X's `Date`.
    ///
    /// A request X's endpoint table says X would refuse is not sent
    /// ([`endpoints::check`]): a credential type the endpoint does not accept
    /// (`X_UNSUPPORTED_AUTHENTICATION`), an OAuth 2.0 user token without a
    /// scope it requires (`X_MISSING_SCOPE`). When X refuses a request, the
    /// error's hint says what to do about this credential on this endpoint.
    pub async fn send(
        &self,
        credential: &Credential,
        method: &str,
        path: &str,
        body: &Body,
    ) -> Result<ApiResponse> {
        self.send_with_headers(credential, method, path, body, &[])
            .await
    }

    /// [`XAuth::send`] with extra request headers (`accept`, `x-…`): names
    /// of token characters, values without control characters; the ones
    /// the request itself sets (`authorization`, `content-type`,
    /// `content-length`, `host`, `user-agent`) are refused.
    ///
    /// ```no_run
    /// # async fn demo(x: x_api_auth::XAuth, user: x_api_auth::Credential) -> x_api_auth::Result<()> {
    /// let headers = [("accept-language".to_owned(), "en".to_owned())];
    /// x.send_with_headers(&user, "GET", "/2/users/me", &x_api_auth::Body::Empty, &headers).await?;
    /// # Ok(()) }
    /// ```
    pub async fn send_with_headers(
        &self,
        credential: &Credential,
        method: &str,
        path: &str,
        body: &Body,
        headers: &[(String, String)],
    ) -> Result<ApiResponse> {
        check_extra_headers(headers)?;
        let endpoint = endpoints::check(credential, method, path)?;
        let mut waits = 0;
        loop {
            let attempt = self
                .send_healing_skew(credential, method, path, body, headers, endpoint)
                .await?;
            match attempt {
                Attempt::Done(response) => return Ok(response),
                Attempt::Skewed { error, .. } => return Err(error.into()),
                Attempt::Limited { error, rate_limit } => {
                    let (wait, sleep) = self.rate_limit_wait(error, rate_limit, waits)?;
                    tracing::info!(
                        target: crate::logging::TARGET,
                        %method,
                        %path,
                        wait_secs = wait.as_secs(),
                        "rate limited (429): waiting for the window to reset (wait_on_rate_limit)"
                    );
                    sleep.await;
                    waits += 1;
                }
            }
        }
    }

    /// One attempt, and a second with X's time after a clock-skew refusal
    /// that carried X's `Date`.
    async fn send_healing_skew(
        &self,
        credential: &Credential,
        method: &str,
        path: &str,
        body: &Body,
        headers: &[(String, String)],
        endpoint: Option<EndpointAuth>,
    ) -> Result<Attempt> {
        match self
            .send_once(credential, method, path, body, headers, endpoint)
            .await?
        {
            Attempt::Skewed {
                server_time: Some(server),
                ..
            } => {
                let offset = i64::try_from(server).unwrap_or(i64::MAX)
                    - i64::try_from(self.clock.unix_seconds()).unwrap_or(i64::MAX);
                self.clock_offset.store(offset, Ordering::Relaxed);
                tracing::warn!(
                    target: crate::logging::TARGET,
                    offset_secs = offset,
                    "X's clock differs from this machine's (code 135): signing again with X's time"
                );
                self.send_once(credential, method, path, body, headers, endpoint)
                    .await
            }
            other => Ok(other),
        }
    }

    /// How long to wait after a 429, and the timer, when this client waits
    /// on rate limits and X's reset is within its limit; otherwise the 429
    /// itself (with a hint when the reset is too far away).
    fn rate_limit_wait(
        &self,
        error: ApiError,
        rate_limit: Option<RateLimit>,
        waits: u32,
    ) -> Result<(std::time::Duration, crate::transport::SleepFuture)> {
        let (Some(max), Some(limit)) = (self.rate_limit_wait, rate_limit) else {
            return Err(error.into());
        };
        let wait = limit.retry_after(self.timestamp());
        if wait > max {
            let hint = format!(
                "X's limit resets in {} s, longer than the {} s this client waits on rate limits: \
                 a 24-hour limit (see the rate limit's app_24h / user_24h); retry after it resets",
                wait.as_secs(),
                max.as_secs()
            );
            return Err(error.with_hint(hint).into());
        }
        if waits >= RATE_LIMIT_WAITS {
            return Err(error.into());
        }
        match self.transport.sleep(wait) {
            Some(sleep) => Ok((wait, sleep)),
            None => Err(error.into()),
        }
    }

    async fn send_once(
        &self,
        credential: &Credential,
        method: &str,
        path: &str,
        body: &Body,
        headers: &[(String, String)],
        endpoint: Option<EndpointAuth>,
    ) -> Result<Attempt> {
        let url = self.api_url(path);
        let method = method.to_ascii_uppercase();
        let (content_type, bytes) = body.encode();
        let authorization = credential.authorize(&RequestParts {
            method: &method,
            url: &url,
            content_type,
            body: &bytes,
            timestamp: Some(self.timestamp()),
        })?;
        if let Some(base) = &authorization.base_string {
            tracing::debug!(
                target: crate::logging::TARGET,
                base_string = %crate::oauth1::masked_base_string(base),
                "OAuth 1.0a base string"
            );
        }
        let mut request = HttpRequest::new(method, url)
            .header("authorization", authorization.header)
            .response_limit(API_RESPONSE_LIMIT);
        if let Some(content_type) = content_type {
            request = request.body(content_type, bytes);
        }
        for (name, value) in headers {
            request = request.header(name.to_ascii_lowercase(), value.as_str());
        }
        let mut response = self.transmit(request).await?;
        let rate_limit = RateLimit::from_response(&response);
        if (300..400).contains(&response.status) {
            return Err(Error::unexpected(
                response.status,
                "the server answered with a redirect, which is not followed: \
                 a redirect would carry the Authorization header to another host",
            ));
        }
        if (200..300).contains(&response.status) {
            return Ok(Attempt::Done(ApiResponse {
                status: response.status,
                rate_limit,
                body: std::mem::take(&mut response.body),
            }));
        }
        let mut error = endpoints::explain(
            ApiError::parse(response.status, &response.body),
            credential.kind(),
            endpoint,
        )
        .with_reset_at(rate_limit.map(|r| r.reset_at));
        if let Some(base) = authorization.base_string.filter(|_| {
            matches!(
                error.kind,
                ApiErrorKind::Authentication | ApiErrorKind::ClockSkew
            )
        }) {
            error = error.with_base_string(base);
        }
        tracing::debug!(
            target: crate::logging::TARGET,
            status = error.status,
            kind = ?error.kind,
            x_code = ?error.x_code,
            "X refused the request"
        );
        if error.kind == ApiErrorKind::ClockSkew {
            let server_time = response.header("date").and_then(parse_http_date);
            return Ok(Attempt::Skewed { error, server_time });
        }
        if error.kind == ApiErrorKind::RateLimited {
            return Ok(Attempt::Limited { error, rate_limit });
        }
        Err(error.into())
    }

    /// `GET /2/users/me`: checks a user credential and returns the user.
    pub async fn users_me(&self, credential: &Credential) -> Result<serde_json::Value> {
        self.send(credential, "GET", "/2/users/me", &Body::Empty)
            .await?
            .json()
    }

    /// `GET /2/users/by/username/{username}`: checks a bearer token (or any
    /// credential) with a public lookup.
    pub async fn user_by_username(
        &self,
        credential: &Credential,
        username: &str,
    ) -> Result<serde_json::Value> {
        if username.is_empty()
            || !username
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return Err(Error::invalid_input(
                "username",
                "must be 1 or more of A-Z a-z 0-9 _",
            ));
        }
        let path = format!("/2/users/by/username/{username}");
        self.send(credential, "GET", &path, &Body::Empty)
            .await?
            .json()
    }
}
