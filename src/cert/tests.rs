//! Tests of the certificate layer: the real J-LIS roots, synthetic chains built with `x509-cert`,
//! and malformed input (property tests).

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::OnceLock;
use std::time::Duration;

use der::asn1::{Ia5String, OctetString, UtcTime, Utf8StringRef};
use der::{Any, Decode, Encode};
use proptest::prelude::*;
use rsa::RsaPrivateKey;
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::EncodePublicKey;
use rsa::rand_core::{CryptoRng, RngCore};
use rsa::signature::{SignatureEncoding, Signer};
use sha2::Sha256;
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::ext::pkix::certpolicy::PolicyInformation;
use x509_cert::ext::pkix::name::{GeneralName, OtherName};
use x509_cert::ext::pkix::{AuthorityKeyIdentifier, CertificatePolicies, SubjectAltName};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::SubjectPublicKeyInfoOwned;
use x509_cert::time::{Time, Validity};

use super::*;

/// The repository's copies of the J-LIS roots (public trust anchors, domain.md §3).
fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/jpki-ca")
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixtures().join(name)).unwrap()
}

const ROOTS: [(&str, CertRole, u8, &str, &str); 6] = [
    (
        "authca-gen1.der",
        CertRole::UserAuthentication,
        1,
        "01",
        "2025-10-19",
    ),
    (
        "authca-gen2.der",
        CertRole::UserAuthentication,
        2,
        "0133C349",
        "2029-09-14",
    ),
    (
        "authca-gen3.der",
        CertRole::UserAuthentication,
        3,
        "06D18006",
        "2033-07-15",
    ),
    ("signca-gen1.der", CertRole::Signing, 1, "01", "2025-10-19"),
    (
        "signca-gen2.der",
        CertRole::Signing,
        2,
        "0132C4AB",
        "2029-09-14",
    ),
    (
        "signca-gen3.der",
        CertRole::Signing,
        3,
        "067C6A21",
        "2033-07-15",
    ),
];

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn real_roots_parse_verify_and_match_the_table() {
    let store = TrustStore::jlis();
    for (file, role, generation, serial, expiry) in ROOTS {
        let der = fixture(file);
        let ca = parse(&der).unwrap();
        assert_eq!(ca.role(), Some(role), "{file}");
        assert_eq!(ca.serial(), serial, "{file}");
        assert_eq!(ca.expiry_date(), date(expiry), "{file}");
        assert_eq!(ca.not_after().offset().local_minus_utc(), 9 * 3600);
        assert_eq!(ca.not_after().format("%H:%M:%S").to_string(), "23:59:59");
        assert!(
            ca.is_ca() && ca.key_usage().unwrap().key_cert_sign,
            "{file}"
        );
        assert!(verify_signed_by(&ca, &ca), "{file} self-signature");
        let root = store.root_of(&der).unwrap();
        assert_eq!((root.role, root.generation), (role, generation), "{file}");
        assert_eq!(store.check(&ca, &der), Genuineness::Verified, "{file}");
        let ou = match role {
            CertRole::UserAuthentication => OU_USER_AUTHENTICATION,
            CertRole::Signing => OU_SIGNING,
        };
        assert_eq!(
            ca.issuer(),
            format!("OU=Japan Agency for Local Authority Information Systems,OU={ou},O=JPKI,C=JP")
        );
        assert_eq!(ca.subject(), ca.issuer());
        assert_eq!(ca.signature_algorithm(), "1.2.840.113549.1.1.11");
        assert!(ca.subject_key_id().is_some());
        assert_eq!(parse(ca.der()).unwrap(), ca);
    }
}

