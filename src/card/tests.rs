use super::*;
use crate::apdu::tests::Script;
use proptest::prelude::*;

/// Bytes from spaced hex.
fn h(s: &str) -> Vec<u8> {
    crate::sim::from_hex(s).unwrap()
}

fn ok(data: &[u8]) -> Vec<u8> {
    [data, &[0x90, 0x00]].concat()
}

fn sw(sw: u16) -> Vec<u8> {
    sw.to_be_bytes().to_vec()
}

/// A DER SEQUENCE of `total` bytes, with a minimal length.
fn der(total: usize) -> Vec<u8> {
    let mut v = if total - 2 < 0x80 {
        vec![0x30, (total - 2) as u8]
    } else if total - 3 < 0x100 {
        vec![0x30, 0x81, (total - 3) as u8]
    } else {
        let content = total - 4;
        vec![0x30, 0x82, (content >> 8) as u8, content as u8]
    };
    let content = total - v.len();
    v.extend((0..content).map(|i| (i % 251) as u8));
    v
}

/// The file as the card holds it: the DER, then filler.
fn file(total: usize) -> Vec<u8> {
    let mut f = der(total);
    f.extend(std::iter::repeat_n(0xFF, 300));
    f
}

fn script(steps: Vec<(Vec<u8>, Vec<u8>)>) -> Script {
    let mut s = Script::new(&[]);
    for (c, r) in steps {
        s.push(&c, Ok(r));
    }
    s
}

const SELECT_JPKI: &str = "00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01";
const SELECT_COMMON: &str = "00 A4 04 0C 0A D3 92 10 00 31 00 01 01 01 00";
const GET_DATA_F2: &str = "00 CA 00 F2 00";
const READ_RECORD_1: &str = "00 B2 01 0C 00";

/// The short chunks of a `total`-byte DER at EF 000A: first by SFI, then by offset.
fn short_chunks(f: &[u8], total: usize) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut steps = vec![(h("00 B0 8A 00 00"), ok(&f[..256]))];
    let mut off = 256;
    while off < total {
        let le = (total - off).min(256);
        let cmd = vec![0x00, 0xB0, (off >> 8) as u8, off as u8, le as u8];
        steps.push((cmd, ok(&f[off..off + le])));
        off += le;
    }
    steps
}

fn common_record(expiry: &str) -> Vec<u8> {
    let mut r = vec![0x01, 0x1C];
    r.extend_from_slice(b"123456789012345");
    r.extend_from_slice(b"13101");
    r.extend_from_slice(expiry.as_bytes());
    r
}

#[test]
fn der_lengths() {
    assert_eq!(der_total_len(&[]), Ok(None));
    assert_eq!(der_total_len(&[0x30]), Ok(None));
    assert_eq!(der_total_len(&h("30 82 06")), Ok(None));
    assert_eq!(der_total_len(&h("30 82 06 3C")), Ok(Some(1600)));
    assert_eq!(der_total_len(&h("30 05 01 02")), Ok(Some(7)));
    assert_eq!(der_total_len(&h("30 81 80")), Ok(Some(131)));
    assert_eq!(der_total_len(&h("31 82 06 3C")), Err(CardError::BadDer));
    assert_eq!(der_total_len(&h("FF FF FF FF")), Err(CardError::BadDer));
    assert_eq!(der_total_len(&h("30 80 00 00")), Err(CardError::BadDer));
    assert_eq!(der_total_len(&h("30 81 10")), Err(CardError::BadDer));
    assert_eq!(der_total_len(&h("30 82 00 90")), Err(CardError::BadDer));
    assert_eq!(
        der_total_len(&h("30 85 01 01 01 01 01")),
        Err(CardError::BadDer)
    );
    assert_eq!(der_total_len(&h("30 82 1F FC")), Ok(Some(MAX_DER_LEN)));
    assert_eq!(
        der_total_len(&h("30 82 1F FD")),
        Err(CardError::TooLong(8193))
    );
    assert_eq!(
        der_total_len(&h("30 84 FF FF FF FF")),
        Err(CardError::TooLong(usize::MAX))
    );
}

#[test]
fn sfi_only_for_short_jpki_fids() {
    assert_eq!(sfi_of(EF_AUTH_CERT), Some(0x0A));
    assert_eq!(sfi_of(EF_SIGN_PIN), Some(0x1B));
    assert_eq!(sfi_of([0x00, 0x00]), None);
    assert_eq!(sfi_of([0x00, 0x1F]), None);
    assert_eq!(sfi_of([0x2F, 0x01]), None);
}

/// The extended READ of the rest of a `total`-byte file at offset 256: exactly the missing bytes.
fn rest_extended(total: usize) -> Vec<u8> {
    let rest = total - 256;
    vec![0x00, 0xB0, 0x01, 0x00, 0x00, (rest >> 8) as u8, rest as u8]
}

