#![no_main]
//! `cargo fuzz run sandbox_form --features libfuzzer`: see [`x_api_auth_fuzz::sandbox_form`].

libfuzzer_sys::fuzz_target!(|data: &[u8]| x_api_auth_fuzz::sandbox_form(data));
