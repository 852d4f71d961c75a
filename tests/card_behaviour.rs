//! The card layer through the simulated card: every status-word path `CardSession` handles,
//! the fewest-APDU certificate read, lying lengths, PIN states, and the proof that reading the
//! PIN counters spends nothing (issue 2, "Tests" and "Must show").
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod support;

use myna_kigen::apdu::StatusWord;
use myna_kigen::card::{
    CardError, CardKind, CardSession, EF_AUTH_CA, EF_AUTH_CERT, EF_AUTH_PIN, EF_AVAILABILITY,
    EF_SIGN_CERT, EF_SIGN_PIN, EF_TOKEN, ExpiryRoute, JPKI_AID, KENMEN_HOJO_AID, PinId, PinState,
    SignPresence,
};
use myna_kigen::sim::{Scenario, SimCard, SimCardBuilder, SimTransport, Token};
use myna_kigen::transport::Transport;
use support::*;

/// A card for these tests. They inject answers at fixed command positions and count the card
/// layer's commands; the `6F 00` real cards give the first command after power-up (domain.md
/// §2b, on by default in the simulated card) would shift every position by one, so these cards
/// start with it off. `no_precise_diagnosis_6f00_on_the_first_command_is_sent_again_once` and
/// `the_reported_first_command_costs_one_apdu_more` keep it on. Every other reported manner
/// stays on.
fn sim() -> SimCardBuilder {
    SimCard::builder().with_manners(|m| m.first_command_6f00 = false)
}

/// A scenario's card, as [`sim`].
fn quiet(scenario: Scenario) -> SimCardBuilder {
    builder(scenario).with_manners(|m| m.first_command_6f00 = false)
}

