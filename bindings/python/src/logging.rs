//! The core's log events into Python's `logging`, on the logger
//! `x_api_auth`: `logging.basicConfig(level=logging.DEBUG)` shows each
//! request, base string and response.

use std::sync::Arc;

use pyo3::prelude::*;
use x_api_auth::logging::{LogLevel, LogSink, forward_logs};

/// Python's `logging` as the core's log sink.
struct PythonLogging;

/// Python's number for `level` (`logging.DEBUG` is 10).
fn number(level: LogLevel) -> u8 {
    match level {
        LogLevel::Trace => 5,
        LogLevel::Debug => 10,
        LogLevel::Info => 20,
        LogLevel::Warn => 30,
        LogLevel::Error => 40,
    }
}

/// Runs `call` on the logger `x_api_auth` with the GIL held; `None` when
/// Python cannot take it (the interpreter is shutting down) or it raised.
fn with_logger<T>(call: impl FnOnce(&Bound<'_, PyAny>) -> PyResult<T>) -> Option<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        Python::attach(|py| {
            let logger = py
                .import("logging")?
                .call_method1("getLogger", ("x_api_auth",))?;
            call(&logger)
        })
        .ok()
    }))
    .ok()
    .flatten()
}

impl LogSink for PythonLogging {
    fn enabled(&self, level: LogLevel) -> bool {
        with_logger(|logger| {
            logger
                .call_method1("isEnabledFor", (number(level),))?
                .extract()
        })
        .unwrap_or(false)
    }

    fn log(&self, level: LogLevel, message: &str) {
        with_logger(|logger| {
            logger
                .call_method1("log", (number(level), message))
                .map(drop)
        });
    }
}

/// Sends the core's events to `logging` from now on (once per process; a
/// process that already has a tracing subscriber keeps it).
pub fn install() {
    let _ = forward_logs(Arc::new(PythonLogging));
}
