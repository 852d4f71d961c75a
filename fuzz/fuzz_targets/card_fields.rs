//! The card's own expiry (GET DATA F2, the 共通カード record) and the token info.
#![no_main]

use chrono::Datelike;
use libfuzzer_sys::fuzz_target;
use myna_kigen::card::{
    expiry_from_common_record, expiry_from_get_data, kind_from_token, parse_yyyymmdd,
};

fuzz_target!(|data: &[u8]| {
    if let Some(d) = parse_yyyymmdd(data) {
        assert!((2016..=2099).contains(&d.year()));
        assert_eq!(d.format("%Y%m%d").to_string().as_bytes(), data);
    }
    for d in [expiry_from_get_data(data), expiry_from_common_record(data)]
        .into_iter()
        .flatten()
    {
        assert!((2016..=2099).contains(&d.year()));
    }
    let _ = kind_from_token(data);
});
