#![no_main]
//! `cargo fuzz run sign_verify --features libfuzzer`: see [`x_api_auth_fuzz::sign_verify`].

libfuzzer_sys::fuzz_target!(|data: &[u8]| x_api_auth_fuzz::sign_verify(data));
