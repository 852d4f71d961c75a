//! The holder's basic four items in the signing certificate's subjectAltName (domain.md §3):
//! otherName `{ 1.2.392.200149.8.5.5.x, [0] EXPLICIT UTF8String }`. Personal data: Debug is
//! redacted, the strings are wiped on drop, and nothing here logs.

use std::fmt;

use chrono::NaiveDate;
use x509_parser::asn1_rs::{Any, Class, FromDer, Tag};
use zeroize::Zeroize;

/// OID arc of the JPKI personal items; the last component names the item.
const ARC: &str = "1.2.392.200149.8.5.5.";

/// Japanese era codes as the certificate writes them in the date of birth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Era {
    /// `0`: not known.
    Unknown,
    /// `1` 明治.
    Meiji,
    /// `2` 大正.
    Taisho,
    /// `3` 昭和.
    Showa,
    /// `4` 平成.
    Heisei,
    /// `5` 令和.
    Reiwa,
}

impl Era {
    /// The era for a certificate's code digit.
    pub fn from_code(code: char) -> Option<Era> {
        Some(match code {
            '0' => Era::Unknown,
            '1' => Era::Meiji,
            '2' => Era::Taisho,
            '3' => Era::Showa,
            '4' => Era::Heisei,
            '5' => Era::Reiwa,
            _ => return None,
        })
    }
}

/// Sex as the certificate codes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sex {
    /// `1`.
    Male,
    /// `2`.
    Female,
    /// `3`: not known.
    Unknown,
}

/// A date of birth `EYYYYMMDD`: the era code and the Gregorian date.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct BirthDate {
    /// The era the date falls in, as written.
    pub era: Era,
    /// The date; `None` when the digits are not a calendar date (e.g. an unknown day `00`).
    pub date: Option<NaiveDate>,
}

/// The holder's basic four items (基本4情報) and the substitute-character flags. Every item is
/// optional: a missing or unreadable one is `None`.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct PersonalData {
    /// Full name, family and given name separated by a full-width space.
    pub name: Option<String>,
    /// One `0`/`1` per character of the name: `1` where a substitute character was used.
    pub name_flags: Option<String>,
    /// Sex.
    pub sex: Option<Sex>,
    /// Date of birth.
    pub birth: Option<BirthDate>,
    /// Address.
    pub address: Option<String>,
    /// Substitute-character flags of the address.
    pub address_flags: Option<String>,
}

impl fmt::Debug for PersonalData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PersonalData { REDACTED }")
    }
}

impl fmt::Debug for BirthDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BirthDate { REDACTED }")
    }
}

impl Drop for PersonalData {
    fn drop(&mut self) {
        self.name.zeroize();
        self.name_flags.zeroize();
        self.address.zeroize();
        self.address_flags.zeroize();
    }
}

/// Builds the personal data from otherName (OID, bytes after the OID) pairs; `None` when no
/// JPKI item is there at all.
pub(super) fn from_other_names<'a>(
    items: impl Iterator<Item = (String, &'a [u8])>,
) -> Option<PersonalData> {
    let mut data = PersonalData::default();
    let mut any = false;
    for (oid, value) in items {
        let Some(item) = oid.strip_prefix(ARC) else {
            continue;
        };
        any = true;
        let Some(text) = explicit_string(value) else {
            continue;
        };
        match item {
            "1" => data.name = Some(text),
            "2" => data.name_flags = Some(text),
            "3" => {
                data.sex = match text.as_str() {
                    "1" => Some(Sex::Male),
                    "2" => Some(Sex::Female),
                    "3" => Some(Sex::Unknown),
                    _ => None,
                }
            }
            "4" => data.birth = birth_date(&text),
            "5" => data.address = Some(text),
            "6" => data.address_flags = Some(text),
            _ => {}
        }
    }
    any.then_some(data)
}

