//! The user documentation in `docs/` (one page per credential type, testing
//! with the sandbox, the flows), compiled here so that `cargo test -p
//! x-api-auth-docs --doc` runs every ```` ```rust ```` block of every page as
//! a doctest against the sandbox. `docs/` is Markdown for GitHub and for
//! readers; this crate only makes its Rust snippets tests, so a page cannot
//! drift from the code. The Python and Node snippets of the same pages run
//! with `scripts/check-docs`. Not published.

// The README is the front page, and the first code a reader copies: its Rust
// snippets are doctests too, so they compile and run like the pages' (and
// its Python and Node snippets run with `scripts/check-docs`).
#[doc = include_str!("../../../README.md")]
pub mod readme {}

#[doc = include_str!("../../../docs/README.md")]
pub mod index {}

#[doc = include_str!("../../../docs/api-key-and-secret.md")]
pub mod api_key_and_secret {}

#[doc = include_str!("../../../docs/access-token-and-secret.md")]
pub mod access_token_and_secret {}

#[doc = include_str!("../../../docs/client-id-and-secret.md")]
pub mod client_id_and_secret {}

#[doc = include_str!("../../../docs/bearer-token.md")]
pub mod bearer_token {}

#[doc = include_str!("../../../docs/testing-with-the-sandbox.md")]
pub mod testing_with_the_sandbox {}

#[doc = include_str!("../../../docs/flows.md")]
pub mod flows {}
