//! The core's log events to a JavaScript handler (`forwardLogs`), called on
//! the event loop.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use napi::Status;
use napi::bindgen_prelude::*;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi_derive::napi;
use x_api_auth::logging::{LogLevel, LogSink, forward_logs};

use crate::errors::invalid;

/// One event of the core: `level` (`trace`, `debug`, `info`, `warn`,
/// `error`) and `message` (its fields as `name=value`).
#[napi(object)]
pub struct LogEvent {
    /// `trace`, `debug`, `info`, `warn` or `error`.
    pub level: String,
    /// The message, then the event's fields as `name=value`.
    pub message: String,
}

type LogFunction = ThreadsafeFunction<LogEvent, Unknown<'static>, LogEvent, Status, false, true>;

/// The handler and the least level it wants; installed once per process.
struct JsLogging {
    handler: Mutex<Option<LogFunction>>,
    /// The least level wanted, as `LogLevel as u8`; `u8::MAX` for none.
    least: AtomicU8,
}

const LEVELS: [(&str, LogLevel); 5] = [
    ("trace", LogLevel::Trace),
    ("debug", LogLevel::Debug),
    ("info", LogLevel::Info),
    ("warn", LogLevel::Warn),
    ("error", LogLevel::Error),
];

impl LogSink for JsLogging {
    fn enabled(&self, level: LogLevel) -> bool {
        level as u8 >= self.least.load(Ordering::Relaxed)
    }

    fn log(&self, level: LogLevel, message: &str) {
        let name = LEVELS
            .iter()
            .find(|(_, l)| *l == level)
            .map_or("debug", |(n, _)| n);
        if let Ok(handler) = self.handler.lock()
            && let Some(handler) = handler.as_ref()
        {
            let event = LogEvent {
                level: name.to_owned(),
                message: message.to_owned(),
            };
            handler.call(event, ThreadsafeFunctionCallMode::NonBlocking);
        }
    }
}

fn logging() -> &'static Arc<JsLogging> {
    static LOGGING: OnceLock<Arc<JsLogging>> = OnceLock::new();
    LOGGING.get_or_init(|| {
        let logging = Arc::new(JsLogging {
            handler: Mutex::new(None),
            least: AtomicU8::new(u8::MAX),
        });
        let _ = forward_logs(logging.clone());
        logging
    })
}

/// Calls `handler` with each event of the core at `level` (`debug` unless
/// given) or above, on the event loop: each request, OAuth 1.0a base string
/// (no key, secret or signature) and response at `debug`, refreshes at
/// `info`. `null` stops it. `DEBUG=x-api-auth` prints them to stderr.
#[napi(js_name = "forwardLogs", catch_unwind)]
pub fn forward_logs_to(
    #[napi(ts_arg_type = "((event: LogEvent) => void) | null")] handler: Option<LogFunction>,
    level: Option<String>,
) -> Result<()> {
    let name = level.as_deref().unwrap_or("debug");
    let least = LEVELS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, l)| *l as u8)
        .ok_or_else(|| invalid("level", "expected trace, debug, info, warn or error"))?;
    let logging = logging();
    let on = handler.is_some();
    *logging
        .handler
        .lock()
        .map_err(|_| invalid("handler", "the log handler lock is poisoned"))? = handler;
    logging
        .least
        .store(if on { least } else { u8::MAX }, Ordering::Relaxed);
    Ok(())
}
