//! Soak through the real PC/SC stack (an ignored test: minutes, not seconds): `myna-kigen watch
//! --json` runs while a simulated card is placed on vpcd's first reader and taken off again,
//! `MYNA_KIGEN_SOAK_CYCLES` times (default 300). Every placement must give exactly one report
//! and every removal one removal line, with no error line, and the watch process's memory
//! (VmRSS) may grow by less than 1 MiB between the first report and the end. The figures go to
//! `docs/testing.md`.
//!
//!     cargo test --release --test soak -- --ignored --nocapture
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::time::{Duration, Instant};

mod support;
use support::rig::{self, ADDR0, READER0, Running, TODAY};

/// The watch process's resident memory, in KiB.
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

#[test]
#[ignore = "minutes long; run with --ignored (docs/testing.md)"]
fn place_and_remove_under_watch() {
    let Some(rig) = rig::Rig::take() else { return };
    let cycles: u32 = std::env::var("MYNA_KIGEN_SOAK_CYCLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let mut watch = Running::start(&["watch", "--json", "--today", TODAY]);
    std::thread::sleep(Duration::from_millis(500));
    let rss_launch = rss_kib(watch.pid());
    let started = Instant::now();
    let mut rss_first = 0;
    let (mut reports, mut removals, mut others) = (0u32, 0u32, Vec::new());
    for i in 1..=cycles {
        let card = myna_kigen::sim::Scenario::Valid.card(rig::today()).unwrap();
        let placed = rig.place(ADDR0, READER0, card);
        let (report, skipped) = watch.event("card", Duration::from_secs(10));
        others.extend(skipped);
        assert!(report.is_some(), "no report for placement {i}: {others:?}");
        reports += 1;
        if i == 1 {
            rss_first = rss_kib(watch.pid());
        }
        drop(placed);
        let (removed, skipped) = watch.event("removed", Duration::from_secs(10));
        others.extend(skipped);
        assert!(
            removed.is_some(),
            "no removal line for placement {i}: {others:?}"
        );
        removals += 1;
    }
    let rss_end = rss_kib(watch.pid());
    let elapsed = started.elapsed();
    // Anything else watch printed (a second report, an error) is a failure.
    while let Some(line) = watch.line(Duration::from_millis(300)) {
        others.push(line);
    }
    let code = watch.interrupt(Duration::from_secs(5));
    println!(
        "soak: {cycles} cycles in {:.0} s; {reports} reports, {removals} removal lines, {} other lines; \
         watch VmRSS {rss_launch} KiB at launch, {rss_first} KiB after the first report, {rss_end} KiB at the end; exit {code:?}",
        elapsed.as_secs_f64(),
        others.len()
    );
    assert_eq!((reports, removals), (cycles, cycles));
    assert!(others.is_empty(), "watch printed more: {others:?}");
    assert_eq!(code, Some(0));
    assert!(
        rss_end.saturating_sub(rss_first) < 1024,
        "watch grew by {} KiB",
        rss_end - rss_first
    );
}
