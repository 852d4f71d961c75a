//! The signing password and PIN format checks.
//! The body and its properties: `myna_kigen::fuzzing::secrets`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| myna_kigen::fuzzing::secrets(data));
