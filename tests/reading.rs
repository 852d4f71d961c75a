//! One whole reading (`report::read_card_with`) through the simulated card: the APDU budget of
//! issue 3, genuineness and the CA-key cache, the extended-length fallback remembered by the
//! transport, removal and garbage at every APDU index, foreign and 住基 cards, PIN states, the
//! typed card expiry, and property tests that nothing panics.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod support;

use myna_kigen::card::PinId;
use myna_kigen::card::{CardKind, EF_AUTH_CA, EF_AUTH_PIN, EF_SIGN_PIN, JPKI_AID, PinState};
use myna_kigen::cert::{Genuineness, TrustStore};
use myna_kigen::cli::exit;
use myna_kigen::messages::{self, Lang, Surface};
use myna_kigen::reading::{ReadError, ReadOptions, Reader};
use myna_kigen::report::{CardReport, CertSlot, ExpirySource, Warning};
use myna_kigen::sim::{CertKind, Scenario, SimCard, SimCardBuilder, SimTransport, certs};
use myna_kigen::transport::Transport;
use proptest::prelude::*;
use support::*;

fn read(t: &mut SimTransport, store: &TrustStore) -> Result<CardReport, ReadError> {
    Reader::new(store).read(t, &options())
}

fn auth(r: &CardReport) -> &myna_kigen::report::CertReport {
    match &r.auth {
        CertSlot::Read(c) => c,
        CertSlot::NotRead(n) => panic!("auth not read: {n:?}"),
    }
}

/// Whether a logged command reads EF 000B (by SFI 0B).
fn reads_auth_ca(log: &[myna_kigen::sim::LoggedCommand]) -> bool {
    log.iter().any(|c| is_sfi_read(&c.command, 0x0B))
}

/// A user-authentication certificate of about 1.6 KB, signed by the simulated CA.
fn auth_cert_1600() -> Vec<u8> {
    let dates = Scenario::Valid.dates(today()).unwrap();
    certs::end_entity(&certs::EndEntity {
        kind: CertKind::UserAuthentication,
        seed: "long".to_owned(),
        issued: dates.issued,
        expires: dates.cert_expiry,
        holder: Some(certs::Holder {
            name: "模擬　花子".to_owned(),
            sex: '2',
            birth: d(1980, 1, 2),
            address: "東京都千代田区模擬町一丁目二番三号".to_owned(),
        }),
    })
    .unwrap()
}

// --- The APDU and byte budget: no CA read under an anchored root ---

/// The one APDU more a reading of a freshly powered card costs: real cards answer the first
/// command after power-up with `6F 00` (domain.md §2b, the simulated card's default), and the
/// reading sends it again. The budgets of docs/apdus.md are the reading's own commands.
const FIRST: u32 = 1;

#[test]
fn default_reading_is_9_extended_and_7_plus_chunks_short_with_no_ca_read() {
    let long = auth_cert_1600();
    assert!((1500..1800).contains(&long.len()), "{}", long.len());
    let store = sim_store();
    for cert in [scenario_auth_cert(Scenario::Valid), long] {
        let len = cert.len();
        for extended in [true, false] {
            for placement in 0..2 {
                let b = builder(Scenario::Valid).auth_cert(cert.clone());
                let (card, mut t) = shared(b.build());
                if !extended {
                    t.disable_extended_length();
                }
                let r = read(&mut t, &store).unwrap();
                let reads = if extended {
                    ext_reads(len)
                } else {
                    chunks(len)
                };
                let what = format!("len {len} extended {extended} placement {placement}");
                // GET DATA, SELECT JPKI, the certificate, EF 0008, 2 × (SELECT EF + VERIFY).
                assert_eq!(r.apdus, FIRST + 7 + reads, "{what}");
                assert_eq!(r.apdus, apdus(&card), "{what}");
                let log = log(&card);
                assert!(
                    !reads_auth_ca(&log),
                    "{what}: the root's key is compiled in"
                );
                assert_eq!(auth(&r).genuine, Genuineness::VerifiedSimulated, "{what}");
                // The certificate's bytes and nothing after them.
                let cert_bytes: usize = log
                    .iter()
                    .filter(|c| c.command[1] == 0xB0 && !is_sfi_read(&c.command, 0x08))
                    .map(|c| c.response_len - 2)
                    .sum();
                assert_eq!(cert_bytes, len, "{what}");
            }
        }
    }
}