#[test]
fn tampered_root_signature_fails() {
    let der = fixture("signca-gen3.der");
    let mut bad = der.clone();
    let last = bad.len() - 1;
    bad[last] ^= 0x01;
    let tampered = parse(&bad).unwrap();
    let store = TrustStore::jlis();
    assert_eq!(store.check(&tampered, &der), Genuineness::Failed);
    assert!(!verify_signed_by(&tampered, &parse(&der).unwrap()));
    // Signed by the other hierarchy's root: the names differ and the key too.
    let auth = fixture("authca-gen3.der");
    assert_eq!(
        store.check(&parse(&der).unwrap(), &auth),
        Genuineness::Failed
    );
    assert_eq!(store.check(&tampered, b"\x30\x00"), Genuineness::NotChecked);
}

#[test]
fn framing_errors_are_typed() {
    let der = fixture("authca-gen1.der");
    assert_eq!(parse(&[]), Err(CertError::Empty));
    assert!(matches!(
        parse(&der[..der.len() - 1]),
        Err(CertError::Truncated { .. })
    ));
    assert!(matches!(parse(&der[..1]), Err(CertError::Truncated { .. })));
    let mut long = der.clone();
    long.extend_from_slice(&[0xFF; 3]);
    assert_eq!(parse(&long), Err(CertError::TrailingData(3)));
    assert!(matches!(
        parse(&[0x04, 0x00]),
        Err(CertError::NotACertificate(_))
    ));
    assert!(matches!(
        parse(&[0x30, 0x89, 1]),
        Err(CertError::NotACertificate(_))
    ));
    assert!(matches!(parse(&[0x30, 0x00]), Err(CertError::Malformed(_))));
    // Wrong inner tag: the TBS SEQUENCE turned into a SET.
    let mut wrong = der.clone();
    wrong[4] = 0x31;
    assert!(matches!(parse(&wrong), Err(CertError::Malformed(_))));
}

/// A deterministic generator for test keys (no OS randomness needed, reproducible).
struct TestRng(u64);

