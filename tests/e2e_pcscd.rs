//! End to end through the real PC/SC stack: pcscd with vsmartcard's `vpcd` driver, a simulated
//! card served on one of its two virtual readers, and the real `myna-kigen` binary as a
//! subprocess.
//!
//! The tests share pcscd's two readers, so they take turns (one global lock). Each one places
//! its own card and leaves both readers empty. Without pcscd these tests say how to enable them
//! and return; under `CI=true` they fail instead (CI must run them).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

mod support;
use support::rig;

use std::time::{Duration, Instant};

use myna_kigen::sim::Scenario;
use rig::{ADDR0, ADDR1, READER0, READER1, TODAY, run, run_env, today};

/// pcscd sees a card served here, hands it APDUs through vpcd, and notices its removal: the
/// ground every other test stands on (uses the `pcsc` crate directly, not our code).
#[test]
fn pcscd_sees_a_served_card_and_its_removal() {
    let Some(rig) = rig::Rig::take() else { return };
    let card = Scenario::Valid.card(today()).unwrap();
    let atr = card.atr();
    let placed = rig.place(ADDR0, READER0, card);
    let ctx = rig.context();
    let states = rig::reader_states(&ctx, Duration::from_secs(1));
    let mine = states.iter().find(|(n, _)| n == READER0).unwrap();
    assert!(mine.1, "{READER0} should hold the card: {states:?}");
    let other = states.iter().find(|(n, _)| n == READER1).unwrap();
    assert!(!other.1, "{READER1} should be empty: {states:?}");

    let reader = std::ffi::CString::new(READER0).unwrap();
    let card = ctx
        .connect(&reader, pcsc::ShareMode::Shared, pcsc::Protocols::ANY)
        .unwrap();
    let status = card.status2_owned().unwrap();
    assert_eq!(status.atr(), atr.as_slice());
    // SELECT the JPKI application (ISO 7816-4 §11.1.1): the simulated card answers 90 00.
    let select = [
        0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01,
    ];
    let mut buf = [0u8; 258];
    // The first command after power-up is answered 6F 00, as real cards are reported to
    // (domain.md §2b): pcscd powered the card up when it was placed.
    assert_eq!(card.transmit(&select, &mut buf).unwrap(), &[0x6F, 0x00]);
    let started = Instant::now();
    let answer = card.transmit(&select, &mut buf).unwrap();
    let took = started.elapsed();
    assert_eq!(answer, &[0x90, 0x00]);
    // Not a timing assertion on speed, only that the 40 ms delayed-ACK stall is gone
    // (a stalled APDU takes at least 40 ms; a healthy one well under 5).
    eprintln!("one APDU through pcscd and vpcd: {took:?}");
    card.disconnect(pcsc::Disposition::ResetCard)
        .map_err(|(_, e)| e)
        .unwrap();

    let card = placed.remove();
    assert_eq!(card.apdu_count(), 2);
    let states = rig::reader_states(&ctx, Duration::from_secs(1));
    assert!(states.iter().all(|(_, present)| !present), "{states:?}");
}

/// The same report the built-in simulated card gives for `scenario`, without the reader name.
fn demo_report(scenario: &str) -> serde_json::Value {
    let demo = run(&["read", "--demo", scenario, "--json", "--today", TODAY]);
    assert_eq!(demo.code, Some(0), "{demo:?}");
    let mut report = demo.json();
    assert_eq!(report["reader"], "Simulated Reader");
    report.as_object_mut().unwrap().remove("reader");
    report
}

fn without_reader(mut report: serde_json::Value, expected_reader: &str) -> serde_json::Value {
    assert_eq!(report["reader"], expected_reader, "{report}");
    report.as_object_mut().unwrap().remove("reader");
    report
}

#[test]
fn readers_lists_both_virtual_readers_and_which_holds_a_card() {
    let Some(rig) = rig::Rig::take() else { return };
    let empty = run(&["readers", "--json"]);
    assert_eq!(empty.code, Some(0), "{empty:?}");
    assert_eq!(
        empty.json()["readers"],
        serde_json::json!([{ "name": READER0, "card": false }, { "name": READER1, "card": false }])
    );

    let placed = rig.place(ADDR1, READER1, Scenario::Valid.card(today()).unwrap());
    let one = run(&["readers", "--json"]);
    assert_eq!(one.code, Some(0), "{one:?}");
    assert_eq!(
        one.json()["readers"],
        serde_json::json!([{ "name": READER0, "card": false }, { "name": READER1, "card": true }])
    );
    let text = run(&["readers", "--lang", "en"]);
    assert_eq!(text.code, Some(0), "{text:?}");
    assert_eq!(
        text.stdout,
        format!("{READER0}\tno card\n{READER1}\tcard present\n")
    );
    drop(placed);
}

