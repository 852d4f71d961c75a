//! The DER length of a file's first bytes (`card::der_total_len`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use myna_kigen::card::{MAX_DER_LEN, der_total_len};

fuzz_target!(|data: &[u8]| {
    match der_total_len(data) {
        Ok(Some(total)) => {
            assert!((2..=MAX_DER_LEN).contains(&total));
            // More bytes after the header change nothing.
            let mut longer = data.to_vec();
            longer.push(0);
            assert_eq!(der_total_len(&longer), Ok(Some(total)));
        }
        // A header is at most 6 bytes (tag, 0x84, four length bytes).
        Ok(None) => assert!(data.len() < 6, "{} bytes and still no length", data.len()),
        Err(_) => {}
    }
});
