#![no_main]
//! `cargo fuzz run sandbox_authorization --features libfuzzer`: see [`x_api_auth_fuzz::sandbox_authorization`].

libfuzzer_sys::fuzz_target!(|data: &[u8]| x_api_auth_fuzz::sandbox_authorization(data));
