//! X's error responses, every shape of them, parsed into one typed error.
//!
//! X answers errors in five shapes: OAuth 2.0 `{error, error_description}`,
//! v1.1 `{"errors":[{"code":N,"message":"…"}]}` (either key order), v2
//! problem JSON (`type`, `title`, `detail`), XML `<errors>` from `oauth/*`,
//! and plain text ("Error processing your OAuth request: …").

use std::borrow::Cow;
use std::fmt;

use serde_json::Value;

/// What kind of failure an [`ApiError`] is, for code that reacts to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ApiErrorKind {
    /// X could not authenticate the request (code 32, bad signature or keys).
    Authentication,
    /// The token is unknown, expired or revoked (code 89, invalid bearer).
    InvalidToken,
    /// The OAuth 1.0a timestamp is too far from X's clock (code 135).
    ClockSkew,
    /// Authentication was required but missing or wholly invalid (code 215).
    BadAuthenticationData,
    /// The app's credentials were rejected on `oauth2/token` (code 99).
    AppCredentials,
    /// The credential is valid but not allowed here (codes 64, 220, 261, 326,
    /// `official-client-forbidden`, a 403 with no more specific kind).
    Forbidden,
    /// The endpoint does not accept this type of credential
    /// (`unsupported-authentication`: an app-only bearer token on a
    /// user-context endpoint, or the reverse).
    UnsupportedAuthentication,
    /// The app is not attached to a Project with access to this endpoint
    /// (`client-forbidden`, reason `client-not-enrolled`).
    ClientNotEnrolled,
    /// The request is billed to the authenticated user, who is not enrolled
    /// in pay-per-use (`client-forbidden`, reason `user-not-enrolled`).
    UserNotEnrolled,
    /// HTTP 402: the account has no credits left (pay-per-use).
    PaymentRequired,
    /// The callback URL is not approved for the app (codes 415, 417).
    CallbackNotApproved,
    /// The app's permissions changed after the token was issued
    /// (`oauth1-permissions`): the access token must be regenerated.
    PermissionsChanged,
    /// The OAuth 2.0 client type does not match how it authenticated
    /// (`unauthorized_client`, `invalid_client`).
    UnauthorizedClient,
    /// The grant (refresh token, authorization code) is spent, expired or
    /// revoked: the user must authorize again.
    ReauthorizationRequired,
    /// Too many requests (HTTP 429, code 88, `usage-capped`).
    RateLimited,
    /// The request was malformed (other HTTP 400s).
    InvalidRequest,
    /// Anything else.
    Other,
}

impl ApiErrorKind {
    /// A stable name for the kind, used as the error code by the bindings.
    pub fn as_str(self) -> &'static str {
        match self {
            ApiErrorKind::Authentication => "authentication",
            ApiErrorKind::InvalidToken => "invalid_token",
            ApiErrorKind::ClockSkew => "clock_skew",
            ApiErrorKind::BadAuthenticationData => "bad_authentication_data",
            ApiErrorKind::AppCredentials => "app_credentials",
            ApiErrorKind::Forbidden => "forbidden",
            ApiErrorKind::UnsupportedAuthentication => "unsupported_authentication",
            ApiErrorKind::ClientNotEnrolled => "client_not_enrolled",
            ApiErrorKind::UserNotEnrolled => "user_not_enrolled",
            ApiErrorKind::PaymentRequired => "payment_required",
            ApiErrorKind::CallbackNotApproved => "callback_not_approved",
            ApiErrorKind::PermissionsChanged => "permissions_changed",
            ApiErrorKind::UnauthorizedClient => "unauthorized_client",
            ApiErrorKind::ReauthorizationRequired => "reauthorization_required",
            ApiErrorKind::RateLimited => "rate_limited",
            ApiErrorKind::InvalidRequest => "invalid_request",
            ApiErrorKind::Other => "other",
        }
    }
}

