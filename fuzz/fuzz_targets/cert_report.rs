//! A certificate from the card through the whole reading: parsed, judged by the rules on some
//! day, reported as JSON and rendered as text in Japanese and English.
#![no_main]

use chrono::{Days, NaiveDate};
use libfuzzer_sys::fuzz_target;
use myna_kigen::report::{Lang, ReadOptions, read_card};
use myna_kigen::sim::{SimCard, SimTransport};

const ROOT: &[u8] = include_bytes!("../../assets/jpki-ca/authca-gen2.der");

fuzz_target!(|data: &[u8]| {
    let Some((&flags, der)) = data.split_first() else {
        return;
    };
    if let Ok(cert) = myna_kigen::cert::parse(der) {
        let _ = (cert.expiry_date(), cert.role(), cert.key_usage(), cert.serial());
        let _ = cert.personal_data().map(|p| format!("{p:?}"));
    }
    let Some(today) = NaiveDate::from_ymd_opt(2016, 1, 1)
        .and_then(|d| d.checked_add_days(Days::new(u64::from(flags) * 53)))
    else {
        return;
    };
    let mut builder = SimCard::builder()
        .auth_cert(der.to_vec())
        .card_expiry(NaiveDate::from_ymd_opt(2030, 6, 15));
    if flags & 1 != 0 {
        builder = builder.auth_ca(ROOT.to_vec());
    }
    let mut transport = SimTransport::new(builder.build());
    let options = ReadOptions {
        today,
        card_expiry_typed: None,
    };
    match read_card(&mut transport, &options) {
        Ok(report) => {
            assert!(serde_json::to_string(&report).is_ok());
            for lang in [Lang::Ja, Lang::En] {
                assert!(!myna_kigen::report::text::render(&report, lang).is_empty());
            }
        }
        Err(e) => {
            assert!(!e.to_string().is_empty());
        }
    }
});
