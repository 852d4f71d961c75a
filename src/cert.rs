//! X.509 facts of the JPKI certificates (domain.md §3): validity in JST, names as RFC 4514
//! strings, serial, key usage, policies, key identifiers, which certificate it is, the signing
//! certificate's personal data ([`personal`]) and genuineness against the J-LIS roots
//! ([`trust`]).
//!
//! Pure: DER bytes in, owned facts out. Nothing here talks to a card or reads the clock.

mod head;
mod personal;
mod trust;

pub use head::not_after_from_head;

pub use personal::{BirthDate, Era, PersonalData, Sex};
pub use trust::{
    CaKey, Genuineness, JLIS_ROOT_DER, JLIS_ROOTS, RootInfo, SIMULATED_ROOT_DER, TrustStore,
    sha256_fingerprint, verify_signed_by,
};

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate};
use x509_parser::asn1_rs::Tag;
use x509_parser::certificate::X509Certificate;
use x509_parser::error::X509Error;
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::prelude::FromDer;
use x509_parser::x509::{AttributeTypeAndValue, X509Name};

/// Japan Standard Time, UTC+9 without daylight saving: every date shown to a person is in it.
pub const JST: FixedOffset = match FixedOffset::east_opt(9 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+9 is a valid offset"),
};

/// Policy OID of the user-authentication certificate.
pub const POLICY_USER_AUTHENTICATION: &str = "1.2.392.200149.8.5.1.3.30";
/// Policy OID of the signing certificate.
pub const POLICY_SIGNING: &str = "1.2.392.200149.8.5.1.1.20";
/// Prefix of the policy OIDs of JPKI test cards (`1.2.392.200149.8.5.1.0.x`).
pub const POLICY_TEST_PREFIX: &str = "1.2.392.200149.8.5.1.0.";
/// Issuer OU naming the user-authentication hierarchy.
pub const OU_USER_AUTHENTICATION: &str = "JPKI for user authentication";
/// Issuer OU naming the signing hierarchy.
pub const OU_SIGNING: &str = "JPKI for digital signature";

/// Why some bytes are not a certificate this tool understands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertError {
    /// No bytes at all.
    #[error("the certificate is empty")]
    Empty,
    /// Fewer bytes than the DER header announces.
    #[error("the certificate is cut short: {needed} bytes announced, {got} present")]
    Truncated {
        /// Bytes the outer DER header announces (header included).
        needed: usize,
        /// Bytes present.
        got: usize,
    },
    /// Bytes after the end of the DER encoding.
    #[error("{0} unexpected bytes after the end of the certificate")]
    TrailingData(usize),
    /// The outer structure is not a DER SEQUENCE or its length is unusable.
    #[error("not a certificate: {0}")]
    NotACertificate(String),
    /// A DER SEQUENCE, but not a valid X.509 certificate.
    #[error("malformed certificate: {0}")]
    Malformed(String),
    /// notAfter lies before notBefore, or a time does not fit the calendar.
    #[error("absurd validity period: {0}")]
    AbsurdValidity(String),
    /// A key or signature algorithm other than RSA with SHA-256, or an unusable RSA key.
    #[error("unsupported algorithm or key: {0}")]
    Unsupported(String),
}

/// Which JPKI certificate a certificate is, from its profile (domain.md §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CertRole {
    /// 利用者証明用電子証明書 (or its CA).
    UserAuthentication,
    /// 署名用電子証明書 (or its CA).
    Signing,
}

/// The keyUsage bits this tool looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct KeyUsage {
    /// digitalSignature.
    pub digital_signature: bool,
    /// nonRepudiation (contentCommitment): set on the signing certificate only.
    pub non_repudiation: bool,
    /// keyEncipherment.
    pub key_encipherment: bool,
    /// dataEncipherment.
    pub data_encipherment: bool,
    /// keyAgreement.
    pub key_agreement: bool,
    /// keyCertSign: set on CA certificates.
    pub key_cert_sign: bool,
    /// cRLSign.
    pub crl_sign: bool,
}

/// One parsed certificate, owning all its facts.
///
/// Debug output leaves out the DER (the signing certificate's DER holds personal data).
#[derive(Clone, PartialEq, Eq)]
pub struct Certificate {
    der: Vec<u8>,
    not_before: DateTime<FixedOffset>,
    not_after: DateTime<FixedOffset>,
    issuer: String,
    subject: String,
    issuer_der: Vec<u8>,
    subject_der: Vec<u8>,
    serial: String,
    key_usage: Option<KeyUsage>,
    policies: Vec<String>,
    authority_key_id: Option<Vec<u8>>,
    subject_key_id: Option<Vec<u8>>,
    is_ca: bool,
    spki_der: Vec<u8>,
    tbs_der: Vec<u8>,
    signature_algorithm: String,
    signature: Vec<u8>,
    role: Option<CertRole>,
}

