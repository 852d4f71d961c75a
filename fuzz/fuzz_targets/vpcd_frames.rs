//! `simulate --vpcd`'s side of the vpcd protocol on any byte stream.
//! The body and its properties: `myna_kigen::fuzzing::vpcd_frames`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| myna_kigen::fuzzing::vpcd_frames(data));