impl RngCore for TestRng {
    fn next_u32(&mut self) -> u32 {
        self.next_u64() as u32
    }
    fn next_u64(&mut self) -> u64 {
        // splitmix64
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for chunk in dest.chunks_mut(8) {
            let v = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rsa::rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}
impl CryptoRng for TestRng {}

fn key(seed: u64) -> &'static RsaPrivateKey {
    static KEYS: OnceLock<[RsaPrivateKey; 2]> = OnceLock::new();
    let keys =
        KEYS.get_or_init(|| [1u64, 2].map(|s| RsaPrivateKey::new(&mut TestRng(s), 1024).unwrap()));
    &keys[seed as usize % 2]
}

fn utc(secs: u64) -> Time {
    Time::UtcTime(UtcTime::from_unix_duration(Duration::from_secs(secs)).unwrap())
}

fn spki(key: &RsaPrivateKey) -> SubjectPublicKeyInfoOwned {
    let der = key.to_public_key().to_public_key_der().unwrap();
    SubjectPublicKeyInfoOwned::from_der(der.as_bytes()).unwrap()
}

const CA_NAME: &str = "OU=Test Agency,OU=JPKI for digital signature,O=JPKI-TEST,C=JP";

/// Re-signs `der` with key `seed` after `mutate` changed its TBS (forgeries the builder would
/// not make).
fn resign(der: &[u8], seed: u64, mutate: impl FnOnce(&mut x509_cert::TbsCertificate)) -> Vec<u8> {
    let mut cert = x509_cert::Certificate::from_der(der).unwrap();
    mutate(&mut cert.tbs_certificate);
    let tbs = cert.tbs_certificate.to_der().unwrap();
    let signature = SigningKey::<Sha256>::new(key(seed).clone()).sign(&tbs);
    cert.signature = der::asn1::BitString::from_bytes(&signature.to_bytes()).unwrap();
    cert.to_der().unwrap()
}

/// Replaces the value of extension `oid` (dotted) with the DER `value`.
fn set_extension(tbs: &mut x509_cert::TbsCertificate, oid: &str, value: Vec<u8>) {
    let oid = der::asn1::ObjectIdentifier::new(oid).unwrap();
    let ext = tbs
        .extensions
        .as_mut()
        .unwrap()
        .iter_mut()
        .find(|e| e.extn_id == oid)
        .unwrap();
    ext.extn_value = OctetString::new(value).unwrap();
}

/// A self-signed CA from key `seed`.
fn make_ca(seed: u64) -> Vec<u8> {
    let k = key(seed);
    let signer = SigningKey::<Sha256>::new(k.clone());
    let validity = Validity {
        not_before: utc(1_600_000_000),
        not_after: utc(1_900_000_000),
    };
    CertificateBuilder::new(
        Profile::Root,
        SerialNumber::from(7u32),
        validity,
        Name::from_str(CA_NAME).unwrap(),
        spki(k),
        &signer,
    )
    .unwrap()
    .build::<rsa::pkcs1v15::Signature>()
    .unwrap()
    .to_der()
    .unwrap()
}

/// A self-signed CA from key `seed` claiming the subject key identifier `ski`.
fn make_ca_with_ski(seed: u64, ski: &[u8]) -> Vec<u8> {
    let value = OctetString::new(ski).unwrap().to_der().unwrap();
    resign(&make_ca(seed), seed, |tbs| {
        set_extension(tbs, "2.5.29.14", value)
    })
}

fn other_name(item: u8, text: &str) -> GeneralName {
    GeneralName::OtherName(OtherName {
        type_id: der::asn1::ObjectIdentifier::new(&format!("1.2.392.200149.8.5.5.{item}")).unwrap(),
        value: Any::encode_from(&Utf8StringRef::new(text).unwrap()).unwrap(),
    })
}

/// A signing end-entity certificate valid until `not_after` (unix seconds), issued in the name
/// of the CA built from key `ca_seed` (its key identifier included) and signed with key
/// `signer_seed`.
fn make_ee(ca_seed: u64, signer_seed: u64, not_after: u64) -> Vec<u8> {
    let ca = parse(&make_ca(ca_seed)).unwrap();
    let signer = SigningKey::<Sha256>::new(key(signer_seed).clone());
    let validity = Validity {
        not_before: utc(1_700_000_000),
        not_after: utc(not_after),
    };
    // The leaf profile adds keyUsage digitalSignature + nonRepudiation (the signing profile),
    // and key identifiers derived from the keys.
    let mut builder = CertificateBuilder::new(
        Profile::Leaf {
            issuer: Name::from_str(CA_NAME).unwrap(),
            enable_key_agreement: false,
            enable_key_encipherment: false,
        },
        SerialNumber::new(&[0x00, 0x9A, 0xBC]).unwrap(),
        validity,
        Name::from_str("CN=TESTID0001,L=Chiyoda-ku,L=Tokyo,C=JP").unwrap(),
        spki(key(1)),
        &signer,
    )
    .unwrap();
    builder
        .add_extension(&CertificatePolicies(vec![PolicyInformation {
            policy_identifier: der::asn1::ObjectIdentifier::new(POLICY_SIGNING).unwrap(),
            policy_qualifiers: None,
        }]))
        .unwrap();
    builder
        .add_extension(&SubjectAltName(vec![
            other_name(1, "試験　花子"),
            other_name(3, "2"),
            other_name(4, "420010203"),
            other_name(5, "東京都千代田区"),
            GeneralName::Rfc822Name(Ia5String::new("x@example.jp").unwrap()),
        ]))
        .unwrap();
    let der = builder
        .build::<rsa::pkcs1v15::Signature>()
        .unwrap()
        .to_der()
        .unwrap();
    if ca_seed == signer_seed {
        return der;
    }
    // A forgery: claim the CA's key identifier although another key signs.
    let aki = AuthorityKeyIdentifier {
        key_identifier: Some(OctetString::new(ca.subject_key_id().unwrap()).unwrap()),
        authority_cert_issuer: None,
        authority_cert_serial_number: None,
    }
    .to_der()
    .unwrap();
    resign(&der, signer_seed, |tbs| {
        set_extension(tbs, "2.5.29.35", aki)
    })
}

// 2031-06-15 14:59:59Z = 2031-06-15 23:59:59 JST.
const LAST_SECOND: u64 = 1_939_301_999;

#[test]
fn synthetic_chain_unknown_root_then_verified_then_cached() {
    let ca_der = make_ca(0);
    let ee = parse(&make_ee(0, 0, LAST_SECOND)).unwrap();
    assert_eq!(ee.role(), Some(CertRole::Signing));
    assert_eq!(ee.serial(), "9ABC");
    assert_eq!(ee.subject(), "CN=TESTID0001,L=Chiyoda-ku,L=Tokyo,C=JP");
    assert_eq!(ee.policies(), [POLICY_SIGNING.to_string()]);
    assert!(ee.key_usage().unwrap().non_repudiation);

    let jlis = TrustStore::jlis();
    assert_eq!(jlis.check(&ee, &ca_der), Genuineness::UnknownRoot);

    let store = TrustStore::jlis().with_root_der("test CA", CertRole::Signing, &ca_der);
    assert_eq!(store.cached_ca_for(&ee).map(|c| c.genuineness()), None);
    assert_eq!(store.check_cached(&ee), None);
    assert_eq!(store.check(&ee, &ca_der), Genuineness::Verified);
    // The next card from the same CA: no CA certificate needed.
    let next = parse(&make_ee(0, 0, LAST_SECOND + 1)).unwrap();
    assert_eq!(store.check_cached(&next), Some(Genuineness::Verified));
    let cached = store.cached_ca_for(&next).unwrap();
    assert_eq!(cached.key_id(), next.authority_key_id());
    assert_eq!(cached.root().unwrap().name, "test CA");

    // Signed by another key in the CA's name: fails, and the cache does not vouch for it.
    let forged = parse(&make_ee(0, 1, LAST_SECOND)).unwrap();
    assert_eq!(store.check(&forged, &ca_der), Genuineness::Failed);
    assert_eq!(store.check_cached(&forged), None);

    // Flip one signature byte: fails.
    let mut bad = ee.der().to_vec();
    let last = bad.len() - 1;
    bad[last] ^= 0x80;
    assert_eq!(
        store.check(&parse(&bad).unwrap(), &ca_der),
        Genuineness::Failed
    );
}

#[test]
fn forged_ca_with_same_key_id_does_not_replace_verified_one() {
    let genuine = make_ca(0);
    let store = TrustStore::jlis().with_root_der("test CA", CertRole::Signing, &genuine);
    assert_eq!(
        store.remember(&genuine).unwrap().genuineness(),
        Genuineness::Verified
    );
    // Same name and key identifier, another key.
    let ski = parse(&genuine).unwrap().subject_key_id().unwrap().to_vec();
    let forged = make_ca_with_ski(1, &ski);
    assert_eq!(
        store.remember(&forged).unwrap().genuineness(),
        Genuineness::UnknownRoot
    );
    let ee = parse(&make_ee(0, 0, LAST_SECOND)).unwrap();
    assert_eq!(store.check_cached(&ee), Some(Genuineness::Verified));
    // A card signed with the forged key: the cache does not vouch, its own CA says unknown root.
    let forged_ee = parse(&make_ee(0, 1, LAST_SECOND)).unwrap();
    assert_eq!(store.check_cached(&forged_ee), None);
    assert_eq!(store.check(&forged_ee, &forged), Genuineness::UnknownRoot);
    // And the genuine entry is still there.
    assert_eq!(store.check_cached(&ee), Some(Genuineness::Verified));
}

#[test]
fn expiry_is_the_jst_date_of_not_after() {
    let before = parse(&make_ee(0, 0, LAST_SECOND)).unwrap();
    assert_eq!(before.expiry_date(), date("2031-06-15"));
    assert_eq!(before.not_after().to_rfc3339(), "2031-06-15T23:59:59+09:00");
    let after = parse(&make_ee(0, 0, LAST_SECOND + 1)).unwrap();
    assert_eq!(after.expiry_date(), date("2031-06-16"));
    assert_eq!(before.not_before_date(), date("2023-11-15"));
}

#[test]
fn absurd_validity_is_rejected() {
    // notAfter before notBefore (1_700_000_000).
    let der = make_ee(0, 0, 1_600_000_000);
    assert!(matches!(parse(&der), Err(CertError::AbsurdValidity(_))));
}

#[test]
fn personal_data_from_the_signing_certificate() {
    let ee = parse(&make_ee(0, 0, LAST_SECOND)).unwrap();
    let data = ee.personal_data().unwrap();
    assert_eq!(data.name.as_deref(), Some("試験　花子"));
    assert_eq!(data.sex, Some(Sex::Female));
    let birth = data.birth.unwrap();
    assert_eq!(
        (birth.era, birth.date),
        (Era::Heisei, Some(date("2001-02-03")))
    );
    assert_eq!(data.address.as_deref(), Some("東京都千代田区"));
    assert_eq!(data.name_flags, None);
    assert_eq!(format!("{data:?}"), "PersonalData { REDACTED }");
    assert!(!format!("{ee:?}").contains("試験"));
    // The roots carry none.
    assert!(
        parse(&fixture("signca-gen3.der"))
            .unwrap()
            .personal_data()
            .is_none()
    );
}

#[test]
fn role_from_profile_table() {
    let ku = |nr| {
        Some(KeyUsage {
            digital_signature: true,
            non_repudiation: nr,
            ..KeyUsage::default()
        })
    };
    let auth = vec![POLICY_USER_AUTHENTICATION.to_string()];
    let sign = vec![POLICY_SIGNING.to_string()];
    let test = vec![format!("{POLICY_TEST_PREFIX}1")];
    let ou_a = [OU_USER_AUTHENTICATION];
    let ou_s = [OU_SIGNING];
    use CertRole::*;
    type Row<'a> = (
        &'a [String],
        &'a [&'a str],
        Option<KeyUsage>,
        Option<CertRole>,
    );
    let table: [Row; 8] = [
        (&auth, &ou_a, ku(false), Some(UserAuthentication)),
        (&sign, &ou_s, ku(true), Some(Signing)),
        (&sign, &[], None, Some(Signing)),
        (&[], &ou_a, ku(false), Some(UserAuthentication)),
        (&auth, &ou_s, ku(false), None),
        (&[], &ou_a, ku(true), None),
        (&test, &[], ku(true), Some(Signing)),
        (&[], &[], ku(true), None),
    ];
    for (i, (policies, ous, usage, want)) in table.into_iter().enumerate() {
        assert_eq!(role_from_profile(policies, ous, usage), want, "row {i}");
    }
}