impl fmt::Debug for Certificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Certificate")
            .field("subject", &self.subject)
            .field("issuer", &self.issuer)
            .field("serial", &self.serial)
            .field("not_before", &self.not_before)
            .field("not_after", &self.not_after)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// Parses one DER certificate. The bytes must be exactly one DER encoding: the card layer cuts
/// the file's trailing filler at the DER length, so anything after it is an error here.
pub fn parse(der: &[u8]) -> Result<Certificate, CertError> {
    check_outer(der)?;
    let (rest, x509) = X509Certificate::from_der(der).map_err(|e| match e {
        // The outer length is complete (checked above), so an inner structure ran past it.
        x509_parser::nom::Err::Incomplete(_) => {
            CertError::Malformed("an inner length runs past the end".into())
        }
        x509_parser::nom::Err::Error(e) | x509_parser::nom::Err::Failure(e) => malformed(e),
    })?;
    if !rest.is_empty() {
        return Err(CertError::TrailingData(rest.len()));
    }
    Certificate::from_x509(der, &x509)
}

fn malformed(e: X509Error) -> CertError {
    match e {
        X509Error::InvalidDate => CertError::AbsurdValidity(e.to_string()),
        _ => CertError::Malformed(e.to_string()),
    }
}

/// Checks the outer SEQUENCE header, so a short file reads as truncated, not as malformed.
fn check_outer(der: &[u8]) -> Result<(), CertError> {
    let first = *der.first().ok_or(CertError::Empty)?;
    if first != 0x30 {
        return Err(CertError::NotACertificate(format!(
            "starts with tag {first:02X}, not a SEQUENCE (30)"
        )));
    }
    let short = |got| CertError::Truncated { needed: 2, got };
    let len_byte = *der.get(1).ok_or_else(|| short(der.len()))?;
    let (header, content) = match len_byte {
        0x00..=0x7F => (2, usize::from(len_byte)),
        0x81..=0x84 => {
            let n = usize::from(len_byte & 0x7F);
            let bytes = der.get(2..2 + n).ok_or(CertError::Truncated {
                needed: 2 + n,
                got: der.len(),
            })?;
            let first = bytes.first().copied().unwrap_or(0);
            if first == 0 || (n == 1 && first < 0x80) {
                return Err(CertError::NotACertificate("non-minimal DER length".into()));
            }
            (
                2 + n,
                bytes
                    .iter()
                    .fold(0usize, |acc, &b| (acc << 8) | usize::from(b)),
            )
        }
        _ => {
            return Err(CertError::NotACertificate(format!(
                "unusable length byte {len_byte:02X}"
            )));
        }
    };
    let needed = header + content;
    match der.len().cmp(&needed) {
        std::cmp::Ordering::Less => Err(CertError::Truncated {
            needed,
            got: der.len(),
        }),
        std::cmp::Ordering::Greater => Err(CertError::TrailingData(der.len() - needed)),
        std::cmp::Ordering::Equal => Ok(()),
    }
}

impl Certificate {
    fn from_x509(der: &[u8], x509: &X509Certificate<'_>) -> Result<Self, CertError> {
        let validity = x509.validity();
        let not_before = jst_time(validity.not_before.timestamp())?;
        let not_after = jst_time(validity.not_after.timestamp())?;
        if not_after < not_before {
            return Err(CertError::AbsurdValidity(format!(
                "notAfter {not_after} is before notBefore {not_before}"
            )));
        }

        let mut key_usage = None;
        let mut policies = Vec::new();
        let mut authority_key_id = None;
        let mut subject_key_id = None;
        let mut is_ca = false;
        for ext in x509.extensions() {
            match ext.parsed_extension() {
                ParsedExtension::KeyUsage(ku) => {
                    key_usage = Some(KeyUsage {
                        digital_signature: ku.digital_signature(),
                        non_repudiation: ku.non_repudiation(),
                        key_encipherment: ku.key_encipherment(),
                        data_encipherment: ku.data_encipherment(),
                        key_agreement: ku.key_agreement(),
                        key_cert_sign: ku.key_cert_sign(),
                        crl_sign: ku.crl_sign(),
                    })
                }
                ParsedExtension::CertificatePolicies(ps) => {
                    policies = ps.iter().map(|p| p.policy_id.to_id_string()).collect();
                }
                ParsedExtension::AuthorityKeyIdentifier(aki) => {
                    authority_key_id = aki.key_identifier.as_ref().map(|k| k.0.to_vec());
                }
                ParsedExtension::SubjectKeyIdentifier(ski) => subject_key_id = Some(ski.0.to_vec()),
                ParsedExtension::BasicConstraints(bc) => is_ca = bc.ca,
                ParsedExtension::ParseError { error } if ext.critical => {
                    return Err(CertError::Malformed(format!(
                        "critical extension {}: {error}",
                        ext.oid.to_id_string()
                    )));
                }
                _ => {}
            }
        }

        let tbs = &x509.tbs_certificate;
        let mut cert = Certificate {
            der: der.to_vec(),
            not_before,
            not_after,
            issuer: rfc4514(x509.issuer()),
            subject: rfc4514(x509.subject()),
            issuer_der: x509.issuer().as_raw().to_vec(),
            subject_der: x509.subject().as_raw().to_vec(),
            serial: serial_hex(x509.raw_serial()),
            key_usage,
            policies,
            authority_key_id,
            subject_key_id,
            is_ca,
            spki_der: x509.public_key().raw.to_vec(),
            tbs_der: tbs.as_ref().to_vec(),
            signature_algorithm: x509.signature_algorithm.algorithm.to_id_string(),
            signature: x509.signature_value.data.to_vec(),
            role: None,
        };
        let ous: Vec<&str> = x509
            .issuer()
            .iter_organizational_unit()
            .filter_map(|a| a.as_str().ok())
            .collect();
        cert.role = role_from_profile(&cert.policies, &ous, cert.key_usage);
        Ok(cert)
    }

