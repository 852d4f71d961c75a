use super::*;
use crate::cert::{self, CertRole, Genuineness, TrustStore};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn today() -> NaiveDate {
    crate::sim::test_day()
}

fn h(s: &str) -> Vec<u8> {
    crate::sim::from_hex(s).unwrap()
}

const SELECT_JPKI: &str = "00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01";

/// The scenario's card with its first command after power-up spent: real cards answer it
/// `6F 00` (domain.md §2b), and these tests are about what the card holds.
fn card(s: Scenario, t: NaiveDate) -> SimCard {
    let mut c = s.card(t).unwrap();
    assert_eq!(c.process(&h("00 CA 00 F2 00")), h("6F 00"), "{s}");
    c
}

/// Reads a whole EF by short EF identifier with one extended READ, cut at the DER length.
fn read_der(card: &mut SimCard, sfi: u8) -> Vec<u8> {
    let r = card.process(&[0x00, 0xB0, 0x80 | sfi, 0x00, 0x00, 0x00, 0x00]);
    let body = &r[..r.len() - 2];
    let len = usize::from(u16::from_be_bytes([body[2], body[3]])) + 4;
    body[..len].to_vec()
}

#[test]
fn names_round_trip_and_unknown_names_fail() {
    for s in Scenario::ALL {
        assert_eq!(s.to_string().parse::<Scenario>().unwrap(), s);
        assert!(!s.description().is_empty());
    }
    let names: Vec<String> = Scenario::ALL.iter().map(|s| s.to_string()).collect();
    assert_eq!(
        names.join(" "),
        "valid renewable expired no-sign locked juki not-mnc smartphone"
    );
    assert!(matches!(
        "nosign".parse::<Scenario>(),
        Err(SimError::UnknownScenario(_))
    ));
}

#[test]
fn dates_for_a_fixed_today() {
    let t = today();
    let dates = |s: Scenario| s.dates(t).unwrap();
    let v = dates(Scenario::Valid);
    assert_eq!(v.cert_expiry, d(2029, 12, 8));
    assert_eq!(v.issued, d(2025, 1, 17));
    assert_eq!(v.card_expiry, Some(d(2034, 12, 8)));
    assert_eq!(v.birth, d(1984, 12, 8));
    let r = dates(Scenario::Renewable);
    assert_eq!(r.cert_expiry, d(2027, 1, 12));
    assert_eq!((r.cert_expiry - t).num_days(), 45);
    assert_eq!(r.card_expiry, Some(d(2032, 1, 12)));
    let e = dates(Scenario::Expired);
    assert_eq!(e.cert_expiry, d(2026, 11, 8));
    assert_eq!(e.card_expiry, Some(d(2031, 11, 8)));
    let j = dates(Scenario::Juki);
    assert_eq!(j.cert_expiry, d(2015, 11, 28));
    assert_eq!(j.card_expiry, None);
    assert_eq!(dates(Scenario::Smartphone).card_expiry, None);
    for s in [Scenario::NoSign, Scenario::Locked, Scenario::Smartphone] {
        assert_eq!(dates(s).cert_expiry, v.cert_expiry);
    }
    // The expiry is the 5th birthday after issue, the card's the 10th.
    for s in [Scenario::Valid, Scenario::Renewable, Scenario::Expired] {
        let x = dates(s);
        let birthday = |year: i32| x.birth.with_year(year).unwrap();
        let fifth = (1..=5).fold(x.issued, |after, _| {
            let this = birthday(after.year());
            if this > after {
                this
            } else {
                birthday(after.year() + 1)
            }
        });
        assert_eq!(fifth, x.cert_expiry, "{s}");
        assert_eq!(x.card_expiry, Some(birthday(x.cert_expiry.year() + 5)));
    }
}

#[test]
fn a_29_february_expiry_moves_to_1_march() {
    let t = d(2028, 11, 19);
    let x = Scenario::Renewable.dates(t).unwrap();
    assert_eq!(x.cert_expiry, d(2029, 1, 3));
    let t = d(2028, 1, 15);
    let x = Scenario::Renewable.dates(t).unwrap();
    assert_eq!(
        x.cert_expiry,
        d(2028, 3, 1),
        "45 days after 2028-01-15 is 02-29"
    );
}

use chrono::Datelike;

