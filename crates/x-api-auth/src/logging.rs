//! What the crate logs, and how a host language receives it.
//!
//! The crate emits [`tracing`] events with the target `x_api_auth`: at
//! `DEBUG` each request (method, URL, credential kind), the OAuth 1.0a base
//! string (the PIN masked; keys, secrets and signatures never), each response
//! (status, X's code, the time it took); at `INFO` refreshes, rotations and
//! rate-limit waits; at `WARN` a refresh X refused and a clock skew healed.
//! Rust programs read them with any `tracing` subscriber
//! (`tracing_subscriber::fmt().with_env_filter("x_api_auth=debug").init()`).
//!
//! The Python and Node packages have no subscriber of their own: they pass a
//! [`LogSink`] (Python's `logging.getLogger("x_api_auth")`, Node's handler)
//! to [`forward_logs`], which installs the process-wide subscriber that
//! formats each event once and hands it over.
//!
//! ```
//! use std::sync::{Arc, Mutex};
//! use x_api_auth::logging::{LogLevel, LogSink, forward_logs};
//!
//! #[derive(Default)]
//! struct Lines(Mutex<Vec<String>>);
//! impl LogSink for Lines {
//!     fn enabled(&self, level: LogLevel) -> bool { level >= LogLevel::Debug }
//!     fn log(&self, level: LogLevel, message: &str) {
//!         self.0.lock().unwrap().push(format!("{level:?} {message}"));
//!     }
//! }
//! let lines = Arc::new(Lines::default());
//! forward_logs(lines.clone()).unwrap();
//! tracing::debug!(target: "x_api_auth", status = 401, "response");
//! assert_eq!(lines.0.lock().unwrap().as_slice(), ["Debug response status=401"]);
//! ```

use std::fmt::Write as _;
use std::sync::Arc;

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Metadata, Subscriber};

use crate::error::{Error, Result};

/// The target of every event the crate emits.
pub const TARGET: &str = "x_api_auth";

/// How much an event matters, from `Trace` (least) to `Error` (most).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LogLevel {
    /// Every step.
    Trace,
    /// Requests, base strings, responses.
    Debug,
    /// Refreshes, rotations, rate-limit waits.
    Info,
    /// A refresh X refused, a clock skew healed.
    Warn,
    /// Failures the caller does not see as an error.
    Error,
}

impl From<&tracing::Level> for LogLevel {
    fn from(level: &tracing::Level) -> Self {
        match *level {
            tracing::Level::TRACE => LogLevel::Trace,
            tracing::Level::DEBUG => LogLevel::Debug,
            tracing::Level::INFO => LogLevel::Info,
            tracing::Level::WARN => LogLevel::Warn,
            _ => LogLevel::Error,
        }
    }
}

/// Where a host language receives the crate's events.
pub trait LogSink: Send + Sync + 'static {
    /// Whether events of `level` are wanted now (asked before formatting).
    fn enabled(&self, level: LogLevel) -> bool;
    /// One event: its message, then its fields as `name=value`.
    fn log(&self, level: LogLevel, message: &str);
}

/// Installs the process-wide `tracing` subscriber that hands the crate's
/// events to `sink` (other crates' events are dropped unformatted). Fails
/// with `X_CONFIG` when the process already has a subscriber.
pub fn forward_logs(sink: Arc<dyn LogSink>) -> Result<()> {
    tracing::subscriber::set_global_default(Forward { sink }).map_err(|_| Error::MissingConfig {
        name: "logging".to_owned(),
        reason: "is already set up: the process has a tracing subscriber",
    })
}

struct Forward {
    sink: Arc<dyn LogSink>,
}

fn ours(metadata: &Metadata<'_>) -> bool {
    metadata.target() == TARGET || metadata.target().starts_with("x_api_auth::")
}

impl Subscriber for Forward {
    fn register_callsite(&self, metadata: &'static Metadata<'static>) -> Interest {
        if ours(metadata) && metadata.is_event() {
            Interest::sometimes()
        } else {
            Interest::never()
        }
    }

    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        ours(metadata) && self.sink.enabled(metadata.level().into())
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut line = Line::default();
        event.record(&mut line);
        let message = if line.fields.is_empty() {
            line.message
        } else {
            format!("{}{}", line.message, line.fields)
        };
        self.sink.log(event.metadata().level().into(), &message);
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

/// An event's message and its other fields as ` name=value`.
#[derive(Default)]
struct Line {
    message: String,
    fields: String,
}

impl Visit for Line {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else {
            let _ = write!(self.fields, " {}={value}", field.name());
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else {
            let _ = write!(self.fields, " {}={value:?}", field.name());
        }
    }
}