    /// The DER encoding this was parsed from.
    pub fn der(&self) -> &[u8] {
        &self.der
    }
    /// Start of validity, in JST.
    pub fn not_before(&self) -> DateTime<FixedOffset> {
        self.not_before
    }
    /// End of validity, in JST (23:59:59 of the expiry day on JPKI certificates).
    pub fn not_after(&self) -> DateTime<FixedOffset> {
        self.not_after
    }
    /// The last valid day: the JST date of notAfter, never the UTC date.
    pub fn expiry_date(&self) -> NaiveDate {
        self.not_after.date_naive()
    }
    /// The first valid day: the JST date of notBefore.
    pub fn not_before_date(&self) -> NaiveDate {
        self.not_before.date_naive()
    }
    /// Issuer as an RFC 4514 string: most specific RDN first, e.g.
    /// `OU=Japan Agency for Local Authority Information Systems,OU=JPKI for user authentication,O=JPKI,C=JP`.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }
    /// Subject as an RFC 4514 string (same order as [`Certificate::issuer`]).
    pub fn subject(&self) -> &str {
        &self.subject
    }
    /// The issuer Name's DER encoding (to match a CA's subject exactly).
    pub fn issuer_der(&self) -> &[u8] {
        &self.issuer_der
    }
    /// The subject Name's DER encoding.
    pub fn subject_der(&self) -> &[u8] {
        &self.subject_der
    }
    /// Serial number in upper-case hex, without a sign-padding leading `00` (e.g. `06D18006`).
    pub fn serial(&self) -> &str {
        &self.serial
    }
    /// The keyUsage extension, when present.
    pub fn key_usage(&self) -> Option<KeyUsage> {
        self.key_usage
    }
    /// Certificate policy OIDs, dotted.
    pub fn policies(&self) -> &[String] {
        &self.policies
    }
    /// The authority key identifier (the issuing CA's subject key identifier), when present.
    pub fn authority_key_id(&self) -> Option<&[u8]> {
        self.authority_key_id.as_deref()
    }
    /// The subject key identifier, when present.
    pub fn subject_key_id(&self) -> Option<&[u8]> {
        self.subject_key_id.as_deref()
    }
    /// Whether basicConstraints says this is a CA.
    pub fn is_ca(&self) -> bool {
        self.is_ca
    }
    /// The SubjectPublicKeyInfo, DER.
    pub fn spki_der(&self) -> &[u8] {
        &self.spki_der
    }
    /// The signed part (TBSCertificate), DER.
    pub fn tbs_der(&self) -> &[u8] {
        &self.tbs_der
    }
    /// The outer signature algorithm OID, dotted (`1.2.840.113549.1.1.11` on JPKI).
    pub fn signature_algorithm(&self) -> &str {
        &self.signature_algorithm
    }
    /// The signature value.
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }
    /// Which JPKI hierarchy this certificate belongs to, from its profile; `None` when the
    /// profile is not recognised or contradicts itself.
    pub fn role(&self) -> Option<CertRole> {
        self.role
    }
    /// The holder's basic four items from the signing certificate's subjectAltName; `None` when
    /// the certificate carries none. Never log the result.
    pub fn personal_data(&self) -> Option<PersonalData> {
        let (_, x509) = X509Certificate::from_der(&self.der).ok()?;
        let names = x509
            .extensions()
            .iter()
            .find_map(|ext| match ext.parsed_extension() {
                ParsedExtension::SubjectAlternativeName(san) => Some(&san.general_names),
                _ => None,
            })?;
        let items = names.iter().filter_map(|name| match name {
            GeneralName::OtherName(oid, value) => Some((oid.to_id_string(), *value)),
            _ => None,
        });
        personal::from_other_names(items)
    }
}

