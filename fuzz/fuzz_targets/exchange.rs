//! Response parsing and the exchange rules (61xx GET RESPONSE, 6Cxx re-send) on any answers.
#![no_main]

use libfuzzer_sys::fuzz_target;
use myna_kigen::apdu::{Channel, Command, MAX_CHAINED, Response};
use myna_kigen_fuzz::FuzzCard;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, answers)) = data.split_first() else {
        return;
    };
    if let Ok(r) = Response::parse(answers) {
        assert_eq!(r.data.len() + 2, answers.len());
        let sw = r.sw.to_u16().to_be_bytes();
        assert_eq!(answers.get(answers.len() - 2..), Some(&sw[..]));
    }
    let pin = [0x31, 0x32, 0x33, 0x34];
    let command = match pick % 7 {
        0 => Command::select_aid(&[0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01]),
        1 => Command::read_binary_sfi(0x0A, 0, 256),
        2 => Command::read_binary_sfi(0x0A, 0, 65536),
        3 => Command::read_binary(u16::from(pick) << 4, usize::from(pick).max(1)),
        4 => Command::verify_status(),
        5 => Command::verify(&pin),
        _ => Command::get_data(0x00, 0xF2, 256),
    };
    let mut card = FuzzCard::new(answers, pick & 0x80 != 0);
    let mut channel = Channel::new(&mut card);
    let result = channel.transmit(&command);
    let count = channel.count();
    // One command, one re-send, at most MAX_CHAINED GET RESPONSEs.
    assert!(count <= 2 + MAX_CHAINED, "{count} APDUs");
    assert_eq!(count as usize, card.sent.len());
    if let Ok(r) = &result {
        assert!(!matches!(
            r.sw,
            myna_kigen::apdu::StatusWord::BytesAvailable(_)
        ));
    }
    // A PIN is never sent twice automatically.
    let with_pin = card.sent.iter().filter(|c| c.ends_with(&pin)).count();
    assert!(with_pin <= 1);
    let _ = format!("{command:?} {result:?}");
});