// --- Genuineness ---

#[test]
fn genuineness_through_the_simulated_card() {
    // The simulated root anchored (as in the product): verified-simulated, no alarm, no CA read.
    let store = sim_store();
    let (card, mut t) = shared(builder(Scenario::Valid).build());
    let r = read(&mut t, &store).unwrap();
    assert_eq!(auth(&r).genuine, Genuineness::VerifiedSimulated);
    assert!(
        !r.warnings
            .iter()
            .any(|w| *w == Warning::UnknownRoot || *w == Warning::NotGenuine)
    );
    assert!(!reads_auth_ca(&log(&card)));
    // The J-LIS roots alone: the signature checks with the card's CA, an unknown root.
    let (card, mut t) = shared(builder(Scenario::Valid).build());
    let r = read(&mut t, &TrustStore::jlis()).unwrap();
    assert_eq!(auth(&r).genuine, Genuineness::UnknownRoot);
    assert!(r.warnings.contains(&Warning::UnknownRoot));
    assert!(!r.warnings.contains(&Warning::NotGenuine));
    assert!(reads_auth_ca(&log(&card)));
    // Tampered, naming an anchored key: failed from the key alone, never a CA read.
    let tampered = certs::tampered(&scenario_auth_cert(Scenario::Valid));
    for _ in 0..2 {
        let (card, mut t) = shared(builder(Scenario::Valid).auth_cert(tampered.clone()).build());
        let r = read(&mut t, &store).unwrap();
        assert_eq!(auth(&r).genuine, Genuineness::Failed);
        assert!(r.warnings.contains(&Warning::NotGenuine));
        assert!(!reads_auth_ca(&log(&card)));
    }
    // Naming a key the store does not anchor: the card's CA is read, and it still fails.
    let (card, mut t) = shared(builder(Scenario::Valid).auth_cert(tampered.clone()).build());
    let r = read(&mut t, &TrustStore::jlis()).unwrap();
    assert_eq!(auth(&r).genuine, Genuineness::Failed);
    assert!(reads_auth_ca(&log(&card)));
    // A genuine card after the tampered ones still verifies.
    let (card, mut t) = shared(builder(Scenario::Renewable).build());
    let r = read(&mut t, &store).unwrap();
    assert_eq!(auth(&r).genuine, Genuineness::VerifiedSimulated);
    assert!(!reads_auth_ca(&log(&card)));
    // No EF 000B under an unknown key: not checked.
    let (_, mut t) = shared(
        builder(Scenario::Valid)
            .without_file(&JPKI_AID, EF_AUTH_CA)
            .build(),
    );
    let r = read(&mut t, &TrustStore::jlis()).unwrap();
    assert_eq!(auth(&r).genuine, Genuineness::NotChecked);
}

