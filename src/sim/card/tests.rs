use super::*;
use crate::vpcd::VirtualCard;

/// Bytes from hex with spaces.
fn h(s: &str) -> Vec<u8> {
    crate::sim::from_hex(s).unwrap()
}

fn sw(resp: &[u8]) -> u16 {
    let n = resp.len();
    u16::from_be_bytes([resp[n - 2], resp[n - 1]])
}

fn data(resp: &[u8]) -> &[u8] {
    &resp[..resp.len() - 2]
}

/// A 1500-byte stand-in for a certificate: `30 82 05 D8` then a counting pattern.
fn fake_der(len: usize, seed: u8) -> Vec<u8> {
    let body = len - 4;
    let mut v = vec![0x30, 0x82, (body >> 8) as u8, body as u8];
    v.extend((0..body).map(|i| (i as u8).wrapping_add(seed)));
    v
}

/// The card's mechanics, without the reported manners (each has its own tests below and its
/// conformance scripts in `tests/conformance/`).
fn builder() -> SimCardBuilder {
    SimCardBuilder::new()
        .manners(Manners::PLAIN)
        .auth_cert(fake_der(1500, 1))
        .auth_ca(fake_der(1200, 2))
        .sign_cert(Some(fake_der(1800, 3)))
        .sign_ca(fake_der(1200, 4))
        .card_expiry(NaiveDate::from_ymd_opt(2034, 12, 8))
        .common_record_ids("123456789012345", "13101")
}

fn card() -> SimCard {
    builder().build()
}

const SELECT_JPKI: &str = "00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01";
const SELECT_COMMON: &str = "00 A4 04 0C 0A D3 92 10 00 31 00 01 01 01 00";

fn jpki(card: &mut SimCard) {
    assert_eq!(card.process(&h(SELECT_JPKI)), h("90 00"));
}

#[test]
fn atr_check_byte_is_right() {
    for profile in AtrProfile::ALL {
        let atr = builder().atr(profile).build().atr();
        assert_eq!(atr, profile.bytes(), "{profile}");
        assert_eq!(atr[0], 0x3B);
        let xor = atr[1..].iter().fold(0u8, |a, b| a ^ b);
        assert_eq!(xor, 0, "{profile}: TCK makes the XOR of T0..TCK zero");
        assert_eq!(profile.name().parse::<AtrProfile>(), Ok(profile));
    }
    assert_eq!(card().atr(), AtrProfile::ContactExtended.bytes());
    assert_eq!(AtrProfile::Simulated.bytes(), ATR);
    assert!("contact-long".parse::<AtrProfile>().is_err());
}

#[test]
fn the_default_manners_are_the_reported_ones() {
    assert_eq!(Manners::default(), Manners::REPORTED);
    assert_eq!(SimCardBuilder::new().build().manners(), Manners::REPORTED);
    // Every name turns its own switch, and only that one.
    for name in Manners::NAMES {
        let off = Manners::REPORTED.with(name, false).unwrap();
        assert_ne!(off, Manners::REPORTED, "{name}");
        assert_eq!(off.with(name, true), Some(Manners::REPORTED), "{name}");
        let on = Manners::PLAIN.with(name, true).unwrap();
        assert_ne!(on, Manners::PLAIN, "{name}");
    }
    let all_off = Manners::NAMES
        .iter()
        .fold(Manners::REPORTED, |m, n| m.with(n, false).unwrap());
    assert_eq!(all_off, Manners::PLAIN);
    assert_eq!(Manners::REPORTED.with("no-such-manner", false), None);
}

#[test]
fn first_command_after_power_up_is_6f00_once() {
    let mut c = builder()
        .with_manners(|m| m.first_command_6f00 = true)
        .build();
    assert_eq!(c.process(&h(SELECT_JPKI)), h("6F 00"));
    jpki(&mut c);
    jpki(&mut c);
    // A warm reset is not a power-up; powering off and on is, and so is placing the card.
    c.reset_warm();
    jpki(&mut c);
    c.power_off();
    c.power_on();
    assert_eq!(c.process(&h(SELECT_JPKI)), h("6F 00"));
    jpki(&mut c);
    c.remove();
    c.place();
    assert_eq!(c.process(&h(SELECT_JPKI)), h("6F 00"));
    // A command to a card that was powered off powers it up: that one is the first.
    c.power_off();
    assert_eq!(c.process(&h(SELECT_JPKI)), h("6F 00"));
    jpki(&mut c);
    let log = c.log();
    assert_eq!(log.len(), 9, "each 6F 00 is a command the card received");
    assert_eq!(log[0].sw, 0x6F00);
}

