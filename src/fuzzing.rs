//! The bodies of the fuzz targets (`fuzz/`, cargo fuzz on the nightly toolchain): each takes
//! any bytes and panics only when a property of the product fails. They live in the library so
//! that the committed corpus (`tests/fuzz-corpus/<target>/`) is replayed through every one of
//! them by the ordinary test suite on the stable toolchain (`tests/fuzz_corpus.rs`), and so that
//! the fuzz crate needs nothing but the library, built without the window.
//!
//! Nothing in the product calls this module.

use std::io::{Read, Write};

use chrono::{Datelike, Days, NaiveDate};

use crate::apdu::{Channel, Command, MAX_CHAINED, Response, StatusWord};
use crate::card::{
    CardSession, EF_AUTH_CA, EF_SIGN_CERT, MAX_DER_LEN, der_total_len, expiry_from_common_record,
    expiry_from_get_data, kind_from_token, parse_yyyymmdd,
};
use crate::messages::{Lang, Surface};
use crate::reading::{ReadOptions, Reader};
use crate::secret::{AuthPin, SigningPassword};
use crate::sim::{SimCard, SimTransport};
use crate::transport::{Transaction, TransportError};

/// A target's body: any bytes in, a panic when a property fails.
pub type Target = fn(&[u8]);

/// Every target: its name (the `[[bin]]` of `fuzz/Cargo.toml` and the corpus directory) and
/// its body.
pub const TARGETS: [(&str, Target); 7] = [
    ("exchange", exchange),
    ("card_session", card_session),
    ("der_length", der_length),
    ("cert_report", cert_report),
    ("card_fields", card_fields),
    ("vpcd_frames", vpcd_frames),
    ("secrets", secrets),
];

/// A card that answers each command with the next piece of the input: a length byte `n`
/// (0..=0xFA) and then up to `n` bytes, or `0xFB` and a two-byte big-endian length for longer
/// answers; `0xFC`–`0xFF` stand for a transport failure (removal, reset, no answer, another
/// error). When the input is used up the card has left the reader.
pub struct FuzzCard<'a> {
    input: &'a [u8],
    present: bool,
    /// Every command sent.
    pub sent: Vec<Vec<u8>>,
    /// A failure that ends a reading was returned.
    pub fatal_returned: bool,
    /// A command came after such a failure (the layers above must stop at once).
    pub sent_after_fatal: bool,
}

impl<'a> FuzzCard<'a> {
    /// A card answering from `input`; `present` is what a presence check says while the input
    /// lasts.
    pub fn new(input: &'a [u8], present: bool) -> Self {
        FuzzCard {
            input,
            present,
            sent: Vec::new(),
            fatal_returned: false,
            sent_after_fatal: false,
        }
    }

    fn next(&mut self) -> Result<Vec<u8>, TransportError> {
        let Some((&n, rest)) = self.input.split_first() else {
            return Err(TransportError::CardRemoved);
        };
        self.input = rest;
        let error = match n {
            0xFC => TransportError::CardRemoved,
            0xFD => TransportError::CardReset,
            0xFE => TransportError::NotAnswering,
            0xFF => TransportError::Other("fuzz".to_owned()),
            n => {
                let n = if n == 0xFB {
                    let Some((len, rest)) = self.input.split_first_chunk::<2>() else {
                        return Err(TransportError::CardRemoved);
                    };
                    self.input = rest;
                    usize::from(u16::from_be_bytes(*len))
                } else {
                    usize::from(n)
                };
                let take = n.min(self.input.len());
                let (answer, rest) = self.input.split_at(take);
                self.input = rest;
                return Ok(answer.to_vec());
            }
        };
        Err(error)
    }
}

impl Transaction for FuzzCard<'_> {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        if self.fatal_returned {
            self.sent_after_fatal = true;
        }
        self.sent.push(command.to_vec());
        let answer = self.next();
        if let Err(e) = &answer
            && e.ends_reading()
        {
            self.fatal_returned = true;
        }
        answer
    }

    fn card_present(&mut self) -> Option<bool> {
        Some(self.present && !self.input.is_empty())
    }
}

/// Encodes answers in [`FuzzCard`]'s format (for seeds and regression tests).
pub fn encode_answers(answers: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for a in answers {
        match u8::try_from(a.len()) {
            Ok(n) if n <= 0xFA => out.push(n),
            _ => {
                out.push(0xFB);
                let len = u16::try_from(a.len()).unwrap_or(u16::MAX);
                out.extend_from_slice(&len.to_be_bytes());
            }
        }
        out.extend_from_slice(a);
    }
    out
}