#[test]
fn a_certificate_forged_in_a_jlis_roots_name_is_failed_without_a_ca_read() {
    let genuine = scenario_auth_cert(Scenario::Valid);
    // The three user-authentication roots (generations 1 to 3).
    for (i, root) in myna_kigen::cert::JLIS_ROOT_DER.iter().take(3).enumerate() {
        let forged =
            certs::forged_in_the_name_of(&genuine, root, CertKind::UserAuthentication).unwrap();
        // The card's EF 000B holds a look-alike CA (the simulated one): it is never read.
        for store in [sim_store(), TrustStore::jlis()] {
            let (card, mut t) = shared(builder(Scenario::Valid).auth_cert(forged.clone()).build());
            let r = read(&mut t, &store).unwrap();
            assert_eq!(
                auth(&r).genuine,
                Genuineness::Failed,
                "generation {}",
                i + 1
            );
            assert!(r.warnings.contains(&Warning::NotGenuine));
            assert!(
                !reads_auth_ca(&log(&card)),
                "settled by the compiled-in key"
            );
            assert_eq!(r.apdus, apdus(&card));
        }
    }
    // Through the product's own reader (the process-wide store), in plain words.
    let forged = certs::forged_in_the_name_of(
        &genuine,
        myna_kigen::cert::JLIS_ROOT_DER[1],
        CertKind::UserAuthentication,
    )
    .unwrap();
    let (_, mut t) = shared(builder(Scenario::Valid).auth_cert(forged).build());
    let r = Reader::jlis().read(&mut t, &options()).unwrap();
    assert_eq!(auth(&r).genuine, Genuineness::Failed);
    assert!(!messages::warning(Warning::NotGenuine, Lang::Ja, Surface::CommandLine).is_empty());
}

#[test]
fn the_first_256_bytes_hold_the_expiry_and_it_comes_after_the_3rd_command() {
    let der = scenario_auth_cert(Scenario::Valid);
    let whole = myna_kigen::cert::parse(&der).unwrap().not_after();
    let head = &der[..256];
    assert_eq!(myna_kigen::cert::not_after_from_head(head), Some(whole));
    // Too few bytes, or not a certificate's start: nothing, and no panic.
    for cut in [0, 1, 4, 8, 20, 60] {
        assert_eq!(
            myna_kigen::cert::not_after_from_head(&der[..cut]),
            None,
            "{cut}"
        );
    }
    let mut wrong = der.clone();
    wrong[4] = 0x31;
    assert_eq!(myna_kigen::cert::not_after_from_head(&wrong), None);
    // Through a reading: handed on once, after the 3rd command, before the report.
    let (_, mut t) = shared(builder(Scenario::Valid).build());
    let mut early = Vec::new();
    let r = Reader::new(&sim_store())
        .read_with(&mut t, &options(), &mut |d| early.push(d))
        .unwrap();
    assert_eq!(early.len(), 1);
    assert_eq!(early[0].apdus, FIRST + 3);
    assert_eq!(early[0].expiry, auth(&r).expiry);
}

#[test]
fn an_unknown_root_is_read_once_then_its_key_is_kept() {
    let ca_len = sim_auth_ca().len();
    for extended in [true, false] {
        let store = TrustStore::jlis();
        let mut counts = Vec::new();
        for scenario in [Scenario::Valid, Scenario::Expired] {
            let (card, mut t) = shared(builder(scenario).build());
            if !extended {
                t.disable_extended_length();
            }
            let r = read(&mut t, &store).unwrap();
            counts.push(r.apdus);
            assert_eq!(reads_auth_ca(&log(&card)), counts.len() == 1);
        }
        let drop = if extended {
            ext_reads(ca_len)
        } else {
            chunks(ca_len)
        };
        assert_eq!(counts[0] - counts[1], drop, "extended {extended}");
    }
}

// --- Fallbacks remembered by the transport ---

#[test]
fn no_extended_length_falls_back_and_the_next_reading_goes_straight_to_short() {
    let store = sim_store();
    let cert_len = scenario_auth_cert(Scenario::Valid).len();
    let (card, mut t) = shared(builder(Scenario::Valid).no_extended_length().build());
    assert!(t.supports_extended_length());
    let first = read(&mut t, &store).unwrap();
    assert!(!t.supports_extended_length(), "the fallback is remembered");
    let log1 = log(&card);
    let extended: Vec<_> = log1.iter().filter(|c| is_extended(&c.command)).collect();
    assert_eq!(extended.len(), 1, "one extended attempt, then short APDUs");
    assert_eq!(extended[0].sw, 0x6700);
    // GET DATA, SELECT, the certificate's short READs, the one failed extended READ, EF 0008,
    // 2 × 2 PIN; no CA read under the anchored root.
    assert_eq!(first.apdus, FIRST + 8 + chunks(cert_len));
    assert_eq!(
        auth(&first).expiry,
        Scenario::Valid.dates(today()).unwrap().cert_expiry
    );

    // The card is placed again (powered afresh): straight to short APDUs, CA known.
    t.reconnect(true).unwrap();
    let second = read(&mut t, &store).unwrap();
    let log2 = &log(&card)[log1.len()..];
    assert!(!log2.iter().any(|c| is_extended(&c.command)));
    assert_eq!(second.apdus, FIRST + 7 + chunks(cert_len));
    assert!(second.apdus <= FIRST + 14);
    assert_eq!(auth(&second).expiry, auth(&first).expiry);
}

