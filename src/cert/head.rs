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