/// `exchange`: response parsing and the exchange rules (61xx GET RESPONSE, 6Cxx re-send) on
/// any answers. The status word round-trips, one command costs at most 2 + [`MAX_CHAINED`]
/// APDUs, a `61xx` never reaches the caller, a PIN is never sent twice.
pub fn exchange(data: &[u8]) {
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
    assert!(count <= 2 + MAX_CHAINED, "{count} APDUs");
    assert_eq!(count as usize, card.sent.len());
    if let Ok(r) = &result {
        assert!(!matches!(r.sw, StatusWord::BytesAvailable(_)));
    }
    let with_pin = card.sent.iter().filter(|c| c.ends_with(&pin)).count();
    assert!(with_pin <= 1, "the PIN was sent {with_pin} times");
    let _ = format!("{command:?} {result:?}");
}

/// `card_session`: whole readings (the default one, every PIN counter, a DER file, the signing
/// certificate) against a card answering anything, extended or short, present or not. Fewer
/// than 2,000 APDUs, nothing sent after the card left or stopped answering, and a DER file
/// returned only when it is exactly one DER structure within [`MAX_DER_LEN`].
pub fn card_session(data: &[u8]) {
    let Some((&flags, answers)) = data.split_first() else {
        return;
    };
    let mut card = FuzzCard::new(answers, flags & 0x02 != 0);
    let mut der = None;
    {
        let mut session = CardSession::new(&mut card, flags & 0x01 != 0);
        match (flags >> 2) % 4 {
            0 => {
                if let Ok(r) = session.read_public() {
                    der = r.auth_cert;
                    assert_eq!(r.pins.len(), 2);
                }
            }
            1 => {
                if let Ok(pins) = session.pins() {
                    assert_eq!(pins.len(), 8);
                }
            }
            2 => der = session.read_der_file(EF_AUTH_CA).ok(),
            _ => {
                if session.read_public().is_ok() {
                    der = session.read_der_file(EF_SIGN_CERT).ok();
                }
            }
        }
        assert!(session.apdu_count() < 2000, "{}", session.apdu_count());
    }
    if let Some(der) = der {
        assert!(der.len() <= MAX_DER_LEN);
        assert_eq!(der_total_len(&der), Ok(Some(der.len())));
    }
    assert!(
        !card.sent_after_fatal,
        "a command was sent after the card left"
    );
}

/// `der_length`: the DER length of a file's first bytes. A length is 2..=[`MAX_DER_LEN`] and
/// does not change with more bytes; "need more bytes" only below 6 bytes.
pub fn der_length(data: &[u8]) {
    match der_total_len(data) {
        Ok(Some(total)) => {
            assert!((2..=MAX_DER_LEN).contains(&total));
            let mut longer = data.to_vec();
            longer.push(0);
            assert_eq!(der_total_len(&longer), Ok(Some(total)));
        }
        // A header is at most 6 bytes (tag, 0x84, four length bytes).
        Ok(None) => assert!(data.len() < 6, "{} bytes and still no length", data.len()),
        Err(_) => {}
    }
}

/// A J-LIS root, as the simulated card's CA file in half of the `cert_report` runs.
const ROOT: &[u8] = include_bytes!("../assets/jpki-ca/authca-gen2.der");

/// `cert_report`: a certificate from the card through the whole reading, on a day picked by the
/// first byte: parsed, judged by the rules, reported as JSON and rendered as text (or its
/// failure as a sentence) in Japanese and English.
pub fn cert_report(data: &[u8]) {
    let Some((&flags, der)) = data.split_first() else {
        return;
    };
    if let Ok(cert) = crate::cert::parse(der) {
        let _ = (
            cert.expiry_date(),
            cert.role(),
            cert.key_usage(),
            cert.serial(),
        );
        let _ = cert.personal_data().map(|p| format!("{p:?}"));
    }
    let Some(today) = NaiveDate::from_ymd_opt(2016, 1, 1)
        .and_then(|d| d.checked_add_days(Days::new(u64::from(flags) * 53)))
    else {
        return;
    };
    let mut builder = SimCard::builder()
        .auth_cert(der.to_vec())
        .card_expiry(NaiveDate::from_ymd_opt(2030, 6, 15));
    if flags & 1 != 0 {
        builder = builder.auth_ca(ROOT.to_vec());
    }
    let mut transport = SimTransport::new(builder.build());
    let options = ReadOptions {
        today,
        card_expiry_typed: None,
    };
    match Reader::jlis().read(&mut transport, &options) {
        Ok(report) => {
            assert!(serde_json::to_string(&report).is_ok());
            for lang in [Lang::Ja, Lang::En] {
                assert!(!crate::cli::text::render(&report, lang).is_empty());
            }
        }
        Err(e) => {
            assert!(!e.to_string().is_empty());
            for lang in [Lang::Ja, Lang::En] {
                let sentence = crate::messages::read_error(&e, lang, Surface::CommandLine);
                assert!(!sentence.is_empty());
            }
        }
    }
}

