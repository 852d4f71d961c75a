//! JPKI-shaped certificates for the simulated card (domain.md §3), built at run time with the
//! `x509-cert` types and signed with `rsa` (PKCS#1 v1.5, SHA-256) by a simulated CA, from the
//! test keys committed under `assets/sim/` (made by `scripts/make-sim-keys.sh`). No certificate
//! byte is written by hand.
//!
//! `x509-cert`'s `CertificateBuilder` leaf profile always sets nonRepudiation, which the
//! user-authentication certificate must not have, so the TBS certificate is assembled here from
//! the crate's typed structures and signed the same way the builder does.

use std::sync::OnceLock;
use std::time::Duration;

use chrono::{NaiveDate, NaiveTime};
use der::asn1::{BitString, Ia5String, OctetString, PrintableStringRef, Utf8StringRef};
use der::{Any, Encode};
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::signature::{SignatureEncoding, Signer};
use rsa::{RsaPrivateKey, RsaPublicKey};
use sha2::{Digest, Sha256};
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::certificate::{Certificate, TbsCertificate, Version};
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::certpolicy::{
    DisplayText, PolicyInformation, PolicyQualifierInfo, UserNotice,
};
use x509_cert::ext::pkix::crl::dp::DistributionPoint;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName, OtherName};
use x509_cert::ext::pkix::{
    AccessDescription, AuthorityInfoAccessSyntax, AuthorityKeyIdentifier, BasicConstraints,
    CertificatePolicies, CrlDistributionPoints, IssuerAltName, KeyUsage, KeyUsages, SubjectAltName,
    SubjectKeyIdentifier,
};
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::{AlgorithmIdentifierOwned, ObjectIdentifier, SubjectPublicKeyInfoOwned};
use x509_cert::time::{Time, Validity};

use super::SimError;

const CA_AUTH_KEY: &str = include_str!("../../assets/sim/ca-auth.pem");
const CA_SIGN_KEY: &str = include_str!("../../assets/sim/ca-sign.pem");
const EE_AUTH_KEY: &str = include_str!("../../assets/sim/ee-auth.pem");
const EE_SIGN_KEY: &str = include_str!("../../assets/sim/ee-sign.pem");

const OID_C: &str = "2.5.4.6";
const OID_O: &str = "2.5.4.10";
const OID_OU: &str = "2.5.4.11";
const OID_L: &str = "2.5.4.7";
const OID_CN: &str = "2.5.4.3";
const OID_SHA256_RSA: &str = "1.2.840.113549.1.1.11";
const OID_AD_OCSP: &str = "1.3.6.1.5.5.7.48.1";
const POLICY_AUTH: &str = "1.2.392.200149.8.5.1.3.30";
const POLICY_SIGN: &str = "1.2.392.200149.8.5.1.1.20";
const OID_QT_CPS: &str = "1.3.6.1.5.5.7.2.1";
const OID_QT_UNOTICE: &str = "1.3.6.1.5.5.7.2.2";
const PERSONAL_ARC: &str = "1.2.392.200149.8.5.5";

/// Which JPKI hierarchy a simulated certificate belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CertKind {
    /// 利用者証明用電子証明書 (EF 000A, its CA EF 000B).
    UserAuthentication,
    /// 署名用電子証明書 (EF 0001, its CA EF 0002).
    Signing,
}

impl CertKind {
    fn ou(self) -> &'static str {
        match self {
            CertKind::UserAuthentication => "JPKI for user authentication",
            CertKind::Signing => "JPKI for digital signature",
        }
    }
    fn policy(self) -> &'static str {
        match self {
            CertKind::UserAuthentication => POLICY_AUTH,
            CertKind::Signing => POLICY_SIGN,
        }
    }
    fn ca_key_pem(self) -> &'static str {
        match self {
            CertKind::UserAuthentication => CA_AUTH_KEY,
            CertKind::Signing => CA_SIGN_KEY,
        }
    }
    fn ee_key_pem(self) -> &'static str {
        match self {
            CertKind::UserAuthentication => EE_AUTH_KEY,
            CertKind::Signing => EE_SIGN_KEY,
        }
    }
    fn tag(self) -> &'static str {
        match self {
            CertKind::UserAuthentication => "auth",
            CertKind::Signing => "sign",
        }
    }
}