/// Every scenario that is a card we can read gives, through pcscd, exactly the report the
/// built-in simulated card gives for it (same APDUs, same dates, same verdicts).
#[test]
fn read_through_pcscd_matches_the_demo_for_each_scenario() {
    let Some(rig) = rig::Rig::take() else { return };
    // Every scenario but the foreign card, which has its own test.
    for scenario in Scenario::ALL.into_iter().filter(|s| *s != Scenario::NotMnc) {
        let name = scenario.to_string();
        let expected = demo_report(&name);
        let placed = rig.place(ADDR0, READER0, scenario.card(today()).unwrap());
        let got = run(&["read", "--json", "--today", TODAY]);
        assert_eq!(got.code, Some(0), "{name}: {got:?}");
        assert_eq!(without_reader(got.json(), READER0), expected, "{name}");
        let card = placed.remove();
        assert_eq!(
            u64::from(card.apdu_count()),
            expected["apdus"].as_u64().unwrap(),
            "{name}: the card counted what the report says"
        );
        // Text output works through the real stack too.
        let placed = rig.place(ADDR0, READER0, scenario.card(today()).unwrap());
        let text = run(&["read", "--today", TODAY, "--lang", "en"]);
        assert_eq!(text.code, Some(0), "{name}: {text:?}");
        assert!(!text.stdout.contains("[DEMO]"), "{name}: {}", text.stdout);
        drop(placed);
    }
}

/// The card leaves the reader after N APDUs, for N across the whole reading: the documented
/// exit code (6) and sentence come quickly, and the next card reads fine.
#[test]
fn card_removed_mid_reading_exits_6_quickly_and_the_next_card_reads() {
    let Some(rig) = rig::Rig::take() else { return };
    let expected = demo_report("valid");
    let total = u32::try_from(expected["apdus"].as_u64().unwrap()).unwrap();
    assert!(total >= 4, "a reading takes several APDUs: {total}");
    let mut ns = vec![1, 2, total / 2, total - 1];
    ns.dedup();
    for n in ns {
        let card = Scenario::Valid
            .builder(today())
            .unwrap()
            .remove_after(n)
            .build();
        let placed = rig.place(ADDR0, READER0, card);
        let got = run(&["read", "--json", "--today", TODAY, "--lang", "en"]);
        assert_eq!(got.code, Some(6), "removed after {n}: {got:?}");
        assert!(
            got.took < Duration::from_secs(2),
            "removed after {n}: took {:?}",
            got.took
        );
        assert_eq!(got.json()["error"]["code"], "card_removed", "after {n}");
        assert!(
            got.stderr.contains("The card moved during reading"),
            "after {n}: {}",
            got.stderr
        );
        assert!(placed.wait_ended(Duration::from_secs(2)), "after {n}");
        let card = placed.remove();
        assert_eq!(card.apdu_count(), n, "the card answered exactly {n}");

        let placed = rig.place(ADDR0, READER0, Scenario::Valid.card(today()).unwrap());
        let next = run(&["read", "--json", "--today", TODAY]);
        assert_eq!(next.code, Some(0), "after the removal at {n}: {next:?}");
        assert_eq!(without_reader(next.json(), READER0), expected);
        drop(placed);
    }
}

/// The same through `myna-kigen simulate --remove-after N`, which puts the card back by itself.
#[test]
fn simulate_removes_the_card_once_and_places_it_again() {
    let Some(_rig) = rig::Rig::take() else { return };
    let expected = demo_report("expired");
    for n in ["3", "7"] {
        let sim = rig::Running::start(&[
            "simulate",
            "--vpcd",
            ADDR0,
            "--scenario",
            "expired",
            "--today",
            TODAY,
            "--remove-after",
            n,
        ]);
        rig::wait_present(READER0, true, rig::NOTICE).unwrap();
        let got = run(&["read", "--json", "--today", TODAY]);
        assert_eq!(got.code, Some(6), "removed after {n}: {got:?}");
        assert!(got.took < Duration::from_secs(2), "{:?}", got.took);
        let line = sim.line(Duration::from_secs(2));
        assert!(
            line.iter().any(|l| l.contains("removed")) || {
                // the first line is the banner; the removal line follows
                sim.line(Duration::from_secs(2))
                    .is_some_and(|l| l.contains("removed"))
            },
            "simulate said nothing of the removal"
        );
        rig::wait_present(READER0, false, rig::NOTICE).unwrap();
        rig::wait_present(READER0, true, rig::NOTICE).unwrap();
        let next = run(&["read", "--json", "--today", TODAY]);
        assert_eq!(next.code, Some(0), "after the removal at {n}: {next:?}");
        assert_eq!(without_reader(next.json(), READER0), expected);
        drop(sim);
        rig::wait_present(READER0, false, rig::NOTICE).unwrap();
    }
}