#[test]
fn extended_read_asks_256_then_exactly_the_rest_and_no_filler() {
    let f = file(1600);
    let mut s = script(vec![
        (h("00 B0 8A 00 00"), ok(&f[..256])),
        (h("00 B0 01 00 00 05 40"), ok(&f[256..1600])),
    ]);
    assert_eq!(rest_extended(1600), h("00 B0 01 00 00 05 40"));
    let mut heads = Vec::new();
    let mut tell = |head: &[u8], apdus: u32| heads.push((head.len(), apdus));
    let mut c = CardSession::new(&mut s, true);
    c.on_auth_head(&mut tell);
    assert_eq!(c.read_der_file(EF_AUTH_CERT).unwrap(), der(1600));
    assert_eq!(c.apdu_count(), 2);
    assert!(!c.extended_fell_back());
    assert!(s.done());
    // The first chunk was handed on the moment it came, after the 1st command.
    assert_eq!(heads, vec![(256, 1)]);
    // A file that fits in the first chunk is one READ, and one shorter than 512 bytes needs no
    // extended length at all.
    let f = file(200);
    let mut s = script(vec![(h("00 B0 8A 00 00"), ok(&f[..256]))]);
    let mut c = CardSession::new(&mut s, true);
    assert_eq!(c.read_der_file(EF_AUTH_CERT).unwrap(), der(200));
    assert_eq!(c.apdu_count(), 1);
    let f = file(400);
    let mut s = script(vec![
        (h("00 B0 8A 00 00"), ok(&f[..256])),
        (h("00 B0 01 00 90"), ok(&f[256..400])),
    ]);
    let mut c = CardSession::new(&mut s, true);
    assert_eq!(c.read_der_file(EF_AUTH_CERT).unwrap(), der(400));
    assert!(s.done());
}

#[test]
fn extended_read_end_of_file_with_complete_der_is_fine() {
    let d = der(1200);
    let mut s = script(vec![
        (h("00 B0 8B 00 00"), ok(&d[..256])),
        (rest_extended(1200), [&d[256..], &[0x62, 0x82]].concat()),
    ]);
    let mut c = CardSession::new(&mut s, true);
    assert_eq!(c.read_der_file(EF_AUTH_CA).unwrap(), d);
    assert!(s.done());
}

#[test]
fn short_read_costs_one_plus_remaining_chunks() {
    let f = file(1600);
    let steps = short_chunks(&f, 1600);
    assert_eq!(steps.len(), 7);
    assert_eq!(steps[6].0, h("00 B0 06 00 40"));
    let mut s = script(steps);
    let mut c = CardSession::new(&mut s, false);
    assert_eq!(c.read_der_file(EF_AUTH_CERT).unwrap(), der(1600));
    assert_eq!(c.apdu_count(), 7);
    assert!(s.done());
}

#[test]
fn short_read_of_a_small_file_is_one_apdu() {
    let f = file(200);
    let mut s = script(vec![(h("00 B0 82 00 00"), ok(&f[..256]))]);
    let mut c = CardSession::new(&mut s, false);
    assert_eq!(c.read_der_file(EF_SIGN_CA).unwrap(), der(200));
    assert_eq!(c.apdu_count(), 1);
}

#[test]
fn short_read_with_end_of_file_and_complete_der() {
    let d = der(300);
    let mut s = script(vec![
        (h("00 B0 8A 00 00"), ok(&d[..256])),
        (
            h("00 B0 01 00 2C"),
            [&d[256..], &[0x62u8, 0x82][..]].concat(),
        ),
    ]);
    let mut c = CardSession::new(&mut s, false);
    assert_eq!(c.read_der_file(EF_AUTH_CERT).unwrap(), d);
}

#[test]
fn short_first_chunk_smaller_than_the_header() {
    let d = der(300);
    let mut s = script(vec![
        (h("00 B0 8A 00 00"), ok(&d[..1])),
        (h("00 B0 00 01 00"), ok(&d[1..257])),
        (h("00 B0 01 01 2B"), ok(&d[257..])),
    ]);
    let mut c = CardSession::new(&mut s, false);
    assert_eq!(c.read_der_file(EF_AUTH_CERT).unwrap(), d);
}

#[test]
fn bytes_available_answers_are_joined() {
    let f = file(300);
    let mut s = script(vec![
        (
            h("00 B0 8A 00 00"),
            [&f[..200], &[0x61u8, 0x38][..]].concat(),
        ),
        (h("00 C0 00 00 38"), ok(&f[200..256])),
        (h("00 B0 01 00 2C"), ok(&f[256..300])),
    ]);
    let mut c = CardSession::new(&mut s, true);
    assert_eq!(c.read_der_file(EF_AUTH_CERT).unwrap(), der(300));
    assert_eq!(c.apdu_count(), 3);
}

fn fallback_case(first: Result<Vec<u8>, TransportError>, extra: Vec<(Vec<u8>, Vec<u8>)>) {
    let f = file(1600);
    let mut s = Script::new(&[]);
    s.push(&h("00 B0 8A 00 00"), Ok(ok(&f[..256])));
    s.push(&rest_extended(1600), first);
    for (c, r) in extra {
        s.push(&c, Ok(r));
    }
    // Short READs go on from offset 256: the first chunk is not read again.
    for (c, r) in short_chunks(&f, 1600).into_iter().skip(1) {
        s.push(&c, Ok(r));
    }
    // The next file in the same session goes straight to short APDUs.
    let ca = file(900);
    for (c, r) in short_chunks(&ca, 900) {
        let c = if c == h("00 B0 8A 00 00") {
            h("00 B0 8B 00 00")
        } else {
            c
        };
        s.push(&c, Ok(r));
    }
    let mut c = CardSession::new(&mut s, true);
    assert_eq!(c.read_der_file(EF_AUTH_CERT).unwrap(), der(1600));
    assert!(c.extended_fell_back());
    assert_eq!(c.read_der_file(EF_AUTH_CA).unwrap(), der(900));
    assert!(s.done());
}

