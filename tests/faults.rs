//! Faults in-process, through the simulated card (issue 14): a card that goes mute at each
//! command of a reading, an empty answer from a card that left (what pcscd and vpcd give for a
//! card pulled out mid-command) at each command, garbage from a card that stays, settling and
//! waiting for a card, and the regression cases the fuzz targets found.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::time::{Duration, Instant};

mod support;
use support::today;

use myna_kigen::apdu::{ApduError, Channel, Command};
use myna_kigen::card::{CardError, CardSession, EF_AUTH_CA};
use myna_kigen::cert::TrustStore;
use myna_kigen::reading::{ReadError, ReadOptions, Reader};
use myna_kigen::report::CardReport;
use myna_kigen::sim::{Scenario, SimCard, SimCardBuilder, SimReaders, SimTransport};
use myna_kigen::transport::{
    Deadlines, Guarded, Readers, Transaction, Transport, TransportError, wait_for_card,
};

fn builder() -> SimCardBuilder {
    Scenario::Valid.builder(today()).unwrap()
}

fn quick() -> Deadlines {
    Deadlines::scaled(Duration::from_millis(250))
}

/// The APDUs of the whole no-PIN reading of the card `b` builds, CA certificate included (the
/// report layer reads EF 000B for a CA its trust store has not cached; each reading here gets
/// a fresh store).
fn commands_of_a_reading(b: SimCardBuilder) -> u32 {
    let mut t = SimTransport::new(b.build());
    let card = t.card();
    read_card(&mut t, &options()).unwrap();
    let n = card.lock().unwrap().apdu_count();
    // The card answers the first command after power-up 6F 00 (domain.md §2b), so the reading
    // sends it again: every index below walks that one too.
    assert_eq!(
        n, 12,
        "6F 00 and the re-send, 8 more commands and the CA read (256 bytes, then the rest)"
    );
    n
}

/// One whole reading with a trust store of its own (nothing cached).
fn read_card(t: &mut dyn Transport, options: &ReadOptions) -> Result<CardReport, ReadError> {
    Reader::new(&TrustStore::jlis()).read(t, options)
}

fn options() -> ReadOptions {
    ReadOptions {
        today: today(),
        card_expiry_typed: None,
    }
}

/// The card layer's view of the default reading plus the CA read, as the report layer does it.
fn card_layer_reading(t: &mut dyn Transport) -> Result<(), CardError> {
    let extended = t.supports_extended_length();
    let mut tx = t.transaction().map_err(|e| CardError::Apdu(e.into()))?;
    let mut session = CardSession::new(tx.as_mut(), extended);
    session.read_public()?;
    session.read_der_file(EF_AUTH_CA)?;
    Ok(())
}

#[test]
fn a_card_that_goes_mute_at_any_command_is_not_answering_within_the_deadline() {
    let total = commands_of_a_reading(builder());
    for at in 1..=total {
        let card = builder().mute_at(at).build();
        let mut t = Guarded::new(SimTransport::new(card), quick());
        let started = Instant::now();
        let e = card_layer_reading(&mut t).unwrap_err();
        let took = started.elapsed();
        assert!(e.is_not_answering(), "mute at {at}: {e:?}");
        assert!(e.ends_reading(), "mute at {at}");
        assert!(!e.is_removal(), "mute at {at}");
        // One deadline (slow for the extended READ), not one per remaining command.
        assert!(took < Duration::from_secs(5), "mute at {at}: {took:?}");
        assert!(t.given_up());
    }
}

#[test]
fn a_mute_card_never_gives_a_report() {
    let total = commands_of_a_reading(builder());
    for at in 1..=total {
        let card = builder().mute_at(at).build();
        let mut t = Guarded::new(SimTransport::new(card), quick());
        let started = Instant::now();
        let r = read_card(&mut t, &options());
        // Before the CA read the reading ends with the error; during the CA read (the last
        // two commands) the reading layer propagates it too (`CardError::ends_reading`).
        assert!(r.is_err(), "mute at {at}: {r:?}");
        assert!(started.elapsed() < Duration::from_secs(5), "mute at {at}");
    }
}