#[test]
fn left_by_another_program_jpki_is_selected_until_power_off() {
    let mut c = builder()
        .with_manners(|m| m.first_command_6f00 = true)
        .left_selected_by_another_program(&JPKI_AID)
        .build();
    // No 6F 00 (the other program had it); JPKI is current; GET DATA F2 refused.
    assert_eq!(c.process(&h("00 B0 88 00 03")), h("8F 8F 00 90 00"));
    assert_eq!(sw(&c.process(&h("00 CA 00 F2 00"))), 0x6985);
    assert_eq!(
        c.process(&h("00 A4 04 0C 07 A0 00 00 01 51 00 00")),
        h("90 00")
    );
    assert_eq!(
        c.process(&h("00 CA 00 F2 00")),
        h("32 30 33 34 31 32 30 38 90 00")
    );
    // Placed again: as the other program left it again.
    c.remove();
    c.place();
    assert_eq!(sw(&c.process(&h("00 B0 88 00 03"))), 0x9000);
    // Powered off and on: itself again.
    c.power_off();
    c.power_on();
    assert_eq!(c.process(&h("00 B0 88 00 03")), h("6F 00"));
    assert_eq!(sw(&c.process(&h("00 B0 88 00 03"))), 0x6986);
}

#[test]
fn empty_verify_hides_the_verified_state_and_blocked_is_6984() {
    let mut c = builder()
        .with_manners(|m| {
            m.empty_verify_hides_verified = true;
            m.blocked_6984 = true;
        })
        .build();
    jpki(&mut c);
    assert_eq!(c.process(&h("00 A4 02 0C 02 00 1B")), h("90 00"));
    let password = [h("00 20 00 80 06"), b"ABC123".to_vec()].concat();
    let wrong = [h("00 20 00 80 06"), b"WRONG1".to_vec()].concat();
    assert_eq!(c.process(&password), h("90 00"));
    assert!(c.is_verified([0, 0x1B]));
    assert_eq!(c.process(&h("00 20 00 80")), h("63 C5"));
    for left in (0..5u8).rev() {
        assert_eq!(sw(&c.process(&wrong)), 0x63C0 | u16::from(left));
    }
    assert_eq!(c.process(&h("00 20 00 80")), h("69 84"));
    assert_eq!(c.process(&password), h("69 84"));
    assert_eq!(c.pin_tries([0, 0x1B]), Some(0));
}

#[test]
fn token_info_is_a_160_byte_token_info() {
    let mut c = builder().with_manners(|m| m.token_info_160 = true).build();
    jpki(&mut c);
    let r = c.process(&h("00 B0 86 00 00"));
    assert_eq!(
        sw(&r),
        0x6282,
        "160 bytes for Le 256, end of file (short-read-ok off)"
    );
    let d = data(&r);
    assert_eq!(d.len(), manners::TOKEN_INFO_SIZE);
    assert_eq!(&d[..15], b"JPKIAPICCTOKEN2");
    assert!(d[15..32].iter().all(|b| *b == b' '));
    // ulMaxPinLen, ulMinPinLen: big-endian.
    assert_eq!(&d[116..124], &[0, 0, 0, 16, 0, 0, 0, 4]);
    assert_eq!(
        manners::token_info(b"JPKIAPICCTOKEN", false).len(),
        TOKEN_FILE_SIZE
    );
    // A label longer than the field is kept whole.
    assert_eq!(manners::token_info(&[b'X'; 40], true).len(), 168);
}

#[test]
fn short_reads_answer_90_00_with_the_manner() {
    let mut c = builder().with_manners(|m| m.short_read_ok = true).build();
    jpki(&mut c);
    let r = c.process(&h("00 B0 88 00 00"));
    assert_eq!(r, h("8F 8F 00 90 00"));
    assert_eq!(c.process(&h("00 B0 00 03 01")), h("6B 00"));
}