#[test]
fn extended_falls_back_on_wrong_length() {
    fallback_case(Ok(sw(0x6700)), vec![]);
}

#[test]
fn extended_falls_back_on_transport_errors_other_than_removal() {
    fallback_case(Err(TransportError::Timeout), vec![]);
    fallback_case(Err(TransportError::Other("transmit failed".into())), vec![]);
}

#[test]
fn extended_falls_back_on_short_or_wrong_answers() {
    let f = file(1600);
    // Fewer bytes than asked (a reader that cuts long answers): not trusted, read again short.
    fallback_case(Ok(ok(&f[256..512])), vec![]);
    fallback_case(Ok(ok(&[])), vec![]);
    fallback_case(Ok(vec![0x90]), vec![]);
    fallback_case(Ok(ok(&[0xFF; 40])), vec![]);
    fallback_case(Ok(sw(0x6F00)), vec![]);
    fallback_case(Ok(sw(0x6D00)), vec![]);
    // 6C00: the channel re-sends with Le 256, which cannot hold the rest.
    fallback_case(
        Ok(sw(0x6C00)),
        vec![(h("00 B0 01 00 00"), ok(&f[256..512]))],
    );
}

#[test]
fn extended_removal_is_not_a_fallback() {
    let f = file(1600);
    let mut s = Script::new(&[]);
    s.push(&h("00 B0 8A 00 00"), Ok(ok(&f[..256])));
    s.push(&rest_extended(1600), Err(TransportError::CardRemoved));
    let mut c = CardSession::new(&mut s, true);
    let e = c.read_der_file(EF_AUTH_CERT).unwrap_err();
    assert!(e.is_removal());
    assert!(!c.extended_fell_back());
    assert!(s.done());
}

#[test]
fn missing_or_protected_files_are_errors_without_fallback() {
    let mut s = script(vec![(h("00 B0 8A 00 00"), sw(0x6A82))]);
    let mut c = CardSession::new(&mut s, true);
    assert_eq!(
        c.read_der_file(EF_AUTH_CERT),
        Err(CardError::Status {
            what: "READ BINARY",
            sw: StatusWord::NotFound
        })
    );
    let mut s = script(vec![(h("00 B0 81 00 00"), sw(0x6982))]);
    let mut c = CardSession::new(&mut s, false);
    assert_eq!(
        c.read_der_file(EF_SIGN_CERT),
        Err(CardError::SecurityNotSatisfied)
    );
    let mut s = script(vec![(h("00 B0 81 00 00"), sw(0x6982))]);
    let mut c = CardSession::new(&mut s, true);
    assert_eq!(
        c.read_der_file(EF_SIGN_CERT),
        Err(CardError::SecurityNotSatisfied)
    );
    assert_eq!(c.apdu_count(), 1);
}

#[test]
fn lying_lengths_are_typed_errors() {
    for (header, err) in [
        ("30 83 01 00 00", CardError::TooLong(0x10000 + 5)),
        ("30 82 7F FF", CardError::TooLong(0x7FFF + 4)),
        ("30 84 7F FF FF FF", CardError::TooLong(usize::MAX)),
        ("30 80", CardError::BadDer),
        ("04 82 06 3C", CardError::BadDer),
    ] {
        let mut chunk = h(header);
        chunk.resize(256, 0xAB);
        // Short: one READ, then the error.
        let mut s = script(vec![(h("00 B0 8A 00 00"), ok(&chunk))]);
        let mut c = CardSession::new(&mut s, false);
        assert_eq!(c.read_der_file(EF_AUTH_CERT), Err(err.clone()), "{header}");
        assert_eq!(c.apdu_count(), 1);
        // Extended length changes nothing: the first READ is short either way.
        let mut s = script(vec![(h("00 B0 8A 00 00"), ok(&chunk))]);
        let mut c = CardSession::new(&mut s, true);
        assert_eq!(c.read_der_file(EF_AUTH_CERT), Err(err), "{header}");
        assert_eq!(c.apdu_count(), 1);
    }
}

#[test]
fn truncated_files_are_typed_errors() {
    let d = der(1600);
    // End of file before the DER ends.
    let mut s = script(vec![
        (h("00 B0 8A 00 00"), ok(&d[..256])),
        (
            h("00 B0 01 00 00"),
            [&d[256..356], &[0x62u8, 0x82][..]].concat(),
        ),
    ]);
    let mut c = CardSession::new(&mut s, false);
    assert_eq!(
        c.read_der_file(EF_AUTH_CERT),
        Err(CardError::Truncated {
            expected: 1600,
            got: 356
        })
    );
    // An empty chunk with 9000 would loop forever: it is an error.
    let mut s = script(vec![
        (h("00 B0 8A 00 00"), ok(&d[..256])),
        (h("00 B0 01 00 00"), ok(&[])),
    ]);
    let mut c = CardSession::new(&mut s, false);
    assert_eq!(
        c.read_der_file(EF_AUTH_CERT),
        Err(CardError::Truncated {
            expected: 1600,
            got: 256
        })
    );
    // Offset beyond the EF.
    let mut s = script(vec![
        (h("00 B0 8A 00 00"), ok(&d[..256])),
        (h("00 B0 01 00 00"), sw(0x6B00)),
    ]);
    let mut c = CardSession::new(&mut s, false);
    assert!(matches!(
        c.read_der_file(EF_AUTH_CERT),
        Err(CardError::Truncated { .. })
    ));
    // A file holding only a tag.
    let mut s = script(vec![(h("00 B0 8A 00 00"), [0x30, 0x62, 0x82].to_vec())]);
    let mut c = CardSession::new(&mut s, false);
    assert_eq!(c.read_der_file(EF_AUTH_CERT), Err(CardError::BadDer));
    // Truncated during the extended read, then by the short read.
    let mut s = script(vec![
        (h("00 B0 8A 00 00"), ok(&d[..256])),
        (
            rest_extended(1600),
            [&d[256..700], &[0x62u8, 0x82][..]].concat(),
        ),
        (h("00 B0 01 00 00"), ok(&d[256..512])),
        (
            h("00 B0 02 00 00"),
            [&d[512..700], &[0x62u8, 0x82][..]].concat(),
        ),
    ]);
    let mut c = CardSession::new(&mut s, true);
    assert_eq!(
        c.read_der_file(EF_AUTH_CERT),
        Err(CardError::Truncated {
            expected: 1600,
            got: 700
        })
    );
}

