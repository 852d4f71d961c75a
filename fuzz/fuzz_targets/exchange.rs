//! Response parsing and the exchange rules (61xx GET RESPONSE, 6Cxx re-send) on any answers.
//! The body and its properties: `myna_kigen::fuzzing::exchange`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| myna_kigen::fuzzing::exchange(data));
