use super::*;
use crate::sim::card::SimCardBuilder;
use std::thread;

const SELECT_JPKI: [u8; 15] = [
    0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01,
];
const VERIFY_ABC123: [u8; 11] = [
    0x00, 0x20, 0x00, 0x80, 0x06, 0x41, 0x42, 0x43, 0x31, 0x32, 0x33,
];
const SELECT_001B: [u8; 7] = [0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x1B];

/// The transport's mechanics, without the card's reported manners (`6F 00` first and so on).
fn plain() -> SimCardBuilder {
    SimCardBuilder::new().manners(crate::sim::Manners::PLAIN)
}

fn card() -> SimCard {
    plain().build()
}

#[test]
fn the_transport_reports_the_cards_atr() {
    use crate::sim::AtrProfile;
    let t = SimTransport::new(card());
    assert_eq!(t.atr(), Some(AtrProfile::ContactExtended.bytes().to_vec()));
    let t = SimTransport::new(plain().atr(AtrProfile::Contactless).build());
    assert_eq!(t.atr(), Some(AtrProfile::Contactless.bytes().to_vec()));
    // Behind deadlines (as PC/SC cards are) too.
    let mut readers = SimReaders::new().with_deadlines(crate::transport::Deadlines::DEFAULT);
    let handle = readers.handle();
    handle.plug("R");
    handle.place("R", plain().atr(AtrProfile::ContactShort).build());
    let t = readers.connect("R").unwrap();
    assert_eq!(t.atr(), Some(AtrProfile::ContactShort.bytes().to_vec()));
}

#[test]
fn a_busy_card_refuses_the_first_connections_with_a_sharing_violation() {
    let mut readers = SimReaders::new();
    let handle = readers.handle();
    handle.plug("R");
    handle.place_busy("R", card(), 2);
    for _ in 0..2 {
        assert_eq!(
            readers.connect("R").err(),
            Some(TransportError::SharingViolation)
        );
    }
    assert!(readers.connect("R").is_ok());
    // Placed again without another program: no refusal.
    handle.remove_card("R");
    handle.place("R", card());
    assert!(readers.connect("R").is_ok());
}

#[test]
fn connecting_waits_out_a_sharing_violation_right_after_insertion() {
    use crate::transport::{CONNECT_SETTLE, connect_settled, connect_settling};
    let mut readers = SimReaders::new();
    let handle = readers.handle();
    handle.plug("R");
    let shared = handle.place_busy("R", card(), 3);
    let started = std::time::Instant::now();
    let mut t = connect_settled(&mut readers, "R").unwrap();
    let took = started.elapsed();
    // Three refusals, 100 ms apart.
    assert!(took >= Duration::from_millis(250), "{took:?}");
    assert!(took < CONNECT_SETTLE, "{took:?}");
    assert_eq!(
        t.transaction().unwrap().transmit(&SELECT_JPKI).unwrap(),
        vec![0x90, 0x00]
    );
    assert_eq!(shared.lock().unwrap().apdu_count(), 1);

    // Held for good: the error, after the bounded wait and not before.
    handle.remove_card("R");
    handle.place_busy("R", card(), u32::MAX);
    let started = std::time::Instant::now();
    assert_eq!(
        connect_settling(&mut readers, "R", Duration::from_millis(400)).err(),
        Some(TransportError::SharingViolation)
    );
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(400), "{took:?}");
    assert!(took < Duration::from_secs(2), "{took:?}");

    // What is not a settling matter is not waited for.
    let started = std::time::Instant::now();
    assert_eq!(
        connect_settled(&mut readers, "no such reader").err(),
        Some(TransportError::ReaderNotFound("no such reader".into()))
    );
    assert!(started.elapsed() < Duration::from_millis(100));
}