/// Runs `f` on a fresh session over one transaction of `t`.
fn with_session<T>(
    t: &mut SimTransport,
    extended: bool,
    f: impl FnOnce(&mut CardSession<'_>) -> T,
) -> T {
    let mut tx = t.transaction().unwrap();
    let mut session = CardSession::new(tx.as_mut(), extended);
    f(&mut session)
}

/// SELECT JPKI then the user-authentication certificate: (DER, session APDU count, fell back).
fn read_auth(t: &mut SimTransport, extended: bool) -> (Result<Vec<u8>, CardError>, u32, bool) {
    with_session(t, extended, |s| {
        s.select_jpki().unwrap();
        let r = s.read_der_file(EF_AUTH_CERT);
        (r, s.apdu_count(), s.extended_fell_back())
    })
}

fn card_with_auth(der: Vec<u8>) -> SimCard {
    sim()
        .auth_cert(der)
        .card_expiry(Some(d(2034, 12, 8)))
        .build()
}

// --- Issue 2 must-show: the certificate costs 2 APDUs extended, 1 + ceil(len/256) short. ---

#[test]
fn auth_certificate_costs_two_apdus_extended_and_one_plus_chunks_short() {
    let real = scenario_auth_cert(Scenario::Valid);
    assert!(
        (1200..2048).contains(&real.len()),
        "a JPKI-sized certificate: {}",
        real.len()
    );
    let mut lengths = vec![
        real.len(),
        100,
        131,
        255,
        256,
        257,
        512,
        1600,
        1601,
        2048,
        3000,
    ];
    lengths.sort_unstable();
    for len in lengths {
        let der = if len == real.len() {
            real.clone()
        } else {
            der_of_len(len)
        };
        for extended in [true, false] {
            let (card, mut t) = shared(card_with_auth(der.clone()));
            let (got, count, fell_back) = read_auth(&mut t, extended);
            assert_eq!(got, Ok(der.clone()), "len {len} extended {extended}");
            let expected = 1 + if extended {
                ext_reads(len)
            } else {
                chunks(len)
            };
            assert_eq!(count, expected, "len {len} extended {extended}");
            assert_eq!(apdus(&card), expected, "the card saw the same number");
            assert!(!fell_back);
            let log = log(&card);
            // Only the certificate's bytes cross the air, no filler after it (plus the status
            // words); the first READ asks for 256 before the length is known.
            assert_eq!(
                response_bytes(&log),
                len.max(256) + 2 * expected as usize,
                "len {len} extended {extended}"
            );
            // No SELECT EF and no separate header read: SELECT AP, then READ BINARYs only.
            assert_eq!(log[0].command[1], 0xA4);
            assert!(log[1..].iter().all(|c| c.command[1] == 0xB0));
            assert!(is_sfi_read(&log[1].command, 0x0A));
            assert_eq!(
                log.iter().any(|c| is_extended(&c.command)),
                extended && len > 512,
                "len {len}"
            );
        }
    }
}

#[test]
fn card_ca_certificate_reads_with_the_same_economy() {
    let ca = sim_auth_ca();
    for extended in [true, false] {
        let card = quiet(Scenario::Valid).build();
        let (_, mut t) = shared(card);
        let (der, count) = with_session(&mut t, extended, |s| {
            s.select_jpki().unwrap();
            (s.read_der_file(EF_AUTH_CA).unwrap(), s.apdu_count())
        });
        assert_eq!(der, ca);
        let reads = if extended {
            ext_reads(ca.len())
        } else {
            chunks(ca.len())
        };
        assert_eq!(count, 1 + reads);
    }
}

// --- 61xx and 6Cxx ---

#[test]
fn bytes_available_61xx_is_fetched_with_get_response() {
    let der = scenario_auth_cert(Scenario::Valid);
    for extended in [true, false] {
        let (card, mut t) = shared(sim().auth_cert(der.clone()).answer_61xx().build());
        let (got, count, fell_back) = read_auth(&mut t, extended);
        assert_eq!(got.unwrap(), der, "extended {extended}");
        assert!(!fell_back);
        let log = log(&card);
        let get_responses = log.iter().filter(|c| c.command[1] == 0xC0).count() as u32;
        assert!(
            log.iter()
                .all(|c| c.command[1] != 0xC0 || c.command[..4] == [0, 0xC0, 0, 0])
        );
        let reads = if extended {
            // The first 256 bytes, then the rest in one extended READ: each answered 61xx, the
            // rest fetched 256 bytes per GET RESPONSE.
            assert_eq!(get_responses, 1 + (der.len() - 256).div_ceil(256) as u32);
            2
        } else {
            // Every short READ is answered 61xx, then one GET RESPONSE.
            assert_eq!(get_responses, chunks(der.len()));
            chunks(der.len())
        };
        assert_eq!(count, 1 + reads + get_responses);
        assert_eq!(count, apdus(&card));
    }
}

#[test]
fn wrong_le_6cxx_is_sent_again_with_the_named_length() {
    // The token info (160 bytes, domain.md §2b) asked with Le 256: the card names 0xA0.
    let (card, mut t) = shared(sim().token(Token::Juki).answer_6cxx().build());
    let (kind, count) = with_session(&mut t, true, |s| (s.token_info().unwrap(), s.apdu_count()));
    assert_eq!(kind, CardKind::JukiCard);
    assert_eq!(count, 3);
    let log = log(&card);
    assert_eq!(log[1].command, vec![0x00, 0xB0, 0x86, 0x00, 0x00]);
    assert_eq!(log[1].sw, 0x6CA0);
    assert_eq!(log[2].command, vec![0x00, 0xB0, 0x86, 0x00, 0xA0]);
    assert_eq!(log[2].sw, 0x9000);
}

#[test]
fn wrong_le_on_a_certificate_chunk_still_gives_the_whole_certificate() {
    let der = scenario_auth_cert(Scenario::Valid);
    // APDU 2 is the first short READ (after SELECT JPKI): the card says "only 16 bytes".
    let (card, mut t) = shared(
        sim()
            .auth_cert(der.clone())
            .garbage_at(2, vec![0x6C, 0x10])
            .build(),
    );
    let (got, count, _) = read_auth(&mut t, false);
    assert_eq!(got.unwrap(), der);
    let log = log(&card);
    assert_eq!(log[2].command, vec![0x00, 0xB0, 0x8A, 0x00, 0x10]);
    assert_eq!(count, apdus(&card));
}

// --- 6282 end of file ---

#[test]
fn end_of_file_6282_with_the_whole_content_is_success() {
    // Real cards answer a short read at a file's end with 90 00 (domain.md §2b); a card that
    // says 62 82 instead must read as well: the manner off. A file holding the DER and nothing
    // after it: the exact last READ ends it (62 82 or 90 00 both mean "here is all of it").
    let eof = |b: SimCardBuilder| b.with_manners(|m| m.short_read_ok = false);
    let der = scenario_auth_cert(Scenario::Valid);
    let (card, mut t) = shared(
        eof(sim())
            .auth_cert(der.clone())
            .card_expiry(Some(d(2034, 12, 8)))
            .build(),
    );
    assert_eq!(read_auth(&mut t, true).0.unwrap(), der);
    assert!(matches!(log(&card)[2].sw, 0x6282 | 0x9000));
    // The token info: fewer bytes than Le 256, answered with 6282.
    let (card, mut t) = shared(eof(sim()).token(Token::Iphone).build());
    let kind = with_session(&mut t, false, |s| s.token_info().unwrap());
    assert_eq!(kind, CardKind::Smartphone);
    assert_eq!(log(&card)[1].sw, 0x6282);
}

#[test]
fn end_of_file_before_the_der_ends_is_truncated() {
    // 2100 bytes on the card whose DER header claims 3000.
    let mut file = der_of_len(3000);
    file.truncate(2100);
    // Reported cards end with 6B 00 (past the end, after a short chunk with 90 00); a card that
    // says 62 82 with the short chunk ends there.
    for (short_read_ok, last_sw) in [(true, 0x6B00), (false, 0x6282)] {
        for extended in [true, false] {
            let (card, mut t) = shared(
                sim()
                    .with_manners(|m| m.short_read_ok = short_read_ok)
                    .auth_cert(file.clone())
                    .build(),
            );
            let (got, _, _) = read_auth(&mut t, extended);
            assert_eq!(
                got,
                Err(CardError::Truncated {
                    expected: 3000,
                    got: 2100
                }),
                "extended {extended}, short-read-ok {short_read_ok}"
            );
            assert_eq!(log(&card).last().unwrap().sw, last_sw);
        }
    }
}

// --- 6A82 file or application not found ---

#[test]
fn not_found_6a82_paths() {
    // No JPKI application: not a My Number Card.
    let (_, mut t) = shared(sim().without_app(&JPKI_AID).build());
    assert_eq!(
        with_session(&mut t, true, |s| s.select_jpki()),
        Err(CardError::NotMyNumberCard)
    );
    assert_eq!(
        with_session(&mut t, true, |s| s.read_public().map(|_| ())),
        Err(CardError::NotMyNumberCard)
    );
    assert_eq!(
        with_session(&mut t, true, |s| s.pins().map(|_| ())),
        Err(CardError::NotMyNumberCard)
    );
    // A missing certificate file: a typed status, never a fallback to short APDUs.
    for extended in [true, false] {
        let (card, mut t) = shared(
            quiet(Scenario::Valid)
                .without_file(&JPKI_AID, EF_AUTH_CERT)
                .build(),
        );
        let (got, count, fell_back) = read_auth(&mut t, extended);
        assert_eq!(
            got,
            Err(CardError::Status {
                what: "READ BINARY",
                sw: StatusWord::NotFound
            })
        );
        assert_eq!(count, 2);
        assert!(!fell_back);
        assert_eq!(log(&card)[1].sw, 0x6A82);
        // The default reading carries on without it.
        let public = with_session(&mut t, extended, |s| s.read_public().unwrap());
        assert_eq!(public.auth_cert, None);
    }
    // EF 0008 missing: no signing certificate.
    let (_, mut t) = shared(
        quiet(Scenario::Valid)
            .without_file(&JPKI_AID, EF_AVAILABILITY)
            .build(),
    );
    assert_eq!(
        with_session(&mut t, true, |s| s.sign_presence().unwrap()),
        SignPresence::Absent
    );
    // A missing PIN file and a missing application: unavailable, not an error.
    let (_, mut t) = shared(
        quiet(Scenario::Valid)
            .without_file(&JPKI_AID, EF_SIGN_PIN)
            .without_app(&KENMEN_HOJO_AID)
            .build(),
    );
    let pins = with_session(&mut t, true, |s| s.pins().unwrap());
    let state = |id: PinId| pins.iter().find(|p| p.id == id).unwrap();
    assert_eq!(state(PinId::Sign).state, PinState::Unavailable);
    assert_eq!(state(PinId::Sign).tries_left, None);
    assert_eq!(state(PinId::Auth).state, PinState::Ok);
    for key in [PinId::KenmenHojo, PinId::KenmenHojoA, PinId::KenmenHojoB] {
        assert_eq!(state(key).state, PinState::Unavailable, "{key:?}");
    }
    assert_eq!(state(PinId::KenmenKakuninA).state, PinState::Ok);
    // A missing token: unknown kind.
    let (_, mut t) = shared(sim().without_file(&JPKI_AID, EF_TOKEN).build());
    assert_eq!(
        with_session(&mut t, true, |s| s.token_info().unwrap()),
        CardKind::Unknown
    );
}

// --- 6982 on EF 0001, verified PIN state ---

#[test]
fn signing_certificate_needs_the_password_and_verified_state_follows_power() {
    // Real cards do not tell the verified state (an empty VERIFY answers 63 Cx, domain.md §2b):
    // with that manner the counter shows 5 while the certificate reads.
    for hides in [true, false] {
        verified_state_follows_power(hides);
    }
}

fn verified_state_follows_power(hides: bool) {
    let (card, mut t) = shared(
        quiet(Scenario::Valid)
            .with_manners(|m| m.empty_verify_hides_verified = hides)
            .build(),
    );
    let verified = if hides {
        (PinState::Ok, Some(5))
    } else {
        (PinState::Verified, None)
    };
    for extended in [true, false] {
        let (got, count) = with_session(&mut t, extended, |s| {
            s.select_jpki().unwrap();
            (s.read_der_file(EF_SIGN_CERT), s.apdu_count())
        });
        assert_eq!(got, Err(CardError::SecurityNotSatisfied));
        // One READ, no fallback: a short READ would be refused the same way.
        assert_eq!(count, 2, "extended {extended}");
        assert_eq!(log(&card).last().unwrap().sw, 0x6982);
    }
    // VERIFY the signing password in this power session (as the signing-password issue will).
    {
        let mut c = card.lock().unwrap();
        c.process(&[0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x1B]);
        let mut verify = vec![0x00, 0x20, 0x00, 0x80, 6];
        verify.extend_from_slice(b"ABC123");
        assert_eq!(c.process(&verify), vec![0x90, 0x00]);
    }
    let (state, sign) = with_session(&mut t, true, |s| {
        let st = s.pin_status(JPKI_AID, EF_SIGN_PIN).unwrap();
        (st, s.read_der_file(EF_SIGN_CERT))
    });
    assert_eq!((state.state, state.tries_left), verified);
    let sign = sign.unwrap();
    assert_eq!(sign[0], 0x30);
    assert!(sign.len() > 1000);
    // A warm reset keeps the security state; an unpowering one clears it.
    t.reconnect(false).unwrap();
    let st = with_session(&mut t, true, |s| {
        s.pin_status(JPKI_AID, EF_SIGN_PIN).unwrap()
    });
    assert_eq!((st.state, st.tries_left), verified);
    assert!(card.lock().unwrap().is_verified(EF_SIGN_PIN));
    t.reconnect(true).unwrap();
    let st = with_session(&mut t, true, |s| {
        s.pin_status(JPKI_AID, EF_SIGN_PIN).unwrap()
    });
    assert_eq!((st.state, st.tries_left), (PinState::Ok, Some(5)));
}

// --- 63Cx, 63C0, 6983, 6984 ---

#[test]
fn each_pin_state() {
    // ok, 1 try left, locked (63C0), unavailable.
    let (_, mut t) = shared(
        quiet(Scenario::Valid)
            .pin_tries(EF_AUTH_PIN, 1)
            .pin_tries(EF_SIGN_PIN, 0)
            .pin_tries([0x00, 0x11], 2)
            .without_file(&KENMEN_HOJO_AID, [0x00, 0x14])
            .build(),
    );
    let pins = with_session(&mut t, true, |s| s.pins().unwrap());
    let got: Vec<(PinId, Option<u8>, Option<u8>, PinState)> = pins
        .iter()
        .map(|p| (p.id, p.tries_left, p.max, p.state))
        .collect();
    assert_eq!(
        got,
        vec![
            (PinId::Auth, Some(1), Some(3), PinState::Ok),
            (PinId::Sign, Some(0), Some(5), PinState::Locked),
            (PinId::KenmenHojo, Some(2), Some(3), PinState::Ok),
            // No maximum is documented for these: none is shown.
            (PinId::KenmenHojoA, None, None, PinState::Unavailable),
            (PinId::KenmenHojoB, Some(10), None, PinState::Ok),
            (PinId::KenmenKakuninA, Some(10), None, PinState::Ok),
            (PinId::KenmenKakuninB, Some(10), None, PinState::Ok),
            (PinId::Juki, Some(3), None, PinState::Ok),
        ]
    );
}

#[test]
fn blocked_answers_6983_and_6984_are_locked() {
    // In the default reading, APDU 7 is the VERIFY of the user-authentication PIN.
    for sw in [[0x69, 0x84], [0x69, 0x83], [0x63, 0xC0]] {
        let (card, mut t) = shared(quiet(Scenario::Valid).garbage_at(7, sw.to_vec()).build());
        let public = with_session(&mut t, true, |s| s.read_public().unwrap());
        assert_eq!(log(&card)[6].command, vec![0x00, 0x20, 0x00, 0x80]);
        assert_eq!(public.pins[0].id, PinId::Auth);
        assert_eq!(public.pins[0].state, PinState::Locked, "{sw:02X?}");
        assert_eq!(public.pins[0].tries_left, Some(0));
        assert_eq!(public.pins[1].state, PinState::Ok);
    }
}

// --- 6F00 on the first command ---

#[test]
fn no_precise_diagnosis_6f00_on_the_first_command_is_sent_again_once() {
    let (card, mut t) = shared(
        quiet(Scenario::Valid)
            .garbage_at(1, vec![0x6F, 0x00])
            .build(),
    );
    let (public, count) =
        with_session(&mut t, true, |s| (s.read_public().unwrap(), s.apdu_count()));
    let expiry = Scenario::Valid.dates(today()).unwrap().card_expiry.unwrap();
    assert_eq!(public.card_expiry.unwrap().date, expiry);
    assert_eq!(public.card_expiry.unwrap().route, ExpiryRoute::GetData);
    assert_eq!(count, 10, "the default 9 plus the one re-send");
    let log = log(&card);
    assert_eq!(log[0].command, log[1].command);
    assert_eq!((log[0].sw, log[1].sw), (0x6F00, 0x9000));

    // Later in the session 6F00 is an answer like any other: SELECT JPKI refused.
    let (_, mut t) = shared(
        quiet(Scenario::Valid)
            .garbage_at(2, vec![0x6F, 0x00])
            .build(),
    );
    assert_eq!(
        with_session(&mut t, true, |s| s.read_public().map(|_| ())),
        Err(CardError::Status {
            what: "SELECT JPKI",
            sw: StatusWord::NoPreciseDiagnosis
        })
    );
}

/// With the simulated card's default manners (as reported, domain.md §2b) the card itself
/// answers the first command after power-up with `6F 00`: the reading costs exactly one APDU
/// more, and a second session on the same connection none.
#[test]
fn the_reported_first_command_costs_one_apdu_more() {
    let (card, mut t) = shared(builder(Scenario::Valid).build());
    let (public, count) =
        with_session(&mut t, true, |s| (s.read_public().unwrap(), s.apdu_count()));
    assert_eq!(public.card_expiry.unwrap().route, ExpiryRoute::GetData);
    assert_eq!(count, 10, "the default 9 plus the one re-send");
    let log = log(&card);
    assert_eq!(log[0].command, log[1].command);
    assert_eq!((log[0].sw, log[1].sw), (0x6F00, 0x9000));
    let count = with_session(&mut t, true, |s| {
        s.read_public().unwrap();
        s.apdu_count()
    });
    // JPKI is still selected from the first session: GET DATA fails, the 共通カード record
    // answers (docs/apdus.md: 9 + 2), and no 6F 00.
    assert_eq!(count, 11);
    assert_eq!(apdus(&card), 21);
}

// --- 6D00 / 6E00 ---

#[test]
fn instruction_or_class_not_supported() {
    let expiry = Scenario::Valid.dates(today()).unwrap().card_expiry.unwrap();
    for sw in [[0x6D, 0x00], [0x6E, 0x00]] {
        // On GET DATA: the 共通カード route gives the expiry.
        let (_, mut t) = shared(quiet(Scenario::Valid).garbage_at(1, sw.to_vec()).build());
        let public = with_session(&mut t, true, |s| s.read_public().unwrap());
        let e = public.card_expiry.unwrap();
        assert_eq!((e.date, e.route), (expiry, ExpiryRoute::CommonApplication));
        assert_eq!(public.kind, CardKind::MyNumberCard);
        // On the extended READ of the rest: short APDUs take over.
        let (card, mut t) = shared(quiet(Scenario::Valid).garbage_at(4, sw.to_vec()).build());
        let (public, fell_back) = with_session(&mut t, true, |s| {
            (s.read_public().unwrap(), s.extended_fell_back())
        });
        assert!(fell_back);
        assert_eq!(
            public.auth_cert.unwrap(),
            scenario_auth_cert(Scenario::Valid)
        );
        assert!(is_extended(&log(&card)[3].command));
        // On EF 0008: unknown presence. On a VERIFY: unavailable.
        let (_, mut t) = shared(quiet(Scenario::Valid).garbage_at(5, sw.to_vec()).build());
        let public = with_session(&mut t, true, |s| s.read_public().unwrap());
        assert_eq!(public.sign_presence, SignPresence::Unknown);
        let (_, mut t) = shared(quiet(Scenario::Valid).garbage_at(9, sw.to_vec()).build());
        let public = with_session(&mut t, true, |s| s.read_public().unwrap());
        assert_eq!(public.pins[1].state, PinState::Unavailable);
        assert_eq!(public.pins[1].tries_left, None);
        // On SELECT JPKI: a refusal, not "not a My Number Card".
        let (_, mut t) = shared(quiet(Scenario::Valid).garbage_at(2, sw.to_vec()).build());
        let e = with_session(&mut t, true, |s| s.read_public().map(|_| ())).unwrap_err();
        assert!(
            matches!(
                e,
                CardError::Status {
                    what: "SELECT JPKI",
                    ..
                }
            ),
            "{e:?}"
        );
    }
}

// --- Expiry routes and the token ---

#[test]
fn card_expiry_routes_and_their_fallbacks() {
    let expiry = Scenario::Valid.dates(today()).unwrap().card_expiry.unwrap();
    let run = |b: myna_kigen::sim::SimCardBuilder, extended: bool| {
        let (card, mut t) = shared(b.build());
        let (public, count) = with_session(&mut t, extended, |s| {
            (s.read_public().unwrap(), s.apdu_count())
        });
        (public, count, log(&card))
    };
    let cert_len = scenario_auth_cert(Scenario::Valid).len();
    for extended in [true, false] {
        let read_cost = if extended {
            ext_reads(cert_len)
        } else {
            chunks(cert_len)
        };
        // GET DATA.
        let (p, count, log) = run(quiet(Scenario::Valid), extended);
        assert_eq!(p.card_expiry.unwrap().route, ExpiryRoute::GetData);
        assert_eq!(p.card_expiry.unwrap().date, expiry);
        assert_eq!(p.kind, CardKind::MyNumberCard);
        assert!(
            !log.iter().any(|c| is_sfi_read(&c.command, 6)),
            "no token read"
        );
        assert_eq!(count, 7 + read_cost);
        // GET DATA off: the 共通カード record.
        let (p, count, log) = run(quiet(Scenario::Valid).get_data_route(false), extended);
        assert_eq!(p.card_expiry.unwrap().route, ExpiryRoute::CommonApplication);
        assert_eq!(p.card_expiry.unwrap().date, expiry);
        assert_eq!(p.kind, CardKind::MyNumberCard);
        assert!(
            log.iter()
                .any(|c| c.command == [0x00, 0xB2, 0x01, 0x0C, 0x00])
        );
        assert_eq!(count, 9 + read_cost);
        // Both off: no expiry, the token decides the kind.
        for (token, kind) in [
            (Token::MyNumberCard, CardKind::MyNumberCard),
            (Token::Juki, CardKind::JukiCard),
            (Token::Android, CardKind::Smartphone),
            (Token::Raw(b"SOMETHINGELSE".to_vec()), CardKind::Unknown),
        ] {
            let b = quiet(Scenario::Valid)
                .get_data_route(false)
                .common_route(false)
                .token(token);
            let (p, count, log) = run(b, extended);
            assert_eq!(p.card_expiry, None);
            assert_eq!(p.kind, kind);
            assert!(log.iter().any(|c| is_sfi_read(&c.command, 6)), "token read");
            assert_eq!(count, 9 + read_cost);
        }
    }
    // A GET DATA answer that is not a date is not believed.
    let (_, mut t) = shared(
        quiet(Scenario::Valid)
            .garbage_at(1, b"20341399\x90\x00".to_vec())
            .build(),
    );
    let p = with_session(&mut t, true, |s| s.read_public().unwrap());
    assert_eq!(p.card_expiry.unwrap().route, ExpiryRoute::CommonApplication);
}

// --- Lying lengths ---

#[test]
fn lying_der_lengths_are_typed_errors_after_one_read() {
    let real = scenario_auth_cert(Scenario::Valid);
    for (header, expected) in [
        (
            vec![0x30, 0x84, 0x7F, 0xFF, 0xFF, 0xFF],
            CardError::TooLong(usize::MAX),
        ),
        (
            vec![0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF],
            CardError::TooLong(usize::MAX),
        ),
        (
            vec![0x30, 0x83, 0x01, 0x00, 0x00],
            CardError::TooLong(0x1_0000 + 5),
        ),
        (vec![0x30, 0x82, 0x20, 0x00], CardError::TooLong(0x2000 + 4)),
        (vec![0x30, 0x80], CardError::BadDer),
        (
            vec![0x30, 0x85, 0x01, 0x01, 0x01, 0x01, 0x01],
            CardError::BadDer,
        ),
    ] {
        // The real certificate with a huge length in front of it.
        let mut lying = header.clone();
        lying.extend_from_slice(&real);
        for extended in [true, false] {
            let (_, mut t) = shared(card_with_auth(lying.clone()));
            let (got, count, _) = read_auth(&mut t, extended);
            assert_eq!(
                got,
                Err(expected.clone()),
                "{header:02X?} extended {extended}"
            );
            // SELECT + one READ: the first READ is short either way.
            assert_eq!(count, 2, "{header:02X?}");
        }
    }
}

// --- `pins` spends nothing ---

#[test]
fn reading_every_pin_counter_leaves_every_counter_as_it_was() {
    let mut cards: Vec<(String, SimCard)> = Scenario::ALL
        .iter()
        .filter(|s| **s != Scenario::NotMnc)
        .map(|s| (s.to_string(), builder(*s).build()))
        .collect();
    cards.push((
        "mixed".to_owned(),
        quiet(Scenario::Valid)
            .pin_tries(EF_AUTH_PIN, 2)
            .pin_tries(EF_SIGN_PIN, 1)
            .pin_tries([0x00, 0x11], 0)
            .pin_tries([0x00, 0x15], 7)
            .pin_tries([0x00, 0x1C], 1)
            .build(),
    ));
    for (name, card) in cards {
        let (card, mut t) = shared(card);
        let before = tries(&card);
        for round in 0..2 {
            let pins = with_session(&mut t, true, |s| s.pins().unwrap());
            assert_eq!(tries(&card), before, "{name} round {round}");
            // What was reported is what the card holds.
            for p in &pins {
                let held = card.lock().unwrap().pin_tries(p.fid);
                match p.state {
                    PinState::Ok | PinState::Locked => {
                        assert_eq!(p.tries_left, held, "{name} {:?}", p.id)
                    }
                    PinState::Unavailable => assert_eq!(p.tries_left, None),
                    PinState::Verified => panic!("{name}: nothing was verified"),
                }
            }
            assert_eq!(pins.len(), 8);
        }
        let log = log(&card);
        assert!(
            log.iter().all(|c| !c.verify_with_data),
            "{name}: a VERIFY carried data"
        );
        let verifies: Vec<_> = log.iter().filter(|c| c.command[1] == 0x20).collect();
        assert!(!verifies.is_empty());
        assert!(
            verifies
                .iter()
                .all(|c| c.command == [0x00, 0x20, 0x00, 0x80])
        );
        assert!(!card.lock().unwrap().is_verified(EF_AUTH_PIN));
    }
}

#[test]
fn pins_of_a_full_card_cost_twenty_apdus() {
    let (card, mut t) = shared(quiet(Scenario::Valid).build());
    let count = with_session(&mut t, true, |s| {
        s.pins().unwrap();
        s.apdu_count()
    });
    assert_eq!(count, 20);
    assert_eq!(apdus(&card), 20);
}

#[test]
fn wrong_le_on_the_common_record_still_gives_the_card_expiry() {
    // GET DATA off; APDU 2 SELECTs 共通カード, APDU 3 is READ RECORD 1 (Le 00), which this
    // card answers 6C1E (the record is 30 bytes). The record holds no secret: sending it again
    // with Le 1E is what ISO 7816-4 asks, and the expiry must come out.
    let expiry = Scenario::Valid.dates(today()).unwrap().card_expiry.unwrap();
    let (card, mut t) = shared(
        quiet(Scenario::Valid)
            .get_data_route(false)
            .garbage_at(3, vec![0x6C, 0x1E])
            .build(),
    );
    let e = with_session(&mut t, true, |s| s.card_expiry().unwrap());
    let log = log(&card);
    assert_eq!(log[2].command, vec![0x00, 0xB2, 0x01, 0x0C, 0x00]);
    assert_eq!(log[2].sw, 0x6C1E);
    assert_eq!(
        e.map(|e| (e.date, e.route)),
        Some((expiry, ExpiryRoute::CommonApplication))
    );
    assert_eq!(log[3].command, vec![0x00, 0xB2, 0x01, 0x0C, 0x1E]);
    assert_eq!(log.len(), 4);
}

#[test]
fn get_data_wrong_length_answers_are_asked_again() {
    let expiry = Scenario::Valid.dates(today()).unwrap().card_expiry.unwrap();
    // 6C08: the channel re-sends with Le 08. 6700: the card layer asks for the 8 digits.
    for sw in [[0x6C, 0x08], [0x67, 0x00]] {
        let (card, mut t) = shared(quiet(Scenario::Valid).garbage_at(1, sw.to_vec()).build());
        let (e, count) = with_session(&mut t, true, |s| (s.card_expiry().unwrap(), s.apdu_count()));
        assert_eq!(
            e.map(|e| (e.date, e.route)),
            Some((expiry, ExpiryRoute::GetData)),
            "{sw:02X?}"
        );
        assert_eq!(count, 2);
        assert_eq!(log(&card)[1].command, vec![0x00, 0xCA, 0x00, 0xF2, 0x08]);
    }
}