#[test]
fn partial_aids_select_with_the_manner() {
    let mut c = card();
    assert_eq!(
        c.process(&h("00 A4 04 0C 06 D3 92 F0 00 26 01")),
        h("6A 82")
    );
    let mut c = builder().with_manners(|m| m.partial_aid = true).build();
    assert_eq!(
        c.process(&h("00 A4 04 0C 06 D3 92 F0 00 26 01")),
        h("90 00")
    );
    assert_eq!(c.process(&h("00 B0 88 00 03")), h("8F 8F 00 90 00"));
    // The card manager by a prefix: GET DATA answers again.
    assert_eq!(c.process(&h("00 A4 04 0C 05 A0 00 00 01 51")), h("90 00"));
    assert_eq!(sw(&c.process(&h("00 CA 00 F2 00"))), 0x9000);
    // An empty DF name selects nothing.
    assert_eq!(c.process(&h("00 A4 04 00 00")), h("6A 82"));
}

#[test]
fn a_profile_without_extended_length_refuses_it() {
    let mut c = builder().atr(AtrProfile::ContactShort).build();
    jpki(&mut c);
    assert_eq!(c.process(&h("00 B0 8A 00 00 00 00")), h("67 00"));
    let mut c = builder().atr(AtrProfile::Contactless).build();
    jpki(&mut c);
    assert_eq!(
        c.process(&h("00 B0 8A 00 00 00 00")).len(),
        CERT_FILE_SIZE + 2
    );
}

#[test]
fn select_by_aid_known_and_unknown() {
    let mut c = card();
    assert_eq!(c.process(&h(SELECT_JPKI)), h("90 00"));
    assert_eq!(
        c.process(&h("00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 02")),
        h("6A 82")
    );
    for aid in [
        "D3 92 10 00 31 00 01 01 04 08",
        "D3 92 10 00 31 00 01 01 04 02",
    ] {
        assert_eq!(c.process(&h(&format!("00 A4 04 0C 0A {aid}"))), h("90 00"));
    }
    assert_eq!(c.process(&h(SELECT_COMMON)), h("90 00"));
    // Lc says 10, 9 bytes follow.
    assert_eq!(
        c.process(&h("00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00")),
        h("67 00")
    );
    assert_eq!(
        c.process(&h(&SELECT_JPKI.replace("04 0C", "07 0C"))),
        h("6A 86")
    );
}

#[test]
fn select_ef_needs_an_application_and_an_existing_file() {
    let mut c = card();
    assert_eq!(c.process(&h("00 A4 02 0C 02 00 0A")), h("6A 82"));
    jpki(&mut c);
    assert_eq!(c.process(&h("00 A4 02 0C 02 00 0A")), h("90 00"));
    assert_eq!(c.process(&h("00 A4 02 0C 02 00 0C")), h("6A 82"));
    assert_eq!(c.process(&h("00 A4 02 0C 01 00")), h("67 00"));
}

#[test]
fn read_binary_offsets_short_le_end_of_file_and_beyond() {
    let mut c = card();
    let der = fake_der(1500, 1);
    jpki(&mut c);
    assert_eq!(c.process(&h("00 A4 02 0C 02 00 0A")), h("90 00"));
    let r = c.process(&h("00 B0 00 00 04"));
    assert_eq!(r, [&der[..4], &[0x90, 0x00]].concat());
    // Le 00 is 256 bytes; P1P2 is the offset.
    let r = c.process(&h("00 B0 01 00 00"));
    assert_eq!(data(&r), &der[256..512]);
    assert_eq!(sw(&r), 0x9000);
    // The file is 2048 bytes: the content, then FF filler.
    let r = c.process(&h("00 B0 05 D8 10"));
    let want: Vec<u8> = der[1496..].iter().copied().chain([0xFF; 12]).collect();
    assert_eq!(data(&r), want.as_slice());
    assert_eq!(sw(&r), 0x9000);
    // Fewer bytes than Le remain: what is there, then 6282.
    let r = c.process(&h("00 B0 07 F0 00"));
    assert_eq!(data(&r), &[0xFF; 16]);
    assert_eq!(sw(&r), 0x6282);
    // At or beyond the end: 6B00.
    assert_eq!(c.process(&h("00 B0 08 00 01")), h("6B 00"));
    assert_eq!(c.process(&h("00 B0 7F FF 01")), h("6B 00"));
    // No Le at all.
    assert_eq!(c.process(&h("00 B0 00 00")), h("67 00"));
}

