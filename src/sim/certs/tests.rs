use super::*;
use crate::cert::{self, CertRole, Genuineness, Sex, TrustStore};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn holder() -> Holder {
    Holder {
        name: "公的　花子".to_owned(),
        sex: '2',
        birth: d(1988, 6, 15),
        address: "東京都千代田区模擬町一丁目二番三号".to_owned(),
    }
}

fn spec(kind: CertKind) -> EndEntity {
    EndEntity {
        kind,
        seed: "unit".to_owned(),
        issued: d(2025, 1, 17),
        expires: d(2029, 12, 8),
        holder: (kind == CertKind::Signing).then(holder),
    }
}

fn store() -> TrustStore {
    crate::sim::with_simulated_roots(TrustStore::jlis()).unwrap()
}

#[test]
fn user_authentication_certificate_is_jpki_shaped() {
    let der = end_entity(&spec(CertKind::UserAuthentication)).unwrap();
    assert!((1300..=1700).contains(&der.len()), "{} bytes", der.len());
    let c = cert::parse(&der).unwrap();
    assert_eq!(c.role(), Some(CertRole::UserAuthentication));
    assert_eq!(
        c.issuer(),
        "OU=Japan Agency for Local Authority Information Systems,OU=JPKI for user authentication,O=JPKI,C=JP"
    );
    assert!(c.subject().starts_with("CN="), "{}", c.subject());
    assert!(c.subject().ends_with(",C=JP"));
    assert_eq!(c.expiry_date(), d(2029, 12, 8));
    assert_eq!(
        c.not_after().to_utc().to_rfc3339(),
        "2029-12-08T14:59:59+00:00"
    );
    assert_eq!(c.not_before_date(), d(2025, 1, 17));
    assert_eq!(
        c.not_before().to_utc().to_rfc3339(),
        "2025-01-16T15:00:00+00:00"
    );
    let ku = c.key_usage().unwrap();
    assert!(ku.digital_signature && !ku.non_repudiation && !ku.key_cert_sign);
    assert_eq!(c.policies(), ["1.2.392.200149.8.5.1.3.30"]);
    assert!(c.subject_key_id().is_some());
    assert!(c.authority_key_id().is_some());
    assert!(!c.is_ca());
    assert_eq!(c.signature_algorithm(), "1.2.840.113549.1.1.11");
    assert!(c.personal_data().is_none());
}

#[test]
fn signing_certificate_carries_the_holder() {
    let der = end_entity(&spec(CertKind::Signing)).unwrap();
    let c = cert::parse(&der).unwrap();
    assert_eq!(c.role(), Some(CertRole::Signing));
    assert!(c.issuer().contains("OU=JPKI for digital signature"));
    assert!(
        c.subject().ends_with(",L=Chiyoda-ku,L=Tokyo-to,C=JP"),
        "{}",
        c.subject()
    );
    let ku = c.key_usage().unwrap();
    assert!(ku.digital_signature && ku.non_repudiation);
    assert_eq!(c.policies(), ["1.2.392.200149.8.5.1.1.20"]);
    let p = c.personal_data().unwrap();
    assert_eq!(p.name.as_deref(), Some("公的　花子"));
    assert_eq!(p.name_flags.as_deref(), Some("00000"));
    assert_eq!(p.sex, Some(Sex::Female));
    let birth = p.birth.unwrap();
    assert_eq!(birth.era, cert::Era::Showa);
    assert_eq!(birth.date, Some(d(1988, 6, 15)));
    assert_eq!(
        p.address.as_deref(),
        Some("東京都千代田区模擬町一丁目二番三号")
    );
    assert_eq!(p.address_flags.as_deref(), Some("0".repeat(17).as_str()));
}