#[test]
fn card_expiry_routes_through_the_report() {
    let dates = Scenario::Valid.dates(today()).unwrap();
    for b in [
        builder(Scenario::Valid),
        builder(Scenario::Valid).get_data_route(false),
    ] {
        let (_, mut t) = shared(b.build());
        let r = read(&mut t, &TrustStore::jlis()).unwrap();
        assert_eq!(r.card.expiry, dates.card_expiry);
        assert_eq!(r.card.expiry_source, Some(ExpirySource::Card));
        assert!(!r.warnings.contains(&Warning::CardExpiryUnknown));
    }
    let (_, mut t) = shared(
        builder(Scenario::Valid)
            .get_data_route(false)
            .common_route(false)
            .build(),
    );
    let r = read(&mut t, &TrustStore::jlis()).unwrap();
    assert_eq!((r.card.expiry, r.card.expiry_source), (None, None));
    assert!(r.warnings.contains(&Warning::CardExpiryUnknown));
    assert_eq!(r.card.kind, CardKind::MyNumberCard, "from the token");
}

#[test]
fn typed_card_expiry_is_used_when_the_card_does_not_tell_and_checked_when_it_does() {
    let typed = d(2031, 3, 3);
    let opts = ReadOptions {
        today: today(),
        card_expiry_typed: Some(typed),
    };
    let (_, mut t) = shared(builder(Scenario::Juki).build());
    let r = Reader::new(&TrustStore::jlis())
        .read(&mut t, &opts)
        .unwrap();
    assert_eq!(r.card.expiry, Some(typed));
    assert_eq!(r.card.expiry_source, Some(ExpirySource::User));
    assert!(
        !r.warnings
            .iter()
            .any(|w| matches!(w, Warning::CardExpiryMismatch | Warning::CardExpiryUnknown))
    );

    let on_card = Scenario::Valid.dates(today()).unwrap().card_expiry.unwrap();
    let (_, mut t) = shared(builder(Scenario::Valid).build());
    let r = Reader::new(&TrustStore::jlis())
        .read(&mut t, &opts)
        .unwrap();
    assert_eq!(r.card.expiry, Some(on_card), "the card's own date wins");
    assert_eq!(r.card.expiry_source, Some(ExpirySource::Card));
    assert!(r.warnings.contains(&Warning::CardExpiryMismatch));

    let same = ReadOptions {
        today: today(),
        card_expiry_typed: Some(on_card),
    };
    let (_, mut t) = shared(builder(Scenario::Valid).build());
    let r = Reader::new(&TrustStore::jlis())
        .read(&mut t, &same)
        .unwrap();
    assert!(!r.warnings.contains(&Warning::CardExpiryMismatch));
}

// --- Foreign card, 住基, PIN states ---

