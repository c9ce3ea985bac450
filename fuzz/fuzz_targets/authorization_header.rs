#![no_main]
//! `cargo fuzz run authorization_header --features libfuzzer`: see [`x_api_auth_fuzz::authorization_header`].

libfuzzer_sys::fuzz_target!(|data: &[u8]| x_api_auth_fuzz::authorization_header(data));