#[test]
fn birth_codes_follow_the_eras() {
    let mut h = holder();
    for (date, code) in [
        (d(1989, 1, 7), "319890107"),
        (d(1989, 1, 8), "419890108"),
        (d(2019, 4, 30), "420190430"),
        (d(2019, 5, 1), "520190501"),
        (d(1920, 2, 3), "219200203"),
    ] {
        h.birth = date;
        assert_eq!(h.birth_code(), code);
    }
    assert_eq!(format!("{h:?}"), "Holder { REDACTED }");
}

#[test]
fn simulated_ca_verifies_and_a_tampered_certificate_fails() {
    let trust = store();
    for kind in [CertKind::UserAuthentication, CertKind::Signing] {
        let ca = ca_cert_der(kind).unwrap();
        let ca_parsed = cert::parse(&ca).unwrap();
        assert!(ca_parsed.is_ca());
        assert_eq!(ca_parsed.issuer(), ca_parsed.subject());
        let ee = cert::parse(&end_entity(&spec(kind)).unwrap()).unwrap();
        assert_eq!(ee.authority_key_id(), ca_parsed.subject_key_id());
        assert_eq!(trust.check(&ee, &ca), Genuineness::VerifiedSimulated);
        let bad = cert::parse(&tampered(ee.der())).unwrap();
        assert_eq!(trust.check(&bad, &ca), Genuineness::Failed);
        // Without the simulated root the chain checks but the root is unknown.
        assert_eq!(TrustStore::jlis().check(&ee, &ca), Genuineness::UnknownRoot);
    }
    // The other hierarchy's CA does not verify it.
    let ee = cert::parse(&end_entity(&spec(CertKind::Signing)).unwrap()).unwrap();
    let other = ca_cert_der(CertKind::UserAuthentication).unwrap();
    assert_eq!(trust.check(&ee, &other), Genuineness::Failed);
}

#[test]
fn same_inputs_same_bytes() {
    let a = end_entity(&spec(CertKind::UserAuthentication)).unwrap();
    let b = end_entity(&spec(CertKind::UserAuthentication)).unwrap();
    assert_eq!(a, b);
    let mut other = spec(CertKind::UserAuthentication);
    other.seed = "another".to_owned();
    assert_ne!(a, end_entity(&other).unwrap());
}

/// The simulated roots the product compiles in (`assets/sim/ca-*.der`) are the ones this module
/// makes. `MYNA_KIGEN_BLESS=1` rewrites them after a deliberate change of the simulated CA.
#[test]
fn compiled_in_simulated_roots_are_the_simulated_cas() {
    for (kind, file) in [
        (CertKind::UserAuthentication, "ca-auth.der"),
        (CertKind::Signing, "ca-sign.der"),
    ] {
        let made = ca_cert_der(kind).unwrap();
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("assets/sim")
            .join(file);
        if std::env::var_os("MYNA_KIGEN_BLESS").is_some() {
            std::fs::write(&path, &made).unwrap();
        }
        let role = match kind {
            CertKind::UserAuthentication => CertRole::UserAuthentication,
            CertKind::Signing => CertRole::Signing,
        };
        let compiled = cert::SIMULATED_ROOT_DER
            .iter()
            .find(|(r, _, _)| *r == role)
            .map(|(_, _, der)| *der)
            .unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), made, "{file}");
        assert_eq!(compiled, made.as_slice(), "{file}: rebuild after blessing");
    }
}

#[test]
fn a_certificate_resized_to_the_bars_1176_bytes_still_verifies() {
    let der = end_entity(&spec(CertKind::UserAuthentication)).unwrap();
    for len in [1176, 1300] {
        let resized = resized(&der, CertKind::UserAuthentication, len).unwrap();
        assert_eq!(resized.len(), len);
        let c = cert::parse(&resized).unwrap();
        assert_eq!(c.role(), Some(CertRole::UserAuthentication));
        assert_eq!(c.expiry_date(), d(2029, 12, 8));
        assert_eq!(
            store().check(&c, &ca_cert_der(CertKind::UserAuthentication).unwrap()),
            Genuineness::VerifiedSimulated
        );
    }
}