#[test]
fn no_card_exits_4() {
    let Some(_rig) = rig::Rig::take() else { return };
    let got = run(&["read", "--json", "--today", TODAY, "--lang", "en"]);
    assert_eq!(got.code, Some(4), "{got:?}");
    assert_eq!(got.json()["error"]["code"], "no_card");
    assert!(
        got.stderr.contains("No card on the reader"),
        "{}",
        got.stderr
    );
    // Asking for a reader by name that has no card says the same.
    let named = run(&["read", "--reader", "pcd 00 01", "--today", TODAY]);
    assert_eq!(named.code, Some(4), "{named:?}");
}

#[test]
fn a_card_in_the_second_reader_only_is_found() {
    let Some(rig) = rig::Rig::take() else { return };
    let expected = demo_report("renewable");
    let placed = rig.place(ADDR1, READER1, Scenario::Renewable.card(today()).unwrap());
    let got = run(&["read", "--json", "--today", TODAY]);
    assert_eq!(got.code, Some(0), "{got:?}");
    assert_eq!(without_reader(got.json(), READER1), expected);
    // Naming the empty first reader finds no card there.
    let first = run(&["read", "--reader", READER0, "--json", "--today", TODAY]);
    assert_eq!(first.code, Some(4), "{first:?}");
    drop(placed);
}

#[test]
fn a_card_that_is_not_a_my_number_card_exits_5() {
    let Some(rig) = rig::Rig::take() else { return };
    let placed = rig.place(ADDR0, READER0, Scenario::NotMnc.card(today()).unwrap());
    let got = run(&["read", "--json", "--today", TODAY, "--lang", "en"]);
    assert_eq!(got.code, Some(5), "{got:?}");
    assert_eq!(got.json()["error"]["code"], "not_my_number_card");
    assert!(
        got.stderr.contains("not a My Number Card"),
        "{}",
        got.stderr
    );
    drop(placed);
}

/// With the PC/SC service out of reach (the client library pointed at a socket nobody listens
/// on: pcsc-lite honours `PCSCLITE_CSOCK_NAME`), every command says so and exits 7.
#[test]
fn no_pcsc_service_exits_7_with_the_sentence() {
    let Some(_rig) = rig::Rig::take() else { return };
    let gone = [(
        "PCSCLITE_CSOCK_NAME",
        "/nonexistent/myna-kigen-test/pcscd.comm",
    )];
    let got = run_env(&["read", "--json", "--today", TODAY, "--lang", "en"], &gone);
    assert_eq!(got.code, Some(7), "{got:?}");
    assert_eq!(got.json()["error"]["code"], "service_unavailable");
    assert!(
        got.stderr.contains("(PC/SC) is not running"),
        "{}",
        got.stderr
    );
    let readers = run_env(&["readers", "--lang", "ja"], &gone);
    assert_eq!(readers.code, Some(7), "{readers:?}");
    assert!(readers.stderr.contains("PC/SC"), "{}", readers.stderr);
    // ... while the real service is there all along (the variable made the difference).
    let real = run(&["readers"]);
    assert_eq!(real.code, Some(0), "{real:?}");
}

/// A `watch` line for a card, comparable with the demo report of the same scenario: reader and
/// event aside, and the APDU count too, which is the demo's (the first card) or one less (the
/// CA certificate's genuineness is remembered by a running `watch`, so later cards skip
/// reading it). Checks those three on the way.
fn watch_card(
    line: &serde_json::Value,
    reader: &str,
    demo: &serde_json::Value,
) -> serde_json::Value {
    let mut report = line.clone();
    assert_eq!(report["event"], "card", "{line}");
    let apdus = report["apdus"].as_u64().unwrap();
    let demo_apdus = demo["apdus"].as_u64().unwrap();
    assert!(
        apdus == demo_apdus || apdus + 1 == demo_apdus,
        "{apdus} APDUs, the demo {demo_apdus}"
    );
    let object = report.as_object_mut().unwrap();
    object.remove("event");
    object.insert("apdus".to_owned(), demo_apdus.into());
    without_reader(report, reader)
}