#[test]
fn zero_filler_when_asked() {
    let mut c = builder().filler(0x00).build();
    jpki(&mut c);
    assert_eq!(c.process(&h("00 A4 02 0C 02 00 0A")), h("90 00"));
    let r = c.process(&h("00 B0 07 F0 10"));
    assert_eq!(r, [vec![0u8; 16], h("90 00")].concat());
}

#[test]
fn read_binary_by_short_ef_identifier_makes_that_ef_current() {
    let mut c = card();
    let der = fake_der(1500, 1);
    let ca = fake_der(1200, 2);
    jpki(&mut c);
    let r = c.process(&h("00 B0 8A 00 00"));
    assert_eq!(data(&r), &der[..256]);
    assert_eq!(sw(&r), 0x9000);
    let r = c.process(&h("00 B0 8A 10 02"));
    assert_eq!(data(&r), &der[16..18]);
    // The current EF is now 000A: a plain READ BINARY continues in it.
    let r = c.process(&h("00 B0 01 00 02"));
    assert_eq!(data(&r), &der[256..258]);
    let r = c.process(&h("00 B0 8B 00 03"));
    assert_eq!(data(&r), &ca[..3]);
    let r = c.process(&h("00 B0 00 03 02"));
    assert_eq!(data(&r), &ca[3..5]);
    // An SFI that is not there.
    assert_eq!(c.process(&h("00 B0 8C 00 00")), h("6A 82"));
    // Before any application: nothing to read.
    let mut fresh = card();
    assert_eq!(fresh.process(&h("00 B0 8A 00 00")), h("69 86"));
}

#[test]
fn extended_le_reads_to_the_end_of_the_file_and_can_be_refused() {
    let mut c = card();
    let der = fake_der(1500, 1);
    jpki(&mut c);
    let r = c.process(&h("00 B0 8A 00 00 00 00"));
    assert_eq!(r.len(), 2048 + 2);
    assert_eq!(&data(&r)[..1500], der.as_slice());
    assert!(data(&r)[1500..].iter().all(|&b| b == 0xFF));
    assert_eq!(sw(&r), 0x6282);
    // Extended Le of exactly 1500.
    let r = c.process(&h("00 B0 00 00 00 05 DC"));
    assert_eq!(data(&r), der.as_slice());
    assert_eq!(sw(&r), 0x9000);

    let mut short_only = builder().no_extended_length().build();
    jpki(&mut short_only);
    assert_eq!(short_only.process(&h("00 B0 8A 00 00 00 00")), h("67 00"));
    let r = short_only.process(&h("00 B0 8A 00 00"));
    assert_eq!(data(&r), &der[..256]);
}

#[test]
fn verify_counts_tries_and_sets_the_security_state() {
    let mut c = card();
    jpki(&mut c);
    // VERIFY without a PIN EF selected.
    assert_eq!(c.process(&h("00 20 00 80")), h("6A 88"));
    assert_eq!(c.process(&h("00 A4 02 0C 02 00 18")), h("90 00"));
    assert_eq!(c.process(&h("00 20 00 80")), h("63 C3"));
    assert_eq!(c.pin_tries([0, 0x18]), Some(3));
    // Wrong PIN: one try spent.
    assert_eq!(c.process(&h("00 20 00 80 04 39 39 39 39")), h("63 C2"));
    assert_eq!(c.process(&h("00 20 00 80")), h("63 C2"));
    assert!(!c.is_verified([0, 0x18]));
    // Right PIN "1234": verified, counter back to 3.
    assert_eq!(c.process(&h("00 20 00 80 04 31 32 33 34")), h("90 00"));
    assert!(c.is_verified([0, 0x18]));
    assert_eq!(c.pin_tries([0, 0x18]), Some(3));
    assert_eq!(c.process(&h("00 20 00 80")), h("90 00"));
    // P1/P2 other than 00 80.
    assert_eq!(c.process(&h("00 20 00 81")), h("6A 86"));
    // VERIFY on a binary EF.
    assert_eq!(c.process(&h("00 A4 02 0C 02 00 06")), h("90 00"));
    assert_eq!(c.process(&h("00 20 00 80")), h("6A 88"));
}

