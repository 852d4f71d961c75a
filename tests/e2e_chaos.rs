//! Chaos through the real stack (issue 14): the real pcscd with vpcd's virtual readers, a
//! simulated card that misbehaves on purpose (goes mute, answers nothing, answers garbage,
//! leaves), and the real `myna-kigen` binary. Skipped with a message without pcscd, failing
//! under `CI=true` (see `tests/rig`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod support;

use std::time::{Duration, Instant};

use myna_kigen::sim::{Scenario, SimCardBuilder};
use support::rig::*;

/// Commands of the default reading of the `valid` card through pcscd: the first command
/// twice (the card answers the first command after power-up 6F 00, domain.md §2b), 7 more,
/// then the CA certificate (the process starts with an empty CA-key cache).
const READING: u32 = 10;

fn builder() -> SimCardBuilder {
    Scenario::Valid.builder(today()).unwrap()
}

fn read_args() -> Vec<&'static str> {
    vec!["read", "--json", "--reader", READER0, "--today", TODAY]
}

/// Nothing in standard error looks like a panic.
fn no_panic(run: &Run, what: &str) {
    assert!(
        !run.stderr.contains("panicked") && !run.stderr.contains("RUST_BACKTRACE"),
        "{what}: {run:?}"
    );
    assert!(run.code.is_some(), "{what}: killed by a signal: {run:?}");
}

/// The JSON error object of a failed run.
fn error_code(run: &Run, what: &str) -> String {
    let json = run.json();
    json["error"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("{what}: no typed error: {run:?}"))
        .to_owned()
}

/// Measures what pcscd and vpcd do with a card that never answers, with no deadline of ours:
/// how long `SCardTransmit` stays blocked by itself, and that taking the card out ends it.
/// Prints the figures for `docs/testing.md`.
#[test]
#[ignore = "a measurement: run with --ignored --nocapture"]
fn measure_a_mute_card_under_pcscd() {
    let Some(rig) = Rig::take() else { return };
    let placed = rig.place(ADDR0, READER0, builder().mute_at(2).build());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let ctx = pcsc::Context::establish(pcsc::Scope::User).unwrap();
        let name = std::ffi::CString::new(READER0).unwrap();
        let card = ctx
            .connect(&name, pcsc::ShareMode::Shared, pcsc::Protocols::ANY)
            .unwrap();
        let mut buf = [0u8; 300];
        let select = [0x00, 0xA4, 0x04, 0x0C, 0x02, 0x3F, 0x00];
        let first = card.transmit(&select, &mut buf).map(<[u8]>::to_vec);
        let started = Instant::now();
        let second = card.transmit(&select, &mut buf).map(<[u8]>::to_vec);
        let _ = tx.send((first, second, started.elapsed()));
    });
    let waited = Duration::from_secs(60);
    match rx.recv_timeout(waited) {
        Ok(r) => println!("the transmit to the mute card returned by itself: {r:?}"),
        Err(_) => println!("the transmit to the mute card was still blocked after {waited:?}"),
    }
    // Another program's view meanwhile.
    let ctx = rig.context();
    println!("pcscd meanwhile: {:?}", reader_states(&ctx, Duration::ZERO));
    let removed = Instant::now();
    drop(placed);
    match rx.recv_timeout(Duration::from_secs(30)) {
        Ok((first, second, took)) => println!(
            "after removal: first {first:?}, second {second:?} after {took:?}, {:?} after the card left",
            removed.elapsed()
        ),
        Err(_) => println!("still blocked 30 s after the card left"),
    }
}

