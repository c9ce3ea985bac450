//! Core errors to the exception classes of `x_api_auth.errors`: the class
//! comes from `Error::code()` through the one table `CLASS_BY_CODE`, the
//! attributes from `Error::fields()`.

use std::panic::{AssertUnwindSafe, catch_unwind};

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use x_api_auth::{Error, ErrorField};

/// Builds the Python exception for a core error, with its attributes.
pub fn to_py_err(py: Python<'_>, e: Error) -> PyErr {
    build(py, e, None)
}

/// [`to_py_err`] as the class `class` of `x_api_auth.errors` (a subclass
/// for the same code: `InvalidTypeError` for a wrong type).
pub fn to_py_err_as(py: Python<'_>, e: Error, class: &str) -> PyErr {
    build(py, e, Some(class))
}

fn build(py: Python<'_>, e: Error, class: Option<&str>) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let errors = py.import("x_api_auth.errors")?;
        let class = match class {
            Some(name) => errors.getattr(name)?,
            None => errors.getattr("CLASS_BY_CODE")?.get_item(e.code())?,
        };
        let attrs = PyDict::new(py);
        attrs.set_item("code", e.code())?;
        for (name, value) in e.fields() {
            match value {
                ErrorField::Number(n) => attrs.set_item(name, n)?,
                ErrorField::Text(t) => attrs.set_item(name, t)?,
                ErrorField::Bool(b) => attrs.set_item(name, b)?,
            }
        }
        Ok(PyErr::from_value(
            class.call((e.to_string(),), Some(&attrs))?,
        ))
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
    let reason = reason.into();
    to_py_err(py, Error::InvalidInput { field, reason })
}

/// An `InvalidTypeError` (also a `TypeError`) for an argument of the wrong
/// type: `reason` says what it must be and what it is.
pub fn type_error(py: Python<'_>, field: &'static str, reason: impl Into<String>) -> PyErr {
    let reason = reason.into();
    to_py_err_as(
        py,
        Error::InvalidInput { field, reason },
        "InvalidTypeError",
    )
}

/// The exception X's error response (any shape) maps to.
#[pyfunction]
pub fn parse_error(py: Python<'_>, status: u16, body: &[u8]) -> PyErr {
    to_py_err(py, x_api_auth::ApiError::parse(status, body).into())
}