#[test]
fn a_pin_blocks_after_its_last_try() {
    let mut c = builder().pin_tries([0, 0x1B], 2).build();
    jpki(&mut c);
    assert_eq!(c.process(&h("00 A4 02 0C 02 00 1B")), h("90 00"));
    assert_eq!(c.process(&h("00 20 00 80")), h("63 C2"));
    assert_eq!(
        c.process(&h("00 20 00 80 06 41 42 43 31 32 34")),
        h("63 C1")
    );
    assert_eq!(
        c.process(&h("00 20 00 80 06 41 42 43 31 32 34")),
        h("63 C0")
    );
    assert_eq!(c.process(&h("00 20 00 80")), h("63 C0"));
    // Blocked: even the right password is refused and nothing changes.
    assert_eq!(
        c.process(&h("00 20 00 80 06 41 42 43 31 32 33")),
        h("69 84")
    );
    assert!(!c.is_verified([0, 0x1B]));
    assert_eq!(c.pin_tries([0, 0x1B]), Some(0));
}

#[test]
fn signing_certificate_needs_the_signing_password() {
    let mut c = builder().signing_password("XYZ789").build();
    let sign = fake_der(1800, 3);
    jpki(&mut c);
    assert_eq!(c.process(&h("00 B0 81 00 00")), h("69 82"));
    assert_eq!(c.process(&h("00 A4 02 0C 02 00 01")), h("90 00"));
    assert_eq!(c.process(&h("00 B0 00 00 00")), h("69 82"));
    // The CA certificate of the signing hierarchy is public.
    assert_eq!(sw(&c.process(&h("00 B0 82 00 00"))), 0x9000);
    // The user-authentication PIN does not open EF 0001.
    assert_eq!(c.process(&h("00 A4 02 0C 02 00 18")), h("90 00"));
    assert_eq!(c.process(&h("00 20 00 80 04 31 32 33 34")), h("90 00"));
    assert_eq!(c.process(&h("00 B0 81 00 00")), h("69 82"));
    // The default password is not this card's.
    assert_eq!(c.process(&h("00 A4 02 0C 02 00 1B")), h("90 00"));
    assert_eq!(
        c.process(&h("00 20 00 80 06 41 42 43 31 32 33")),
        h("63 C4")
    );
    assert_eq!(
        c.process(&h("00 20 00 80 06 58 59 5A 37 38 39")),
        h("90 00")
    );
    let r = c.process(&h("00 B0 81 00 00"));
    assert_eq!(data(&r), &sign[..256]);
    assert_eq!(sw(&r), 0x9000);
}

#[test]
fn power_cycle_clears_security_state_and_warm_reset_keeps_it() {
    let mut c = card();
    jpki(&mut c);
    assert_eq!(c.process(&h("00 A4 02 0C 02 00 1B")), h("90 00"));
    assert_eq!(
        c.process(&h("00 20 00 80 06 41 42 43 31 32 33")),
        h("90 00")
    );
    c.reset_warm();
    // Selection gone: the current EF and the application.
    assert_eq!(c.process(&h("00 B0 00 00 01")), h("69 86"));
    assert_eq!(c.process(&h("00 A4 02 0C 02 00 1B")), h("6A 82"));
    jpki(&mut c);
    assert_eq!(
        sw(&c.process(&h("00 B0 81 00 00"))),
        0x9000,
        "still verified"
    );
    assert_eq!(c.process(&h("00 A4 02 0C 02 00 1B")), h("90 00"));
    assert_eq!(c.process(&h("00 20 00 80")), h("90 00"));
    assert!(c.is_verified([0, 0x1B]));

    c.power_off();
    c.power_on();
    assert!(!c.is_verified([0, 0x1B]));
    assert_eq!(c.process(&h("00 A4 02 0C 02 00 1B")), h("6A 82"));
    jpki(&mut c);
    assert_eq!(c.process(&h("00 B0 81 00 00")), h("69 82"));
    assert_eq!(c.process(&h("00 A4 02 0C 02 00 1B")), h("90 00"));
    assert_eq!(c.process(&h("00 20 00 80")), h("63 C5"));

    // The vpcd controls map to the same states.
    assert_eq!(
        c.process(&h("00 20 00 80 06 41 42 43 31 32 33")),
        h("90 00")
    );
    VirtualCard::reset(&mut c);
    assert!(c.is_verified([0, 0x1B]));
    VirtualCard::power_off(&mut c);
    VirtualCard::power_on(&mut c);
    assert!(!c.is_verified([0, 0x1B]));
}