/// An error answered by X: HTTP status, X's code or error name, message and,
/// where one is known, a hint that says what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    /// HTTP status of the response.
    pub status: u16,
    /// X's numeric error code (v1.1 and `oauth/*` errors), e.g. 32 or 89.
    pub x_code: Option<u32>,
    /// The OAuth 2.0 `error` value, e.g. `invalid_request`.
    pub error: Option<String>,
    /// The v2 problem type, reduced to its last path segment
    /// (`unsupported-authentication`, `about:blank`, ...), whichever host
    /// prefix X used.
    pub problem_type: Option<String>,
    /// The problem's `reason`, when X gives one (`client-not-enrolled`,
    /// `user-not-enrolled`, `official-client-forbidden`).
    pub reason: Option<String>,
    /// X's message (or `error_description`, or problem `detail`).
    pub api_message: String,
    /// The classification of the error.
    pub kind: ApiErrorKind,
    /// What to do about it, when known. [`XAuth::send`](crate::XAuth::send)
    /// makes it precise with what it knows of the request: the credential
    /// type, and the endpoint's accepted types and scopes.
    pub hint: Option<Cow<'static, str>>,
    /// For a rejected OAuth 1.0a request: the signature base string the client
    /// signed (it holds no secret), to compare with what X expected.
    pub base_string: Option<String>,
    /// For rate limits: when the window resets (Unix seconds), from
    /// `x-rate-limit-reset`.
    pub reset_at: Option<u64>,
    /// The stored profile the refused credential came from, when a token
    /// manager sent it: the message then says how to replace its keys.
    pub profile: Option<String>,
}

const HINT_32: &str = "X could not verify the OAuth 1.0a signature: check that the API Key/Secret and Access Token/Secret belong to the same app and were not regenerated, that the clock is right, and that exactly the query and form-body parameters sent were signed (compare the base string)";
const HINT_89: &str = "the token is invalid or revoked: the user revoked the app, or its keys and tokens were regenerated in the developer portal (the old ones stop working); obtain a new token";
const HINT_135: &str = "the request timestamp is too far from X's clock: synchronise the system clock with NTP (the HTTP client retries once using X's Date header)";
const HINT_215: &str =
    "this endpoint requires authentication and none (or a wholly malformed one) was sent";
const HINT_99: &str = "X could not verify the app's API Key and Secret for app-only auth: check them, and do not request bearer tokens in a loop";
const HINT_220: &str = "this credential type is not allowed for this endpoint (e.g. an app-only bearer token on a user-context endpoint): use OAuth 1.0a user context or an OAuth 2.0 user token";
const HINT_UNSUPPORTED: &str = "this endpoint does not accept the type of credential sent (an app-only bearer token where a user must be authenticated, or a user's token where only the app's bearer token works): send the request with one of the types X's message lists";
const HINT_261: &str = "the app has read-only permissions: set 'Read and write' in the developer portal, then regenerate the access token";
const HINT_415: &str = "the callback URL is not in the app's allow-list: add it (exact match) under User authentication settings in the developer portal";
const HINT_417: &str = "this app has a callback URL configured: pass it as the callback, or use 'oob' (PIN) only with an app set up for it";
const HINT_PERMISSIONS: &str = "the app's permissions do not cover this request with this access token: in the developer portal set the app's permissions (User authentication settings, App permissions) to 'Read and write' ('Read and write and Direct message' for DMs), then regenerate the Access Token & Secret (Keys and tokens) or log the user in again (run the 3-legged flow again): a token keeps the permissions it was issued with";
const HINT_UNAUTHORIZED_CLIENT: &str = "the client type does not match the developer portal's 'Type of App': confidential clients (Web App, Automated App or bot) must send the Client Secret, public clients (Native App, Single page App) must not";
const HINT_REFRESH: &str = "the refresh token was already used (X rotates it on every refresh) or was revoked: authorize the user again";
const HINT_CODE: &str =
    "authorization codes are single-use and expire after 30 seconds: restart the authorization";
const HINT_RATE: &str = "rate limit exceeded: wait until the reset time before retrying";
const HINT_USER_ENROLLED: &str = "this request is billed to the authenticated user, who is not enrolled in pay-per-use: the user enrolls in the developer portal (Billing, pay-per-use), or the app pays for it";
const HINT_PAYMENT: &str = "the account has no credits left (pay-per-use): add credits under Billing in the developer portal; X refuses paid requests until then";
const HINT_ENROLLED: &str = "the app is not attached to a Project with access to this endpoint: in the developer portal (Projects & Apps) add the app to a Project, on a plan (access level) that includes this endpoint, then send with that app's keys and tokens";