#[test]
fn foreign_card_is_not_a_my_number_card() {
    let (card, mut t) = shared(Scenario::NotMnc.card(today()).unwrap());
    let e = read(&mut t, &TrustStore::jlis()).unwrap_err();
    assert_eq!(e, ReadError::NotMyNumberCard);
    assert_eq!(exit::of_read_error(&e), exit::NOT_MY_NUMBER_CARD);
    assert_eq!(exit::of_read_error(&e), 5);
    assert_eq!(e.code(), "not_my_number_card");
    assert!(
        messages::read_error(&e, Lang::Ja, Surface::CommandLine)
            .contains("マイナンバーカードではありません")
    );
    assert!(
        messages::read_error(&e, Lang::En, Surface::CommandLine).contains("not a My Number Card")
    );
    // It stopped at the JPKI SELECT: nothing else was asked of a stranger's card.
    let last = log(&card).last().unwrap().clone();
    assert_eq!(last.command[..4], [0x00, 0xA4, 0x04, 0x0C]);
    assert_eq!(last.command[5..], JPKI_AID);
    assert_eq!(last.sw, 0x6A82);
}

#[test]
fn juki_and_smartphone_tokens() {
    for (scenario, kind) in [
        (Scenario::Juki, CardKind::JukiCard),
        (Scenario::Smartphone, CardKind::Smartphone),
    ] {
        let (card, mut t) = shared(builder(scenario).build());
        let r = read(&mut t, &TrustStore::jlis()).unwrap();
        assert_eq!(r.card.kind, kind);
        assert!(log(&card).iter().any(|c| is_sfi_read(&c.command, 6)));
        assert_eq!(r.card.expiry, None);
        assert_eq!(
            auth(&r).expiry,
            scenario.dates(today()).unwrap().cert_expiry
        );
    }
}

#[test]
fn each_pin_state_in_the_report() {
    let store = TrustStore::jlis();
    let pin = |r: &CardReport, k: PinId| {
        let p = r.pins[&k];
        (p.tries_left, p.max, p.state)
    };
    // ok
    let (_, mut t) = shared(builder(Scenario::Valid).build());
    let r = read(&mut t, &store).unwrap();
    assert_eq!(pin(&r, PinId::Auth), (Some(3), Some(3), PinState::Ok));
    assert_eq!(pin(&r, PinId::Sign), (Some(5), Some(5), PinState::Ok));
    assert!(!r.warnings.contains(&Warning::PinLocked));
    assert_eq!(r.pins.len(), 2);
    // 1 try left, locked
    let (_, mut t) = shared(builder(Scenario::Locked).build());
    let r = read(&mut t, &store).unwrap();
    assert_eq!(pin(&r, PinId::Auth), (Some(1), Some(3), PinState::Ok));
    assert_eq!(pin(&r, PinId::Sign), (Some(0), Some(5), PinState::Locked));
    assert_eq!(
        r.warnings
            .iter()
            .filter(|w| **w == Warning::PinLocked)
            .count(),
        1
    );
    // both locked: one warning
    let (_, mut t) = shared(
        builder(Scenario::Valid)
            .pin_tries(EF_AUTH_PIN, 0)
            .pin_tries(EF_SIGN_PIN, 0)
            .build(),
    );
    let r = read(&mut t, &store).unwrap();
    assert_eq!(pin(&r, PinId::Auth).2, PinState::Locked);
    assert_eq!(
        r.warnings
            .iter()
            .filter(|w| **w == Warning::PinLocked)
            .count(),
        1
    );
    // verified after a VERIFY in the same power session (then a warm reset), on a card that
    // tells it (real cards keep answering 63 Cx, domain.md §2b: the manner off here)
    let (card, mut t) = shared(
        builder(Scenario::Valid)
            .with_manners(|m| m.empty_verify_hides_verified = false)
            .build(),
    );
    {
        let mut c = card.lock().unwrap();
        let select: Vec<u8> = [0x00, 0xA4, 0x04, 0x0C, 0x0A]
            .iter()
            .chain(JPKI_AID.iter())
            .copied()
            .collect();
        // The first command after power-up: 6F 00, then again.
        assert_eq!(c.process(&select), [0x6F, 0x00]);
        assert_eq!(c.process(&select), [0x90, 0x00]);
        c.process(&[0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x18]);
        assert_eq!(
            c.process(&[0x00, 0x20, 0x00, 0x80, 4, b'1', b'2', b'3', b'4']),
            [0x90, 0x00]
        );
    }
    t.reconnect(false).unwrap();
    let r = read(&mut t, &TrustStore::jlis()).unwrap();
    assert_eq!(pin(&r, PinId::Auth), (None, Some(3), PinState::Verified));
    assert_eq!(pin(&r, PinId::Sign), (Some(5), Some(5), PinState::Ok));
    assert_eq!(
        r.apdus,
        9 + 2,
        "the warm reset cleared the selection: GET DATA still answers (and the J-LIS roots \
         alone read the card's CA, 256 bytes then the rest)"
    );
    // unavailable
    let (_, mut t) = shared(
        builder(Scenario::Valid)
            .without_file(&JPKI_AID, EF_SIGN_PIN)
            .build(),
    );
    let r = read(&mut t, &store).unwrap();
    assert_eq!(pin(&r, PinId::Sign), (None, Some(5), PinState::Unavailable));
}

