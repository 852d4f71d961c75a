//! Measures one full no-PIN reading through the real PC/SC stack: a simulated card (no added
//! latency) served on vpcd's first reader inside pcscd, read with the same code the CLI runs.
//!
//! Needs pcscd running with vsmartcard-vpcd and the first virtual reader free:
//! `cargo run --release --example pcsc_latency [ROUNDS]`. Prints the wall time of the reading
//! alone (`Reader::read` on a connected card) and of connect + reading (what `myna-kigen read`
//! does after start-up), as minimum / median / maximum. Figures are in docs/testing.md.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use myna_kigen::reading::{ReadOptions, Reader};
use myna_kigen::sim::Scenario;
use myna_kigen::transport::Readers;
use myna_kigen::transport::pcsc::PcscReaders;
use myna_kigen::vpcd;

const READER: &str = "Virtual PCD 00 00";

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse().expect("ROUNDS is a number"))
        .unwrap_or(200);
    let today = NaiveDate::from_ymd_opt(2026, 5, 1).unwrap();
    let mut card = Scenario::Valid.card(today).unwrap();
    let mut stream = vpcd::connect(vpcd::DEFAULT_ADDR, Duration::from_secs(3))
        .expect("vpcd not reachable: start pcscd with vsmartcard-vpcd");
    let server = std::thread::spawn(move || {
        let _ = vpcd::serve(&mut stream, &mut card);
    });

    let mut readers = PcscReaders::new().expect("PC/SC service");
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let list = readers.list().unwrap();
        if list.iter().any(|r| r.name == READER && r.has_card) {
            break;
        }
        assert!(Instant::now() < deadline, "pcscd did not see the card");
        std::thread::sleep(Duration::from_millis(50));
    }
    let options = ReadOptions {
        today,
        card_expiry_typed: None,
    };

    let mut reading = Vec::with_capacity(rounds);
    let mut with_connect = Vec::with_capacity(rounds);
    let mut apdus = 0;
    for _ in 0..rounds {
        let started = Instant::now();
        let mut transport = readers.connect(READER).unwrap();
        let connected = Instant::now();
        let report = Reader::jlis().read(transport.as_mut(), &options).unwrap();
        let done = Instant::now();
        drop(transport);
        if reading.is_empty() {
            // The first reading also reads the CA certificate (genuineness is then cached for
            // the process), as every `myna-kigen read` does.
            println!(
                "first reading ({} APDUs): read_card {:.2} ms, connect + read_card {:.2} ms",
                report.apdus,
                (done - connected).as_secs_f64() * 1000.0,
                (done - started).as_secs_f64() * 1000.0
            );
        }
        apdus = report.apdus;
        reading.push(done - connected);
        with_connect.push(done - started);
    }
    println!("{rounds} readings, the later ones {apdus} APDUs each, through pcscd and vpcd:");
    summary("  read_card alone     ", &mut reading);
    summary("  connect + read_card ", &mut with_connect);
    // The card leaves the reader when this process ends and its connection closes.
    drop(server);
}

fn summary(what: &str, times: &mut [Duration]) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{what} min {:.2} ms, median {:.2} ms, max {:.2} ms",
        ms(times[0]),
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1])
    );
}
