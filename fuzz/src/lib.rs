//! The bodies of the fuzz targets: one per parser of x-api-auth and its
//! sandbox that takes outside input, and one differential target that signs
//! with the core and verifies with the sandbox's independent verifier.
//!
//! Each target takes arbitrary bytes and panics only when an invariant of the
//! parser breaks (a parser's own panic is a finding too). `fuzz_targets/`
//! wraps each in libFuzzer; `tests/replay.rs` runs each over its corpus
//! (`corpus/<target>/`) and its regressions (`regressions/<target>/`) on
//! stable Rust.
//!
//! ```
//! // Every corpus input must pass; a crash found by the fuzzer is kept in
//! // regressions/<target>/ and replayed forever.
//! x_api_auth_fuzz::authorization_header(br#"OAuth oauth_nonce="a%2Bb""#);
//! ```

#![forbid(unsafe_code)]

mod core_parsers;
mod fields;
mod sandbox_parsers;
mod sign_verify;

pub use core_parsers::{
    authorization_callback, authorization_header, error_body, form_decoding, oauth1_responses,
    token_response, webhook,
};
pub use sandbox_parsers::{sandbox_authorization, sandbox_form};
pub use sign_verify::sign_verify;

/// A fuzz target's body.
pub type Target = fn(&[u8]);

/// Every target, by the name of its `fuzz_targets/<name>.rs` and its corpus
/// folder.
pub const TARGETS: &[(&str, Target)] = &[
    ("authorization_header", authorization_header),
    ("sandbox_authorization", sandbox_authorization),
    ("error_body", error_body),
    ("token_response", token_response),
    ("authorization_callback", authorization_callback),
    ("oauth1_responses", oauth1_responses),
    ("form_decoding", form_decoding),
    ("sandbox_form", sandbox_form),
    ("webhook", webhook),
    ("sign_verify", sign_verify),
];