// --- Removal at every APDU index ---

/// Removes the card before each APDU of a full reading in turn: a typed error, no panic, no
/// hang; then the card is placed again and the next reading on the same transport is whole.
fn removal_at_every_index(make: fn() -> SimCardBuilder, short_transport: bool) {
    within(60, "removal at every index", move || {
        let fresh = |b: SimCardBuilder| {
            let (card, mut t) = shared(b.build());
            if short_transport {
                t.disable_extended_length();
            }
            (card, t)
        };
        let (_, mut t) = fresh(make());
        let baseline = read(&mut t, &TrustStore::jlis()).unwrap();
        let total = baseline.apdus;
        assert!(total >= 8);
        for answered in 0..total {
            let (card, mut t) = fresh(make().remove_after(answered));
            let got = read(&mut t, &TrustStore::jlis());
            assert_eq!(
                got,
                Err(ReadError::CardRemoved),
                "removed after {answered} of {total}"
            );
            assert_eq!(exit::of_read_error(&got.unwrap_err()), exit::CARD_IO);
            assert_eq!(apdus(&card), answered, "nothing sent after the removal");
            // Reading again without placing the card: still removed, still typed.
            assert_eq!(
                read(&mut t, &TrustStore::jlis()),
                Err(ReadError::CardRemoved)
            );
            t.place_card().unwrap();
            let again = read(&mut t, &TrustStore::jlis()).unwrap();
            assert_eq!(again, baseline, "after placing again ({answered})");
        }
        // Removed right after the last answer: this reading is whole, the next is refused.
        let (_, mut t) = fresh(make().remove_after(total));
        assert_eq!(read(&mut t, &TrustStore::jlis()).unwrap(), baseline);
        assert_eq!(
            read(&mut t, &TrustStore::jlis()),
            Err(ReadError::CardRemoved)
        );
    });
}

#[test]
fn removal_at_every_apdu_index_extended() {
    removal_at_every_index(|| builder(Scenario::Valid), false);
}

#[test]
fn removal_at_every_apdu_index_short() {
    removal_at_every_index(|| builder(Scenario::Valid), true);
}

#[test]
fn removal_at_every_apdu_index_during_the_fallback() {
    removal_at_every_index(|| builder(Scenario::Valid).no_extended_length(), false);
}

#[test]
fn removal_at_every_apdu_index_with_chaining_and_no_expiry_routes() {
    removal_at_every_index(
        || {
            builder(Scenario::Valid)
                .answer_61xx()
                .answer_6cxx()
                .get_data_route(false)
                .common_route(false)
        },
        false,
    );
}

// --- Garbage at every APDU index ---

fn garbage_answers() -> Vec<Vec<u8>> {
    let mut long = vec![0x5A; 300];
    long.extend_from_slice(&[0x90, 0x00]);
    vec![
        vec![],
        vec![0x90],
        vec![0x90, 0x00],
        vec![0x6F, 0x00],
        vec![0x6A, 0x82],
        vec![0x69, 0x82],
        vec![0x61, 0x10],
        vec![0x61, 0x00],
        vec![0x6C, 0x05],
        vec![0x63, 0xCF],
        vec![0x62, 0x82],
        vec![0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF, 0x90, 0x00],
        vec![0xFF; 3],
        long,
    ]
}