#[test]
fn files_without_a_short_identifier_are_selected_first() {
    let f = file(100);
    let mut s = script(vec![
        (h("00 A4 02 0C 02 2F 01"), ok(&[])),
        (h("00 B0 00 00 00"), ok(&f[..256])),
    ]);
    let mut c = CardSession::new(&mut s, true);
    assert_eq!(c.read_der_file([0x2F, 0x01]).unwrap(), der(100));
    let mut s = script(vec![(h("00 A4 02 0C 02 2F 01"), sw(0x6A82))]);
    let mut c = CardSession::new(&mut s, true);
    assert_eq!(
        c.read_der_file([0x2F, 0x01]),
        Err(CardError::Status {
            what: "SELECT EF",
            sw: StatusWord::NotFound
        })
    );
}

#[test]
fn token_kinds() {
    for (token, kind) in [
        (&b"JPKIAPICCTOKEN2   "[..], CardKind::MyNumberCard),
        (b"JPKIAPICCTOKEN    ", CardKind::JukiCard),
        (b"JPKIAPGPSETOKEN   ", CardKind::Smartphone),
        (b"JPKIAPIOSTOKEN    ", CardKind::Smartphone),
        (b"SOMETHINGELSE     ", CardKind::Unknown),
        (b"", CardKind::Unknown),
    ] {
        let mut s = script(vec![
            (h(SELECT_JPKI), ok(&[])),
            (h("00 B0 86 00 00"), [token, &[0x62, 0x82]].concat()),
        ]);
        let mut c = CardSession::new(&mut s, true);
        assert_eq!(c.token_info().unwrap(), kind);
        assert_eq!(c.apdu_count(), 2);
    }
    let mut s = script(vec![
        (h(SELECT_JPKI), ok(&[])),
        (h("00 B0 86 00 00"), sw(0x6A82)),
    ]);
    let mut c = CardSession::new(&mut s, true);
    assert_eq!(c.token_info().unwrap(), CardKind::Unknown);
}

#[test]
fn not_a_my_number_card() {
    let mut s = script(vec![(h(SELECT_JPKI), sw(0x6A82))]);
    let mut c = CardSession::new(&mut s, true);
    assert_eq!(c.select_jpki(), Err(CardError::NotMyNumberCard));
    let mut s = script(vec![(h(SELECT_JPKI), sw(0x6985))]);
    let mut c = CardSession::new(&mut s, true);
    assert_eq!(
        c.select_jpki(),
        Err(CardError::Status {
            what: "SELECT JPKI",
            sw: StatusWord::ConditionsNotSatisfied
        })
    );
}

#[test]
fn first_command_6f00_is_retried_once() {
    let mut s = script(vec![
        (h(SELECT_JPKI), sw(0x6F00)),
        (h(SELECT_JPKI), ok(&[])),
    ]);
    let mut c = CardSession::new(&mut s, true);
    assert_eq!(c.select_jpki(), Ok(()));
    assert_eq!(c.apdu_count(), 2);
    // Not for later commands.
    let mut s = script(vec![
        (h(SELECT_JPKI), ok(&[])),
        (h("00 B0 86 00 00"), sw(0x6F00)),
    ]);
    let mut c = CardSession::new(&mut s, true);
    assert_eq!(c.token_info().unwrap(), CardKind::Unknown);
    assert_eq!(c.apdu_count(), 2);
}

fn pin_case(answer: Vec<u8>) -> PinStatus {
    let mut s = script(vec![
        (h(SELECT_JPKI), ok(&[])),
        (h("00 A4 02 0C 02 00 1B"), ok(&[])),
        (h("00 20 00 80"), answer),
    ]);
    let mut c = CardSession::new(&mut s, true);
    let p = c.pin_status(JPKI_AID, EF_SIGN_PIN).unwrap();
    assert_eq!(c.apdu_count(), 3);
    assert_eq!((p.id, p.fid), (PinId::Sign, EF_SIGN_PIN));
    p
}

