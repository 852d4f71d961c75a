use super::*;
use crate::sim::Scenario;

fn report(scenario: Scenario) -> CardReport {
    crate::sim::test_report(scenario)
}

#[test]
fn one_small_pdf_in_each_language() {
    for scenario in [Scenario::Valid, Scenario::Expired, Scenario::Smartphone] {
        for lang in Lang::ALL {
            let bytes = pdf(&report(scenario), lang, false).unwrap();
            assert!(bytes.starts_with(b"%PDF-"), "{scenario}");
            // The font is subset: far below the 4.6 MB of the whole face.
            assert!(
                bytes.len() < 300_000,
                "{scenario} {lang:?}: {} bytes",
                bytes.len()
            );
        }
    }
}

#[test]
fn no_certificate_no_slip() {
    let mut r = report(Scenario::Valid);
    r.auth = crate::report::CertSlot::not_read(Some(false), crate::report::NotReadReason::Absent);
    assert_eq!(pdf(&r, Lang::Ja, false), Err(SlipError::NoCertificate));
}

#[test]
fn lines_wrap_inside_the_width_and_not_before_closing_punctuation() {
    let face = Face::load(REGULAR).unwrap();
    let ja = "署名用電子証明書（e-Tax などの電子申請）の期限は、署名用パスワードを入力すると確認できます。";
    let lines = face.wrap(ja, 11.5, 200.0);
    assert!(lines.len() > 1);
    assert_eq!(lines.concat(), ja);
    for l in &lines {
        assert!(face.width(l, 11.5) <= 200.0 + 0.01, "{l}");
        assert!(!l.starts_with(['。', '、', '）']), "{l}");
    }
    let en = "Renewal possible from 9 Sep 2029 (after expiry, a new one can still be issued at the office)";
    let lines = face.wrap(en, 11.5, 200.0);
    assert!(lines.len() > 1);
    assert_eq!(lines.join(" "), en);
    assert!(
        lines
            .iter()
            .all(|l| !l.starts_with(' ') && !l.ends_with(' '))
    );
}
