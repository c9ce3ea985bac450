//! One line per check or step, coloured on a terminal: `ok` or `FAIL`, what
//! it was, and what came back (for a failure: what to do).

use std::future::Future;
use std::io::IsTerminal;

use x_api_auth::Error;

use crate::context::Context;

/// Prints each step's outcome and counts the failures.
pub struct Steps {
    colour: bool,
    /// How many failed.
    pub failed: usize,
}

impl Steps {
    pub fn new(ctx: &Context) -> Self {
        Self {
            colour: std::io::stdout().is_terminal() && !ctx.global.json,
            failed: 0,
        }
    }

    pub async fn run(&mut self, name: &str, step: impl Future<Output = Result<String, Error>>) {
        let (mark, colour, line) = match step.await {
            Ok(result) => ("ok  ", "32", result),
            Err(e) => {
                self.failed += 1;
                ("FAIL", "31", e.to_string())
            }
        };
        if self.colour {
            println!("\x1b[{colour}m{mark}\x1b[0m {name}: {line}");
        } else {
            println!("{mark} {name}: {line}");
        }
    }
}

/// A failed step's error.
pub fn failure(reason: impl Into<String>) -> Error {
    Error::Transport {
        timeout: false,
        reason: reason.into(),
    }
}
