//! The DER length of a file's first bytes (`card::der_total_len`).
//! The body and its properties: `myna_kigen::fuzzing::der_length`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| myna_kigen::fuzzing::der_length(data));
