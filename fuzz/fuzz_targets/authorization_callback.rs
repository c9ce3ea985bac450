#![no_main]
//! `cargo fuzz run authorization_callback --features libfuzzer`: see [`x_api_auth_fuzz::authorization_callback`].

libfuzzer_sys::fuzz_target!(|data: &[u8]| x_api_auth_fuzz::authorization_callback(data));
