//! X's error responses, byte for byte as X sends them.

use std::borrow::Cow;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use x_api_auth::CredentialKind;

/// An error the sandbox answers with.
#[derive(Debug, Clone)]
pub enum XError {
    /// v1.1 `{"errors":[{"code":N,"message":"…"}]}`.
    V1 {
        status: u16,
        code: u32,
        message: &'static str,
    },
    /// OAuth 2.0 `{"error":"…","error_description":"…"}`.
    OAuth2 {
        status: u16,
        error: &'static str,
        description: &'static str,
    },
    /// v2 problem JSON.
    Problem {
        status: u16,
        title: &'static str,
        kind: &'static str,
        detail: Cow<'static, str>,
    },
    /// XML `<errors>` (some `oauth/*` errors).
    Xml {
        status: u16,
        code: u32,
        message: &'static str,
    },
    /// Plain text (some `oauth/*` errors).
    Text { status: u16, text: &'static str },
}

impl XError {
    pub const BAD_SIGNATURE: XError = XError::V1 {
        status: 401,
        code: 32,
        message: "Could not authenticate you.",
    };
    pub const INVALID_TOKEN: XError = XError::V1 {
        status: 401,
        code: 89,
        message: "Invalid or expired token.",
    };
    pub const TIMESTAMP: XError = XError::V1 {
        status: 401,
        code: 135,
        message: "Timestamp out of bounds.",
    };
    pub const BAD_AUTH_DATA: XError = XError::V1 {
        status: 400,
        code: 215,
        message: "Bad authentication data.",
    };
    pub const APP_CREDENTIALS: XError = XError::V1 {
        status: 403,
        code: 99,
        message: "Unable to verify your credentials",
    };
    pub const CALLBACK_NOT_APPROVED: XError = XError::Xml {
        status: 403,
        code: 415,
        message: "Callback URL not approved for this client application. Approved callback URLs can be adjusted in your application settings",
    };
    pub const INVALID_VERIFIER: XError = XError::Text {
        status: 401,
        text: "Error processing your OAuth request: Invalid oauth_verifier parameter",
    };
    pub const UNAUTHORIZED: XError = XError::Problem {
        status: 401,
        title: "Unauthorized",
        kind: "about:blank",
        detail: Cow::Borrowed("Unauthorized"),
    };
    /// A user token without a scope the endpoint requires (X's answer, as
    /// seen in plhery/node-twitter-api-v2#265).
    pub const FORBIDDEN: XError = XError::Problem {
        status: 403,
        title: "Forbidden",
        kind: "about:blank",
        detail: Cow::Borrowed("Forbidden"),
    };
    pub const OAUTH1_PERMISSIONS: XError = XError::Problem {
        status: 403,
        title: "Forbidden",
        kind: "https://api.x.com/2/problems/oauth1-permissions",
        detail: Cow::Borrowed(
            "Your client app is not configured with the appropriate oauth1 app permissions for this endpoint.",
        ),
    };
    pub const NOT_FOUND: XError = XError::Problem {
        status: 404,
        title: "Not Found Error",
        kind: "https://api.x.com/2/problems/resource-not-found",
        detail: Cow::Borrowed("Could not find the requested resource."),
    };
    pub const INVALID_CODE: XError = XError::OAuth2 {
        status: 400,
        error: "invalid_request",
        description: "Value passed for the authorization code was invalid.",
    };
    pub const INVALID_REFRESH: XError = XError::OAuth2 {
        status: 400,
        error: "invalid_request",
        description: "Value passed for the token was invalid.",
    };
    pub const MISSING_BASIC: XError = XError::OAuth2 {
        status: 401,
        error: "unauthorized_client",
        description: "Missing valid authorization header",
    };
    pub const MISSING_CLIENT_ID: XError = XError::OAuth2 {
        status: 400,
        error: "invalid_request",
        description: "Missing required parameter [client_id].",
    };
    pub const BAD_GRANT_TYPE: XError = XError::OAuth2 {
        status: 400,
        error: "invalid_request",
        description: "Value passed for the grant type was invalid. Grant type should be one of [authorization_code, refresh_token].",
    };
    pub const INVALID_CLIENT: XError = XError::OAuth2 {
        status: 400,
        error: "invalid_client",
        description: "Value passed for the client was invalid.",
    };
}

impl XError {
    /// 403 `unsupported-authentication`: `used` is not one of `accepted`, in
    /// X's words (the double space after "endpoint." is X's).
    pub fn unsupported_auth(used: CredentialKind, accepted: &[CredentialKind]) -> XError {
        let accepted: Vec<&str> = accepted.iter().map(|k| k.label()).collect();
        XError::Problem {
            status: 403,
            title: "Unsupported Authentication",
            kind: "https://api.x.com/2/problems/unsupported-authentication",
            detail: Cow::Owned(format!(
                "Authenticating with {} is forbidden for this endpoint.  Supported authentication types are [{}].",
                used.label(),
                accepted.join(", ")
            )),
        }
    }
}

impl IntoResponse for XError {
    fn into_response(self) -> Response {
        let (status, body, content_type) = match self {
            XError::V1 { status, code: 99, message } => (
                status,
                serde_json::json!({"errors": [{"code": 99, "label": "authenticity_token_error", "message": message}]})
                    .to_string(),
                "application/json;charset=utf-8",
            ),
            XError::V1 { status, code, message } => (
                status,
                serde_json::json!({"errors": [{"code": code, "message": message}]}).to_string(),
                "application/json;charset=utf-8",
            ),
            XError::OAuth2 { status, error, description } => (
                status,
                serde_json::json!({"error": error, "error_description": description}).to_string(),
                "application/json;charset=utf-8",
            ),
            XError::Problem { status, title, kind, detail } => (
                status,
                serde_json::json!({"title": title, "type": kind, "status": status, "detail": detail}).to_string(),
                "application/problem+json",
            ),
            XError::Xml { status, code, message } => (
                status,
                format!("<?xml version='1.0' encoding='UTF-8'?><errors><error code=\"{code}\">{message}</error></errors>"),
                "application/xml;charset=utf-8",
            ),
            XError::Text { status, text } => (status, text.to_owned(), "text/plain;charset=utf-8"),
        };
        let mut response = (
            StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
            body,
        )
            .into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        response
    }
}
