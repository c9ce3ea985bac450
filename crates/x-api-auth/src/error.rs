//! The one error type of the crate.

use crate::api_error::ApiError;

/// Everything that can go wrong, typed so that callers (and the Python and
/// Node bindings) can react to each case. No message ever contains a secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A required setting is missing, e.g. an environment variable.
    #[error("missing configuration: {name} {reason}")]
    MissingConfig {
        /// What is missing (an environment variable name, a field).
        name: String,
        /// Why it counts as missing ("is not set", "is empty").
        reason: &'static str,
    },

    /// An argument was malformed: the message says which one and why.
    #[error("invalid {field}: {reason}")]
    InvalidInput {
        /// The argument at fault.
        field: &'static str,
        /// What is wrong with it (never its value when it is a secret).
        reason: String,
    },

    /// X (or the sandbox) answered with an error.
    #[error(transparent)]
    Api(Box<ApiError>),

    /// The `state` on the OAuth 2.0 redirect is not the one this authorization
    /// sent: the callback may be forged (CSRF) or belong to another login.
    #[error(
        "state mismatch: the redirect's state is not the one this authorization sent; restart the login (possible CSRF or a stale session)"
    )]
    StateMismatch,

    /// The `oauth_token` on the OAuth 1.0a callback is not the request token
    /// this flow obtained.
    #[error(
        "oauth_token mismatch: the callback belongs to another request token; restart the login"
    )]
    TokenMismatch,

    /// The user pressed "Cancel"/"Deny" on X's consent page.
    #[error("the user denied the authorization{}", .description.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    AccessDenied {
        /// X's `error_description`, when it sent one.
        description: Option<String>,
    },

    /// The HTTP exchange itself failed: no connection, a timeout, a broken
    /// response.
    #[error("transport error: {reason}")]
    Transport {
        /// What failed.
        reason: String,
        /// Whether it was the request timeout.
        timeout: bool,
    },

    /// A plain `http://` base URL on a host that is not loopback: the flows
    /// would send secrets in clear.
    #[error(
        "refusing {url}: plain http:// on a host that is not loopback would send the app's and users' secrets in clear; use https://, or opt in with insecure_allow_http"
    )]
    InsecureTransport {
        /// The base URL refused.
        url: String,
    },

    /// A token store failed: it cannot be read or written, is corrupt, is
    /// locked by another process for too long, or holds a format this
    /// version cannot read. The message says what to do.
    #[error("token store {location}: {reason}")]
    Store {
        /// What kind of failure.
        kind: StoreErrorKind,
        /// The file path or store URL at fault.
        location: String,
        /// What went wrong and what to do.
        reason: String,
    },

    /// A stored user must log in again: their refresh token was refused
    /// (spent, reused or revoked) or they have none. The record is kept,
    /// marked as needing login.
    #[error("user {user} of profile {profile} must log in again: {reason}")]
    LoginRequired {
        /// The profile.
        profile: String,
        /// The user's id (or how the caller named them).
        user: String,
        /// Why.
        reason: String,
    },

    /// The request was not sent: the endpoint does not accept this type of
    /// credential (X would answer 403 `unsupported-authentication`), as X's
    /// OpenAPI document says (the `endpoints` module).
    #[error("{endpoint} was not sent: it does not accept {used}. Hint: {hint}")]
    UnsupportedAuthentication {
        /// The method and path template, e.g. `GET /2/users/me`.
        endpoint: String,
        /// X's name of the credential type sent (`OAuth 2.0 Application-Only`).
        used: &'static str,
        /// What to do: the types the endpoint accepts.
        hint: String,
    },

    /// The request was not sent: the OAuth 2.0 user token was not granted a
    /// scope the endpoint requires (X would answer 403).
    #[error(
        "{endpoint} was not sent: the OAuth 2.0 user token lacks scopes it requires: {scope}. Hint: {hint}"
    )]
    MissingScope {
        /// The method and path template, e.g. `POST /2/tweets`.
        endpoint: String,
        /// The missing scopes, space-separated.
        scope: String,
        /// What to do: log the user in again asking for them.
        hint: String,
    },

    /// A successful HTTP response whose body is not what the protocol says it
    /// must be (a missing field, a wrong `token_type`, an unconfirmed callback).
    #[error("unexpected response (HTTP {status}): {reason}")]
    UnexpectedResponse {
        /// The HTTP status of the response.
        status: u16,
        /// What is wrong with it.
        reason: String,
    },
}

