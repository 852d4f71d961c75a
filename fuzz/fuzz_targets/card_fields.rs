//! The card's own expiry (GET DATA F2, the common-card record) and the token info.
//! The body and its properties: `myna_kigen::fuzzing::card_fields`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| myna_kigen::fuzzing::card_fields(data));