/// Places the card `b` builds on the first virtual reader, runs `myna-kigen args…` with `env`,
/// takes the card out, and waits for pcscd's presence poll before the next card (see
/// `rig::SETTLE`). Returns the run and how many commands the card saw.
///
/// A card pcscd did not notice (one that connects to vpcd while pcscd's poll still deals with
/// the previous one) is placed again, at most twice: that is not what these tests are about.
/// (A card placed right after another can also meet a stale pcscd handle, whose very first
/// command comes back "removed" without reaching the card: the transport connects again by
/// itself then, `Transport::reopen`, so that is not retried here.)
fn attempt(rig: &Rig, b: &SimCardBuilder, args: &[&str], env: &[(&str, &str)]) -> (Run, u32) {
    let mut stale = 0;
    loop {
        let placed = match rig.try_place(ADDR0, READER0, b.clone().build()) {
            Ok(placed) => placed,
            Err(e) if stale < 2 => {
                stale += 1;
                eprintln!("{e}: placing it again");
                std::thread::sleep(SETTLE);
                continue;
            }
            Err(e) => panic!("{e}"),
        };
        let got = run_env(args, env);
        let card = placed.remove();
        std::thread::sleep(SETTLE);
        return (got, card.apdu_count());
    }
}

/// The environment for a 1 s deadline (2 s for slow commands).
const ONE_SECOND: [(&str, &str); 1] = [("MYNA_KIGEN_DEADLINE_MS", "1000")];

/// The code a card that stopped answering comes out as.
const NOT_ANSWERING_CODES: [&str; 1] = ["card_not_answering"];

#[test]
fn a_card_that_goes_mute_at_any_command_ends_read_within_15_s() {
    let Some(rig) = Rig::take() else { return };
    // Every command with a 1 s deadline (2 s for the extended READ), and the default deadlines
    // (5 s, 10 s for the extended READ) on an ordinary and on the slow command.
    let mut cases: Vec<(u32, &[(&str, &str)])> =
        (1..=READING).map(|at| (at, &ONE_SECOND[..])).collect();
    cases.push((2, &[]));
    cases.push((3, &[]));
    for (at, env) in cases {
        let what = format!("mute at {at}, {env:?}");
        let (got, seen) = attempt(&rig, &builder().mute_at(at), &read_args(), env);
        assert_eq!(seen, at, "{what}: {got:?}");
        assert!(got.took < Duration::from_secs(15), "{what}: {got:?}");
        no_panic(&got, &what);
        if at < READING {
            assert_eq!(got.code, Some(6), "{what}: {got:?}");
            let code = error_code(&got, &what);
            assert!(
                NOT_ANSWERING_CODES.contains(&code.as_str()),
                "{what}: {code}"
            );
        }
        // At the CA read (the last command) the card layer gives NotAnswering too; the report
        // layer is to end the reading with it (CardError::ends_reading) rather than report
        // `genuine: not_checked`.
    }
}

#[test]
fn an_empty_answer_at_any_command_ends_read_with_a_typed_error() {
    let Some(rig) = Rig::take() else { return };
    for at in 1..=READING {
        let what = format!("empty answer at {at}");
        let (got, seen) = attempt(&rig, &builder().empty_at(at), &read_args(), &ONE_SECOND);
        assert!(seen >= at, "{what}: {got:?}");
        assert!(got.took < Duration::from_secs(15), "{what}: {got:?}");
        no_panic(&got, &what);
        // The card is still there: never a removal. A reading that could do without the
        // answer (the PIN counter, the CA check) may end with a report.
        if got.code != Some(0) {
            let code = error_code(&got, &what);
            assert_ne!(code, "card_removed", "{what}: {got:?}");
        }
    }
}

/// Garbage answers from a card that stays in the reader.
fn garbage() -> Vec<Vec<u8>> {
    vec![
        vec![0x6F],
        vec![0x90],
        vec![0x61, 0x00],
        vec![0x6C, 0x00],
        vec![0xFF; 7],
        vec![0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF, 0x90, 0x00],
    ]
}

#[test]
fn garbage_at_any_command_through_pcscd_never_panics() {
    let Some(rig) = Rig::take() else { return };
    for at in 1..=READING {
        for answer in garbage() {
            let what = format!("garbage {answer:02X?} at {at}");
            let b = builder().garbage_at(at, answer);
            let (got, seen) = attempt(&rig, &b, &read_args(), &ONE_SECOND);
            assert!(seen >= at, "{what}: {got:?}");
            assert!(got.took < Duration::from_secs(15), "{what}: {got:?}");
            no_panic(&got, &what);
            if got.code != Some(0) {
                let code = error_code(&got, &what);
                assert_ne!(code, "card_removed", "{what}: {got:?}");
            } else {
                assert_eq!(got.json()["schema"], 1, "{what}");
            }
        }
    }
}