#[test]
fn get_data_f2_answers_only_before_any_application_is_selected() {
    let mut c = card();
    assert_eq!(
        c.process(&h("00 CA 00 F2 00")),
        [b"20341208".to_vec(), h("90 00")].concat()
    );
    assert_eq!(
        c.process(&h("00 CA 00 F2 08")),
        [b"20341208".to_vec(), h("90 00")].concat()
    );
    assert_eq!(c.process(&h("00 CA 00 F2 04")), h("6C 08"));
    assert_eq!(c.process(&h("00 CA 00 F2")), h("67 00"));
    assert_eq!(c.process(&h("00 CA 00 F3 00")), h("6A 88"));
    jpki(&mut c);
    assert_eq!(c.process(&h("00 CA 00 F2 00")), h("69 85"));
    // The card manager deselects every application.
    assert_eq!(
        c.process(&h("00 A4 04 0C 07 A0 00 00 01 51 00 00")),
        h("90 00")
    );
    assert_eq!(sw(&c.process(&h("00 CA 00 F2 00"))), 0x9000);
    jpki(&mut c);
    c.reset_warm();
    assert_eq!(sw(&c.process(&h("00 CA 00 F2 00"))), 0x9000);

    let mut off = builder().get_data_route(false).build();
    assert_eq!(off.process(&h("00 CA 00 F2 00")), h("6A 88"));
}

#[test]
fn common_application_record_holds_serial_municipality_and_expiry() {
    let mut c = card();
    assert_eq!(c.process(&h(SELECT_COMMON)), h("90 00"));
    let r = c.process(&h("00 B2 01 0C 00"));
    let mut want = vec![0x01, 0x1C];
    want.extend_from_slice(b"1234567890123451310120341208");
    want.extend_from_slice(&[0x90, 0x00]);
    assert_eq!(r, want);
    assert_eq!(c.process(&h("00 B2 02 0C 00")), h("6A 83"));
    assert_eq!(c.process(&h("00 B2 01 14 00")), h("6A 82"));
    assert_eq!(c.process(&h("00 B2 01 0C 10")), h("6C 1E"));
    assert_eq!(sw(&c.process(&h("00 B2 01 0C 1E"))), 0x9000);

    let mut off = builder().common_route(false).build();
    assert_eq!(off.process(&h(SELECT_COMMON)), h("6A 82"));
    let mut no_expiry = builder().card_expiry(None).build();
    assert_eq!(no_expiry.process(&h(SELECT_COMMON)), h("6A 82"));
    assert_eq!(no_expiry.process(&h("00 CA 00 F2 00")), h("6A 88"));
}

#[test]
fn token_info_for_every_kind() {
    for (token, text) in [
        (Token::MyNumberCard, "JPKIAPICCTOKEN2"),
        (Token::Juki, "JPKIAPICCTOKEN"),
        (Token::Android, "JPKIAPGPSETOKEN"),
        (Token::Iphone, "JPKIAPIOSTOKEN"),
    ] {
        let mut c = builder().token(token).build();
        jpki(&mut c);
        let r = c.process(&h("00 B0 86 00 00"));
        assert_eq!(sw(&r), 0x6282, "32-byte file, 256 asked");
        let d = data(&r);
        assert_eq!(d.len(), TOKEN_FILE_SIZE);
        assert_eq!(&d[..text.len()], text.as_bytes());
        assert!(d[text.len()..].iter().all(|&b| b == b' '));
    }
}

#[test]
fn availability_says_whether_the_signing_certificate_is_there() {
    let mut c = card();
    jpki(&mut c);
    assert_eq!(c.process(&h("00 B0 88 00 03")), h("8F 8F 00 90 00"));
    let mut none = builder().sign_cert(None).build();
    jpki(&mut none);
    assert_eq!(none.process(&h("00 B0 88 00 03")), h("00 8F 00 90 00"));
    assert_eq!(none.process(&h("00 A4 02 0C 02 00 01")), h("6A 82"));
    assert_eq!(none.process(&h("00 A4 02 0C 02 00 02")), h("6A 82"));
    assert_eq!(none.process(&h("00 A4 02 0C 02 00 1B")), h("90 00"));
}