/// `card_fields`: the card's own expiry (GET DATA F2, the 共通カード record) and the token
/// info. An accepted date is 2016–2099 and prints back as the same digits.
pub fn card_fields(data: &[u8]) {
    if let Some(d) = parse_yyyymmdd(data) {
        assert!((2016..=2099).contains(&d.year()));
        assert_eq!(d.format("%Y%m%d").to_string().as_bytes(), data);
    }
    for d in [expiry_from_get_data(data), expiry_from_common_record(data)]
        .into_iter()
        .flatten()
    {
        assert!((2016..=2099).contains(&d.year()));
    }
    let _ = kind_from_token(data);
}

/// A byte stream in memory: reads from the input, keeps what is written.
struct Memory<'a> {
    input: &'a [u8],
    output: Vec<u8>,
}

impl Read for Memory<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.input.read(buf)
    }
}

impl Write for Memory<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.output.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// `vpcd_frames`: `simulate --vpcd`'s side of the vpcd protocol (`vpcd::serve_stream`) on any
/// byte stream, with the simulated card mute, removed or answering empty at some command: every
/// answer it writes is one whole length-prefixed frame, and it ends when the stream does.
pub fn vpcd_frames(data: &[u8]) {
    let Some((&flags, input)) = data.split_first() else {
        return;
    };
    let mut builder = SimCard::builder();
    match flags % 4 {
        1 => builder = builder.mute_at(u32::from(flags >> 2)),
        2 => builder = builder.remove_after(u32::from(flags >> 2)),
        3 => builder = builder.empty_at(u32::from(flags >> 2)),
        _ => {}
    }
    let mut card = builder.build();
    let mut stream = Memory {
        input,
        output: Vec::new(),
    };
    let _ = crate::vpcd::serve_stream(&mut stream, &mut card);
    let mut out = stream.output.as_slice();
    while let Some((len, rest)) = out.split_first_chunk::<2>() {
        let len = usize::from(u16::from_be_bytes(*len));
        let Some(after) = rest.get(len..) else {
            panic!("a frame of {len} bytes is cut short at {}", rest.len());
        };
        out = after;
    }
    assert!(out.is_empty(), "bytes after the last frame");
}

/// `secrets`: the signing password and PIN format checks. What is accepted is exactly 6–16 of
/// A–Z/0–9 (the typed text upper-cased) or 4 digits, and prints as `REDACTED`.
pub fn secrets(data: &[u8]) {
    let Ok(typed) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(p) = SigningPassword::parse(typed) {
        let b = p.as_bytes();
        assert!((SigningPassword::MIN..=SigningPassword::MAX).contains(&b.len()));
        assert!(
            b.iter()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        );
        assert_eq!(format!("{p:?}"), "SigningPassword(REDACTED)");
        assert_eq!(format!("{p}"), "REDACTED");
        let typed_upper = typed.trim_end_matches(['\r', '\n']).to_ascii_uppercase();
        assert_eq!(b, typed_upper.as_bytes());
    }
    if let Ok(pin) = AuthPin::parse(typed) {
        assert_eq!(pin.as_bytes().len(), 4);
        assert!(pin.as_bytes().iter().all(u8::is_ascii_digit));
        assert_eq!(format!("{pin:?}"), "AuthPin(REDACTED)");
    }
    let _ = SigningPassword::parse_owned(typed.to_owned()).map_err(|e| e.to_string());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fuzz_card_answers_in_its_format_and_leaves_when_the_input_ends() {
        let input = encode_answers(&[vec![0x90, 0x00], vec![0xAA; 300]]);
        let mut card = FuzzCard::new(&input, true);
        assert_eq!(card.transmit(&[0]).unwrap(), vec![0x90, 0x00]);
        assert_eq!(card.card_present(), Some(true));
        assert_eq!(card.transmit(&[0]).unwrap(), vec![0xAA; 300]);
        assert_eq!(card.card_present(), Some(false));
        assert_eq!(card.transmit(&[0]), Err(TransportError::CardRemoved));
        assert!(card.fatal_returned && !card.sent_after_fatal);
        let _ = card.transmit(&[0]);
        assert!(card.sent_after_fatal);
    }
}
