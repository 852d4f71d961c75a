//! Monitor tests against a small in-memory set of readers.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, Ordering};

use super::*;
use crate::card::CardKind;
use crate::report::{CardInfo, CertSlot, ExpirySource, NotReadReason};
use crate::sim::{Scenario, SimReaders, SimReadersHandle};

/// Simulated readers, with the calls the monitor makes counted (to show it does not spin).
#[derive(Clone)]
struct Fake {
    sim: SimReadersHandle,
    readers: Arc<Mutex<Option<SimReaders>>>,
    calls: Arc<AtomicU32>,
    connects: Arc<AtomicU32>,
}

impl Default for Fake {
    fn default() -> Self {
        let readers = SimReaders::new();
        Fake {
            sim: readers.handle(),
            readers: Arc::new(Mutex::new(Some(readers))),
            calls: Arc::default(),
            connects: Arc::default(),
        }
    }
}

impl Fake {
    fn plug(&self, name: &str) {
        self.sim.plug(name);
    }
    fn place(&self, name: &str, scenario: Scenario) {
        self.sim
            .place(name, scenario.card(crate::sim::test_day()).unwrap());
    }
    fn remove(&self, name: &str) {
        self.sim.remove_card(name);
    }
    fn calls(&self) -> u32 {
        self.calls.load(Ordering::SeqCst)
    }
    fn connects(&self) -> u32 {
        self.connects.load(Ordering::SeqCst)
    }
}

struct FakeReaders {
    inner: SimReaders,
    fake: Fake,
}

impl Readers for FakeReaders {
    fn list(&mut self) -> Result<Vec<ReaderInfo>, TransportError> {
        self.fake.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.list()
    }
    fn connect(&mut self, reader: &str) -> Result<Box<dyn Transport>, TransportError> {
        self.fake.connects.fetch_add(1, Ordering::SeqCst);
        self.inner.connect(reader)
    }
    fn wait_for_change(
        &mut self,
        known: &[ReaderInfo],
        timeout: Duration,
    ) -> Result<Vec<ReaderInfo>, TransportError> {
        self.fake.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.wait_for_change(known, timeout)
    }
    fn waker(&self) -> Waker {
        self.inner.waker()
    }
}