#[test]
fn transport_basics() {
    let mut t = SimTransport::new(card());
    assert_eq!(t.reader_name(), "Simulated Reader");
    assert!(t.supports_extended_length());
    {
        let mut tx = t.transaction().unwrap();
        assert_eq!(tx.transmit(&SELECT_JPKI).unwrap(), vec![0x90, 0x00]);
    }
    t.disable_extended_length();
    assert!(!t.supports_extended_length());
    let t = SimTransport::new(card()).with_name("Other");
    assert_eq!(t.reader_name(), "Other");
}

#[test]
fn reconnect_unpowering_clears_verified_state_and_warm_keeps_it() {
    let mut t = SimTransport::new(card());
    let shared = t.card();
    {
        let mut tx = t.transaction().unwrap();
        tx.transmit(&SELECT_JPKI).unwrap();
        tx.transmit(&SELECT_001B).unwrap();
        assert_eq!(tx.transmit(&VERIFY_ABC123).unwrap(), vec![0x90, 0x00]);
    }
    t.reconnect(false).unwrap();
    assert!(shared.lock().unwrap().is_verified([0, 0x1B]));
    {
        // Selection gone after the warm reset.
        let mut tx = t.transaction().unwrap();
        assert_eq!(tx.transmit(&SELECT_001B).unwrap(), vec![0x6A, 0x82]);
    }
    t.reconnect(true).unwrap();
    assert!(!shared.lock().unwrap().is_verified([0, 0x1B]));
}

#[test]
fn removal_fails_every_transmit_until_the_card_is_placed_again() {
    let mut t = SimTransport::new(plain().remove_after(1).build());
    {
        let mut tx = t.transaction().unwrap();
        assert_eq!(tx.transmit(&SELECT_JPKI).unwrap(), vec![0x90, 0x00]);
        assert_eq!(tx.transmit(&SELECT_JPKI), Err(TransportError::CardRemoved));
        assert_eq!(tx.transmit(&SELECT_JPKI), Err(TransportError::CardRemoved));
    }
    assert_eq!(t.transaction().err(), Some(TransportError::CardRemoved));
    assert_eq!(t.reconnect(true), Err(TransportError::CardRemoved));
    t.place_card().unwrap();
    t.reconnect(true).unwrap();
    let mut tx = t.transaction().unwrap();
    assert_eq!(tx.transmit(&SELECT_JPKI).unwrap(), vec![0x90, 0x00]);
    assert_eq!(tx.transmit(&SELECT_JPKI).unwrap(), vec![0x90, 0x00]);
}

#[test]
fn latency_is_honoured_through_the_transport() {
    let mut t = SimTransport::new(plain().latency(Duration::from_millis(25)).build());
    let start = Instant::now();
    let mut tx = t.transaction().unwrap();
    for _ in 0..3 {
        tx.transmit(&SELECT_JPKI).unwrap();
    }
    assert!(start.elapsed() >= Duration::from_millis(75));
}

fn info(name: &str, has_card: bool) -> ReaderInfo {
    ReaderInfo {
        name: name.to_owned(),
        has_card,
    }
}