#[test]
fn every_pin_file_of_every_application_answers_its_counter() {
    let mut c = card();
    let cases = [
        ("D3 92 F0 00 26 01 00 00 00 01", "00 18", "63 C3"),
        ("D3 92 F0 00 26 01 00 00 00 01", "00 1B", "63 C5"),
        ("D3 92 10 00 31 00 01 01 04 08", "00 11", "63 C3"),
        ("D3 92 10 00 31 00 01 01 04 08", "00 14", "63 CA"),
        ("D3 92 10 00 31 00 01 01 04 08", "00 15", "63 CA"),
        ("D3 92 10 00 31 00 01 01 04 02", "00 13", "63 CA"),
        ("D3 92 10 00 31 00 01 01 04 02", "00 12", "63 CA"),
        ("D3 92 10 00 31 00 01 01 04 01", "00 1C", "63 C3"),
    ];
    for (aid, fid, answer) in cases {
        assert_eq!(c.process(&h(&format!("00 A4 04 0C 0A {aid}"))), h("90 00"));
        assert_eq!(c.process(&h(&format!("00 A4 02 0C 02 {fid}"))), h("90 00"));
        assert_eq!(c.process(&h("00 20 00 80")), h(answer), "{aid} {fid}");
    }
    // Status reads spent nothing.
    assert_eq!(c.pin_tries([0, 0x18]), Some(3));
    assert_eq!(c.pin_tries([0, 0x14]), Some(10));
}

#[test]
fn missing_applications_and_files() {
    let mut c = builder()
        .without_app(&KENMEN_HOJO_AID)
        .without_file(&JPKI_AID, [0, 0x0B])
        .build();
    assert_eq!(
        c.process(&h("00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08")),
        h("6A 82")
    );
    jpki(&mut c);
    assert_eq!(c.process(&h("00 A4 02 0C 02 00 0B")), h("6A 82"));
    assert_eq!(c.process(&h("00 B0 8B 00 00")), h("6A 82"));
    assert_eq!(sw(&c.process(&h("00 B0 8A 00 00"))), 0x9000);
}

#[test]
fn answers_61xx_and_serves_the_data_by_get_response() {
    let mut c = builder().answer_61xx().build();
    let der = fake_der(1500, 1);
    assert_eq!(
        c.process(&h("00 C0 00 00 00")),
        h("69 85"),
        "nothing pending"
    );
    jpki(&mut c);
    assert_eq!(c.process(&h("00 B0 8A 00 10")), h("61 10"));
    let r = c.process(&h("00 C0 00 00 10"));
    assert_eq!(r, [&der[..16], &[0x90, 0x00]].concat());
    assert_eq!(c.process(&h("00 C0 00 00 10")), h("69 85"));
    // 256 bytes: 61 00.
    assert_eq!(c.process(&h("00 B0 8A 00 00")), h("61 00"));
    let r = c.process(&h("00 C0 00 00 00"));
    assert_eq!(data(&r), &der[..256]);
    assert_eq!(sw(&r), 0x9000);
    // A GET RESPONSE asking for less: the rest stays pending.
    assert_eq!(c.process(&h("00 B0 00 00 20")), h("61 20"));
    let r = c.process(&h("00 C0 00 00 08"));
    assert_eq!(r, [&der[..8], &[0x61, 0x18]].concat());
    let r = c.process(&h("00 C0 00 00 18"));
    assert_eq!(r, [&der[8..32], &[0x90, 0x00]].concat());
    // The end-of-file warning comes with the last part.
    assert_eq!(c.process(&h("00 B0 07 F8 10")), h("61 08"));
    let r = c.process(&h("00 C0 00 00 08"));
    assert_eq!(r, [vec![0xFF; 8], h("62 82")].concat());
    // Status-only answers are not deferred; another command drops what was pending.
    assert_eq!(c.process(&h("00 B0 00 00 20")), h("61 20"));
    assert_eq!(c.process(&h("00 A4 02 0C 02 00 0A")), h("90 00"));
    assert_eq!(c.process(&h("00 C0 00 00 20")), h("69 85"));
    // The GET DATA answer too.
    let mut g = builder().answer_61xx().build();
    assert_eq!(g.process(&h("00 CA 00 F2 00")), h("61 08"));
    assert_eq!(
        g.process(&h("00 C0 00 00 08")),
        [b"20341208".to_vec(), h("90 00")].concat()
    );
}