#[test]
fn garbage_at_every_apdu_index_is_survived() {
    within(60, "garbage at every index", || {
        for short_transport in [false, true] {
            let fresh = |b: SimCardBuilder| {
                let (card, mut t) = shared(b.build());
                if short_transport {
                    t.disable_extended_length();
                }
                (card, t)
            };
            let (_, mut t) = fresh(builder(Scenario::Valid));
            let baseline = read(&mut t, &TrustStore::jlis()).unwrap();
            for index in 1..=baseline.apdus {
                for garbage in garbage_answers() {
                    let (_, mut t) =
                        fresh(builder(Scenario::Valid).garbage_at(index, garbage.clone()));
                    let what =
                        format!("garbage {garbage:02X?} at {index} (short {short_transport})");
                    match read(&mut t, &TrustStore::jlis()) {
                        Ok(r) => assert_eq!(r.card.kind, CardKind::MyNumberCard, "{what}"),
                        Err(e) => {
                            assert!(
                                !matches!(e, ReadError::CardRemoved | ReadError::NotMyNumberCard)
                                    || garbage == [0x6A, 0x82],
                                "{what}: {e:?}"
                            );
                            assert!(
                                !messages::read_error(&e, Lang::Ja, Surface::CommandLine)
                                    .is_empty()
                                    && !messages::read_error(&e, Lang::En, Surface::CommandLine)
                                        .is_empty()
                            );
                        }
                    }
                    // The next reading on the same transport is whole.
                    t.reconnect(true).unwrap();
                    let mut again = read(&mut t, &TrustStore::jlis()).unwrap();
                    again.apdus = baseline.apdus;
                    assert_eq!(again, baseline, "{what}: the next reading");
                }
            }
        }
    });
}

// --- Property tests: nothing panics ---