#[test]
fn rfc4514_escaping() {
    assert_eq!(escape_4514("a,b+c"), "a\\,b\\+c");
    assert_eq!(escape_4514("#x "), "\\#x\\ ");
    assert_eq!(escape_4514(" a"), "\\ a");
    assert_eq!(escape_4514("東京"), "東京");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = parse(&bytes);
    }

    #[test]
    fn mutated_real_certificates_never_panic(
        index in 0usize..5,
        cut in 0usize..2000,
        flips in proptest::collection::vec((0usize..2000, any::<u8>()), 0..8),
    ) {
        static DERS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
        let ders = DERS.get_or_init(|| ROOTS.iter().map(|r| fixture(r.0)).collect());
        let mut der = ders[index].clone();
        for (at, x) in flips {
            let len = der.len();
            der[at % len] ^= x;
        }
        let store = TrustStore::jlis();
        if let Ok(cert) = parse(&der) {
            let _ = cert.personal_data();
            let _ = store.check(&cert, &ders[index]);
        }
        let truncated = &der[..cut.min(der.len())];
        if cut < ders[index].len() {
            prop_assert!(parse(truncated).is_err());
        }
    }
}

#[test]
fn the_compiled_in_roots_are_the_files_and_the_fingerprints_of_domain_md() {
    let files = [
        "authca-gen1.der",
        "authca-gen2.der",
        "authca-gen3.der",
        "signca-gen1.der",
        "signca-gen2.der",
        "signca-gen3.der",
    ];
    for ((der, file), (role, generation, hex)) in JLIS_ROOT_DER.iter().zip(files).zip(JLIS_ROOTS) {
        assert_eq!(*der, fixture(file).as_slice(), "{file}");
        let fingerprint: String = sha256_fingerprint(der)
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect();
        assert_eq!(fingerprint, hex, "{file}");
        assert_eq!(
            parse(der).unwrap().role(),
            Some(role),
            "{file} gen {generation}"
        );
    }
}

