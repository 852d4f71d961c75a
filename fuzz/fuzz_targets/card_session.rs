//! Whole readings (the default one, every PIN counter, a DER file) against a card answering
//! anything: no panic, bounded APDUs, nothing sent after the card left or stopped answering,
//! and a DER file returned only when it is exactly one DER structure.
#![no_main]

use libfuzzer_sys::fuzz_target;
use myna_kigen::card::{CardSession, EF_AUTH_CA, EF_SIGN_CERT, MAX_DER_LEN, der_total_len};
use myna_kigen_fuzz::FuzzCard;

fuzz_target!(|data: &[u8]| {
    let Some((&flags, answers)) = data.split_first() else {
        return;
    };
    let mut card = FuzzCard::new(answers, flags & 0x02 != 0);
    let mut der = None;
    {
        let mut session = CardSession::new(&mut card, flags & 0x01 != 0);
        match (flags >> 2) % 4 {
            0 => {
                if let Ok(r) = session.read_public() {
                    if let Some(cert) = r.auth_cert {
                        der = Some(cert);
                    }
                    assert_eq!(r.pins.len(), 2);
                }
            }
            1 => {
                if let Ok(pins) = session.pins() {
                    assert_eq!(pins.len(), 8);
                }
            }
            2 => der = session.read_der_file(EF_AUTH_CA).ok(),
            _ => {
                if session.read_public().is_ok() {
                    der = session.read_der_file(EF_SIGN_CERT).ok();
                }
            }
        }
        assert!(session.apdu_count() < 2000, "{}", session.apdu_count());
    }
    if let Some(der) = der {
        assert!(der.len() <= MAX_DER_LEN);
        assert_eq!(der_total_len(&der), Ok(Some(der.len())));
    }
    assert!(!card.sent_after_fatal, "a command was sent after the card left");
});