#[test]
fn each_pin_state() {
    let p = pin_case(sw(0x63C5));
    assert_eq!(
        (p.state, p.tries_left, p.max),
        (PinState::Ok, Some(5), Some(5))
    );
    let p = pin_case(sw(0x63C2));
    assert_eq!((p.state, p.tries_left), (PinState::Ok, Some(2)));
    let p = pin_case(sw(0x63C0));
    assert_eq!((p.state, p.tries_left), (PinState::Locked, Some(0)));
    let p = pin_case(sw(0x6984));
    assert_eq!((p.state, p.tries_left), (PinState::Locked, Some(0)));
    let p = pin_case(sw(0x6983));
    assert_eq!((p.state, p.tries_left), (PinState::Locked, Some(0)));
    let p = pin_case(sw(0x9000));
    assert_eq!((p.state, p.tries_left), (PinState::Verified, None));
    let p = pin_case(sw(0x6A82));
    assert_eq!((p.state, p.tries_left), (PinState::Unavailable, None));
    let p = pin_case(sw(0x6D00));
    assert_eq!((p.state, p.tries_left), (PinState::Unavailable, None));
    let p = pin_case(vec![0x63]);
    assert_eq!((p.state, p.tries_left), (PinState::Unavailable, None));
    // More tries than documented: the card's number wins.
    let p = pin_case(sw(0x63C9));
    assert_eq!(
        (p.state, p.tries_left, p.max),
        (PinState::Ok, Some(9), Some(9))
    );
}

fn verify_case(answer: Vec<u8>) -> (Result<VerifyOutcome, CardError>, Vec<Vec<u8>>) {
    let mut s = script(vec![
        (h(SELECT_JPKI), ok(&[])),
        (h("00 A4 02 0C 02 00 1B"), ok(&[])),
        (h("00 20 00 80 06 41 42 43 31 32 33"), answer),
    ]);
    let password = SigningPassword::parse("abc123").unwrap();
    let outcome = CardSession::new(&mut s, true).verify_signing_password(&password);
    (outcome, s.sent)
}

#[test]
fn signing_password_outcomes_and_one_verify_only() {
    assert_eq!(verify_case(sw(0x9000)).0, Ok(VerifyOutcome::Verified));
    assert_eq!(
        verify_case(sw(0x63C4)).0,
        Ok(VerifyOutcome::Wrong { tries_left: 4 })
    );
    assert_eq!(
        verify_case(sw(0x63C0)).0,
        Ok(VerifyOutcome::Wrong { tries_left: 0 })
    );
    assert_eq!(verify_case(sw(0x6983)).0, Ok(VerifyOutcome::Blocked));
    assert_eq!(verify_case(sw(0x6984)).0, Ok(VerifyOutcome::Blocked));
    // Not even the first-command 6F00 makes it send the password twice.
    for odd in [0x6F00, 0x6A82, 0x6700] {
        let (outcome, sent) = verify_case(sw(odd));
        assert!(matches!(
            outcome,
            Err(CardError::Status { what: "VERIFY", .. })
        ));
        assert_eq!(sent.iter().filter(|c| c.get(1) == Some(&0x20)).count(), 1);
    }
    // A missing PIN file: the password is not sent.
    let mut s = script(vec![
        (h(SELECT_JPKI), ok(&[])),
        (h("00 A4 02 0C 02 00 1B"), sw(0x6A82)),
    ]);
    let password = SigningPassword::parse("ABC123").unwrap();
    let r = CardSession::new(&mut s, true).verify_signing_password(&password);
    assert!(matches!(
        r,
        Err(CardError::Status {
            what: "SELECT EF 001B",
            ..
        })
    ));
    assert_eq!(s.sent.len(), 2);
}

#[test]
fn signing_certificate_by_short_identifier() {
    let f = file(1500);
    let mut s = script(vec![
        (h(SELECT_JPKI), ok(&[])),
        (h("00 B0 81 00 00"), ok(&f[..256])),
        (rest_extended(1500), ok(&f[256..1500])),
    ]);
    let mut c = CardSession::new(&mut s, true);
    assert_eq!(c.read_signing_cert().unwrap(), der(1500));
    assert_eq!(c.apdu_count(), 3);
    let mut s = script(vec![
        (h(SELECT_JPKI), ok(&[])),
        (h("00 B0 81 00 00"), sw(0x6982)),
    ]);
    let mut c = CardSession::new(&mut s, true);
    assert_eq!(c.read_signing_cert(), Err(CardError::SecurityNotSatisfied));
}

#[test]
fn missing_pin_file_is_unavailable() {
    let mut s = script(vec![
        (h(SELECT_JPKI), ok(&[])),
        (h("00 A4 02 0C 02 00 18"), sw(0x6A82)),
    ]);
    let mut c = CardSession::new(&mut s, true);
    let p = c.pin_status(JPKI_AID, EF_AUTH_PIN).unwrap();
    assert_eq!(
        (p.id, p.state, p.max),
        (PinId::Auth, PinState::Unavailable, Some(3))
    );
}

