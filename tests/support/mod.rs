//! The one test-support module of every test binary: the fixed day, hex, simulated cards on
//! shared transports, trust stores with the simulated roots, DER blobs of a chosen length, a
//! watchdog against hangs, stepping the window until something shows ([`step_until`]), and the
//! end-to-end rig on a real pcscd ([`rig`]).
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::NaiveDate;
use myna_kigen::cert::TrustStore;
use myna_kigen::reading::ReadOptions;
use myna_kigen::sim::card::{LoggedCommand, SimCard};
use myna_kigen::sim::{CertKind, Scenario, SimCardBuilder, SimTransport, certs};

pub mod rig;

/// The day every test judges on, as the command line takes it.
pub const TODAY: &str = myna_kigen::sim::TEST_DAY;

/// The day every test judges on.
pub fn today() -> NaiveDate {
    myna_kigen::sim::test_day()
}

/// Bytes from hex pairs, spaces allowed.
pub fn hex(text: &str) -> Vec<u8> {
    myna_kigen::sim::from_hex(text).unwrap_or_else(|| panic!("not hex: {text:?}"))
}

/// Steps the window until `done` holds, for at most `secs` seconds: the card monitor delivers
/// its events from another thread.
pub fn step_until<S>(
    h: &mut egui_kittest::Harness<'_, S>,
    secs: u64,
    what: &str,
    mut done: impl FnMut(&egui_kittest::Harness<'_, S>) -> bool,
) {
    let start = std::time::Instant::now();
    loop {
        h.step();
        if done(h) {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(secs),
            "{what}: not within {secs} s"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

pub fn options() -> ReadOptions {
    ReadOptions {
        today: today(),
        card_expiry_typed: None,
    }
}

pub fn builder(scenario: Scenario) -> SimCardBuilder {
    scenario.builder(today()).unwrap()
}

/// A card on a transport, plus the handle to inspect it.
pub fn shared(card: SimCard) -> (Arc<Mutex<SimCard>>, SimTransport) {
    let card = Arc::new(Mutex::new(card));
    let transport = SimTransport::shared(Arc::clone(&card));
    (card, transport)
}

/// The simulated user-authentication CA certificate (EF 000B of every scenario).
pub fn sim_auth_ca() -> Vec<u8> {
    certs::ca_cert_der(CertKind::UserAuthentication).unwrap()
}

/// J-LIS roots plus the simulated roots.
pub fn sim_store() -> TrustStore {
    myna_kigen::sim::with_simulated_roots(TrustStore::jlis()).unwrap()
}

/// The user-authentication certificate of a scenario, built the way the scenario builds it.
pub fn scenario_auth_cert(scenario: Scenario) -> Vec<u8> {
    let dates = scenario.dates(today()).unwrap();
    certs::end_entity(&certs::EndEntity {
        kind: CertKind::UserAuthentication,
        seed: format!("{scenario}/{}", dates.issued),
        issued: dates.issued,
        expires: dates.cert_expiry,
        holder: None,
    })
    .unwrap()
}

/// A DER SEQUENCE of exactly `total` bytes (header included), minimal length encoding.
pub fn der_of_len(total: usize) -> Vec<u8> {
    assert!(total >= 2);
    let mut v = if total - 2 < 0x80 {
        vec![0x30, (total - 2) as u8]
    } else if total - 3 < 0x100 {
        assert!(
            total - 3 >= 0x80,
            "no minimal DER length gives {total} bytes"
        );
        vec![0x30, 0x81, (total - 3) as u8]
    } else {
        let content = total - 4;
        vec![0x30, 0x82, (content >> 8) as u8, content as u8]
    };
    let content = total - v.len();
    v.extend((0..content).map(|i| (i % 253) as u8));
    assert_eq!(v.len(), total);
    v
}

/// `ceil(n / 256)`.
pub fn chunks(n: usize) -> u32 {
    n.div_ceil(256) as u32
}

/// READ BINARYs of a `n`-byte DER file with extended length: the first 256 bytes, then (when
/// more) the rest in one READ (short when it fits in 256, extended otherwise).
pub fn ext_reads(n: usize) -> u32 {
    1 + u32::from(n > 256)
}

/// Bytes that crossed the air in answers (data and status words).
pub fn response_bytes(log: &[LoggedCommand]) -> usize {
    log.iter().map(|c| c.response_len).sum()
}

pub fn log(card: &Arc<Mutex<SimCard>>) -> Vec<LoggedCommand> {
    card.lock().unwrap().log().to_vec()
}

pub fn apdus(card: &Arc<Mutex<SimCard>>) -> u32 {
    card.lock().unwrap().apdu_count()
}

/// Whether a logged command is an extended-length APDU (the 7-byte READ BINARY form).
pub fn is_extended(cmd: &[u8]) -> bool {
    cmd.len() >= 7 && cmd.get(4) == Some(&0)
}

/// A READ BINARY by short EF identifier `sfi` at offset 0.
pub fn is_sfi_read(cmd: &[u8], sfi: u8) -> bool {
    cmd.len() >= 5 && cmd[1] == 0xB0 && cmd[2] == 0x80 | sfi && cmd[3] == 0
}

/// Runs `f` on another thread and fails the test when it takes longer than `secs` (a hang).
pub fn within<T: Send + 'static>(
    secs: u64,
    what: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(Duration::from_secs(secs)) {
        Ok(v) => v,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("{what}: no answer within {secs} s (hang)"),
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("{what}: panicked"),
    }
}

/// The eight PIN files of domain.md, by FID.
pub const PIN_FIDS: [[u8; 2]; 8] = [
    [0x00, 0x18],
    [0x00, 0x1B],
    [0x00, 0x11],
    [0x00, 0x14],
    [0x00, 0x15],
    [0x00, 0x13],
    [0x00, 0x12],
    [0x00, 0x1C],
];

pub fn tries(card: &Arc<Mutex<SimCard>>) -> Vec<Option<u8>> {
    let c = card.lock().unwrap();
    PIN_FIDS.iter().map(|f| c.pin_tries(*f)).collect()
}
