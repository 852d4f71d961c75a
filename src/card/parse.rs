//! Parsing what the card answers, byte by byte and without the card: short EF identifiers, the
//! DER length of a file's first chunk, the token info's card kind, and the card's own expiry
//! from either route (domain.md §2).

use chrono::NaiveDate;

use super::{CardError, CardKind, MAX_DER_LEN};

/// The short EF identifier of a JPKI file: its FID `00 xx` with xx in 1..=30.
pub fn sfi_of(fid: [u8; 2]) -> Option<u8> {
    match fid {
        [0x00, x @ 1..=30] => Some(x),
        _ => None,
    }
}

/// The total length (header + content) of the DER SEQUENCE starting `prefix`: `Ok(None)` while
/// `prefix` is too short to tell. Definite, minimal lengths only; above [`MAX_DER_LEN`] is
/// [`CardError::TooLong`].
pub fn der_total_len(prefix: &[u8]) -> Result<Option<usize>, CardError> {
    use der::{Decode, Encode, ErrorKind, Header, SliceReader, Tag};
    let Ok(mut reader) = SliceReader::new(prefix) else {
        return Err(CardError::TooLong(prefix.len()));
    };
    // The `der` crate enforces DER: definite, minimal lengths of at most four octets.
    let header = match Header::decode(&mut reader) {
        Ok(header) => header,
        Err(e) => {
            return match e.kind() {
                ErrorKind::Incomplete { .. } => Ok(None),
                ErrorKind::Overflow | ErrorKind::Overlength => Err(CardError::TooLong(usize::MAX)),
                _ => Err(CardError::BadDer),
            };
        }
    };
    if header.tag != Tag::Sequence {
        return Err(CardError::BadDer);
    }
    let total = header
        .encoded_len()
        .and_then(|h| h + header.length)
        .ok()
        .and_then(|l| usize::try_from(l).ok())
        .unwrap_or(usize::MAX);
    if total > MAX_DER_LEN {
        return Err(CardError::TooLong(total));
    }
    Ok(Some(total))
}

/// The card kind from the first bytes of the token info (EF 0006).
pub fn kind_from_token(token: &[u8]) -> CardKind {
    if token.starts_with(b"JPKIAPICCTOKEN2") {
        CardKind::MyNumberCard
    } else if token.starts_with(b"JPKIAPICCTOKEN") {
        CardKind::JukiCard
    } else if token.starts_with(b"JPKIAPGPSETOKEN") || token.starts_with(b"JPKIAPIOSTOKEN") {
        CardKind::Smartphone
    } else {
        CardKind::Unknown
    }
}

/// 8 ASCII digits `YYYYMMDD` into a real date between 2016 (the first cards were issued in
/// January 2016, so no card expires earlier) and 2099.
pub fn parse_yyyymmdd(digits: &[u8]) -> Option<NaiveDate> {
    if digits.len() != 8 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let num = |r: std::ops::Range<usize>| {
        digits
            .get(r)?
            .iter()
            .try_fold(0u32, |acc, &b| Some(acc * 10 + u32::from(b - b'0')))
    };
    let year = i32::try_from(num(0..4)?).ok()?;
    if !(2016..=2099).contains(&year) {
        return None;
    }
    NaiveDate::from_ymd_opt(year, num(4..6)?, num(6..8)?)
}

/// The expiry from a GET DATA `F2` answer: 8 digits, or the same wrapped as `F2 08 …`.
pub fn expiry_from_get_data(data: &[u8]) -> Option<NaiveDate> {
    match data {
        [0xF2, 0x08, rest @ ..] if rest.len() == 8 => parse_yyyymmdd(rest),
        _ => parse_yyyymmdd(data),
    }
}

/// The expiry from record 1 of the 共通カード application: simple-TLV `01 1C` + 28 ASCII
/// digits (15-digit serial, 5-digit municipality code, `YYYYMMDD`).
pub fn expiry_from_common_record(record: &[u8]) -> Option<NaiveDate> {
    let value = match record {
        [0x01, 0x1C, rest @ ..] => rest.get(..28)?,
        _ => return None,
    };
    if !value.iter().all(u8::is_ascii_digit) {
        return None;
    }
    parse_yyyymmdd(value.get(20..28)?)
}