#[test]
fn answers_6cxx_when_le_asks_for_more_than_remains() {
    let mut c = builder().answer_6cxx().build();
    jpki(&mut c);
    assert_eq!(c.process(&h("00 A4 02 0C 02 00 08")), h("90 00"));
    assert_eq!(c.process(&h("00 B0 00 00 00")), h("6C 03"));
    assert_eq!(c.process(&h("00 B0 00 00 03")), h("8F 8F 00 90 00"));
    assert_eq!(c.process(&h("00 B0 00 01 05")), h("6C 02"));
    // A fitting Le is answered as usual.
    assert_eq!(sw(&c.process(&h("00 B0 8A 00 00"))), 0x9000);
    assert_eq!(c.process(&h(SELECT_COMMON)), h("90 00"));
    assert_eq!(c.process(&h("00 B2 01 0C 20")), h("6C 1E"));
    assert_eq!(sw(&c.process(&h("00 B2 01 0C 1E"))), 0x9000);
    // Le 00 asks for whatever is there.
    assert_eq!(sw(&c.process(&h("00 B2 01 0C 00"))), 0x9000);
}

#[test]
fn the_card_leaves_after_n_apdus() {
    let mut c = builder().remove_after(2).build();
    assert!(!c.is_removed());
    jpki(&mut c);
    assert!(!VirtualCard::removed(&c));
    assert_eq!(sw(&c.process(&h("00 B0 8A 00 00"))), 0x9000);
    assert!(c.is_removed());
    assert!(VirtualCard::removed(&c));
    c.place();
    assert!(!c.is_removed());
    // Placed again: a fresh power-up, and the removal point is spent.
    assert_eq!(c.process(&h("00 B0 8A 00 00")), h("69 86"));
    jpki(&mut c);
    assert!(!c.is_removed());
    assert!(builder().remove_after(0).build().is_removed());
}

#[test]
fn garbage_answer_at_apdu_n_only() {
    let mut c = builder().garbage_at(2, vec![0x42]).build();
    jpki(&mut c);
    assert_eq!(c.process(&h("00 B0 8A 00 00")), vec![0x42]);
    assert_eq!(sw(&c.process(&h("00 B0 8A 00 00"))), 0x9000);
    assert_eq!(c.apdu_count(), 3);
    assert_eq!(c.log()[1].sw, 0);
}

#[test]
fn latency_is_spent_per_apdu() {
    let mut c = builder().latency(Duration::from_millis(30)).build();
    let start = std::time::Instant::now();
    jpki(&mut c);
    jpki(&mut c);
    assert!(start.elapsed() >= Duration::from_millis(60));
}

#[test]
fn unknown_instruction_class_and_short_commands() {
    let mut c = card();
    assert_eq!(c.process(&h("00 84 00 00 08")), h("6D 00"));
    assert_eq!(
        c.process(&h("80 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01")),
        h("6E 00")
    );
    assert_eq!(c.process(&h("0C B0 00 00 00")), h("6E 00"));
    assert_eq!(c.process(&h("00 A4 04")), h("67 00"));
    assert_eq!(c.process(&[]), h("67 00"));
}

#[test]
fn the_log_never_holds_verify_data() {
    let mut c = builder().signing_password("SECRET9").build();
    jpki(&mut c);
    c.process(&h("00 A4 02 0C 02 00 1B"));
    c.process(&h("00 20 00 80"));
    let mut verify = h("00 20 00 80 07");
    verify.extend_from_slice(b"SECRET9");
    assert_eq!(c.process(&verify), h("90 00"));
    let log = c.log();
    assert_eq!(log.len(), 4);
    assert_eq!(log[0].command, h(SELECT_JPKI));
    assert_eq!(
        log[2],
        LoggedCommand {
            command: h("00 20 00 80"),
            verify_with_data: false,
            sw: 0x63C5,
            response_len: 2,
        }
    );
    assert_eq!(
        log[3],
        LoggedCommand {
            command: h("00 20 00 80"),
            verify_with_data: true,
            sw: 0x9000,
            response_len: 2,
        }
    );
    for entry in log {
        assert!(!entry.command.windows(7).any(|w| w == b"SECRET9"));
    }
    let debug = format!("{c:?} {:?}", builder().signing_password("SECRET9"));
    assert!(!debug.contains("SECRET9"));
    assert!(
        !debug.contains("53, 69"),
        "no byte list of the secret either"
    );
}