#[test]
fn pins_selects_each_application_once() {
    let mut s = script(vec![
        (h(SELECT_JPKI), ok(&[])),
        (h("00 A4 02 0C 02 00 18"), ok(&[])),
        (h("00 20 00 80"), sw(0x63C3)),
        (h("00 A4 02 0C 02 00 1B"), ok(&[])),
        (h("00 20 00 80"), sw(0x63C0)),
        (h("00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08"), ok(&[])),
        (h("00 A4 02 0C 02 00 11"), ok(&[])),
        (h("00 20 00 80"), sw(0x9000)),
        (h("00 A4 02 0C 02 00 14"), ok(&[])),
        (h("00 20 00 80"), sw(0x63CA)),
        (h("00 A4 02 0C 02 00 15"), sw(0x6A82)),
        (
            h("00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 02"),
            sw(0x6A82),
        ),
        (h("00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 01"), ok(&[])),
        (h("00 A4 02 0C 02 00 1C"), ok(&[])),
        (h("00 20 00 80"), sw(0x6984)),
    ]);
    let mut c = CardSession::new(&mut s, true);
    let pins = c.pins().unwrap();
    assert_eq!(c.apdu_count(), 15);
    assert!(s.done());
    let got: Vec<_> = pins
        .iter()
        .map(|p| (p.id, p.fid, p.state, p.tries_left))
        .collect();
    assert_eq!(
        got,
        vec![
            (PinId::Auth, [0, 0x18], PinState::Ok, Some(3)),
            (PinId::Sign, [0, 0x1B], PinState::Locked, Some(0)),
            (PinId::KenmenHojo, [0, 0x11], PinState::Verified, None),
            (PinId::KenmenHojoA, [0, 0x14], PinState::Ok, Some(10)),
            (PinId::KenmenHojoB, [0, 0x15], PinState::Unavailable, None),
            (
                PinId::KenmenKakuninA,
                [0, 0x13],
                PinState::Unavailable,
                None
            ),
            (
                PinId::KenmenKakuninB,
                [0, 0x12],
                PinState::Unavailable,
                None
            ),
            (PinId::Juki, [0, 0x1C], PinState::Locked, Some(0)),
        ]
    );
    // No JPKI application: not a My Number Card.
    let mut s = script(vec![(h(SELECT_JPKI), sw(0x6A82))]);
    let mut c = CardSession::new(&mut s, true);
    assert_eq!(c.pins(), Err(CardError::NotMyNumberCard));
}

#[test]
fn dates_are_validated() {
    let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd);
    assert_eq!(parse_yyyymmdd(b"20340615"), d(2034, 6, 15));
    assert_eq!(parse_yyyymmdd(b"20280229"), d(2028, 2, 29));
    assert_eq!(parse_yyyymmdd(b"20270229"), None);
    assert_eq!(parse_yyyymmdd(b"20341301"), None);
    assert_eq!(parse_yyyymmdd(b"20340631"), None);
    assert_eq!(parse_yyyymmdd(b"00000000"), None);
    assert_eq!(parse_yyyymmdd(b"19991231"), None);
    assert_eq!(parse_yyyymmdd(b"2034061"), None);
    assert_eq!(parse_yyyymmdd(b"203406155"), None);
    assert_eq!(parse_yyyymmdd(b"2034-6-1"), None);
    assert_eq!(parse_yyyymmdd(b"\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF"), None);
    assert_eq!(expiry_from_get_data(b"\xF2\x0820340615"), d(2034, 6, 15));
    assert_eq!(expiry_from_get_data(b"\xF2\x0920340615"), None);
    assert_eq!(
        expiry_from_common_record(&common_record("20340615")),
        d(2034, 6, 15)
    );
    let mut r = common_record("20340615");
    r.extend_from_slice(&[0xFF; 10]);
    assert_eq!(expiry_from_common_record(&r), d(2034, 6, 15));
    assert_eq!(expiry_from_common_record(&r[..29]), None);
    let mut r = common_record("20340615");
    r[0] = 0x02;
    assert_eq!(expiry_from_common_record(&r), None);
    let mut r = common_record("20340615");
    r[5] = b'A';
    assert_eq!(expiry_from_common_record(&r), None);
    assert_eq!(expiry_from_common_record(&common_record("20349999")), None);
}

fn expiry_case(steps: Vec<(Vec<u8>, Vec<u8>)>) -> (Option<CardExpiry>, u32) {
    let n = steps.len();
    let mut s = script(steps);
    let mut c = CardSession::new(&mut s, true);
    let e = c.card_expiry().unwrap();
    let count = c.apdu_count();
    assert!(s.done());
    assert_eq!(count as usize, n);
    (e, count)
}

#[test]
fn card_expiry_by_get_data() {
    let date = NaiveDate::from_ymd_opt(2034, 6, 15).unwrap();
    let want = Some(CardExpiry {
        date,
        route: ExpiryRoute::GetData,
    });
    assert_eq!(
        expiry_case(vec![(h(GET_DATA_F2), ok(b"20340615"))]),
        (want, 1)
    );
    assert_eq!(
        expiry_case(vec![
            (h(GET_DATA_F2), sw(0x6C08)),
            (h("00 CA 00 F2 08"), ok(b"20340615")),
        ]),
        (want, 2)
    );
    assert_eq!(
        expiry_case(vec![
            (h(GET_DATA_F2), sw(0x6700)),
            (h("00 CA 00 F2 08"), ok(b"20340615")),
        ]),
        (want, 2)
    );
    assert_eq!(
        expiry_case(vec![
            (h(GET_DATA_F2), sw(0x6F00)),
            (h(GET_DATA_F2), ok(b"20340615")),
        ]),
        (want, 2)
    );
}