#[test]
fn removal_answered_with_an_empty_response_is_removal_at_every_command() {
    // pcscd with vpcd answers a transmit to a card pulled out mid-command with nothing: the
    // presence check turns that into a removal instead of "malformed".
    let total = commands_of_a_reading(builder());
    for at in 1..=total {
        let mut t = SimTransport::new(builder().empty_at(at).remove_after(at).build());
        let e = card_layer_reading(&mut t).unwrap_err();
        assert!(e.is_removal(), "at {at}: {e:?}");
        // Through the whole reading, the CA read included: a removal, never a report.
        let mut t = SimTransport::new(builder().empty_at(at).remove_after(at).build());
        let r = read_card(&mut t, &options());
        assert_eq!(r, Err(ReadError::CardRemoved), "at {at}");
    }
}

#[test]
fn removal_during_the_ca_read_is_removal() {
    let total = commands_of_a_reading(builder());
    let mut t = SimTransport::new(builder().remove_after(total - 1).build());
    assert_eq!(read_card(&mut t, &options()), Err(ReadError::CardRemoved));
    let mut t = SimTransport::new(builder().empty_at(total).remove_after(total).build());
    let card = t.card();
    {
        let mut tx = t.transaction().unwrap();
        let mut s = CardSession::new(tx.as_mut(), true);
        s.read_public().unwrap();
        let e = s.read_der_file(EF_AUTH_CA).unwrap_err();
        assert!(e.is_removal(), "{e:?}");
        assert!(e.ends_reading());
    }
    assert!(card.lock().unwrap().is_removed());
}

#[test]
fn an_empty_answer_from_a_card_still_there_is_malformed_not_removal() {
    let total = commands_of_a_reading(builder());
    for at in 1..=total {
        let mut t = SimTransport::new(builder().empty_at(at).build());
        match card_layer_reading(&mut t) {
            Ok(()) => {}
            Err(e) => assert!(!e.is_removal() && !e.is_not_answering(), "at {at}: {e:?}"),
        }
    }
}

/// Answers with nothing and says the card is gone (or still there).
struct Empty(Option<bool>);

impl Transaction for Empty {
    fn transmit(&mut self, _: &[u8]) -> Result<Vec<u8>, TransportError> {
        Ok(Vec::new())
    }
    fn card_present(&mut self) -> Option<bool> {
        self.0
    }
}

/// Fails with a generic error.
struct Failing(Option<bool>);

impl Transaction for Failing {
    fn transmit(&mut self, _: &[u8]) -> Result<Vec<u8>, TransportError> {
        Err(TransportError::Other("broken pipe".to_owned()))
    }
    fn card_present(&mut self) -> Option<bool> {
        self.0
    }
}

#[test]
fn the_channel_asks_for_presence_before_calling_an_answer_malformed() {
    let c = Command::verify_status();
    let removed = Err(ApduError::Transport(TransportError::CardRemoved));
    assert_eq!(
        Channel::new(&mut Empty(Some(false))).transmit(&c),
        removed.clone()
    );
    assert_eq!(
        Channel::new(&mut Empty(Some(true))).transmit(&c),
        Err(ApduError::Malformed)
    );
    assert_eq!(
        Channel::new(&mut Empty(None)).transmit(&c),
        Err(ApduError::Malformed)
    );
    assert_eq!(
        Channel::new(&mut Failing(Some(false))).transmit(&c),
        removed
    );
    assert!(matches!(
        Channel::new(&mut Failing(Some(true))).transmit(&c),
        Err(ApduError::Transport(TransportError::Other(_)))
    ));
}