impl Error {
    /// `X_INVALID_INPUT` for `field`, saying what it must be: for the
    /// values an application or a tool takes from its own users.
    ///
    /// ```
    /// let e = x_api_auth::Error::invalid_input("port", "must be a number");
    /// assert_eq!(e.to_string(), "invalid port: must be a number");
    /// ```
    pub fn invalid_input(field: &'static str, reason: impl Into<String>) -> Self {
        Error::InvalidInput {
            field,
            reason: reason.into(),
        }
    }

    pub(crate) fn store(
        kind: StoreErrorKind,
        location: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        Error::Store {
            kind,
            location: location.into(),
            reason: reason.into(),
        }
    }

    /// The error for a response body longer than `limit` bytes
    /// (`X_UNEXPECTED_RESPONSE`), for the transports that read responses.
    ///
    /// ```
    /// let e = x_api_auth::Error::response_too_large(200, 65_536);
    /// assert_eq!(e.code(), "X_UNEXPECTED_RESPONSE");
    /// ```
    pub fn response_too_large(status: u16, limit: usize) -> Self {
        Error::unexpected(
            status,
            format!(
                "the response body is longer than {limit} bytes, far more than X sends here; \
                 is the base URL pointing at X?"
            ),
        )
    }

    pub(crate) fn unexpected(status: u16, reason: impl Into<String>) -> Self {
        Error::UnexpectedResponse {
            status,
            reason: reason.into(),
        }
    }