#[test]
fn readers_come_and_go() {
    let mut readers = SimReaders::new();
    let handle = readers.handle();
    assert_eq!(readers.list().unwrap(), vec![]);
    handle.plug("Reader A");
    handle.plug("Reader B");
    assert_eq!(
        readers.list().unwrap(),
        vec![info("Reader A", false), info("Reader B", false)]
    );
    assert_eq!(
        readers.connect("Reader A").err(),
        Some(TransportError::NoCard)
    );
    assert_eq!(
        readers.connect("Reader C").err(),
        Some(TransportError::ReaderNotFound("Reader C".to_owned()))
    );
    let shared = handle.place("Reader B", card());
    assert_eq!(readers.list().unwrap()[1], info("Reader B", true));
    let mut transport = readers.connect("Reader B").unwrap();
    assert_eq!(transport.reader_name(), "Reader B");
    {
        let mut tx = transport.transaction().unwrap();
        assert_eq!(tx.transmit(&SELECT_JPKI).unwrap(), vec![0x90, 0x00]);
    }
    assert_eq!(shared.lock().unwrap().apdu_count(), 1);
    handle.remove_card("Reader B");
    assert_eq!(readers.list().unwrap()[1], info("Reader B", false));
    assert_eq!(
        transport.transaction().err(),
        Some(TransportError::CardRemoved)
    );
    handle.place_shared("Reader B", shared);
    assert!(
        transport.transaction().is_ok(),
        "the same card placed again"
    );
    handle.unplug("Reader A");
    assert_eq!(readers.list().unwrap(), vec![info("Reader B", true)]);
    handle.stop_service();
    assert_eq!(readers.list(), Err(TransportError::ServiceUnavailable));
    assert_eq!(
        readers.connect("Reader B").err(),
        Some(TransportError::ServiceUnavailable)
    );
    handle.start_service();
    assert_eq!(readers.list().unwrap().len(), 1);
    let one = SimReaders::with_card(card()).list().unwrap();
    assert_eq!(one, vec![info("Simulated Reader", true)]);
}

#[test]
fn wait_for_change_sees_a_card_placed_from_another_thread() {
    let mut readers = SimReaders::new();
    let handle = readers.handle();
    handle.plug("R");
    let known = readers.list().unwrap();
    let placer = thread::spawn(move || {
        thread::sleep(Duration::from_millis(50));
        handle.place("R", card());
    });
    let start = Instant::now();
    let now = readers
        .wait_for_change(&known, Duration::from_secs(10))
        .unwrap();
    assert_eq!(now, vec![info("R", true)]);
    assert!(start.elapsed() < Duration::from_secs(5));
    placer.join().unwrap();
}

#[test]
fn wait_for_change_times_out_and_the_waker_ends_it_early() {
    let mut readers = SimReaders::new();
    let known = readers.list().unwrap();
    let start = Instant::now();
    let now = readers
        .wait_for_change(&known, Duration::from_millis(60))
        .unwrap();
    assert_eq!(now, known);
    assert!(start.elapsed() >= Duration::from_millis(60));

    let waker = readers.waker();
    let wake = thread::spawn(move || {
        thread::sleep(Duration::from_millis(50));
        waker();
    });
    let start = Instant::now();
    let now = readers
        .wait_for_change(&known, Duration::from_secs(10))
        .unwrap();
    assert_eq!(now, known);
    assert!(start.elapsed() < Duration::from_secs(5));
    wake.join().unwrap();
}

#[test]
fn wait_for_change_reports_a_stopped_service_and_a_card_that_left_by_itself() {
    let mut readers = SimReaders::new();
    let handle = readers.handle();
    handle.plug("R");
    handle.place("R", plain().remove_after(1).build());
    let known = readers.list().unwrap();
    assert_eq!(known, vec![info("R", true)]);
    let mut transport = readers.connect("R").unwrap();
    let mover = thread::spawn(move || {
        thread::sleep(Duration::from_millis(50));
        let mut tx = transport.transaction().unwrap();
        tx.transmit(&SELECT_JPKI).unwrap();
    });
    let now = readers
        .wait_for_change(&known, Duration::from_secs(10))
        .unwrap();
    assert_eq!(now, vec![info("R", false)]);
    mover.join().unwrap();

    let stopper = readers.handle();
    let t = thread::spawn(move || {
        thread::sleep(Duration::from_millis(50));
        stopper.stop_service();
    });
    assert_eq!(
        readers.wait_for_change(&now, Duration::from_secs(10)),
        Err(TransportError::ServiceUnavailable)
    );
    t.join().unwrap();
}

#[test]
fn handle_is_clone_and_send() {
    fn assert_send<T: Send + Clone>() {}
    assert_send::<SimReadersHandle>();
    fn assert_transport<T: Transport>() {}
    assert_transport::<SimTransport>();
}