/// A reading that SELECTs the JPKI application on the card (a card without it is not a My
/// Number Card) and reports the reader, the date and the typed card expiry.
fn fake_read() -> ReadFn {
    Arc::new(
        |t: &mut dyn Transport, o: &ReadOptions, _: &mut dyn FnMut(EarlyDate)| {
            let reader = t.reader_name().to_owned();
            let answer = {
                let mut tx = t.transaction()?;
                let select = [
                    0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00,
                    0x00, 0x01,
                ];
                match tx.transmit(&select)?.as_slice() {
                    // The first command after power-up (domain.md §2b), as the reading does.
                    [0x6F, 0x00] => tx.transmit(&select)?,
                    answer => answer.to_vec(),
                }
            };
            match answer.as_slice() {
                [.., 0x90, 0x00] => {}
                [.., 0x6A, 0x82] => return Err(ReadError::NotMyNumberCard),
                _ => return Err(ReadError::Io(crate::card::CardError::BadDer)),
            }
            let not_read = || CertSlot::not_read(None, NotReadReason::PasswordRequired);
            Ok(CardReport::new(
                reader,
                o.today,
                1,
                CardInfo {
                    kind: CardKind::MyNumberCard,
                    expiry: o.card_expiry_typed,
                    expiry_source: o.card_expiry_typed.map(|_| ExpirySource::User),
                },
                not_read(),
                not_read(),
                BTreeMap::new(),
                vec![],
            ))
        },
    )
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn pinned() -> MonitorOptions {
    MonitorOptions {
        today: Some(crate::sim::test_day()),
        ..MonitorOptions::default()
    }
}

fn readers(fake: &Fake) -> Box<dyn Readers> {
    let inner = fake.readers.lock().unwrap().take().unwrap();
    Box::new(FakeReaders {
        inner,
        fake: fake.clone(),
    })
}

fn start(fake: &Fake, options: MonitorOptions) -> (MonitorHandle, Receiver<MonitorEvent>) {
    Monitor::spawn(readers(fake), options, fake_read(), None)
}

fn next(rx: &Receiver<MonitorEvent>) -> MonitorEvent {
    rx.recv_timeout(Duration::from_secs(3))
        .expect("an event within 3 s")
}

fn quiet(rx: &Receiver<MonitorEvent>) {
    if let Ok(e) = rx.recv_timeout(Duration::from_millis(200)) {
        panic!("unexpected event {e:?}");
    }
}

fn listed(list: &[(&str, bool)]) -> MonitorEvent {
    MonitorEvent::Readers(
        list.iter()
            .map(|&(name, has_card)| ReaderInfo {
                name: name.to_owned(),
                has_card,
            })
            .collect(),
    )
}

#[test]
fn reader_then_card_then_removal() {
    let fake = Fake::default();
    let (_h, rx) = start(&fake, pinned());
    assert_eq!(next(&rx), listed(&[]));
    quiet(&rx);
    fake.plug("R1");
    assert_eq!(next(&rx), listed(&[("R1", false)]));
    fake.place("R1", Scenario::Valid);
    assert_eq!(next(&rx), listed(&[("R1", true)]));
    assert_eq!(
        next(&rx),
        MonitorEvent::Reading {
            reader: "R1".into()
        }
    );
    match next(&rx) {
        MonitorEvent::Report { reader, report } => {
            assert_eq!(reader, "R1");
            assert_eq!(report.today, crate::sim::test_day());
        }
        other => panic!("{other:?}"),
    }
    // Read once while it stays.
    quiet(&rx);
    assert_eq!(fake.connects(), 1);
    fake.remove("R1");
    assert_eq!(next(&rx), listed(&[("R1", false)]));
    assert_eq!(
        next(&rx),
        MonitorEvent::Removed {
            reader: "R1".into()
        }
    );
    // Placed again: read again.
    fake.place("R1", Scenario::Valid);
    assert_eq!(next(&rx), listed(&[("R1", true)]));
    assert!(matches!(next(&rx), MonitorEvent::Reading { .. }));
    assert!(matches!(next(&rx), MonitorEvent::Report { .. }));
    assert_eq!(fake.connects(), 2);
}

#[test]
fn failures_are_events_and_not_retried() {
    let fake = Fake::default();
    fake.plug("R bad");
    fake.place("R bad", Scenario::NotMnc);
    let (_h, rx) = start(&fake, pinned());
    assert_eq!(next(&rx), listed(&[("R bad", true)]));
    assert!(matches!(next(&rx), MonitorEvent::Reading { .. }));
    assert_eq!(
        next(&rx),
        MonitorEvent::Failed {
            reader: "R bad".into(),
            error: ReadError::NotMyNumberCard
        }
    );
    quiet(&rx);
    assert_eq!(fake.connects(), 1);
}

/// As on Windows right after insertion, another program holds the card for the first few
/// connection attempts: the monitor waits that out and reads the card, with no error shown.
#[test]
fn a_sharing_violation_right_after_insertion_is_waited_out() {
    let fake = Fake::default();
    fake.plug("R1");
    let (_h, rx) = start(&fake, pinned());
    assert_eq!(next(&rx), listed(&[("R1", false)]));
    let card = Scenario::Valid.card(crate::sim::test_day()).unwrap();
    fake.sim.place_busy("R1", card, 3);
    assert_eq!(next(&rx), listed(&[("R1", true)]));
    assert!(matches!(next(&rx), MonitorEvent::Reading { .. }));
    match next(&rx) {
        MonitorEvent::Report { reader, .. } => assert_eq!(reader, "R1"),
        other => panic!("a report, not {other:?}"),
    }
    quiet(&rx);
    assert_eq!(fake.connects(), 4, "three refused, the fourth connected");
}

/// A sharing violation that lasts is the error, after the bounded wait.
#[test]
fn a_lasting_sharing_violation_is_the_error() {
    let fake = Fake::default();
    fake.plug("R1");
    let (_h, rx) = start(&fake, pinned());
    assert_eq!(next(&rx), listed(&[("R1", false)]));
    let card = Scenario::Valid.card(crate::sim::test_day()).unwrap();
    let started = Instant::now();
    fake.sim.place_busy("R1", card, u32::MAX);
    assert_eq!(next(&rx), listed(&[("R1", true)]));
    assert!(matches!(next(&rx), MonitorEvent::Reading { .. }));
    assert_eq!(
        next(&rx),
        MonitorEvent::Failed {
            reader: "R1".into(),
            error: ReadError::SharingViolation
        }
    );
    let took = started.elapsed();
    assert!(
        took >= crate::transport::CONNECT_SETTLE,
        "given up only after the wait: {took:?}"
    );
    assert!(took < Duration::from_secs(3), "{took:?}");
    let tries = fake.connects();
    assert!((10..=20).contains(&tries), "about every 100 ms: {tries}");
    quiet(&rx);
}

#[test]
fn unplugged_reader_forgets_its_card() {
    let fake = Fake::default();
    fake.plug("R1");
    fake.place("R1", Scenario::Valid);
    let (_h, rx) = start(&fake, pinned());
    assert_eq!(next(&rx), listed(&[("R1", true)]));
    assert!(matches!(next(&rx), MonitorEvent::Reading { .. }));
    assert!(matches!(next(&rx), MonitorEvent::Report { .. }));
    fake.sim.unplug("R1");
    assert_eq!(next(&rx), listed(&[]));
    assert_eq!(
        next(&rx),
        MonitorEvent::Removed {
            reader: "R1".into()
        }
    );
}

#[test]
fn service_down_is_reported_once_and_retried_slowly() {
    let fake = Fake::default();
    fake.sim.stop_service();
    let (_h, rx) = start(&fake, pinned());
    assert_eq!(next(&rx), MonitorEvent::ServiceUnavailable);
    std::thread::sleep(Duration::from_millis(2500));
    // About one attempt a second: no busy loop.
    let calls = fake.calls();
    assert!((2..=4).contains(&calls), "{calls} attempts in 2.5 s");
    quiet(&rx);
    fake.plug("R1");
    fake.sim.start_service();
    assert_eq!(next(&rx), listed(&[("R1", false)]));
}

#[test]
fn service_stopping_forgets_the_card_and_reads_it_again_after() {
    let fake = Fake::default();
    fake.plug("R1");
    fake.place("R1", Scenario::Valid);
    let (_h, rx) = start(&fake, pinned());
    assert_eq!(next(&rx), listed(&[("R1", true)]));
    assert!(matches!(next(&rx), MonitorEvent::Reading { .. }));
    assert!(matches!(next(&rx), MonitorEvent::Report { .. }));
    fake.sim.stop_service();
    assert_eq!(
        next(&rx),
        MonitorEvent::Removed {
            reader: "R1".into()
        }
    );
    assert_eq!(next(&rx), MonitorEvent::ServiceUnavailable);
    fake.sim.start_service();
    assert_eq!(next(&rx), listed(&[("R1", true)]));
    assert!(matches!(next(&rx), MonitorEvent::Reading { .. }));
    assert!(matches!(next(&rx), MonitorEvent::Report { .. }));
}

#[test]
fn reader_filter_selects_and_can_change() {
    let fake = Fake::default();
    for r in ["ACS ACR1252", "Sony RC-S300"] {
        fake.plug(r);
        fake.place(r, Scenario::Valid);
    }
    let options = MonitorOptions {
        reader_filter: Some("rc-s300".to_owned()),
        ..pinned()
    };
    let (h, rx) = start(&fake, options);
    assert!(matches!(next(&rx), MonitorEvent::Readers(_)));
    assert_eq!(
        next(&rx),
        MonitorEvent::Reading {
            reader: "Sony RC-S300".into()
        }
    );
    assert!(matches!(next(&rx), MonitorEvent::Report { .. }));
    quiet(&rx);
    h.set_reader_filter(Some("ACR".to_owned()));
    assert_eq!(
        next(&rx),
        MonitorEvent::Removed {
            reader: "Sony RC-S300".into()
        }
    );
    assert_eq!(
        next(&rx),
        MonitorEvent::Reading {
            reader: "ACS ACR1252".into()
        }
    );
    assert!(matches!(next(&rx), MonitorEvent::Report { .. }));
    assert_eq!(h.options().reader_filter.as_deref(), Some("ACR"));
}

#[test]
fn typed_card_expiry_and_reread() {
    let fake = Fake::default();
    fake.plug("R1");
    fake.place("R1", Scenario::Valid);
    let (h, rx) = start(&fake, pinned());
    assert!(matches!(next(&rx), MonitorEvent::Readers(_)));
    assert!(matches!(next(&rx), MonitorEvent::Reading { .. }));
    match next(&rx) {
        MonitorEvent::Report { report, .. } => assert_eq!(report.card.expiry, None),
        other => panic!("{other:?}"),
    }
    h.set_card_expiry(Some(day(2034, 6, 15)));
    quiet(&rx);
    h.reread();
    assert!(matches!(next(&rx), MonitorEvent::Reading { .. }));
    match next(&rx) {
        MonitorEvent::Report { report, .. } => {
            assert_eq!(report.card.expiry, Some(day(2034, 6, 15)));
            assert_eq!(report.card.expiry_source, Some(ExpirySource::User));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn notify_follows_every_event_and_shutdown_is_prompt() {
    let fake = Fake::default();
    fake.plug("R1");
    let count = Arc::new(AtomicU32::new(0));
    let c = Arc::clone(&count);
    let (mut h, rx) = Monitor::spawn(
        readers(&fake),
        pinned(),
        fake_read(),
        Some(Box::new(move || {
            c.fetch_add(1, Ordering::SeqCst);
        })),
    );
    assert!(matches!(next(&rx), MonitorEvent::Readers(_)));
    fake.place("R1", Scenario::Valid);
    let mut events = 1;
    loop {
        events += 1;
        if matches!(next(&rx), MonitorEvent::Report { .. }) {
            break;
        }
    }
    // notify runs just after each event is sent, so the last call may trail the receive.
    let deadline = Instant::now() + Duration::from_secs(2);
    while count.load(Ordering::SeqCst) < events && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
    }
    assert_eq!(count.load(Ordering::SeqCst), events);
    // The worker is blocked in a 10 s wait now; shutdown must not take that long.
    std::thread::sleep(Duration::from_millis(100));
    let t = Instant::now();
    h.shutdown();
    assert!(t.elapsed() < Duration::from_secs(1), "{:?}", t.elapsed());
    assert!(rx.recv_timeout(Duration::from_millis(100)).is_err());
}

#[test]
fn today_jst_is_utc_plus_nine() {
    let utc = chrono::Utc::now().date_naive();
    let jst = crate::clock::today_jst();
    assert!(jst == utc || jst == utc.succ_opt().unwrap());
}

// ---- the signing reading on the worker ----

fn sim_trust() -> crate::cert::TrustStore {
    crate::sim::with_simulated_roots(crate::cert::TrustStore::jlis()).unwrap()
}

/// The product's readings with the simulated roots trusted.
fn start_signing(fake: &Fake) -> (MonitorHandle, Receiver<MonitorEvent>) {
    let store = Arc::new(sim_trust());
    let s = Arc::clone(&store);
    let read: ReadFn = Arc::new(
        move |t: &mut dyn Transport, o: &ReadOptions, d: &mut dyn FnMut(EarlyDate)| {
            crate::reading::Reader::new(&s).read_with(t, o, d)
        },
    );
    let sign: SignFn = Arc::new(
        move |t: &mut dyn Transport, o: &ReadOptions, r: &SignRequest<'_>| {
            crate::reading::Reader::new(&store).read_signing(t, o, r)
        },
    );
    Monitor::spawn_with_signing(readers(fake), pinned(), read, sign, None)
}

fn read_report(rx: &Receiver<MonitorEvent>) -> Box<CardReport> {
    loop {
        match next(rx) {
            MonitorEvent::Report { report, .. } => return report,
            MonitorEvent::Readers(_) | MonitorEvent::Reading { .. } | MonitorEvent::Date { .. } => {
            }
            other => panic!("{other:?}"),
        }
    }
}

fn auth_serial(report: &CardReport) -> String {
    match &report.auth {
        CertSlot::Read(a) => a.serial.clone(),
        CertSlot::NotRead(_) => panic!("no auth certificate"),
    }
}

fn sign_result(rx: &Receiver<MonitorEvent>) -> Result<Box<CardReport>, SignError> {
    match next(rx) {
        MonitorEvent::SignResult { reader, result } => {
            assert_eq!(reader, "R1");
            result
        }
        other => panic!("{other:?}"),
    }
}

fn verifies(card: &Arc<Mutex<crate::sim::SimCard>>) -> usize {
    card.lock().unwrap().verifies_with_data()
}

fn password(s: &str) -> SigningPassword {
    SigningPassword::parse(s).unwrap()
}

#[test]
fn signing_reading_on_the_worker_right_then_wrong() {
    let fake = Fake::default();
    fake.plug("R1");
    let card = fake
        .sim
        .place("R1", Scenario::Valid.card(crate::sim::test_day()).unwrap());
    let (h, rx) = start_signing(&fake);
    let report = read_report(&rx);
    let serial = auth_serial(&report);
    assert_eq!(verifies(&card), 0);

    h.read_signing(
        "R1".into(),
        password("abc123"),
        false,
        true,
        Some(serial.clone()),
    );
    let report = sign_result(&rx).unwrap();
    let CertSlot::Read(sign) = &report.sign else {
        panic!("signing certificate not read");
    };
    assert_eq!(sign.expiry, day(2029, 12, 8));
    assert!(sign.personal.is_some());
    assert!(!format!("{report:?}").contains("公的"));
    assert_eq!(verifies(&card), 1);
    assert!(!card.lock().unwrap().is_verified(crate::card::EF_SIGN_PIN));
    // The card is not read again after the power cycle, and nothing else arrives.
    quiet(&rx);

    h.read_signing("R1".into(), password("WRONG1"), false, false, Some(serial));
    assert_eq!(
        sign_result(&rx),
        Err(SignError::WrongPassword { tries_left: 4 })
    );
    assert_eq!(verifies(&card), 1 + 1);
    // Never retried.
    quiet(&rx);
    assert_eq!(verifies(&card), 2);
    assert_eq!(
        card.lock().unwrap().pin_tries(crate::card::EF_SIGN_PIN),
        Some(4)
    );
}

#[test]
fn signing_reading_refuses_another_card_or_none() {
    let fake = Fake::default();
    fake.plug("R1");
    let card = fake
        .sim
        .place("R1", Scenario::Valid.card(crate::sim::test_day()).unwrap());
    let (h, rx) = start_signing(&fake);
    read_report(&rx);
    // The window showed another card (its certificate serial differs): nothing is sent.
    h.read_signing(
        "R1".into(),
        password("ABC123"),
        false,
        false,
        Some("00".into()),
    );
    assert_eq!(sign_result(&rx), Err(SignError::CardChanged));
    assert_eq!(verifies(&card), 0);
    // The card left: nothing is sent, no connection made.
    fake.remove("R1");
    assert!(matches!(next(&rx), MonitorEvent::Readers(_)));
    assert!(matches!(next(&rx), MonitorEvent::Removed { .. }));
    let connects = fake.connects();
    h.read_signing("R1".into(), password("ABC123"), false, false, None);
    assert_eq!(sign_result(&rx), Err(SignError::CardChanged));
    assert_eq!(fake.connects(), connects);
    assert_eq!(verifies(&card), 0);
}

#[test]
fn signing_reading_of_a_locked_card_sends_no_verify() {
    let fake = Fake::default();
    fake.plug("R1");
    let card = fake
        .sim
        .place("R1", Scenario::Locked.card(crate::sim::test_day()).unwrap());
    let (h, rx) = start_signing(&fake);
    let serial = auth_serial(&read_report(&rx));
    h.read_signing("R1".into(), password("ABC123"), true, false, Some(serial));
    assert_eq!(
        sign_result(&rx),
        Err(SignError::Refused(crate::reading::Refusal::Locked))
    );
    assert_eq!(verifies(&card), 0);
}

#[test]
fn a_waiting_signing_request_shows_no_password() {
    let job = SignJob {
        reader: "R1".into(),
        password: password("ABC123"),
        confirm_last_try: false,
        show_personal: false,
        same_card: None,
    };
    let shown = format!("{job:?}");
    assert!(shown.contains("REDACTED"), "{shown}");
    assert!(!shown.contains("ABC123"), "{shown}");
    let control = Control {
        sign: Some(job),
        ..Control::default()
    };
    assert!(!format!("{control:?}").contains("ABC123"));
}