fn card_with_auth_file(bytes: Vec<u8>, extended: bool) -> SimTransport {
    let card = SimCard::builder()
        .auth_cert(bytes)
        .auth_ca(sim_auth_ca())
        .card_expiry(Some(d(2034, 1, 1)))
        .build();
    let (_, mut t) = shared(card);
    if !extended {
        t.disable_extended_length();
    }
    t
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_certificate_files_never_panic(
        bytes in proptest::collection::vec(any::<u8>(), 0..2500),
        extended in any::<bool>(),
    ) {
        let mut t = card_with_auth_file(bytes, extended);
        let r = read(&mut t, &sim_store());
        if let Err(e) = &r {
            prop_assert!(matches!(e, ReadError::Io(_) | ReadError::Certificate(_)), "{e:?}");
        }
    }

    #[test]
    fn arbitrary_der_shaped_files_never_panic(
        len in 0u16..0x2400,
        body in proptest::collection::vec(any::<u8>(), 0..2500),
        extended in any::<bool>(),
    ) {
        let mut bytes = vec![0x30, 0x82];
        bytes.extend_from_slice(&len.to_be_bytes());
        bytes.extend(body);
        let mut t = card_with_auth_file(bytes, extended);
        let _ = read(&mut t, &sim_store());
    }

    #[test]
    fn a_changed_signed_part_is_never_verified(
        flips in proptest::collection::vec((any::<prop::sample::Index>(), 1u8..=255), 1..4),
    ) {
        let real = scenario_auth_cert(Scenario::Valid);
        // The signed part: the TBSCertificate right after the outer header `30 82 xx xx`.
        let tbs_len = 4 + usize::from(u16::from_be_bytes([real[6], real[7]]));
        let mut bytes = real.clone();
        for (i, x) in &flips {
            bytes[4 + i.index(tbs_len)] ^= x;
        }
        let mut t = card_with_auth_file(bytes.clone(), true);
        if let Ok(r) = read(&mut t, &sim_store())
            && let CertSlot::Read(c) = &r.auth
            && bytes != real
        {
            prop_assert_ne!(c.genuine, Genuineness::Verified);
        }
    }

    #[test]
    fn arbitrary_garbage_and_misbehaviour_never_panic(
        index in 1u32..16,
        garbage in proptest::collection::vec(any::<u8>(), 0..40),
        remove_after in proptest::option::of(0u32..16),
        flags in any::<(bool, bool, bool, bool, bool)>(),
        scenario in prop::sample::select(Scenario::ALL.to_vec()),
    ) {
        let (chain, six_c, no_ext, no_get_data, short) = flags;
        let mut b = builder(scenario).garbage_at(index, garbage);
        if chain { b = b.answer_61xx(); }
        if six_c { b = b.answer_6cxx(); }
        if no_ext { b = b.no_extended_length(); }
        if no_get_data { b = b.get_data_route(false); }
        if let Some(n) = remove_after { b = b.remove_after(n); }
        let (_, mut t) = shared(b.build());
        if short { t.disable_extended_length(); }
        let first = read(&mut t, &TrustStore::jlis());
        // Every reading sends at least 3 APDUs (GET DATA, SELECT, SELECT).
        if remove_after.is_some_and(|n| n < index.min(3)) {
            prop_assert_eq!(first.clone(), Err(ReadError::CardRemoved));
        }
        // Spend the garbage (read until the card has seen its index), taking the card off and
        // placing it again between readings (which also disarms the removal): then the next
        // reading on the same transport finds the card as it is.
        let card = t.card();
        let take_off_and_place = || {
            let mut c = card.lock().unwrap();
            c.remove();
            c.place();
        };
        for _ in 0..8 {
            if card.lock().unwrap().apdu_count() >= index {
                break;
            }
            take_off_and_place();
            let _ = read(&mut t, &TrustStore::jlis());
        }
        prop_assert!(card.lock().unwrap().apdu_count() >= index);
        take_off_and_place();
        let again = read(&mut t, &TrustStore::jlis());
        if scenario == Scenario::NotMnc {
            prop_assert_eq!(again, Err(ReadError::NotMyNumberCard));
        } else {
            prop_assert!(again.is_ok(), "{:?}", again);
        }
    }
}

#[test]
fn lying_length_in_the_certificate_file_is_a_typed_failure() {
    let real = scenario_auth_cert(Scenario::Valid);
    for header in [
        vec![0x30, 0x84, 0x7F, 0xFF, 0xFF, 0xFF],
        vec![0x30, 0x83, 0x10, 0x00, 0x00],
        vec![0x30, 0x82, 0x1F, 0x00], // 7,940 bytes claimed, the EF holds 2,048
    ] {
        let mut lying = header.clone();
        lying.extend_from_slice(&real);
        for short_transport in [false, true] {
            let (card, mut t) = shared(builder(Scenario::Valid).auth_cert(lying.clone()).build());
            if short_transport {
                t.disable_extended_length();
            }
            let e = within(10, "lying length", move || {
                read(&mut t, &TrustStore::jlis())
            })
            .unwrap_err();
            assert!(matches!(e, ReadError::Io(_)), "{header:02X?}: {e:?}");
            assert_eq!(exit::of_read_error(&e), exit::CARD_IO);
            assert!(
                messages::read_error(&e, Lang::Ja, Surface::CommandLine)
                    .contains("カードを読み取れませんでした")
            );
            assert!(
                messages::read_error(&e, Lang::En, Surface::CommandLine)
                    .contains("could not be read")
            );
            // Never more than the EF's size in reads: at most 1 + 2048/256 READs after SELECT.
            assert!(
                apdus(&card) <= FIRST + 2 + 1 + 8 + 1,
                "{header:02X?}: {}",
                apdus(&card)
            );
        }
    }
}