#[test]
fn removal_after_each_of_the_first_12_commands_is_card_removed_within_5_s() {
    let Some(rig) = Rig::take() else { return };
    for n in 1..=12u32 {
        // `pins` sends 21 commands; `read` 10, so it is cut short only before its last.
        let mut commands = vec![vec!["pins", "--json", "--reader", READER0]];
        if n < READING {
            commands.push(read_args());
        }
        for args in commands {
            let what = format!("{} removed after {n}", args[0]);
            let (got, seen) = attempt(&rig, &builder().remove_after(n), &args, &[]);
            assert_eq!(seen, n, "{what}: {got:?}");
            assert!(got.took < Duration::from_secs(5), "{what}: {got:?}");
            no_panic(&got, &what);
            assert_eq!(got.code, Some(6), "{what}: {got:?}");
            assert_eq!(error_code(&got, &what), "card_removed", "{what}");
        }
    }
}

#[test]
fn pcscd_stopped_during_a_reading_ends_it_with_a_typed_error() {
    let Some(rig) = Rig::take() else { return };
    // 250 ms per answer: the reading takes over 2 s, and pcscd stops in the middle of it.
    let card = builder().latency(Duration::from_millis(250)).build();
    let placed = rig.place(ADDR0, READER0, card);
    let mut reading = Running::start(&read_args());
    std::thread::sleep(Duration::from_millis(900));
    let stopped = Instant::now();
    stop_pcscd();
    let status = loop {
        if let Some(status) = reading.exited() {
            break Some(status);
        }
        if stopped.elapsed() > Duration::from_secs(15) {
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let line = reading.line(Duration::from_secs(2));
    let stderr = reading.stop();
    // Whatever happens next, pcscd runs again for the other tests.
    start_pcscd();
    let (card, _) = placed.remove_with_end();
    let status = status.unwrap_or_else(|| panic!("read still running 15 s after pcscd stopped"));
    assert!(!stderr.contains("panicked"), "{stderr}");
    let code = status.code();
    assert!(matches!(code, Some(6 | 7)), "{status:?} {line:?} {stderr}");
    let json: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
    let error = json["error"]["code"].as_str().unwrap().to_owned();
    assert!(
        [
            "service_unavailable",
            "card_removed",
            "card_io",
            "card_not_answering"
        ]
        .contains(&error.as_str()),
        "{error}"
    );
    assert!(card.apdu_count() >= 1, "the reading had started");
    // The next reading, on the service started again, is a whole one.
    std::thread::sleep(SETTLE);
    let placed = rig.place(ADDR0, READER0, builder().build());
    let got = run(&read_args());
    assert_eq!(got.code, Some(0), "{got:?}");
    drop(placed);
}

/// `simulate --mute-at N` and `--empty-at N`, the faults by hand (docs/testing.md, "The rig by
/// hand"): the mute card ends `read` with `card_not_answering` and stays mute until `simulate`
/// stops; the empty answer ends it with a typed error that is not a removal.
#[test]
fn simulate_goes_mute_or_answers_empty_at_the_nth_command() {
    let Some(_rig) = Rig::take() else { return };
    let simulate = |fault: &str, n: &str| {
        let sim = Running::start(&[
            "simulate",
            "--vpcd",
            ADDR0,
            "--scenario",
            "valid",
            "--today",
            TODAY,
            fault,
            n,
        ]);
        wait_present(READER0, true, NOTICE).unwrap();
        sim
    };

    let mut sim = simulate("--mute-at", "3");
    let got = run_env(&read_args(), &ONE_SECOND);
    no_panic(&got, "mute at 3");
    assert!(got.took < Duration::from_secs(15), "{got:?}");
    assert_eq!(got.code, Some(6), "{got:?}");
    assert_eq!(error_code(&got, "mute at 3"), "card_not_answering");
    // Still mute for the next program: the same error, not a report.
    let again = run_env(&read_args(), &ONE_SECOND);
    assert_eq!(again.code, Some(6), "{again:?}");
    let stderr = sim.stop();
    assert!(!stderr.contains("panicked"), "{stderr}");
    wait_present(READER0, false, NOTICE).unwrap();
    std::thread::sleep(SETTLE);

    // Debian's vpcd (3.3) does not pass an empty answer on: its reader waits for more, so
    // through pcscd the card looks mute from that command on (docs/testing.md).
    let mut sim = simulate("--empty-at", "2");
    let got = run_env(&read_args(), &ONE_SECOND);
    no_panic(&got, "empty at 2");
    assert!(got.took < Duration::from_secs(15), "{got:?}");
    assert_eq!(got.code, Some(6), "{got:?}");
    let code = error_code(&got, "empty at 2");
    assert_ne!(code, "card_removed", "{got:?}");
    let stderr = sim.stop();
    assert!(!stderr.contains("panicked"), "{stderr}");
    wait_present(READER0, false, NOTICE).unwrap();
    std::thread::sleep(SETTLE);
}

/// `watch --json` with a card that goes mute at its third command: an `error` line with
/// `card_not_answering` within 15 s, `watch` keeps running and reports the next card.
#[test]
fn watch_gives_a_mute_card_up_and_reads_the_next() {
    let Some(rig) = Rig::take() else { return };
    let mut watch = Running::start_env(&["watch", "--json", "--today", TODAY], &ONE_SECOND);
    let placed = rig.place(ADDR0, READER0, builder().mute_at(3).build());
    let (event, others) = watch.event_of(&["error", "card"], Duration::from_secs(15));
    let event = event.unwrap_or_else(|| panic!("watch said nothing of the mute card: {others:?}"));
    assert_eq!(event["event"], "error", "{event}");
    let code = event["error"]["code"].as_str().unwrap_or_default();
    assert!(NOT_ANSWERING_CODES.contains(&code), "{event}");
    assert!(watch.exited().is_none(), "watch ended with the mute card");
    drop(placed);
    std::thread::sleep(SETTLE);
    let placed = rig.place(ADDR0, READER0, builder().build());
    let (card, others) = watch.event_of(&["card", "error"], Duration::from_secs(10));
    let card = card.unwrap_or_else(|| panic!("no report for the next card: {others:?}"));
    assert_eq!(card["event"], "card", "{card}");
    assert_eq!(card["auth"]["read"], true, "{card}");
    drop(placed);
    assert_eq!(watch.interrupt(Duration::from_secs(3)), Some(0), "Ctrl-C");
    let stderr = watch.stop();
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// `watch --json` with pcscd stopped in the middle of a reading (250 ms per answer): an `error`
/// line, `watch` keeps running, and once pcscd is back a card placed is reported.
#[test]
fn watch_survives_pcscd_stopping_during_a_reading() {
    let Some(rig) = Rig::take() else { return };
    let mut watch = Running::start(&["watch", "--json", "--today", TODAY]);
    let placed = rig.place(
        ADDR0,
        READER0,
        builder().latency(Duration::from_millis(250)).build(),
    );
    std::thread::sleep(Duration::from_millis(900));
    stop_pcscd();
    let (error, others) = watch.event_of(&["error"], Duration::from_secs(15));
    // Whatever happens next, pcscd runs again for the other tests.
    start_pcscd();
    drop(placed);
    let error = error.unwrap_or_else(|| panic!("watch said nothing: {others:?}"));
    assert!(error["error"]["code"].is_string(), "{error}");
    assert!(watch.exited().is_none(), "watch ended with pcscd");
    std::thread::sleep(SETTLE);
    let placed = rig.place(ADDR1, READER1, builder().build());
    let (card, others) = watch.event_of(&["card"], Duration::from_secs(10));
    assert!(
        card.is_some(),
        "no report after pcscd came back: {others:?}"
    );
    drop(placed);
    assert_eq!(watch.interrupt(Duration::from_secs(3)), Some(0), "Ctrl-C");
    let stderr = watch.stop();
    assert!(!stderr.contains("panicked"), "{stderr}");
}