    /// A stable code for the error, the same in Rust, Python and Node:
    /// `X_CONFIG`, `X_INVALID_INPUT`, `X_STATE_MISMATCH`, `X_ACCESS_DENIED`,
    /// `X_TRANSPORT`, `X_UNEXPECTED_RESPONSE`, `X_AUTHENTICATION`,
    /// `X_CLOCK_SKEW`, `X_INVALID_TOKEN`, `X_REAUTHORIZE`, `X_RATE_LIMITED`,
    /// `X_FORBIDDEN`, `X_UNSUPPORTED_AUTHENTICATION`, `X_MISSING_SCOPE`,
    /// `X_OAUTH1_PERMISSIONS`, `X_CLIENT_NOT_ENROLLED`, `X_USER_NOT_ENROLLED`,
    /// `X_PAYMENT_REQUIRED`, `X_UNAUTHORIZED_CLIENT`, `X_INVALID_REQUEST`,
    /// `X_API_ERROR`, `X_STORE`, `X_INSECURE_TRANSPORT`.
    ///
    /// ```
    /// assert_eq!(x_api_auth::Error::StateMismatch.code(), "X_STATE_MISMATCH");
    /// ```
    pub fn code(&self) -> &'static str {
        use crate::api_error::ApiErrorKind as K;
        match self {
            Error::MissingConfig { .. } => "X_CONFIG",
            Error::InvalidInput { .. } => "X_INVALID_INPUT",
            Error::StateMismatch | Error::TokenMismatch => "X_STATE_MISMATCH",
            Error::AccessDenied { .. } => "X_ACCESS_DENIED",
            Error::Transport { .. } => "X_TRANSPORT",
            Error::UnexpectedResponse { .. } => "X_UNEXPECTED_RESPONSE",
            Error::Store { .. } => "X_STORE",
            Error::InsecureTransport { .. } => "X_INSECURE_TRANSPORT",
            Error::LoginRequired { .. } => "X_REAUTHORIZE",
            Error::UnsupportedAuthentication { .. } => "X_UNSUPPORTED_AUTHENTICATION",
            Error::MissingScope { .. } => "X_MISSING_SCOPE",
            Error::Api(api) => match api.kind {
                K::Authentication | K::BadAuthenticationData | K::AppCredentials => {
                    "X_AUTHENTICATION"
                }
                K::ClockSkew => "X_CLOCK_SKEW",
                K::InvalidToken => "X_INVALID_TOKEN",
                K::ReauthorizationRequired => "X_REAUTHORIZE",
                K::RateLimited => "X_RATE_LIMITED",
                K::Forbidden | K::CallbackNotApproved => "X_FORBIDDEN",
                K::UnsupportedAuthentication => "X_UNSUPPORTED_AUTHENTICATION",
                K::PermissionsChanged => "X_OAUTH1_PERMISSIONS",
                K::ClientNotEnrolled => "X_CLIENT_NOT_ENROLLED",
                K::UserNotEnrolled => "X_USER_NOT_ENROLLED",
                K::PaymentRequired => "X_PAYMENT_REQUIRED",
                K::UnauthorizedClient => "X_UNAUTHORIZED_CLIENT",
                K::InvalidRequest => "X_INVALID_REQUEST",
                K::Other => "X_API_ERROR",
            },
        }
    }

    /// Every code [`Error::code`] can return, plus `X_INTERNAL`, which the
    /// bindings use for a bug caught at the boundary (a panic).
    pub const CODES: &'static [&'static str] = &[
        "X_CONFIG",
        "X_INVALID_INPUT",
        "X_STATE_MISMATCH",
        "X_ACCESS_DENIED",
        "X_TRANSPORT",
        "X_UNEXPECTED_RESPONSE",
        "X_AUTHENTICATION",
        "X_CLOCK_SKEW",
        "X_INVALID_TOKEN",
        "X_REAUTHORIZE",
        "X_RATE_LIMITED",
        "X_FORBIDDEN",
        "X_UNSUPPORTED_AUTHENTICATION",
        "X_MISSING_SCOPE",
        "X_OAUTH1_PERMISSIONS",
        "X_CLIENT_NOT_ENROLLED",
        "X_USER_NOT_ENROLLED",
        "X_PAYMENT_REQUIRED",
        "X_UNAUTHORIZED_CLIENT",
        "X_INVALID_REQUEST",
        "X_API_ERROR",
        "X_STORE",
        "X_INSECURE_TRANSPORT",
        "X_INTERNAL",
    ];

    /// The error's structured fields, named in snake_case, for callers that
    /// present errors elsewhere (the Python bindings write these names as
    /// they are, the Node bindings in camelCase). Only fields with a value
    /// are listed; none holds a secret.
    ///
    /// ```
    /// use x_api_auth::{ApiError, Error, ErrorField};
    /// let e: Error = ApiError::parse(401, br#"{"errors":[{"code":89,"message":"Invalid or expired token."}]}"#).into();
    /// let fields = e.fields();
    /// assert!(fields.contains(&("x_code", ErrorField::Number(89))));
    /// assert!(fields.contains(&("status", ErrorField::Number(401))));
    /// ```
    pub fn fields(&self) -> Vec<(&'static str, ErrorField<'_>)> {
        use ErrorField::{Bool, Number, Text};
        let mut fields = Vec::new();
        match self {
            Error::Api(api) => {
                fields.push(("status", Number(api.status.into())));
                let optional = [
                    ("x_code", api.x_code.map(|c| Number(c.into()))),
                    ("error", api.error.as_deref().map(Text)),
                    ("problem_type", api.problem_type.as_deref().map(Text)),
                    ("reason", api.reason.as_deref().map(Text)),
                    ("api_message", Some(Text(&api.api_message))),
                    ("kind", Some(Text(api.kind.as_str()))),
                    ("hint", api.hint.as_deref().map(Text)),
                    ("base_string", api.base_string.as_deref().map(Text)),
                    ("reset_at", api.reset_at.map(Number)),
                    ("profile", api.profile.as_deref().map(Text)),
                ];
                fields.extend(optional.into_iter().filter_map(|(k, v)| Some((k, v?))));
            }
            Error::UnexpectedResponse { status, .. } => {
                fields.push(("status", Number((*status).into())));
            }
            Error::Transport { timeout, .. } => fields.push(("timeout", Bool(*timeout))),
            Error::InvalidInput { field, .. } => fields.push(("field", Text(field))),
            Error::InsecureTransport { url } => fields.push(("url", Text(url))),
            Error::Store { kind, location, .. } => {
                fields.push(("kind", Text(kind.as_str())));
                fields.push(("location", Text(location)));
            }
            Error::LoginRequired { profile, user, .. } => {
                fields.push(("profile", Text(profile)));
                fields.push(("user", Text(user)));
            }
            Error::UnsupportedAuthentication { hint, .. } => fields.push(("hint", Text(hint))),
            Error::MissingScope { scope, hint, .. } => {
                fields.push(("scope", Text(scope)));
                fields.push(("hint", Text(hint)));
            }
            _ => {}
        }
        fields
    }

    /// The X API error behind this error, if X answered with one.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }
}

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Self {
        Error::Api(Box::new(e))
    }
}

