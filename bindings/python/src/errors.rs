//! Core errors to the exception classes of `x_api_auth.errors`.

use std::panic::{AssertUnwindSafe, catch_unwind};

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use x_api_auth::{ApiErrorKind, Error};

/// The exception class for an error, by name in `x_api_auth.errors`.
fn class_name(e: &Error) -> &'static str {
    match e {
        Error::MissingConfig { .. } => "ConfigurationError",
        Error::InvalidInput { .. } => "InvalidInputError",
        Error::StateMismatch | Error::TokenMismatch => "StateMismatchError",
        Error::AccessDenied { .. } => "AccessDeniedError",
        Error::Transport { .. } => "TransportError",
        Error::UnexpectedResponse { .. } => "UnexpectedResponseError",
        Error::Api(api) => match api.kind {
            ApiErrorKind::ClockSkew => "ClockSkewError",
            ApiErrorKind::Authentication
            | ApiErrorKind::BadAuthenticationData
            | ApiErrorKind::AppCredentials => "AuthenticationError",
            ApiErrorKind::InvalidToken => "InvalidTokenError",
            ApiErrorKind::ReauthorizationRequired => "ReauthorizationRequiredError",
            ApiErrorKind::RateLimited => "RateLimitedError",
            ApiErrorKind::Forbidden
            | ApiErrorKind::CallbackNotApproved
            | ApiErrorKind::PermissionsChanged
            | ApiErrorKind::UnauthorizedClient => "ForbiddenError",
            _ => "XApiError",
        },
        _ => "XAuthError",
    }
}

/// Builds the Python exception for a core error, with its attributes.
pub fn to_py_err(py: Python<'_>, e: Error) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let module = py.import("x_api_auth.errors")?;
        let class = module.getattr(class_name(&e))?;
        let attrs = PyDict::new(py);
        attrs.set_item("code", e.code())?;
        match &e {
            Error::Api(api) => {
                attrs.set_item("status", api.status)?;
                attrs.set_item("x_code", api.code)?;
                attrs.set_item("error", api.error.as_deref())?;
                attrs.set_item("problem_type", api.problem_type.as_deref())?;
                attrs.set_item("api_message", api.message.as_str())?;
                attrs.set_item("kind", api.kind.as_str())?;
                attrs.set_item("hint", api.hint)?;
                attrs.set_item("base_string", api.base_string.as_deref())?;
                attrs.set_item("reset_at", api.rate_limit_reset)?;
            }
            Error::UnexpectedResponse { status, .. } => attrs.set_item("status", status)?,
            Error::Transport { timeout, .. } => attrs.set_item("timeout", timeout)?,
            Error::InvalidInput { field, .. } => attrs.set_item("field", *field)?,
            _ => {}
        }
        let instance = class.call((e.to_string(),), Some(&attrs))?;
        Ok(PyErr::from_value(instance))
    };
    build().unwrap_or_else(|import_error| import_error)
}

/// Runs a core call: its error becomes the matching exception and a panic
/// becomes `x_api_auth.errors.InternalError`, never a crash.
pub fn guard<T>(py: Python<'_>, f: impl FnOnce() -> Result<T, Error>) -> PyResult<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(to_py_err(py, e)),
        Err(_) => Err(internal(
            py,
            "an internal error occurred in x-api-auth (a bug: please report it)",
        )),
    }
}

/// An `InternalError`.
pub fn internal(py: Python<'_>, message: &str) -> PyErr {
    py.import("x_api_auth.errors")
        .and_then(|m| m.getattr("InternalError"))
        .and_then(|class| class.call1((message,)))
        .map(PyErr::from_value)
        .unwrap_or_else(|_| PyRuntimeError::new_err(message.to_owned()))
}

/// An `InvalidInputError` for a bad argument of the binding itself.
pub fn invalid(py: Python<'_>, field: &'static str, reason: impl Into<String>) -> PyErr {
    to_py_err(
        py,
        Error::InvalidInput {
            field,
            reason: reason.into(),
        },
    )
}
