//! A certificate from the card through the whole reading: parsed, judged, reported as JSON and
//! as text in Japanese and English.
//! The body and its properties: `myna_kigen::fuzzing::cert_report`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| myna_kigen::fuzzing::cert_report(data));