/// The role from policy OIDs, issuer OU and key usage, in that order of weight: policy and OU
/// must agree when both speak; key usage (nonRepudiation → signing) decides only for test cards
/// or when neither speaks on a JPKI end-entity certificate.
fn role_from_profile(
    policies: &[String],
    issuer_ous: &[&str],
    key_usage: Option<KeyUsage>,
) -> Option<CertRole> {
    let by_policy = policies.iter().find_map(|p| match p.as_str() {
        POLICY_USER_AUTHENTICATION => Some(CertRole::UserAuthentication),
        POLICY_SIGNING => Some(CertRole::Signing),
        _ => None,
    });
    let by_ou = issuer_ous.iter().find_map(|&ou| match ou {
        OU_USER_AUTHENTICATION => Some(CertRole::UserAuthentication),
        OU_SIGNING => Some(CertRole::Signing),
        _ => None,
    });
    let by_usage = key_usage
        .filter(|ku| ku.digital_signature && !ku.key_cert_sign)
        .map(|ku| {
            if ku.non_repudiation {
                CertRole::Signing
            } else {
                CertRole::UserAuthentication
            }
        });
    let test_card = policies.iter().any(|p| p.starts_with(POLICY_TEST_PREFIX));
    match (by_policy, by_ou) {
        (Some(p), Some(o)) if p != o => None,
        (Some(p), _) => Some(p),
        (None, Some(o)) => match by_usage {
            Some(u) if u != o => None,
            _ => Some(o),
        },
        (None, None) if test_card => by_usage,
        (None, None) => None,
    }
}

fn jst_time(unix: i64) -> Result<DateTime<FixedOffset>, CertError> {
    DateTime::from_timestamp(unix, 0)
        .map(|t| t.with_timezone(&JST))
        .ok_or_else(|| CertError::AbsurdValidity(format!("time {unix} out of range")))
}

fn serial_hex(raw: &[u8]) -> String {
    let trimmed = match raw {
        [0, rest @ ..] if !rest.is_empty() => rest,
        _ => raw,
    };
    hex_upper(trimmed)
}

pub(crate) fn hex_upper(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

/// RFC 4514: RDNs in reverse order of the encoding (most specific first), `,` between RDNs,
/// `+` inside a multi-valued RDN, short names for the usual types, dotted OIDs otherwise.
fn rfc4514(name: &X509Name<'_>) -> String {
    let rdns: Vec<String> = name
        .iter_rdn()
        .map(|rdn| rdn.iter().map(attribute_4514).collect::<Vec<_>>().join("+"))
        .collect();
    rdns.into_iter().rev().collect::<Vec<_>>().join(",")
}

fn attribute_4514(attr: &AttributeTypeAndValue<'_>) -> String {
    let oid = attr.attr_type().to_id_string();
    let key = match oid.as_str() {
        "2.5.4.3" => "CN",
        "2.5.4.6" => "C",
        "2.5.4.7" => "L",
        "2.5.4.8" => "ST",
        "2.5.4.9" => "STREET",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "0.9.2342.19200300.100.1.25" => "DC",
        "0.9.2342.19200300.100.1.1" => "UID",
        other => other,
    };
    let value = attr.attr_value();
    let text = match value.tag() {
        Tag::BmpString => {
            let units: Vec<u16> = value
                .data
                .chunks(2)
                .map(|c| {
                    u16::from_be_bytes([
                        c.first().copied().unwrap_or(0),
                        c.get(1).copied().unwrap_or(0),
                    ])
                })
                .collect();
            String::from_utf16(&units).ok()
        }
        _ => attr.as_str().ok().map(str::to_owned),
    };
    match text {
        Some(s) => format!("{key}={}", escape_4514(&s)),
        // RFC 4514 §2.4: a value that is not a string is written as `#` + hex of its BER.
        None => format!(
            "{key}=#{}",
            hex_upper(&encode_tlv(value.tag().0, value.data))
        ),
    }
}

fn encode_tlv(tag: u32, data: &[u8]) -> Vec<u8> {
    let mut out = vec![u8::try_from(tag).unwrap_or(0x1F) & 0x1F];
    let len = data.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|&b| b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(data);
    out
}

fn escape_4514(s: &str) -> String {
    let last = s.chars().count().saturating_sub(1);
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.chars().enumerate() {
        match c {
            '"' | '+' | ',' | ';' | '<' | '>' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '#' if i == 0 => out.push_str("\\#"),
            ' ' if i == 0 || i == last => out.push_str("\\ "),
            '\0' => out.push_str("\\00"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests;