#[test]
fn every_scenario_card_reads_as_it_should() {
    let t = today();
    let trust = crate::sim::with_simulated_roots(TrustStore::jlis()).unwrap();
    for s in Scenario::ALL {
        let mut c = card(s, t);
        let dates = s.dates(t).unwrap();
        // GET DATA first, while nothing is selected.
        let gd = c.process(&h("00 CA 00 F2 00"));
        match dates.card_expiry {
            Some(exp) => {
                assert_eq!(
                    gd,
                    [exp.format("%Y%m%d").to_string().into_bytes(), h("90 00")].concat()
                )
            }
            None => assert_eq!(gd, h("6A 88"), "{s}"),
        }
        let common = c.process(&h("00 A4 04 0C 0A D3 92 10 00 31 00 01 01 01 00"));
        assert_eq!(
            common,
            if dates.card_expiry.is_some() {
                h("90 00")
            } else {
                h("6A 82")
            }
        );
        let sel = c.process(&h(SELECT_JPKI));
        if s == Scenario::NotMnc {
            assert_eq!(sel, h("6A 82"));
            continue;
        }
        assert_eq!(sel, h("90 00"), "{s}");
        let token = c.process(&h("00 B0 86 00 10"));
        let want: &[u8] = match s {
            Scenario::Juki => b"JPKIAPICCTOKEN  ",
            Scenario::Smartphone => b"JPKIAPGPSETOKEN ",
            _ => b"JPKIAPICCTOKEN2 ",
        };
        assert_eq!(&token[..16], want, "{s}");
        let auth = read_der(&mut c, 0x0A);
        let ca = read_der(&mut c, 0x0B);
        let parsed = cert::parse(&auth).unwrap();
        assert_eq!(parsed.role(), Some(CertRole::UserAuthentication));
        assert_eq!(parsed.expiry_date(), dates.cert_expiry, "{s}");
        assert_eq!(parsed.not_before_date(), dates.issued);
        assert_eq!(
            trust.check(&parsed, &ca),
            Genuineness::VerifiedSimulated,
            "{s}"
        );
        let avail = c.process(&h("00 B0 88 00 03"));
        let sign_ca = c.process(&h("00 A4 02 0C 02 00 02"));
        if s == Scenario::NoSign {
            assert_eq!(avail, h("00 8F 00 90 00"));
            assert_eq!(sign_ca, h("6A 82"));
            assert_eq!(c.process(&h("00 A4 02 0C 02 00 01")), h("6A 82"));
        } else {
            assert_eq!(avail, h("8F 8F 00 90 00"), "{s}");
            assert_eq!(sign_ca, h("90 00"));
            assert_eq!(c.process(&h("00 B0 81 00 00")), h("69 82"));
        }
        // The PIN counters.
        c.process(&h("00 A4 02 0C 02 00 18"));
        let auth_pin = c.process(&h("00 20 00 80"));
        c.process(&h("00 A4 02 0C 02 00 1B"));
        let sign_pin = c.process(&h("00 20 00 80"));
        let (want_auth, want_sign) = if s == Scenario::Locked {
            // A blocked counter answers 69 84 (domain.md §2b).
            (h("63 C1"), h("69 84"))
        } else {
            (h("63 C3"), h("63 C5"))
        };
        assert_eq!((auth_pin, sign_pin), (want_auth, want_sign), "{s}");
    }
}

#[test]
fn the_signing_certificate_opens_with_abc123_and_holds_the_fictional_holder() {
    let mut c = card(Scenario::Valid, today());
    c.process(&h(SELECT_JPKI));
    c.process(&h("00 A4 02 0C 02 00 1B"));
    assert_eq!(
        c.process(&h("00 20 00 80 06 41 42 43 31 32 33")),
        h("90 00")
    );
    let sign = read_der(&mut c, 0x01);
    let parsed = cert::parse(&sign).unwrap();
    assert_eq!(parsed.role(), Some(CertRole::Signing));
    assert_eq!(parsed.expiry_date(), d(2029, 12, 8));
    let p = parsed.personal_data().unwrap();
    assert_eq!(p.name.as_deref(), Some("公的　太郎"));
    assert_eq!(p.birth.unwrap().date, Some(d(1984, 12, 8)));
}

#[test]
fn certificates_are_cached_and_the_same_every_time() {
    let t = d(2026, 3, 3);
    let start = std::time::Instant::now();
    let mut a = card(Scenario::Expired, t);
    let first = start.elapsed();
    let start = std::time::Instant::now();
    let mut b = card(Scenario::Expired, t);
    let second = start.elapsed();
    a.process(&h(SELECT_JPKI));
    b.process(&h(SELECT_JPKI));
    assert_eq!(read_der(&mut a, 0x0A), read_der(&mut b, 0x0A));
    assert!(
        second <= first,
        "second build {second:?} vs first {first:?}"
    );
}

#[test]
fn figures() {
    let mut c = card(Scenario::Valid, today());
    c.process(&h(SELECT_JPKI));
    let auth = read_der(&mut c, 0x0A);
    let ca = read_der(&mut c, 0x0B);
    let sign_ca = read_der(&mut c, 0x02);
    c.process(&h("00 A4 02 0C 02 00 1B"));
    c.process(&h("00 20 00 80 06 41 42 43 31 32 33"));
    let sign = read_der(&mut c, 0x01);
    println!(
        "auth {} B, auth CA {} B, sign {} B, sign CA {} B",
        auth.len(),
        ca.len(),
        sign.len(),
        sign_ca.len()
    );
    assert!((1300..=1700).contains(&auth.len()));
    assert!(sign.len() < crate::sim::card::CERT_FILE_SIZE);
}
