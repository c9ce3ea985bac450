#![no_main]
//! `cargo fuzz run error_body --features libfuzzer`: see [`x_api_auth_fuzz::error_body`].

libfuzzer_sys::fuzz_target!(|data: &[u8]| x_api_auth_fuzz::error_body(data));