/// A certificate made to look issued by `root`: its issuer name and authority key identifier,
/// signed with another key.
fn forged_under(root: &Certificate) -> Vec<u8> {
    let ski = root.subject_key_id().unwrap().to_vec();
    let aki = AuthorityKeyIdentifier {
        key_identifier: Some(OctetString::new(ski).unwrap()),
        authority_cert_issuer: None,
        authority_cert_serial_number: None,
    }
    .to_der()
    .unwrap();
    let issuer = Name::from_der(root.subject_der()).unwrap();
    resign(&make_ee(0, 0, LAST_SECOND), 2, |tbs| {
        tbs.issuer = issuer;
        set_extension(tbs, "2.5.29.35", aki);
    })
}

#[test]
fn naming_a_jlis_root_without_its_signature_is_failed_from_the_key_alone() {
    let store = TrustStore::jlis();
    for der in JLIS_ROOT_DER {
        let root = parse(der).unwrap();
        let ee = parse(&forged_under(&root)).unwrap();
        assert_eq!(ee.issuer_der(), root.subject_der());
        // Settled by the compiled-in key: no CA certificate is needed from the card.
        assert_eq!(store.check_cached(&ee), Some(Genuineness::Failed));
        // A look-alike CA with the same key identifier does not replace the root's key.
        let look_alike = make_ca_with_ski(2, root.subject_key_id().unwrap());
        assert_eq!(
            store.remember(&look_alike).unwrap().genuineness(),
            Genuineness::UnknownRoot
        );
        assert_eq!(store.check_cached(&ee), Some(Genuineness::Failed));
    }
}