impl ApiError {
    /// Parses an error response body of any of X's shapes.
    ///
    /// ```
    /// use x_api_auth::{ApiError, ApiErrorKind};
    /// let e = ApiError::parse(401, br#"{"errors":[{"code":32,"message":"Could not authenticate you."}]}"#);
    /// assert_eq!(e.x_code, Some(32));
    /// assert_eq!(e.kind, ApiErrorKind::Authentication);
    /// assert!(e.hint.is_some());
    /// ```
    pub fn parse(status: u16, body: &[u8]) -> ApiError {
        let text = String::from_utf8_lossy(body);
        let text = text.trim();
        let mut e = ApiError {
            status,
            x_code: None,
            error: None,
            problem_type: None,
            reason: None,
            api_message: String::new(),
            kind: ApiErrorKind::Other,
            hint: None,
            base_string: None,
            reset_at: None,
            profile: None,
        };
        if let Ok(json) = serde_json::from_str::<Value>(text) {
            e.read_json(&json);
        } else if text.starts_with("<?xml") || text.starts_with("<errors") {
            e.read_xml(text);
        } else if looks_like_html(text) {
            e.api_message = "the server answered with an HTML page instead of an API error".into();
        } else {
            e.api_message = Truncated(text, MESSAGE_LIMIT).to_string();
        }
        if e.api_message.is_empty() {
            e.api_message = format!("HTTP {status} with no error message");
        }
        e.cap_lengths();
        (e.kind, e.hint) = classify(&e);
        e
    }

    /// Cuts what the server chose (message, error name, problem type) to
    /// [`MESSAGE_LIMIT`] characters: X's are one line, and a hostile server
    /// must not make every `str(e)` megabytes long.
    fn cap_lengths(&mut self) {
        cap(&mut self.api_message);
        for field in [&mut self.error, &mut self.problem_type, &mut self.reason]
            .into_iter()
            .flatten()
        {
            cap(field);
        }
    }

    /// An error from an OAuth 2.0 `error` / `error_description` pair (a token
    /// endpoint body, or a redirect's query).
    pub fn from_oauth2_error(status: u16, error: &str, description: &str) -> ApiError {
        let mut e = ApiError {
            status,
            x_code: None,
            error: Some(error.to_owned()),
            problem_type: None,
            reason: None,
            api_message: description.to_owned(),
            kind: ApiErrorKind::Other,
            hint: None,
            base_string: None,
            reset_at: None,
            profile: None,
        };
        e.cap_lengths();
        (e.kind, e.hint) = classify(&e);
        e
    }

    /// Attaches the OAuth 1.0a base string the rejected request was signed
    /// over.
    ///
    /// The values of secret-bearing parameters (`oauth_verifier`, the PIN)
    /// are replaced by `[redacted]`: the explanation of a refusal never
    /// carries a secret.
    ///
    /// ```
    /// use x_api_auth::ApiError;
    /// let base = "POST&https%3A%2F%2Fapi.x.com%2Foauth%2Faccess_token&oauth_token%3Dt%26oauth_verifier%3D7654321%26oauth_version%3D1.0";
    /// let e = ApiError::parse(401, b"Invalid oauth_verifier parameter").with_base_string(base);
    /// let kept = e.base_string.unwrap();
    /// assert!(!kept.contains("7654321") && kept.contains("oauth_verifier%3D%5Bredacted%5D%26oauth_version"));
    /// ```
    pub fn with_base_string(mut self, base_string: impl Into<String>) -> Self {
        let base = zeroize::Zeroizing::new(base_string.into());
        self.base_string = Some(masked(&base));
        self
    }

    /// Attaches the rate-limit reset time (Unix seconds) to a rate-limit
    /// refusal ([`ApiErrorKind::RateLimited`]); any other error keeps none
    /// (X sends `x-rate-limit-reset` on every response, but only a rate
    /// limit makes it worth waiting for).
    pub fn with_reset_at(mut self, reset: Option<u64>) -> Self {
        if self.kind == ApiErrorKind::RateLimited {
            self.reset_at = reset;
        }
        self
    }