/// `[0] EXPLICIT <string>`; UTF8String by the profile, other string types tolerated.
fn explicit_string(bytes: &[u8]) -> Option<String> {
    let (_, outer) = Any::from_der(bytes).ok()?;
    if outer.class() != Class::ContextSpecific || outer.tag() != Tag(0) {
        return None;
    }
    let (_, inner) = Any::from_der(outer.data).ok()?;
    match inner.tag() {
        Tag::Utf8String | Tag::PrintableString | Tag::Ia5String | Tag::NumericString => {
            String::from_utf8(inner.data.to_vec()).ok()
        }
        _ => None,
    }
}

/// `EYYYYMMDD`, e.g. `319801231` (昭和, 1980-12-31).
fn birth_date(text: &str) -> Option<BirthDate> {
    let mut chars = text.chars();
    let era = Era::from_code(chars.next()?)?;
    let digits = chars.as_str();
    if digits.len() != 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Some(BirthDate { era, date: None });
    }
    let num = |range: std::ops::Range<usize>| digits.get(range)?.parse::<u32>().ok();
    let date = match (num(0..4), num(4..6), num(6..8)) {
        (Some(y), Some(m), Some(d)) => NaiveDate::from_ymd_opt(y as i32, m, d),
        _ => None,
    };
    Some(BirthDate { era, date })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn other_name(text: &str) -> Vec<u8> {
        let mut inner = vec![0x0C, text.len() as u8];
        inner.extend_from_slice(text.as_bytes());
        let mut out = vec![0xA0, inner.len() as u8];
        out.extend(inner);
        out
    }

    #[test]
    fn decodes_the_four_items_and_redacts_debug() {
        let values = [
            ("1", "山田　太郎"),
            ("2", "00000"),
            ("3", "1"),
            ("4", "319801231"),
            ("5", "東京都千代田区千代田１－１"),
            ("6", "0000000000000"),
        ];
        let encoded: Vec<(String, Vec<u8>)> = values
            .iter()
            .map(|(k, v)| (format!("{ARC}{k}"), other_name(v)))
            .collect();
        let data =
            from_other_names(encoded.iter().map(|(o, v)| (o.clone(), v.as_slice()))).unwrap();
        assert_eq!(data.name.as_deref(), Some("山田　太郎"));
        assert_eq!(data.name_flags.as_deref(), Some("00000"));
        assert_eq!(data.sex, Some(Sex::Male));
        let birth = data.birth.unwrap();
        assert_eq!(birth.era, Era::Showa);
        assert_eq!(birth.date, NaiveDate::from_ymd_opt(1980, 12, 31));
        assert_eq!(data.address.as_deref(), Some("東京都千代田区千代田１－１"));
        assert_eq!(format!("{data:?}"), "PersonalData { REDACTED }");
        assert_eq!(format!("{birth:?}"), "BirthDate { REDACTED }");
        assert!(!format!("{:?}", Some(data)).contains("山田"));
    }

    #[test]
    fn tolerant_of_missing_and_odd_items() {
        let sex = other_name("9");
        let birth = other_name("219120700");
        let bad = [0xA0, 0x05, 0x0C, 0x09, 0x41];
        let items = [
            (format!("{ARC}3"), &sex[..]),
            (format!("{ARC}4"), &birth[..]),
            (format!("{ARC}5"), &bad[..]),
            ("1.2.3.4".to_string(), &sex[..]),
        ];
        let data = from_other_names(items.into_iter()).unwrap();
        assert_eq!(data.sex, None);
        assert_eq!(
            data.birth.map(|b| (b.era, b.date)),
            Some((Era::Taisho, None))
        );
        assert_eq!(data.address, None);
        assert_eq!(data.name, None);
        assert!(from_other_names([("1.2.3".to_string(), &sex[..])].into_iter()).is_none());
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_values_never_panic(
            item in 0u8..8,
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64),
        ) {
            let items = [(format!("{ARC}{item}"), &bytes[..])];
            let data = from_other_names(items.into_iter());
            proptest::prop_assert!(data.is_some());
        }
    }
}