#[test]
fn an_anchored_root_verifies_by_key_and_the_simulated_one_says_so() {
    let ca = make_ca(0);
    let ee = parse(&make_ee(0, 0, LAST_SECOND)).unwrap();
    let store = TrustStore::jlis()
        .with_anchor_der("test root", CertRole::Signing, &ca, false)
        .unwrap();
    assert_eq!(store.check_cached(&ee), Some(Genuineness::Verified));
    let simulated = TrustStore::jlis()
        .with_anchor_der("simulated root", CertRole::Signing, &ca, true)
        .unwrap();
    assert_eq!(
        simulated.check_cached(&ee),
        Some(Genuineness::VerifiedSimulated)
    );
    // Signed by another key under the anchor's name and key identifier: failed.
    let other = parse(&make_ee(0, 1, LAST_SECOND)).unwrap();
    assert_eq!(store.check_cached(&other), Some(Genuineness::Failed));
    // Without the anchor, the same certificate needs the card's CA (nothing cached).
    assert_eq!(TrustStore::jlis().check_cached(&ee), None);
    // Only a self-signed certificate can be an anchor.
    assert!(
        TrustStore::jlis()
            .with_anchor_der(
                "not a root",
                CertRole::Signing,
                &make_ee(0, 0, LAST_SECOND),
                false
            )
            .is_err()
    );
}
