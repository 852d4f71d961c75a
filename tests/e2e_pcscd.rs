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

mod rig;

use std::time::{Duration, Instant};

use myna_kigen::sim::Scenario;
use rig::{ADDR0, ADDR1, READER0, READER1, TODAY, today};

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
    assert_eq!(card.apdu_count(), 1);
    let states = rig::reader_states(&ctx, Duration::from_secs(1));
    assert!(states.iter().all(|(_, present)| !present), "{states:?}");
}

#[test]
fn a_card_in_the_second_reader_is_seen_there() {
    let Some(rig) = rig::Rig::take() else { return };
    let placed = rig.place(ADDR1, READER1, Scenario::Valid.card(today()).unwrap());
    let states = rig::reader_states(&rig.context(), Duration::from_secs(1));
    assert!(
        states.contains(&(READER1.to_owned(), true)),
        "{READER1} should hold the card: {states:?}"
    );
    assert!(
        states.contains(&(READER0.to_owned(), false)),
        "{READER0} should be empty: {states:?}"
    );
    drop(placed);
    let _ = TODAY;
}
