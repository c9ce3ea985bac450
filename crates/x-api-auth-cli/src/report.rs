//! One line per check or step, coloured on a terminal: `ok` or `FAIL`, what
//! it was, and what came back (for a failure: what to do).

use std::future::Future;
use std::io::IsTerminal;

use serde_json::{Value, json};
use x_api_auth::Error;

use crate::context::Context;

/// Prints each step's outcome (or, with --json, collects it for one
/// document at the end) and counts the failures.
pub struct Steps {
    colour: bool,
    json: bool,
    done: Vec<Value>,
    /// How many failed.
    pub failed: usize,
}

impl Steps {
    pub fn new(ctx: &Context) -> Self {
        Self {
            colour: std::io::stdout().is_terminal() && !ctx.global.json,
            json: ctx.global.json,
            done: Vec::new(),
            failed: 0,
        }
    }

    pub async fn run(&mut self, name: &str, step: impl Future<Output = Result<String, Failure>>) {
        let (mark, colour, line) = match step.await {
            Ok(result) => ("ok  ", "32", result),
            Err(Failure(why)) => {
                self.failed += 1;
                ("FAIL", "31", why)
            }
        };
        self.done
            .push(json!({ "step": name, "ok": mark == "ok  ", "detail": line }));
        if self.json {
            return;
        }
        if self.colour {
            out!("\x1b[{colour}m{mark}\x1b[0m {name}: {line}");
        } else {
            out!("{mark} {name}: {line}");
        }
    }
}

impl Steps {
    /// Prints a note (not with --json).
    pub fn note(&self, text: &str) {
        if !self.json {
            out!("{text}");
        }
    }

    /// Ends the report: the JSON document of every step with --json, else
    /// `summary`; the exit code (1 when a step failed).
    pub fn finish(self, summary: &str) -> u8 {
        if self.json {
            out!("{}", json!({ "steps": self.done, "failed": self.failed }));
        } else if self.failed > 0 {
            out!("{} failed: each line says what to do", self.failed);
        } else {
            out!("{summary}");
        }
        u8::from(self.failed > 0)
    }
}

/// Why a step failed, as its line says it.
#[derive(Debug)]
pub struct Failure(pub String);

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure(e.to_string())
    }
}

/// A failed step.
pub fn failure(reason: impl Into<String>) -> Failure {
    Failure(reason.into())
}
