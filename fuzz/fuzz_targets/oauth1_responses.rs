#![no_main]
//! `cargo fuzz run oauth1_responses --features libfuzzer`: see [`x_api_auth_fuzz::oauth1_responses`].

libfuzzer_sys::fuzz_target!(|data: &[u8]| x_api_auth_fuzz::oauth1_responses(data));
