//! Whole readings (the default one, every PIN counter, a DER file) against a card answering anything.
//! The body and its properties: `myna_kigen::fuzzing::card_session`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| myna_kigen::fuzzing::card_session(data));