/// CPU time (user + system, in clock ticks) a process has used so far.
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let fields: Vec<&str> = stat.rsplit_once(") ").unwrap().1.split(' ').collect();
    // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after the name.
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

/// `watch --json`: three cards placed one after another (on both readers) give three reports,
/// in order, each the same as the demo's, with a removal line after each; idle, it uses no
/// CPU to speak of; Ctrl-C ends it cleanly.
#[test]
fn watch_reports_three_placements_in_order_with_removals() {
    let Some(rig) = rig::Rig::take() else { return };
    let mut watch = rig::Running::start(&["watch", "--json", "--today", TODAY]);
    let placements = [
        (Scenario::Valid, ADDR0, READER0),
        (Scenario::Expired, ADDR1, READER1),
        (Scenario::NoSign, ADDR0, READER0),
    ];
    for (scenario, addr, reader) in placements {
        let expected = demo_report(&scenario.to_string());
        let placed = rig.place(addr, reader, scenario.card(today()).unwrap());
        let (card, others) = watch.event("card", Duration::from_secs(5));
        let card = card.unwrap_or_else(|| panic!("no report for {scenario}: {others:?}"));
        assert!(
            others.is_empty(),
            "unexpected lines before {scenario}: {others:?}"
        );
        assert_eq!(watch_card(&card, reader, &expected), expected, "{scenario}");
        drop(placed);
        let (removed, others) = watch.event("removed", Duration::from_secs(3));
        assert_eq!(
            removed,
            Some(serde_json::json!({ "schema": 1, "event": "removed", "reader": reader })),
            "{scenario}: {others:?}"
        );
        assert!(others.is_empty(), "{scenario}: {others:?}");
    }
    // Idle: blocked in the PC/SC wait, not polling.
    let before = cpu_ticks(watch.pid());
    std::thread::sleep(Duration::from_secs(2));
    let used = cpu_ticks(watch.pid()) - before;
    eprintln!("watch used {used} clock ticks of CPU in 2 s idle");
    assert!(used < 20, "watch busy while idle: {used} ticks in 2 s");

    assert_eq!(watch.interrupt(Duration::from_secs(3)), Some(0), "Ctrl-C");
    let stderr = watch.stop();
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// Starts pcscd again when a test that stops it ends early (CI and the other tests need it).
struct PcscdBack;

impl Drop for PcscdBack {
    fn drop(&mut self) {
        if rig::pcscd_pid().is_none() {
            rig::start_pcscd();
        }
    }
}

/// `watch` keeps going through a restart of pcscd (its readers vanish and come back): it says
/// the service is gone, and reads the next card once it is back.
#[test]
fn watch_survives_a_pcscd_restart() {
    let Some(rig) = rig::Rig::take() else { return };
    let mut watch = rig::Running::start(&["watch", "--json", "--today", TODAY]);
    let placed = rig.place(ADDR0, READER0, Scenario::Valid.card(today()).unwrap());
    let (card, others) = watch.event("card", Duration::from_secs(5));
    assert!(card.is_some(), "{others:?}");
    drop(placed);
    let (removed, others) = watch.event("removed", Duration::from_secs(3));
    assert!(removed.is_some(), "{others:?}");

    let _back = PcscdBack;
    rig::stop_pcscd();
    let (error, others) = watch.event("error", Duration::from_secs(5));
    let error = error.unwrap_or_else(|| panic!("watch said nothing of pcscd stopping: {others:?}"));
    assert_eq!(error["error"]["code"], "service_unavailable", "{error}");
    assert!(watch.exited().is_none(), "watch ended with pcscd");

    rig::start_pcscd();
    let expected = demo_report("renewable");
    let placed = rig.place(ADDR1, READER1, Scenario::Renewable.card(today()).unwrap());
    let (card, others) = watch.event("card", Duration::from_secs(8));
    let card = card.unwrap_or_else(|| panic!("no report after the restart: {others:?}"));
    assert_eq!(watch_card(&card, READER1, &expected), expected);
    drop(placed);
    let (removed, others) = watch.event("removed", Duration::from_secs(3));
    assert!(removed.is_some(), "{others:?}");
    assert_eq!(watch.interrupt(Duration::from_secs(3)), Some(0), "Ctrl-C");
}

/// `read --wait` started before any card is placed reads the card placed a moment later.
#[test]
fn read_wait_reads_the_card_placed_after_it_started() {
    let Some(rig) = rig::Rig::take() else { return };
    let mut reading = rig::Running::start(&["read", "--wait", "10", "--json", "--today", TODAY]);
    std::thread::sleep(Duration::from_millis(800));
    assert!(reading.exited().is_none(), "read --wait gave up at once");
    let placed = rig.place(ADDR0, READER0, Scenario::Valid.card(today()).unwrap());
    let mut out = String::new();
    while let Some(line) = reading.line(Duration::from_secs(10)) {
        out.push_str(&line);
        out.push('\n');
    }
    let v: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out} {}", reading.stop()));
    assert_eq!(v["auth"]["read"], true, "{out}");
    drop(placed);
}