/// Checks that a value that will reach an HTTP header holds no control
/// character (CR and LF above all: header injection).
pub(crate) fn check_header_safe(field: &'static str, value: &str) -> Result<(), Error> {
    match value.bytes().position(|b| b.is_ascii_control()) {
        None => Ok(()),
        Some(i) => Err(Error::invalid_input(
            field,
            format!(
                "contains a control character (CR, LF, tab or similar) at byte {i}; header values cannot carry it"
            ),
        )),
    }
}

/// Checks that a required value is not empty.
pub(crate) fn check_not_empty(field: &'static str, value: &str) -> Result<(), Error> {
    if value.is_empty() {
        Err(Error::invalid_input(field, "must not be empty"))
    } else {
        Ok(())
    }
}

/// What kind of token-store failure an [`Error::Store`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StoreErrorKind {
    /// Reading or writing failed (disk full, a file-size limit, a
    /// read-only directory, a lost connection).
    Io,
    /// The store is readable by others, or cannot be opened for lack of
    /// permission.
    Permissions,
    /// The store's content is not a valid store (truncated, edited by hand).
    Corrupt,
    /// The store is encrypted and the key is missing or wrong, or the
    /// ciphertext was altered.
    Decrypt,
    /// The record changed since it was read (a newer generation is stored).
    Conflict,
    /// Another process holds the record's lock for too long.
    Locked,
    /// The store was written by a newer version of x-api-auth.
    UnsupportedVersion,
    /// The store URL is not one this build understands.
    Url,
    /// The store's server (Redis) cannot be reached; a token X issued
    /// meanwhile is kept in memory and saved when it is back.
    Unavailable,
}

impl StoreErrorKind {
    /// `io`, `permissions`, `corrupt`, `decrypt`, `conflict`, `locked`,
    /// `unsupported-version`, `url` or `unavailable`.
    pub fn as_str(self) -> &'static str {
        match self {
            StoreErrorKind::Io => "io",
            StoreErrorKind::Permissions => "permissions",
            StoreErrorKind::Corrupt => "corrupt",
            StoreErrorKind::Decrypt => "decrypt",
            StoreErrorKind::Conflict => "conflict",
            StoreErrorKind::Locked => "locked",
            StoreErrorKind::UnsupportedVersion => "unsupported-version",
            StoreErrorKind::Url => "url",
            StoreErrorKind::Unavailable => "unavailable",
        }
    }
}

/// The value of one of [`Error::fields`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorField<'a> {
    /// A number (an HTTP status, X's code, a Unix time).
    Number(u64),
    /// A text.
    Text(&'a str),
    /// A flag.
    Bool(bool),
}

/// The crate's `Result`.
pub type Result<T, E = Error> = std::result::Result<T, E>;
