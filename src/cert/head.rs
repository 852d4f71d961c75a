//! The validity of a certificate from its first bytes alone (the date first): the first READ of
//! EF 000A gives 256 bytes, which hold the outer headers, the serial, the signature algorithm,
//! the issuer and the validity. Nothing here is verified; the whole certificate follows.

use chrono::{DateTime, FixedOffset};
use der::{Decode, Header, Reader, SliceReader, Tag, TagNumber};
use x509_cert::time::Time;

use super::JST;

/// notAfter, in JST, from the first bytes of a certificate's DER: `None` when they do not hold
/// it or are not a certificate's start. Never trusted as the answer: the whole certificate is
/// parsed and checked before a report says anything.
pub fn not_after_from_head(head: &[u8]) -> Option<DateTime<FixedOffset>> {
    let mut reader = SliceReader::new(head).ok()?;
    // Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { ... } ... }: only the headers; the
    // lengths run past what has been read.
    for _ in 0..2 {
        let header = Header::decode(&mut reader).ok()?;
        if header.tag != Tag::Sequence {
            return None;
        }
    }
    // version [0] EXPLICIT (optional), serialNumber, signature, issuer: skipped whole.
    let version = Tag::ContextSpecific {
        constructed: true,
        number: TagNumber::N0,
    };
    let mut expected = vec![Tag::Integer, Tag::Sequence, Tag::Sequence];
    if reader.peek_tag().ok()? == version {
        expected.insert(0, version);
    }
    for tag in expected {
        let header = Header::decode(&mut reader).ok()?;
        if header.tag != tag {
            return None;
        }
        reader.read_slice(header.length).ok()?;
    }
    let validity = Header::decode(&mut reader).ok()?;
    if validity.tag != Tag::Sequence {
        return None;
    }
    let _not_before = Time::decode(&mut reader).ok()?;
    let not_after = Time::decode(&mut reader).ok()?;
    let unix = i64::try_from(not_after.to_unix_duration().as_secs()).ok()?;
    DateTime::from_timestamp(unix, 0).map(|t| t.with_timezone(&JST))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<u8> {
        crate::sim::certs::end_entity(&crate::sim::certs::EndEntity {
            kind: crate::sim::CertKind::UserAuthentication,
            seed: "head".to_owned(),
            issued: chrono::NaiveDate::from_ymd_opt(2025, 1, 17).unwrap(),
            expires: chrono::NaiveDate::from_ymd_opt(2029, 12, 8).unwrap(),
            holder: None,
        })
        .unwrap()
    }

    #[test]
    fn the_first_256_bytes_hold_the_same_not_after_as_the_whole() {
        let der = sample();
        let whole = super::super::parse(&der).unwrap().not_after();
        let head = der.get(..256).unwrap();
        assert_eq!(not_after_from_head(head), Some(whole));
        assert_eq!(
            not_after_from_head(head).unwrap().date_naive(),
            chrono::NaiveDate::from_ymd_opt(2029, 12, 8).unwrap()
        );
    }

    #[test]
    fn too_few_bytes_or_not_a_certificate_give_nothing() {
        let der = sample();
        for cut in [0, 1, 4, 8, 20, 60] {
            assert_eq!(not_after_from_head(der.get(..cut).unwrap()), None, "{cut}");
        }
        assert_eq!(not_after_from_head(&[0x04, 0x03, 1, 2, 3]), None);
        let mut wrong = der.clone();
        if let Some(b) = wrong.get_mut(4) {
            *b = 0x31;
        }
        assert_eq!(not_after_from_head(&wrong), None);
    }
}