/// The NFC model of the performance bar: 8 ms a command and 38 µs a response byte (data and
/// status word), from the card's own log.
fn nfc_ms(log: &[myna_kigen::sim::LoggedCommand]) -> f64 {
    let bytes: usize = log.iter().map(|c| c.response_len).sum();
    log.len() as f64 * 8.0 + bytes as f64 * 0.038
}

/// The READ BINARYs of EF 000A (the first by SFI 0A, the rest by offset) in a log.
fn auth_cert_bytes(log: &[myna_kigen::sim::LoggedCommand]) -> usize {
    log.iter()
        .filter(|c| c.command.get(1) == Some(&0xB0) && c.command.get(2) != Some(&0x88))
        .map(|c| c.response_len - 2)
        .sum()
}

/// The whole no-PIN reading through pcscd, counted in commands and bytes from the simulated
/// card's log: the date arrives with the reading's 3rd command, after at most 256 + 2 bytes of
/// answer; the rest is the certificate's bytes, the 8 expiry digits, EF 0008's 3 bytes and the
/// status words, with no CA read. A card that answers its first command after power-up `6F 00`
/// (domain.md §2b, the simulated card's default) costs that command once more. A card whose ATR
/// declares no extended length is read short from the start; one that refuses extended length
/// without saying so costs one refused READ on the first run, and the reader is remembered. The
/// NFC-model figures are printed (docs/performance.md), never asserted as times.
#[test]
fn the_reading_through_pcscd_costs_the_fewest_commands_and_bytes() {
    use myna_kigen::sim::{AtrProfile, LoggedCommand, SimCardBuilder};
    let Some(rig) = rig::Rig::take() else { return };
    let cache = rig::fresh_cache_dir();
    let env = [("MYNA_KIGEN_CACHE_DIR", cache.to_str().unwrap())];
    let read = |card| {
        let placed = rig.place(ADDR0, READER0, card);
        let got = run_env(&["read", "--json", "--today", TODAY], &env);
        assert_eq!(got.code, Some(0), "{got:?}");
        assert_eq!(got.json()["auth"]["genuine"], "verified_simulated");
        let log = placed.remove().log().to_vec();
        assert_eq!(
            got.json()["apdus"],
            log.len(),
            "the report counts every command"
        );
        log
    };
    let card = || Scenario::Valid.builder(today()).unwrap();
    let quiet = |b: SimCardBuilder| b.with_manners(|m| m.first_command_6f00 = false);
    let bytes = |log: &[LoggedCommand]| log.iter().map(|c| c.response_len).sum::<usize>();
    let extended_read =
        |c: &&LoggedCommand| c.command.len() == 7 && c.command[1] == 0xB0 && c.command[4] == 0;
    let bar = 126.7;

    // Extended length, a card that answers its first command: 9 commands.
    let log = read(quiet(card()).build());
    let len = auth_cert_bytes(&log);
    assert_eq!(
        log[2].command,
        [0x00, 0xB0, 0x8A, 0x00, 0x00],
        "the date's READ"
    );
    assert_eq!(log[2].response_len, 258);
    assert_eq!(log.len(), 9);
    assert_eq!(log.iter().filter(extended_read).count(), 1);
    assert_eq!(bytes(&log), len + 8 + 3 + 2 * log.len());
    assert!(
        !log.iter().any(|c| c.command.get(2) == Some(&0x8B)),
        "no CA read"
    );
    eprintln!(
        "NFC model, extended, {len}-byte certificate: date {:.1} ms ({:.2}×), whole {:.1} ms \
         ({:.2}×), {} APDUs, {} bytes",
        nfc_ms(&log[..3]),
        nfc_ms(&log[..3]) / bar,
        nfc_ms(&log),
        nfc_ms(&log) / bar,
        log.len(),
        bytes(&log)
    );
    // The bar's own certificate size, 1,176 bytes (the simulated certificate re-issued at that
    // size): the must-show of docs/performance.md, short and extended.
    let bar_cert = myna_kigen::sim::certs::resized(
        &support::scenario_auth_cert(Scenario::Valid),
        myna_kigen::sim::CertKind::UserAuthentication,
        1176,
    )
    .unwrap();
    for short in [false, true] {
        let mut b = quiet(card()).auth_cert(bar_cert.clone());
        if short {
            b = b.atr(AtrProfile::ContactShort);
        }
        let log = read(b.build());
        assert_eq!(auth_cert_bytes(&log), 1176);
        assert_eq!(log.len(), if short { 12 } else { 9 });
        assert_eq!(log[2].response_len, 258, "the date's READ, 3rd");
        assert_eq!(bytes(&log), 1176 + 8 + 3 + 2 * log.len());
        let (date, whole) = (nfc_ms(&log[..3]), nfc_ms(&log));
        eprintln!(
            "NFC model, {}, 1176-byte certificate: date {date:.1} ms ({:.2}×), whole {whole:.1} \
             ms ({:.2}×), {} APDUs, {} bytes",
            if short { "short" } else { "extended" },
            date / bar,
            whole / bar,
            log.len(),
            bytes(&log)
        );
    }
    // The same card answering 6F 00 after power-up, as reported: one command more.
    let log = read(card().build());
    assert_eq!(log.len(), 10);
    assert_eq!(log[0].sw, 0x6F00);
    eprintln!(
        "NFC model, extended, first command answered 6F 00: date {:.1} ms, whole {:.1} ms \
         ({:.2}×)",
        nfc_ms(&log[..4]),
        nfc_ms(&log),
        nfc_ms(&log) / bar
    );

    // Short APDUs, declared by the card's ATR: no extended READ even on the first run.
    let log = read(quiet(card()).atr(AtrProfile::ContactShort).build());
    assert_eq!(
        log.iter().filter(extended_read).count(),
        0,
        "the ATR said so"
    );
    assert_eq!(log.len() as u32, 7 + len.div_ceil(256) as u32);
    assert_eq!(bytes(&log), len + 8 + 3 + 2 * log.len());
    eprintln!(
        "NFC model, short, {len}-byte certificate: date {:.1} ms, whole {:.1} ms ({:.2}×), \
         {} APDUs, {} bytes",
        nfc_ms(&log[..3]),
        nfc_ms(&log),
        nfc_ms(&log) / bar,
        log.len(),
        bytes(&log)
    );
    // Short APDUs not declared: the first run finds out once, and the reader is remembered.
    let refusing = || quiet(card()).no_extended_length().build();
    let first = read(refusing());
    assert_eq!(
        first.iter().filter(extended_read).count(),
        1,
        "refused once"
    );
    let log = read(refusing());
    assert_eq!(log.iter().filter(extended_read).count(), 0, "remembered");
    assert_eq!(log.len() as u32, 7 + len.div_ceil(256) as u32);
    eprintln!(
        "NFC model, short, reader not declared: first run {:.1} ms, then {:.1} ms",
        nfc_ms(&first),
        nfc_ms(&log)
    );
    let _ = std::fs::remove_dir_all(&cache);
}

/// [`rig::E2E_TESTS`], the number the skip notice gives, is the number of tests that take the rig.
#[test]
fn the_skip_notice_counts_every_end_to_end_test() {
    let source = include_str!("e2e_pcscd.rs");
    let taking = source.matches(concat!("rig::Rig::", "take()")).count();
    // This test aside, which needs no rig.
    let tests = source.matches(concat!("#[", "test]")).count() - 1;
    assert_eq!(
        taking,
        rig::E2E_TESTS,
        "update E2E_TESTS in tests/support/rig.rs"
    );
    assert_eq!(
        tests,
        rig::E2E_TESTS,
        "every test in e2e_pcscd.rs takes the rig"
    );
}
