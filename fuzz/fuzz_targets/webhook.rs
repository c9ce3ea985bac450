#![no_main]
//! `cargo fuzz run webhook --features libfuzzer`: see [`x_api_auth_fuzz::webhook`].

libfuzzer_sys::fuzz_target!(|data: &[u8]| x_api_auth_fuzz::webhook(data));