#[test]
fn card_expiry_by_common_application() {
    let date = NaiveDate::from_ymd_opt(2031, 2, 28).unwrap();
    let want = Some(CardExpiry {
        date,
        route: ExpiryRoute::CommonApplication,
    });
    for get_data in [
        sw(0x6D00),
        sw(0x6A88),
        ok(b"2031022X"),
        ok(b"20310230"),
        vec![0x01],
    ] {
        assert_eq!(
            expiry_case(vec![
                (h(GET_DATA_F2), get_data),
                (h(SELECT_COMMON), ok(&[])),
                (h(READ_RECORD_1), ok(&common_record("20310228"))),
            ]),
            (want, 3)
        );
    }
    // GET DATA is only asked before any SELECT.
    let mut s = script(vec![
        (h(SELECT_JPKI), ok(&[])),
        (h(SELECT_COMMON), ok(&[])),
        (h(READ_RECORD_1), ok(&common_record("20310228"))),
    ]);
    let mut c = CardSession::new(&mut s, true);
    c.select_jpki().unwrap();
    assert_eq!(c.card_expiry().unwrap(), want);
}

#[test]
fn card_expiry_none_when_neither_answers() {
    assert_eq!(
        expiry_case(vec![
            (h(GET_DATA_F2), sw(0x6D00)),
            (h(SELECT_COMMON), sw(0x6A82)),
        ]),
        (None, 2)
    );
    assert_eq!(
        expiry_case(vec![
            (h(GET_DATA_F2), ok(b"99999999")),
            (h(SELECT_COMMON), ok(&[])),
            (h(READ_RECORD_1), ok(&common_record("2034061X"))),
        ]),
        (None, 3)
    );
    assert_eq!(
        expiry_case(vec![
            (h(GET_DATA_F2), sw(0x6700)),
            (h("00 CA 00 F2 08"), sw(0x6700)),
            (h(SELECT_COMMON), ok(&[])),
            (h(READ_RECORD_1), sw(0x6A83)),
        ]),
        (None, 4)
    );
}

/// The default reading, extended length: 9 APDUs.
fn public_extended(f: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
    vec![
        (h(GET_DATA_F2), ok(b"20340615")),
        (h(SELECT_JPKI), ok(&[])),
        (h("00 B0 8A 00 00"), ok(&f[..256])),
        (rest_extended(1600), ok(&f[256..1600])),
        (h("00 B0 88 00 03"), ok(&[0x8F, 0x8F, 0x00])),
        (h("00 A4 02 0C 02 00 18"), ok(&[])),
        (h("00 20 00 80"), sw(0x63C3)),
        (h("00 A4 02 0C 02 00 1B"), ok(&[])),
        (h("00 20 00 80"), sw(0x63C5)),
    ]
}

/// The default reading, short APDUs: 14 for a 1.6 KB certificate.
fn public_short(f: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut steps = vec![(h(GET_DATA_F2), ok(b"20340615")), (h(SELECT_JPKI), ok(&[]))];
    steps.extend(short_chunks(f, 1600));
    steps.extend(public_extended(f).into_iter().skip(4));
    steps
}

#[test]
fn read_public_extended_is_9_apdus() {
    let f = file(1600);
    let mut s = script(public_extended(&f));
    let mut c = CardSession::new(&mut s, true);
    let r = c.read_public().unwrap();
    assert_eq!(c.apdu_count(), 9);
    assert!(s.done());
    assert_eq!(r.kind, CardKind::MyNumberCard);
    assert_eq!(
        r.card_expiry,
        Some(CardExpiry {
            date: NaiveDate::from_ymd_opt(2034, 6, 15).unwrap(),
            route: ExpiryRoute::GetData
        })
    );
    assert_eq!(r.auth_cert, Some(der(1600)));
    assert_eq!(r.sign_presence, SignPresence::Present);
    assert_eq!(
        r.pins
            .iter()
            .map(|p| (p.id, p.tries_left))
            .collect::<Vec<_>>(),
        vec![(PinId::Auth, Some(3)), (PinId::Sign, Some(5))]
    );
}

#[test]
fn read_public_short_is_14_apdus() {
    let f = file(1600);
    let mut s = script(public_short(&f));
    let mut c = CardSession::new(&mut s, false);
    let r = c.read_public().unwrap();
    assert_eq!(c.apdu_count(), 14);
    assert!(s.done());
    assert_eq!(r.auth_cert, Some(der(1600)));
}

#[test]
fn read_public_reads_the_token_when_the_expiry_is_not_told() {
    let f = file(1600);
    let mut s = script(vec![
        (h(GET_DATA_F2), sw(0x6D00)),
        (h(SELECT_COMMON), sw(0x6A82)),
        (h(SELECT_JPKI), ok(&[])),
        (
            h("00 B0 86 00 00"),
            [&b"JPKIAPICCTOKEN"[..], &[0x62, 0x82]].concat(),
        ),
        (h("00 B0 8A 00 00"), ok(&f[..256])),
        (rest_extended(1600), ok(&f[256..1600])),
        (h("00 B0 88 00 03"), ok(&[0x00, 0x8F, 0x00])),
        (h("00 A4 02 0C 02 00 18"), ok(&[])),
        (h("00 20 00 80"), sw(0x63C3)),
        (h("00 A4 02 0C 02 00 1B"), sw(0x6A82)),
    ]);
    let mut c = CardSession::new(&mut s, true);
    let r = c.read_public().unwrap();
    assert_eq!(c.apdu_count(), 10);
    assert_eq!(r.kind, CardKind::JukiCard);
    assert_eq!(r.card_expiry, None);
    assert_eq!(r.sign_presence, SignPresence::Absent);
    assert_eq!(r.pins[1].state, PinState::Unavailable);
}

