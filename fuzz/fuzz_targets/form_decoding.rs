#![no_main]
//! `cargo fuzz run form_decoding --features libfuzzer`: see [`x_api_auth_fuzz::form_decoding`].

libfuzzer_sys::fuzz_target!(|data: &[u8]| x_api_auth_fuzz::form_decoding(data));