/// The holder's basic four items for the signing certificate's subjectAltName. Fictional
/// people only; Debug is redacted anyway.
#[derive(Clone, PartialEq, Eq)]
pub struct Holder {
    /// Family and given name with a full-width space, e.g. `公的　太郎`.
    pub name: String,
    /// Sex code: `1` male, `2` female, `3` unknown.
    pub sex: char,
    /// Date of birth.
    pub birth: NaiveDate,
    /// Address.
    pub address: String,
}

impl std::fmt::Debug for Holder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Holder { REDACTED }")
    }
}

impl Holder {
    /// `EYYYYMMDD`: era code (1 明治 … 5 令和) then the Gregorian date.
    pub fn birth_code(&self) -> String {
        let era = [
            (ymd(2019, 5, 1), '5'),
            (ymd(1989, 1, 8), '4'),
            (ymd(1926, 12, 25), '3'),
            (ymd(1912, 7, 30), '2'),
            (ymd(1868, 10, 23), '1'),
        ]
        .into_iter()
        .find(|(start, _)| self.birth >= *start)
        .map_or('0', |(_, code)| code);
        format!("{era}{}", self.birth.format("%Y%m%d"))
    }
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

/// One end-entity certificate to make.
#[derive(Debug, Clone)]
pub struct EndEntity {
    /// Which certificate.
    pub kind: CertKind,
    /// A seed that makes the serial number and the opaque subject id (same seed, same bytes).
    pub seed: String,
    /// Issue day (JST): notBefore is 00:00:00 JST of it.
    pub issued: NaiveDate,
    /// Expiry day (JST): notAfter is 23:59:59 JST of it (14:59:59Z).
    pub expires: NaiveDate,
    /// The holder (signing certificate only).
    pub holder: Option<Holder>,
}

fn err(what: &str) -> impl Fn(der::Error) -> SimError + '_ {
    move |e| SimError::Certificate(format!("{what}: {e}"))
}

fn oid(s: &str) -> Result<ObjectIdentifier, SimError> {
    ObjectIdentifier::new(s).map_err(|e| SimError::Certificate(format!("OID {s}: {e}")))
}

fn printable(s: &str) -> Result<Any, SimError> {
    Any::encode_from(&PrintableStringRef::new(s).map_err(err("printable string"))?)
        .map_err(err("printable string"))
}

fn utf8(s: &str) -> Result<Any, SimError> {
    Any::encode_from(&Utf8StringRef::new(s).map_err(err("UTF-8 string"))?)
        .map_err(err("UTF-8 string"))
}

