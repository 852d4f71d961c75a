//! Monitor tests against a small in-memory set of readers.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, Ordering};

use super::*;
use crate::card::CardKind;
use crate::report::{CardInfo, CertSlot, ExpirySource, NotRead};
use crate::transport::Transaction;

#[derive(Debug, Default)]
struct State {
    readers: Vec<ReaderInfo>,
    down: bool,
    woken: bool,
    connects: u32,
    calls: u32,
}

#[derive(Clone, Default)]
struct Fake(Arc<(Mutex<State>, Condvar)>);

impl Fake {
    fn change(&self, f: impl FnOnce(&mut State)) {
        f(&mut self.0.0.lock().unwrap());
        self.0.1.notify_all();
    }
    fn plug(&self, name: &str) {
        self.change(|s| {
            s.readers.push(ReaderInfo {
                name: name.to_owned(),
                has_card: false,
            })
        });
    }
    fn set_card(&self, name: &str, has_card: bool) {
        self.change(|s| {
            for r in s.readers.iter_mut().filter(|r| r.name == name) {
                r.has_card = has_card;
            }
        });
    }
    fn state<T>(&self, f: impl FnOnce(&State) -> T) -> T {
        f(&self.0.0.lock().unwrap())
    }
}

struct FakeReaders(Fake);

impl FakeReaders {
    fn current(s: &mut State) -> Result<Vec<ReaderInfo>, TransportError> {
        s.calls += 1;
        if s.down {
            Err(TransportError::ServiceUnavailable)
        } else {
            Ok(s.readers.clone())
        }
    }
}

impl Readers for FakeReaders {
    fn list(&mut self) -> Result<Vec<ReaderInfo>, TransportError> {
        Self::current(&mut self.0.0.0.lock().unwrap())
    }
    fn connect(&mut self, reader: &str) -> Result<Box<dyn Transport>, TransportError> {
        let mut s = self.0.0.0.lock().unwrap();
        s.connects += 1;
        match s.readers.iter().find(|r| r.name == reader) {
            Some(r) if r.has_card => Ok(Box::new(FakeTransport(reader.to_owned()))),
            Some(_) => Err(TransportError::NoCard),
            None => Err(TransportError::ReaderNotFound(reader.to_owned())),
        }
    }
    fn wait_for_change(
        &mut self,
        known: &[ReaderInfo],
        timeout: Duration,
    ) -> Result<Vec<ReaderInfo>, TransportError> {
        let deadline = Instant::now() + timeout;
        let (m, cv) = &*self.0.0;
        let mut s = m.lock().unwrap();
        while !s.down && !s.woken && s.readers == known && Instant::now() < deadline {
            s = cv.wait_timeout(s, deadline - Instant::now()).unwrap().0;
        }
        s.woken = false;
        Self::current(&mut s)
    }
    fn waker(&self) -> Waker {
        let fake = self.0.clone();
        Arc::new(move || fake.change(|s| s.woken = true))
    }
}

struct FakeTransport(String);

impl Transport for FakeTransport {
    fn reader_name(&self) -> &str {
        &self.0
    }
    fn transaction(&mut self) -> Result<Box<dyn Transaction + '_>, TransportError> {
        Err(TransportError::Other("fake".to_owned()))
    }
    fn reconnect(&mut self, _unpower: bool) -> Result<(), TransportError> {
        Ok(())
    }
    fn supports_extended_length(&self) -> bool {
        false
    }
    fn disable_extended_length(&mut self) {}
}