#[test]
fn transport_errors_that_end_a_reading() {
    for e in [
        TransportError::CardRemoved,
        TransportError::CardReset,
        TransportError::NotAnswering,
        TransportError::ServiceUnavailable,
    ] {
        assert!(e.ends_reading(), "{e:?}");
        let card = CardError::Apdu(ApduError::Transport(e.clone()));
        assert!(card.ends_reading(), "{e:?}");
        assert_eq!(card.is_not_answering(), e == TransportError::NotAnswering);
    }
    for e in [
        TransportError::MalformedResponse,
        TransportError::Timeout,
        TransportError::SharingViolation,
        TransportError::Other("x".to_owned()),
    ] {
        assert!(!e.ends_reading(), "{e:?}");
    }
    assert!(!CardError::BadDer.ends_reading());
    assert!(!CardError::Apdu(ApduError::Malformed).ends_reading());
}

#[test]
fn a_mute_card_stays_mute_until_it_is_placed_again() {
    let mut card = SimCard::builder().mute_at(2).build();
    assert_eq!(card.process(&[0x00, 0x20, 0x00, 0x80]).len(), 2);
    assert!(!card.is_mute());
    card.process(&[0x00, 0x20, 0x00, 0x80]);
    assert!(card.is_mute());
    // Through a transport without a deadline the transmit blocks until the card leaves.
    let mut t = SimTransport::new(card);
    let shared = t.card();
    let remover = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        shared.lock().unwrap().remove();
        shared
    });
    {
        let mut tx = t.transaction().unwrap();
        assert_eq!(
            tx.transmit(&[0x00, 0x20, 0x00, 0x80]),
            Err(TransportError::CardRemoved)
        );
    }
    let shared = remover.join().unwrap();
    let mut card = shared.lock().unwrap();
    card.place();
    assert!(!card.is_mute());
    assert_eq!(card.process(&[0x00, 0x20, 0x00, 0x80]).len(), 2);
}

#[test]
fn waiting_for_a_card_returns_when_one_is_placed() {
    let mut readers = SimReaders::new();
    let handle = readers.handle();
    handle.plug("Reader A");
    // Nothing yet: the wait ends at its bound with the typed error.
    let started = Instant::now();
    assert_eq!(
        wait_for_card(&mut readers, None, Duration::from_millis(200)),
        Err(TransportError::NoCard)
    );
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert!(started.elapsed() < Duration::from_secs(3));
    // A card placed from another thread ends the wait early.
    let placer = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(150));
        handle.place("Reader A", SimCard::builder().build());
    });
    let started = Instant::now();
    let r = wait_for_card(&mut readers, Some("reader a"), Duration::from_secs(10)).unwrap();
    assert_eq!(r.name, "Reader A");
    assert!(r.has_card);
    assert!(started.elapsed() < Duration::from_secs(5));
    placer.join().unwrap();
    // Present already: at once, also with a zero bound.
    assert!(wait_for_card(&mut readers, None, Duration::ZERO).is_ok());
}

#[test]
fn waiting_for_a_reader_that_is_not_there_ends_with_its_error() {
    let mut readers = SimReaders::new();
    assert_eq!(
        wait_for_card(&mut readers, None, Duration::from_millis(100)),
        Err(TransportError::NoReader)
    );
    readers.handle().plug("Reader A");
    assert_eq!(
        wait_for_card(&mut readers, Some("B"), Duration::from_millis(100)),
        Err(TransportError::ReaderNotFound("B".to_owned()))
    );
}

#[test]
fn simulated_readers_with_deadlines_give_a_mute_card_up() {
    let mut readers = SimReaders::new().with_deadlines(quick());
    let handle = readers.handle();
    handle.plug("Reader A");
    handle.place("Reader A", builder().mute_at(4).build());
    let mut t = readers.connect("Reader A").unwrap();
    let started = Instant::now();
    let e = card_layer_reading(t.as_mut()).unwrap_err();
    assert!(e.is_not_answering(), "{e:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
    // Taken off and placed again, the card reads on a new connection.
    let card = handle.place("Reader A", builder().build());
    let mut t = readers.connect("Reader A").unwrap();
    card_layer_reading(t.as_mut()).unwrap();
    // Placed again: powered afresh, so one 6F 00 more (domain.md §2b).
    assert_eq!(card.lock().unwrap().apdu_count(), 12);
}