/// A Name from (OID, value) pairs in encoding order (most general first).
fn name(parts: &[(&str, Any)]) -> Result<Name, SimError> {
    let rdns = parts
        .iter()
        .map(|(o, value)| {
            RelativeDistinguishedName::try_from(vec![AttributeTypeAndValue {
                oid: oid(o)?,
                value: value.clone(),
            }])
            .map_err(err("RDN"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(RdnSequence(rdns))
}

fn issuer_name(kind: CertKind) -> Result<Name, SimError> {
    name(&[
        (OID_C, printable("JP")?),
        (OID_O, printable("JPKI")?),
        (OID_OU, printable(kind.ou())?),
        (
            OID_OU,
            printable("Japan Agency for Local Authority Information Systems")?,
        ),
    ])
}

fn load_key(pem: &str) -> Result<RsaPrivateKey, SimError> {
    RsaPrivateKey::from_pkcs8_pem(pem).map_err(|e| SimError::Key(e.to_string()))
}

struct Keys {
    ca_auth: RsaPrivateKey,
    ca_sign: RsaPrivateKey,
    ee_auth: RsaPublicKey,
    ee_sign: RsaPublicKey,
}

fn keys() -> Result<&'static Keys, SimError> {
    static KEYS: OnceLock<Result<Keys, SimError>> = OnceLock::new();
    KEYS.get_or_init(|| {
        Ok(Keys {
            ca_auth: load_key(CertKind::UserAuthentication.ca_key_pem())?,
            ca_sign: load_key(CertKind::Signing.ca_key_pem())?,
            ee_auth: load_key(CertKind::UserAuthentication.ee_key_pem())?.to_public_key(),
            ee_sign: load_key(CertKind::Signing.ee_key_pem())?.to_public_key(),
        })
    })
    .as_ref()
    .map_err(Clone::clone)
}

fn ca_key(kind: CertKind) -> Result<&'static RsaPrivateKey, SimError> {
    let k = keys()?;
    Ok(match kind {
        CertKind::UserAuthentication => &k.ca_auth,
        CertKind::Signing => &k.ca_sign,
    })
}

fn spki(key: &RsaPublicKey) -> Result<SubjectPublicKeyInfoOwned, SimError> {
    SubjectPublicKeyInfoOwned::from_key(key.clone())
        .map_err(|e| SimError::Certificate(format!("public key: {e}")))
}

/// Key identifier: the first 20 bytes of the SHA-256 of the subjectPublicKey bits.
fn key_id(spki: &SubjectPublicKeyInfoOwned) -> Vec<u8> {
    let digest = Sha256::digest(spki.subject_public_key.raw_bytes());
    digest.iter().take(20).copied().collect()
}

/// Instant of `date` at `h:m:s` JST, as a UTCTime.
fn jst(date: NaiveDate, h: u32, m: u32, s: u32) -> Result<Time, SimError> {
    let time =
        NaiveTime::from_hms_opt(h, m, s).ok_or_else(|| SimError::Date(format!("{h}:{m}:{s}")))?;
    let unix = date.and_time(time).and_utc().timestamp() - 9 * 3600;
    let unix = u64::try_from(unix).map_err(|_| SimError::Date(date.to_string()))?;
    let utc = der::asn1::UtcTime::from_unix_duration(Duration::from_secs(unix))
        .map_err(|_| SimError::Date(format!("{date} does not fit a UTCTime")))?;
    Ok(Time::UtcTime(utc))
}

fn extension(
    id: &str,
    critical: bool,
    value: &impl Encode,
    what: &str,
) -> Result<Extension, SimError> {
    let bytes = value.to_der().map_err(err(what))?;
    Ok(Extension {
        extn_id: oid(id)?,
        critical,
        extn_value: OctetString::new(bytes).map_err(err(what))?,
    })
}

fn serial_from(seed: &str) -> Result<SerialNumber, SimError> {
    let digest = Sha256::digest(seed.as_bytes());
    let mut bytes: Vec<u8> = digest.iter().take(8).copied().collect();
    if let Some(first) = bytes.first_mut() {
        *first = (*first & 0x7F) | 0x01;
    }
    SerialNumber::new(&bytes).map_err(err("serial"))
}

fn sign_tbs(tbs: TbsCertificate, signer: &RsaPrivateKey) -> Result<Vec<u8>, SimError> {
    let tbs_der = tbs.to_der().map_err(err("TBS certificate"))?;
    let key = SigningKey::<Sha256>::new(signer.clone());
    let signature = key
        .try_sign(&tbs_der)
        .map_err(|e| SimError::Certificate(format!("signing: {e}")))?;
    let cert = Certificate {
        tbs_certificate: tbs,
        signature_algorithm: sha256_rsa()?,
        signature: BitString::from_bytes(&signature.to_bytes()).map_err(err("signature"))?,
    };
    cert.to_der().map_err(err("certificate"))
}

fn sha256_rsa() -> Result<AlgorithmIdentifierOwned, SimError> {
    Ok(AlgorithmIdentifierOwned {
        oid: oid(OID_SHA256_RSA)?,
        parameters: Some(Any::null()),
    })
}

fn issuer_alt_name() -> Result<IssuerAltName, SimError> {
    Ok(IssuerAltName(vec![GeneralName::DirectoryName(name(&[
        (OID_C, printable("JP")?),
        (OID_O, utf8("公的個人認証サービス")?),
    ])?)]))
}

/// The policy with a CPS pointer and a user notice saying the certificate is simulated.
fn policies(kind: CertKind) -> Result<CertificatePolicies, SimError> {
    let cps = Any::encode_from(
        &Ia5String::new(&format!("http://jpki-sim.invalid/cps/{}/", kind.tag()))
            .map_err(err("CPS"))?,
    )
    .map_err(err("CPS"))?;
    let notice = Any::encode_from(&UserNotice {
        notice_ref: None,
        explicit_text: Some(DisplayText::Utf8String(
            "この証明書は模擬カードのための試験用であり、効力を持ちません。".to_owned(),
        )),
    })
    .map_err(err("user notice"))?;
    Ok(CertificatePolicies(vec![PolicyInformation {
        policy_identifier: oid(kind.policy())?,
        policy_qualifiers: Some(vec![
            PolicyQualifierInfo {
                policy_qualifier_id: oid(OID_QT_CPS)?,
                qualifier: Some(cps),
            },
            PolicyQualifierInfo {
                policy_qualifier_id: oid(OID_QT_UNOTICE)?,
                qualifier: Some(notice),
            },
        ]),
    }]))
}

fn uri(s: &str) -> Result<GeneralName, SimError> {
    Ok(GeneralName::UniformResourceIdentifier(
        Ia5String::new(s).map_err(err("URI"))?,
    ))
}

/// The simulated CA certificate (self-signed root, J-LIS DN shape) of one hierarchy, built once
/// per process. It is what EF 000B / 0002 hold; add it to a trust store in tests.
pub fn ca_cert_der(kind: CertKind) -> Result<Vec<u8>, SimError> {
    static AUTH: OnceLock<Result<Vec<u8>, SimError>> = OnceLock::new();
    static SIGN: OnceLock<Result<Vec<u8>, SimError>> = OnceLock::new();
    let cell = match kind {
        CertKind::UserAuthentication => &AUTH,
        CertKind::Signing => &SIGN,
    };
    cell.get_or_init(|| build_ca(kind)).clone()
}

fn build_ca(kind: CertKind) -> Result<Vec<u8>, SimError> {
    let private = ca_key(kind)?;
    let public = spki(&private.to_public_key())?;
    let id = key_id(&public);
    let subject = issuer_name(kind)?;
    let extensions = vec![
        extension(
            "2.5.29.19",
            true,
            &BasicConstraints {
                ca: true,
                path_len_constraint: None,
            },
            "basic constraints",
        )?,
        extension(
            "2.5.29.15",
            true,
            &KeyUsage(KeyUsages::KeyCertSign | KeyUsages::CRLSign),
            "key usage",
        )?,
        extension(
            "2.5.29.14",
            false,
            &SubjectKeyIdentifier(OctetString::new(id).map_err(err("key id"))?),
            "subject key id",
        )?,
        extension("2.5.29.18", false, &issuer_alt_name()?, "issuer alt name")?,
    ];
    let tbs = TbsCertificate {
        version: Version::V3,
        serial_number: serial_from(&format!("sim-ca-{}", kind.tag()))?,
        signature: sha256_rsa()?,
        issuer: subject.clone(),
        validity: Validity {
            not_before: jst(ymd(2014, 1, 1), 0, 0, 0)?,
            not_after: jst(ymd(2049, 12, 30), 23, 59, 59)?,
        },
        subject,
        subject_public_key_info: public,
        issuer_unique_id: None,
        subject_unique_id: None,
        extensions: Some(extensions),
    };
    sign_tbs(tbs, private)
}

/// Makes one end-entity certificate signed by the simulated CA of its hierarchy.
pub fn end_entity(spec: &EndEntity) -> Result<Vec<u8>, SimError> {
    let kind = spec.kind;
    let k = keys()?;
    let public = spki(match kind {
        CertKind::UserAuthentication => &k.ee_auth,
        CertKind::Signing => &k.ee_sign,
    })?;
    let ca = ca_key(kind)?;
    let ca_spki = spki(&ca.to_public_key())?;
    let opaque: String = Sha256::digest(format!("{}/{}", spec.seed, kind.tag()).as_bytes())
        .iter()
        .take(12)
        .map(|b| format!("{b:02X}"))
        .collect();
    let subject = match kind {
        CertKind::UserAuthentication => {
            name(&[(OID_C, printable("JP")?), (OID_CN, printable(&opaque)?)])?
        }
        CertKind::Signing => name(&[
            (OID_C, printable("JP")?),
            (OID_L, printable("Tokyo-to")?),
            (OID_L, printable("Chiyoda-ku")?),
            (OID_CN, printable(&opaque)?),
        ])?,
    };
    let usage = match kind {
        CertKind::UserAuthentication => KeyUsage(KeyUsages::DigitalSignature.into()),
        CertKind::Signing => KeyUsage(KeyUsages::DigitalSignature | KeyUsages::NonRepudiation),
    };
    // Like the real ones: a directory name of the CRL partition and a URL.
    let crl_dir = name(&[
        (OID_C, printable("JP")?),
        (OID_O, printable("JPKI")?),
        (OID_OU, printable(kind.ou())?),
        (OID_OU, printable("CRL Distribution Points")?),
        (OID_OU, printable("Tokyo-to")?),
        (OID_CN, printable("Chiyoda-ku CRLDP (simulated)")?),
    ])?;
    let crl = CrlDistributionPoints(vec![DistributionPoint {
        distribution_point: Some(DistributionPointName::FullName(vec![
            GeneralName::DirectoryName(crl_dir),
            uri(&format!(
                "http://jpki-sim.invalid/crl/{}/simulated-card.crl",
                kind.tag()
            ))?,
        ])),
        reasons: None,
        crl_issuer: None,
    }]);
    let aia = AuthorityInfoAccessSyntax(vec![AccessDescription {
        access_method: oid(OID_AD_OCSP)?,
        access_location: uri(&format!("http://jpki-sim.invalid/ocsp/{}", kind.tag()))?,
    }]);
    let mut extensions = vec![
        extension("2.5.29.15", true, &usage, "key usage")?,
        extension("2.5.29.32", false, &policies(kind)?, "policies")?,
        extension("2.5.29.18", false, &issuer_alt_name()?, "issuer alt name")?,
        extension(
            "2.5.29.35",
            false,
            &AuthorityKeyIdentifier {
                key_identifier: Some(OctetString::new(key_id(&ca_spki)).map_err(err("aki"))?),
                authority_cert_issuer: None,
                authority_cert_serial_number: None,
            },
            "authority key id",
        )?,
        extension(
            "2.5.29.14",
            false,
            &SubjectKeyIdentifier(OctetString::new(key_id(&public)).map_err(err("ski"))?),
            "subject key id",
        )?,
        extension("2.5.29.31", false, &crl, "CRL distribution points")?,
        extension("1.3.6.1.5.5.7.1.1", false, &aia, "authority info access")?,
    ];
    if let Some(holder) = &spec.holder {
        let flags = |s: &str| "0".repeat(s.chars().count());
        let items = [
            (1, holder.name.clone()),
            (2, flags(&holder.name)),
            (3, holder.sex.to_string()),
            (4, holder.birth_code()),
            (5, holder.address.clone()),
            (6, flags(&holder.address)),
        ];
        let names = items
            .iter()
            .map(|(n, value)| {
                Ok(GeneralName::OtherName(OtherName {
                    type_id: oid(&format!("{PERSONAL_ARC}.{n}"))?,
                    value: utf8(value)?,
                }))
            })
            .collect::<Result<Vec<_>, SimError>>()?;
        extensions.push(extension(
            "2.5.29.17",
            false,
            &SubjectAltName(names),
            "subject alt name",
        )?);
    }
    let tbs = TbsCertificate {
        version: Version::V3,
        serial_number: serial_from(&format!("{}/{}", spec.seed, kind.tag()))?,
        signature: sha256_rsa()?,
        issuer: issuer_name(kind)?,
        validity: Validity {
            not_before: jst(spec.issued, 0, 0, 0)?,
            not_after: jst(spec.expires, 23, 59, 59)?,
        },
        subject,
        subject_public_key_info: public,
        issuer_unique_id: None,
        subject_unique_id: None,
        extensions: Some(extensions),
    };
    sign_tbs(tbs, ca)
}

/// `der` (a simulated end-entity certificate of `kind`) re-issued in the name of `root` (a CA
/// certificate, e.g. one of the J-LIS roots): its issuer and authority key identifier become the
/// root's while the simulated CA signs it. A forgery, for tests of the genuineness check.
pub fn forged_in_the_name_of(der: &[u8], root: &[u8], kind: CertKind) -> Result<Vec<u8>, SimError> {
    use der::Decode;
    let cert = Certificate::from_der(der).map_err(err("certificate"))?;
    let root = Certificate::from_der(root).map_err(err("root"))?;
    let ski_oid = oid("2.5.29.14")?;
    let ski = root
        .tbs_certificate
        .extensions
        .iter()
        .flatten()
        .find(|e| e.extn_id == ski_oid)
        .ok_or_else(|| SimError::Certificate("the root has no key identifier".to_owned()))?;
    let ski = SubjectKeyIdentifier::from_der(ski.extn_value.as_bytes()).map_err(err("ski"))?;
    let aki = AuthorityKeyIdentifier {
        key_identifier: Some(ski.0),
        authority_cert_issuer: None,
        authority_cert_serial_number: None,
    }
    .to_der()
    .map_err(err("aki"))?;
    let mut tbs = cert.tbs_certificate;
    tbs.issuer = root.tbs_certificate.subject;
    let aki_oid = oid("2.5.29.35")?;
    for extension in tbs.extensions.iter_mut().flatten() {
        if extension.extn_id == aki_oid {
            extension.extn_value = OctetString::new(aki.clone()).map_err(err("aki"))?;
        }
    }
    sign_tbs(tbs, ca_key(kind)?)
}

/// `der` (a simulated end-entity certificate of `kind`) re-issued at exactly `len` bytes, for
/// measurements on a certificate the size of another one: without its CRL distribution point,
/// authority information access and issuer alternative name, with a non-critical filler extension under the
/// documentation arc `1.3.6.1.4.1.32473` sized to fit, signed by the simulated CA again.
pub fn resized(der: &[u8], kind: CertKind, len: usize) -> Result<Vec<u8>, SimError> {
    use der::Decode;
    let cert = Certificate::from_der(der).map_err(err("certificate"))?;
    let dropped = [
        oid("2.5.29.31")?,
        oid("1.3.6.1.5.5.7.1.1")?,
        oid("2.5.29.18")?,
    ];
    let mut base = cert.tbs_certificate;
    if let Some(extensions) = base.extensions.as_mut() {
        extensions.retain(|e| !dropped.contains(&e.extn_id));
    }
    let with_filler = |filler: usize| -> Result<Vec<u8>, SimError> {
        let mut tbs = base.clone();
        let value = OctetString::new(vec![0u8; filler]).map_err(err("filler"))?;
        tbs.extensions.get_or_insert_with(Vec::new).push(Extension {
            extn_id: oid("1.3.6.1.4.1.32473.1")?,
            critical: false,
            extn_value: OctetString::new(value.to_der().map_err(err("filler"))?)
                .map_err(err("filler"))?,
        });
        sign_tbs(tbs, ca_key(kind)?)
    };
    let mut filler = 0;
    for _ in 0..8 {
        let made = with_filler(filler)?;
        match made.len().cmp(&len) {
            std::cmp::Ordering::Equal => return Ok(made),
            std::cmp::Ordering::Less => filler += len - made.len(),
            std::cmp::Ordering::Greater if filler > 0 => {
                filler = filler.saturating_sub(made.len() - len);
            }
            std::cmp::Ordering::Greater => {
                return Err(SimError::Certificate(format!(
                    "cannot make a {len}-byte certificate: {} at least",
                    made.len()
                )));
            }
        }
    }
    Err(SimError::Certificate(format!(
        "no {len}-byte certificate found"
    )))
}

/// The same certificate with one bit of its signature flipped: it still parses, and its
/// signature no longer checks.
pub fn tampered(der: &[u8]) -> Vec<u8> {
    let mut out = der.to_vec();
    if let Some(last) = out.last_mut() {
        *last ^= 0x01;
    }
    out
}

#[cfg(test)]
mod tests;