#[test]
fn read_public_on_a_foreign_card() {
    let mut s = script(vec![
        (h(GET_DATA_F2), sw(0x6A88)),
        (h(SELECT_COMMON), sw(0x6A82)),
        (h(SELECT_JPKI), sw(0x6A82)),
    ]);
    let mut c = CardSession::new(&mut s, true);
    assert_eq!(c.read_public(), Err(CardError::NotMyNumberCard));
}

#[test]
fn sign_presence_answers() {
    for (answer, want) in [
        (ok(&[0x8F, 0x8F, 0x00]), SignPresence::Present),
        (ok(&[0x00, 0x8F, 0x00]), SignPresence::Absent),
        (sw(0x6A82), SignPresence::Absent),
        (ok(&[]), SignPresence::Unknown),
        (sw(0x6982), SignPresence::Unknown),
        (vec![0x8F], SignPresence::Unknown),
    ] {
        let mut s = script(vec![
            (h(SELECT_JPKI), ok(&[])),
            (h("00 B0 88 00 03"), answer),
        ]);
        let mut c = CardSession::new(&mut s, true);
        assert_eq!(c.sign_presence().unwrap(), want);
    }
}

#[test]
fn removal_at_every_apdu_of_the_default_reading() {
    let f = file(1600);
    for extended in [true, false] {
        let steps = if extended {
            public_extended(&f)
        } else {
            public_short(&f)
        };
        for at in 0..steps.len() {
            let mut s = Script::new(&[]);
            for (c, r) in steps.iter().take(at) {
                s.push(c, Ok(r.clone()));
            }
            s.push(&steps[at].0, Err(TransportError::CardRemoved));
            let mut c = CardSession::new(&mut s, extended);
            let e = c.read_public().unwrap_err();
            assert!(e.is_removal(), "extended {extended}, at {at}: {e:?}");
            assert_eq!(c.apdu_count() as usize, at + 1);
        }
    }
}

/// Answers anything with the next of some arbitrary byte strings.
struct Arbitrary(Vec<Vec<u8>>, usize);
impl Transaction for Arbitrary {
    fn transmit(&mut self, _: &[u8]) -> Result<Vec<u8>, TransportError> {
        let r = self.0.get(self.1).cloned();
        self.1 += 1;
        r.ok_or(TransportError::CardRemoved)
    }
}

proptest! {
    #[test]
    fn der_length_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..16)) {
        if let Ok(Some(total)) = der_total_len(&bytes) {
            prop_assert!(total <= MAX_DER_LEN);
        }
    }

    #[test]
    fn reading_arbitrary_answers_never_panics(
        answers in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..300), 0..40),
        extended in any::<bool>(),
    ) {
        let n = answers.len();
        let mut t = Arbitrary(answers, 0);
        let mut c = CardSession::new(&mut t, extended);
        let _ = c.read_public();
        // Every answer is used at most once, plus the one that reports removal.
        prop_assert!(c.apdu_count() as usize <= n + 1);
    }

    #[test]
    fn reading_arbitrary_der_files_never_panics(
        first in proptest::collection::vec(any::<u8>(), 0..600),
        rest in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..300), 0..40),
    ) {
        let mut answers = vec![first];
        answers.extend(rest);
        let n = answers.len();
        let mut t = Arbitrary(answers, 0);
        let mut c = CardSession::new(&mut t, false);
        if let Ok(d) = c.read_der_file(EF_AUTH_CERT) {
            prop_assert_eq!(der_total_len(&d).ok().flatten(), Some(d.len()));
        }
        prop_assert!(c.apdu_count() as usize <= n + 1);
    }
}

#[test]
fn the_password_follows_its_counter_check_without_a_second_select() {
    let password = SigningPassword::parse("ABC123").unwrap();
    let mut s = script(vec![
        (h(SELECT_JPKI), ok(&[])),
        (h("00 A4 02 0C 02 00 1B"), ok(&[])),
        (h("00 20 00 80"), sw(0x63C5)),
        (h("00 20 00 80 06 41 42 43 31 32 33"), sw(0x9000)),
    ]);
    let mut c = CardSession::new(&mut s, true);
    assert_eq!(
        c.pin_status(JPKI_AID, EF_SIGN_PIN).unwrap().tries_left,
        Some(5)
    );
    assert_eq!(
        c.verify_signing_password(&password),
        Ok(VerifyOutcome::Verified)
    );
    assert_eq!(c.apdu_count(), 4);
    assert!(s.done());
    // Any other command in between (here a READ by short EF identifier, which changes the
    // current EF): the password's EF is selected again first.
    let mut s = script(vec![
        (h(SELECT_JPKI), ok(&[])),
        (h("00 A4 02 0C 02 00 1B"), ok(&[])),
        (h("00 20 00 80"), sw(0x63C5)),
        (h("00 B0 88 00 03"), ok(&[0x8F, 0x8F, 0x00])),
        (h("00 A4 02 0C 02 00 1B"), ok(&[])),
        (h("00 20 00 80 06 41 42 43 31 32 33"), sw(0x63C4)),
    ]);
    let mut c = CardSession::new(&mut s, true);
    c.pin_status(JPKI_AID, EF_SIGN_PIN).unwrap();
    assert_eq!(c.sign_presence().unwrap(), SignPresence::Present);
    assert_eq!(
        c.verify_signing_password(&password),
        Ok(VerifyOutcome::Wrong { tries_left: 4 })
    );
    assert!(s.done());
}
