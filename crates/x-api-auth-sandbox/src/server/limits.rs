//! Request-size limits, as X has: checked before any signature work, so a
//! hostile request costs a bounded time. Bodies over [`MAX_BODY`] get 413
//! (axum's `DefaultBodyLimit`), a header over [`MAX_HEADER`] 431, a query or
//! form of more than [`MAX_PARAMETERS`] parameters 400.

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// The largest request body, in bytes.
pub const MAX_BODY: usize = 64 * 1024;
/// The largest header value (an `Authorization` header is a few hundred bytes).
pub const MAX_HEADER: usize = 8 * 1024;
/// The most query or form parameters a request may carry.
pub const MAX_PARAMETERS: usize = 1000;

fn refusal(status: StatusCode, title: &str, detail: &str) -> Response {
    let body =
        json!({"title": title, "detail": detail, "type": "about:blank", "status": status.as_u16()});
    (status, axum::Json(body)).into_response()
}

/// Whether `encoded` (a query or a form body) has more than
/// [`MAX_PARAMETERS`] parameters, counted before anything is decoded.
pub fn too_many_parameters(encoded: &str) -> bool {
    encoded.bytes().filter(|b| *b == b'&').count() >= MAX_PARAMETERS
}

/// The middleware: headers and the query checked before the handler runs.
pub async fn check(request: Request, next: Next) -> Response {
    if request.headers().values().any(|v| v.len() > MAX_HEADER) {
        return refusal(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "Request Header Fields Too Large",
            "A header of this request is longer than the server accepts.",
        );
    }
    if request.uri().query().is_some_and(too_many_parameters) {
        return refusal(
            StatusCode::BAD_REQUEST,
            "Invalid Request",
            "This request has more query parameters than the server accepts.",
        );
    }
    next.run(request).await
}