/// A reading that reports the reader, the date and the typed card expiry; a reader named
/// "... bad" holds a card that is not a My Number Card.
fn fake_read() -> ReadFn {
    Arc::new(|t: &mut dyn Transport, o: &ReadOptions| {
        if t.reader_name().ends_with("bad") {
            return Err(ReadError::NotMyNumberCard);
        }
        let not_read = || {
            CertSlot::NotRead(NotRead {
                present: None,
                read: false,
                reason: "fake".to_owned(),
            })
        };
        Ok(CardReport {
            schema: crate::report::SCHEMA,
            reader: t.reader_name().to_owned(),
            today: o.today,
            apdus: 0,
            card: CardInfo {
                kind: CardKind::MyNumberCard,
                expiry: o.card_expiry_typed,
                expiry_source: o.card_expiry_typed.map(|_| ExpirySource::User),
            },
            auth: not_read(),
            sign: not_read(),
            pins: BTreeMap::new(),
            warnings: vec![],
        })
    })
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn pinned() -> MonitorOptions {
    MonitorOptions {
        today: Some(day(2026, 4, 1)),
        ..MonitorOptions::default()
    }
}

fn start(fake: &Fake, options: MonitorOptions) -> (MonitorHandle, Receiver<MonitorEvent>) {
    Monitor::spawn(
        Box::new(FakeReaders(fake.clone())),
        options,
        fake_read(),
        None,
    )
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

fn readers(list: &[(&str, bool)]) -> MonitorEvent {
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
    assert_eq!(next(&rx), readers(&[]));
    quiet(&rx);
    fake.plug("R1");
    assert_eq!(next(&rx), readers(&[("R1", false)]));
    fake.set_card("R1", true);
    assert_eq!(next(&rx), readers(&[("R1", true)]));
    assert_eq!(
        next(&rx),
        MonitorEvent::Reading {
            reader: "R1".into()
        }
    );
    match next(&rx) {
        MonitorEvent::Report { reader, report } => {
            assert_eq!(reader, "R1");
            assert_eq!(report.today, day(2026, 4, 1));
        }
        other => panic!("{other:?}"),
    }
    // Read once while it stays.
    quiet(&rx);
    assert_eq!(fake.state(|s| s.connects), 1);
    fake.set_card("R1", false);
    assert_eq!(next(&rx), readers(&[("R1", false)]));
    assert_eq!(
        next(&rx),
        MonitorEvent::Removed {
            reader: "R1".into()
        }
    );
    // Placed again: read again.
    fake.set_card("R1", true);
    assert_eq!(next(&rx), readers(&[("R1", true)]));
    assert!(matches!(next(&rx), MonitorEvent::Reading { .. }));
    assert!(matches!(next(&rx), MonitorEvent::Report { .. }));
    assert_eq!(fake.state(|s| s.connects), 2);
}

#[test]
fn failures_are_events_and_not_retried() {
    let fake = Fake::default();
    fake.plug("R bad");
    fake.set_card("R bad", true);
    let (_h, rx) = start(&fake, pinned());
    assert_eq!(next(&rx), readers(&[("R bad", true)]));
    assert!(matches!(next(&rx), MonitorEvent::Reading { .. }));
    assert_eq!(
        next(&rx),
        MonitorEvent::Failed {
            reader: "R bad".into(),
            error: ReadError::NotMyNumberCard
        }
    );
    quiet(&rx);
    assert_eq!(fake.state(|s| s.connects), 1);
}

#[test]
fn unplugged_reader_forgets_its_card() {
    let fake = Fake::default();
    fake.plug("R1");
    fake.set_card("R1", true);
    let (_h, rx) = start(&fake, pinned());
    assert_eq!(next(&rx), readers(&[("R1", true)]));
    assert!(matches!(next(&rx), MonitorEvent::Reading { .. }));
    assert!(matches!(next(&rx), MonitorEvent::Report { .. }));
    fake.change(|s| s.readers.clear());
    assert_eq!(next(&rx), readers(&[]));
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
    fake.change(|s| s.down = true);
    let (_h, rx) = start(&fake, pinned());
    assert_eq!(next(&rx), MonitorEvent::ServiceUnavailable);
    std::thread::sleep(Duration::from_millis(2500));
    // About one attempt a second: no busy loop.
    let calls = fake.state(|s| s.calls);
    assert!((2..=4).contains(&calls), "{calls} attempts in 2.5 s");
    quiet(&rx);
    fake.plug("R1");
    fake.change(|s| s.down = false);
    assert_eq!(next(&rx), readers(&[("R1", false)]));
}

#[test]
fn service_stopping_forgets_the_card_and_reads_it_again_after() {
    let fake = Fake::default();
    fake.plug("R1");
    fake.set_card("R1", true);
    let (_h, rx) = start(&fake, pinned());
    assert_eq!(next(&rx), readers(&[("R1", true)]));
    assert!(matches!(next(&rx), MonitorEvent::Reading { .. }));
    assert!(matches!(next(&rx), MonitorEvent::Report { .. }));
    fake.change(|s| s.down = true);
    assert_eq!(
        next(&rx),
        MonitorEvent::Removed {
            reader: "R1".into()
        }
    );
    assert_eq!(next(&rx), MonitorEvent::ServiceUnavailable);
    fake.change(|s| s.down = false);
    assert_eq!(next(&rx), readers(&[("R1", true)]));
    assert!(matches!(next(&rx), MonitorEvent::Reading { .. }));
    assert!(matches!(next(&rx), MonitorEvent::Report { .. }));
}

#[test]
fn reader_filter_selects_and_can_change() {
    let fake = Fake::default();
    for r in ["ACS ACR1252", "Sony RC-S300"] {
        fake.plug(r);
        fake.set_card(r, true);
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
    fake.set_card("R1", true);
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
        Box::new(FakeReaders(fake.clone())),
        pinned(),
        fake_read(),
        Some(Box::new(move || {
            c.fetch_add(1, Ordering::SeqCst);
        })),
    );
    assert!(matches!(next(&rx), MonitorEvent::Readers(_)));
    fake.set_card("R1", true);
    let mut events = 1;
    loop {
        events += 1;
        if matches!(next(&rx), MonitorEvent::Report { .. }) {
            break;
        }
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
    let utc = Utc::now().date_naive();
    let jst = today_jst();
    assert!(jst == utc || jst == utc.succ_opt().unwrap());
}
