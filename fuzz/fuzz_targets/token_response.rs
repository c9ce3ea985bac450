#![no_main]
//! `cargo fuzz run token_response --features libfuzzer`: see [`x_api_auth_fuzz::token_response`].

libfuzzer_sys::fuzz_target!(|data: &[u8]| x_api_auth_fuzz::token_response(data));