    /// Replaces the hint with a more precise one (what the caller knows of
    /// the request that X refused).
    pub fn with_hint(mut self, hint: impl Into<Cow<'static, str>>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Names the stored profile the credential came from, for the errors
    /// that regenerated keys cause (codes 89, 32, 99, an unauthorized
    /// client); other errors are returned as they are.
    pub fn with_profile(mut self, profile: &str) -> Self {
        if matches!(
            self.kind,
            ApiErrorKind::InvalidToken
                | ApiErrorKind::Authentication
                | ApiErrorKind::AppCredentials
                | ApiErrorKind::UnauthorizedClient
        ) {
            self.profile = Some(profile.to_owned());
        }
        self
    }

    fn read_json(&mut self, json: &Value) {
        if let Some(first) = json
            .get("errors")
            .and_then(Value::as_array)
            .and_then(|a| a.first())
        {
            if let Some(code) = first.get("code").and_then(Value::as_u64) {
                self.x_code = u32::try_from(code).ok();
                self.api_message = str_field(first, "message");
                return;
            }
            if first.get("title").is_some() || first.get("type").is_some() {
                self.read_problem(first);
                return;
            }
            self.api_message = str_field(first, "message");
        }
        if let Some(error) = json.get("error").and_then(Value::as_str) {
            self.error = Some(error.to_owned());
            self.api_message = str_field(json, "error_description");
            if self.api_message.is_empty() {
                self.api_message = error.to_owned();
            }
            return;
        }
        if json.get("title").is_some() || json.get("type").is_some() {
            self.read_problem(json);
        }
    }

    fn read_problem(&mut self, json: &Value) {
        let ty = str_field(json, "type");
        self.problem_type = Some(match ty.rsplit_once("/problems/") {
            Some((_, suffix)) => suffix.to_owned(),
            None if ty.is_empty() => "about:blank".to_owned(),
            None => ty,
        });
        self.api_message = str_field(json, "detail");
        if self.api_message.is_empty() {
            self.api_message = str_field(json, "title");
        }
        self.reason = json
            .get("reason")
            .and_then(Value::as_str)
            .map(str::to_owned);
    }

    fn read_xml(&mut self, text: &str) {
        // <errors><error code="415">Callback URL not approved …</error></errors>
        let Some(start) = text.find("<error ").or_else(|| text.find("<error>")) else {
            self.api_message = Truncated(text, MESSAGE_LIMIT).to_string();
            return;
        };
        let element = &text[start..];
        if let Some(code_at) = element.find("code=\"") {
            let digits: String = element[code_at + 6..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            self.x_code = digits.parse().ok();
        }
        if let (Some(open_end), Some(close)) = (element.find('>'), element.find("</error>"))
            && open_end < close
        {
            self.api_message = element[open_end + 1..close].trim().to_owned();
        }
    }
}

/// `base` with the value of every `oauth_verifier` parameter (encoded twice
/// in a base string: `oauth_verifier%3D<value>%26`) replaced by `[redacted]`.
pub(crate) fn masked(base: &str) -> String {
    const SECRET: &str = "oauth_verifier%3D";
    let mut out = String::with_capacity(base.len());
    let mut rest = base;
    while let Some(at) = rest.find(SECRET) {
        out.push_str(&rest[..at + SECRET.len()]);
        out.push_str("%5Bredacted%5D");
        let value = &rest[at + SECRET.len()..];
        rest = value.find("%26").map_or("", |end| &value[end..]);
    }
    out.push_str(rest);
    out
}

fn str_field(json: &Value, key: &str) -> String {
    json.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn looks_like_html(text: &str) -> bool {
    let head: String = text
        .chars()
        .take(64)
        .collect::<String>()
        .to_ascii_lowercase();
    head.starts_with("<!doctype html") || head.starts_with("<html") || head.contains("<head")
}

fn classify(e: &ApiError) -> (ApiErrorKind, Option<Cow<'static, str>>) {
    let (kind, hint) = classify_static(e);
    (kind, hint.map(Cow::Borrowed))
}

fn classify_static(e: &ApiError) -> (ApiErrorKind, Option<&'static str>) {
    use ApiErrorKind as K;
    if let Some(code) = e.x_code {
        let known = match code {
            32 => Some((K::Authentication, HINT_32)),
            89 => Some((K::InvalidToken, HINT_89)),
            135 => Some((K::ClockSkew, HINT_135)),
            215 => Some((K::BadAuthenticationData, HINT_215)),
            99 => Some((K::AppCredentials, HINT_99)),
            220 => Some((K::Forbidden, HINT_220)),
            261 => Some((K::Forbidden, HINT_261)),
            64 | 326 | 416 => Some((K::Forbidden, "")),
            415 => Some((K::CallbackNotApproved, HINT_415)),
            417 => Some((K::CallbackNotApproved, HINT_417)),
            88 => Some((K::RateLimited, HINT_RATE)),
            _ => None,
        };
        if let Some((kind, hint)) = known {
            return (kind, (!hint.is_empty()).then_some(hint));
        }
    }
    if let Some(error) = e.error.as_deref() {
        let message = e.api_message.as_str();
        return match error {
            "unauthorized_client" | "invalid_client" => {
                (K::UnauthorizedClient, Some(HINT_UNAUTHORIZED_CLIENT))
            }
            "invalid_grant" => (K::ReauthorizationRequired, Some(HINT_REFRESH)),
            "access_denied" => (K::Forbidden, None),
            _ if message.contains("authorization code was invalid") => {
                (K::ReauthorizationRequired, Some(HINT_CODE))
            }
            _ if message.contains("token was invalid") => {
                (K::ReauthorizationRequired, Some(HINT_REFRESH))
            }
            _ => (K::InvalidRequest, None),
        };
    }
    if let Some(problem) = e.problem_type.as_deref() {
        match problem {
            "oauth1-permissions" => return (K::PermissionsChanged, Some(HINT_PERMISSIONS)),
            "unsupported-authentication" => {
                return (K::UnsupportedAuthentication, Some(HINT_UNSUPPORTED));
            }
            "client-forbidden" => {
                return match e.reason.as_deref() {
                    Some("user-not-enrolled") => (K::UserNotEnrolled, Some(HINT_USER_ENROLLED)),
                    Some("official-client-forbidden") => (K::Forbidden, None),
                    _ => (K::ClientNotEnrolled, Some(HINT_ENROLLED)),
                };
            }
            "usage-capped" | "rate-limit-exceeded" => return (K::RateLimited, Some(HINT_RATE)),
            "invalid-request" => return (K::InvalidRequest, None),
            _ => {}
        }
    }
    if e.api_message.contains("Invalid oauth_verifier") {
        return (
            K::ReauthorizationRequired,
            Some(
                "the verifier (PIN) is wrong, already used, or belongs to another request token: restart the login",
            ),
        );
    }
    match e.status {
        401 => (K::Authentication, None),
        403 => (K::Forbidden, None),
        429 => (K::RateLimited, Some(HINT_RATE)),
        402 => (K::PaymentRequired, Some(HINT_PAYMENT)),
        400 => (K::InvalidRequest, None),
        _ => (K::Other, None),
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "X API error (HTTP {}", self.status)?;
        if let Some(code) = self.x_code {
            write!(f, ", code {code}")?;
        }
        if let Some(error) = &self.error {
            write!(f, ", {error}")?;
        }
        if let Some(problem) = &self.problem_type {
            write!(f, ", {problem}")?;
        }
        f.write_str("): ")?;
        let mut text = self.api_message.clone();
        if let Some(hint) = &self.hint {
            sentence(&mut text, format_args!("Hint: {hint}"));
        }
        if let Some(reset) = self
            .reset_at
            .filter(|_| self.kind == ApiErrorKind::RateLimited)
        {
            sentence(
                &mut text,
                format_args!("Rate limit resets at {reset} (Unix time)"),
            );
        }
        if let Some(profile) = &self.profile {
            sentence(
                &mut text,
                format_args!(
                    "The credentials come from profile {profile}: if its keys were regenerated in the developer portal, store the new ones with set_app_keys (its users are kept)"
                ),
            );
        }
        f.write_str(&text)
    }
}

/// Appends a sentence to `text`: after a full stop of its own (X's messages
/// end in one, some hints do) only a space, never a second one.
fn sentence(text: &mut String, next: fmt::Arguments<'_>) {
    use fmt::Write;
    let trimmed = text.trim_end().len();
    text.truncate(trimmed);
    match text.chars().last() {
        None => {}
        Some('.' | '!' | '?' | '…') => text.push(' '),
        Some(_) => text.push_str(". "),
    }
    let _ = text.write_fmt(next);
}

impl std::error::Error for ApiError {}

/// Shows a string that may be long (a response body) cut to `max` characters.
/// The longest message, error name or problem type kept from a server, in
/// characters (longer ones end in `…`).
const MESSAGE_LIMIT: usize = 500;

fn cap(text: &mut String) {
    if let Some((i, _)) = text.char_indices().nth(MESSAGE_LIMIT) {
        text.truncate(i);
        text.push('…');
    }
}

struct Truncated<'a>(pub &'a str, pub usize);

impl fmt::Display for Truncated<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.char_indices().nth(self.1) {
            None => f.write_str(self.0),
            Some((i, _)) => write!(f, "{}…", &self.0[..i]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v11_either_key_order() {
        let a = ApiError::parse(
            401,
            br#"{"errors":[{"message":"Invalid or expired token","code":89}]}"#,
        );
        assert_eq!((a.x_code, a.kind), (Some(89), ApiErrorKind::InvalidToken));
        assert_eq!(a.api_message, "Invalid or expired token");
        let b = ApiError::parse(
            401,
            br#"{"errors":[{"code":135,"message":"Timestamp out of bounds."}]}"#,
        );
        assert_eq!((b.x_code, b.kind), (Some(135), ApiErrorKind::ClockSkew));
    }

    #[test]
    fn code_99_with_label() {
        let e = ApiError::parse(
            403,
            br#"{"errors":[{"code":99,"label":"authenticity_token_error","message":"Unable to verify your credentials"}]}"#,
        );
        assert_eq!(e.kind, ApiErrorKind::AppCredentials);
    }

    #[test]
    fn oauth2_errors() {
        let e = ApiError::parse(
            400,
            br#"{"error":"invalid_request","error_description":"Value passed for the token was invalid."}"#,
        );
        assert_eq!(e.error.as_deref(), Some("invalid_request"));
        assert_eq!(e.kind, ApiErrorKind::ReauthorizationRequired);
        let e = ApiError::parse(
            401,
            br#"{"error":"unauthorized_client","error_description":"Missing valid authorization header"}"#,
        );
        assert_eq!(e.kind, ApiErrorKind::UnauthorizedClient);
        let e = ApiError::parse(
            400,
            br#"{"error":"invalid_request","error_description":"Value passed for the authorization code was invalid."}"#,
        );
        assert_eq!(e.hint.as_deref(), Some(HINT_CODE));
    }

    #[test]
    fn problem_json_matches_suffix_of_either_host() {
        for host in ["api.twitter.com", "api.x.com"] {
            let body = format!(
                r#"{{"title":"Unsupported Authentication","detail":"Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.","type":"https://{host}/2/problems/unsupported-authentication","status":403}}"#
            );
            let e = ApiError::parse(403, body.as_bytes());
            assert_eq!(
                e.problem_type.as_deref(),
                Some("unsupported-authentication")
            );
            assert_eq!(e.kind, ApiErrorKind::UnsupportedAuthentication);
        }
        let e = ApiError::parse(401, br#"{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}"#);
        assert_eq!(e.problem_type.as_deref(), Some("about:blank"));
        assert_eq!(e.kind, ApiErrorKind::Authentication);
        let e = ApiError::parse(403, br#"{"type":"https://api.x.com/2/problems/oauth1-permissions","title":"Forbidden","detail":"Your app permissions changed."}"#);
        assert_eq!(e.kind, ApiErrorKind::PermissionsChanged);
    }

    #[test]
    fn xml_and_plain_text() {
        let e = ApiError::parse(
            403,
            br#"<?xml version='1.0' encoding='UTF-8'?><errors><error code="415">Callback URL not approved for this client application. Approved callback URLs can be adjusted in your application settings</error></errors>"#,
        );
        assert_eq!(e.x_code, Some(415));
        assert_eq!(e.kind, ApiErrorKind::CallbackNotApproved);
        assert!(e.api_message.starts_with("Callback URL not approved"));
        let e = ApiError::parse(
            401,
            b"Error processing your OAuth request: Invalid oauth_verifier parameter",
        );
        assert_eq!(e.kind, ApiErrorKind::ReauthorizationRequired);
        assert!(e.api_message.contains("Invalid oauth_verifier"));
    }

    #[test]
    fn html_and_empty_bodies() {
        let e = ApiError::parse(502, b"<!DOCTYPE html><html><body>Bad gateway</body></html>");
        assert!(e.api_message.contains("HTML"));
        let e = ApiError::parse(500, b"");
        assert_eq!(e.api_message, "HTTP 500 with no error message");
        let e = ApiError::parse(429, b"{}");
        assert_eq!(e.kind, ApiErrorKind::RateLimited);
    }

    /// Issue 15: "Could not authenticate you.. Hint: … Rate limit resets at
    /// 1796013149 (Unix time)" on a 401.
    #[test]
    fn a_refused_signature_has_one_full_stop_and_no_rate_limit_line() {
        let e = ApiError::parse(
            401,
            br#"{"errors":[{"code":32,"message":"Could not authenticate you."}]}"#,
        )
        .with_reset_at(Some(1_796_013_149));
        let s = e.to_string();
        assert!(
            s.contains("Could not authenticate you. Hint: X could not verify"),
            "{s}"
        );
        assert!(!s.contains(".."), "double punctuation: {s}");
        assert!(!s.contains("Rate limit"), "a 401 is no rate limit: {s}");
        assert_eq!(e.reset_at, None);
    }

    #[test]
    fn the_rate_limit_line_is_on_rate_limit_refusals_only() {
        let e = ApiError::parse(
            429,
            br#"{"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429}"#,
        )
        .with_reset_at(Some(1_796_013_149));
        assert_eq!(
            e.to_string(),
            "X API error (HTTP 429, about:blank): Too Many Requests. Hint: rate limit exceeded: wait until the reset time before retrying. Rate limit resets at 1796013149 (Unix time)"
        );
        assert_eq!(e.reset_at, Some(1_796_013_149));
        let e = ApiError::parse(
            429,
            br#"{"errors":[{"code":88,"message":"Rate limit exceeded."}]}"#,
        )
        .with_reset_at(Some(7));
        let s = e.to_string();
        assert!(
            s.contains("Rate limit exceeded. Hint: rate limit exceeded"),
            "{s}"
        );
        assert!(
            s.ends_with("before retrying. Rate limit resets at 7 (Unix time)"),
            "{s}"
        );
    }

    #[test]
    fn sentences_never_double_their_punctuation() {
        for message in ["Done.", "Done!", "Done?", "Done…", "Done. ", "Done"] {
            let e = ApiError::parse(
                403,
                format!(r#"{{"errors":[{{"code":261,"message":"{message}"}}]}}"#).as_bytes(),
            )
            .with_hint("do this.");
            let mut e = e;
            e.profile = Some("default".into());
            let s = e.to_string();
            assert!(
                !s.contains("..")
                    && !s.contains("!.")
                    && !s.contains("?.")
                    && !s.contains("….")
                    && !s.contains(". ."),
                "{s}"
            );
            assert!(
                s.contains("Hint: do this. The credentials come from profile default"),
                "{s}"
            );
        }
    }

    #[test]
    fn enrollment_billing_and_credential_type_refusals_have_their_own_kind() {
        let forbidden = |reason: &str| {
            ApiError::parse(403, format!(r#"{{"title":"Client Forbidden","detail":"d","reason":"{reason}","type":"https://api.twitter.com/2/problems/client-forbidden"}}"#).as_bytes())
        };
        let e = forbidden("client-not-enrolled");
        assert_eq!(e.kind, ApiErrorKind::ClientNotEnrolled);
        assert!(e.hint.unwrap().contains("add the app to a Project"));
        let e = forbidden("user-not-enrolled");
        assert_eq!(e.kind, ApiErrorKind::UserNotEnrolled);
        assert!(e.hint.unwrap().contains("billed to the authenticated user"));
        assert_eq!(
            forbidden("official-client-forbidden").kind,
            ApiErrorKind::Forbidden
        );
        let e = ApiError::parse(402, br#"{"title":"Payment Required","detail":"no credits","type":"about:blank","status":402}"#);
        assert_eq!(e.kind, ApiErrorKind::PaymentRequired);
        assert!(e.hint.unwrap().contains("add credits under Billing"));
        let e = ApiError::parse(403, br#"{"title":"Unsupported Authentication","detail":"d","type":"https://api.x.com/2/problems/unsupported-authentication","status":403}"#);
        assert_eq!(e.kind, ApiErrorKind::UnsupportedAuthentication);
        let e = ApiError::parse(403, br#"{"title":"Forbidden","detail":"d","type":"https://api.x.com/2/problems/oauth1-permissions","status":403}"#);
        assert_eq!(e.kind, ApiErrorKind::PermissionsChanged);
        assert!(
            e.hint
                .unwrap()
                .contains("regenerate the Access Token & Secret")
        );
    }

    #[test]
    fn display_has_status_code_message_and_hint() {
        let e = ApiError::parse(
            401,
            br#"{"errors":[{"code":32,"message":"Could not authenticate you."}]}"#,
        );
        let s = e.to_string();
        assert!(
            s.contains("HTTP 401") && s.contains("code 32") && s.contains("Hint:"),
            "{s}"
        );
    }
}
