use super::*;
use crate::sim::Scenario;

fn report(scenario: Scenario) -> CardReport {
    crate::sim::test_report(scenario)
}

#[test]
fn the_event_is_on_the_first_renewal_day_with_the_expiry_in_its_text() {
    let r = report(Scenario::Valid);
    let auth = r.auth.read().unwrap();
    for lang in Lang::ALL {
        let v = vevent(&r, lang).unwrap();
        let start = format!("DTSTART;VALUE=DATE:{}", auth.renewal_from.format("%Y%m%d"));
        assert!(
            v.starts_with("BEGIN:VEVENT\r\n") && v.ends_with("END:VEVENT\r\n"),
            "{v}"
        );
        assert!(v.contains(&start), "{v}");
        let end = auth.renewal_from.succ_opt().unwrap().format("%Y%m%d");
        assert!(v.contains(&format!("DTEND;VALUE=DATE:{end}")), "{v}");
        assert!(v.contains(&messages::date(auth.expiry, lang)), "{v}");
        // Nothing that names the holder or the certificate.
        assert!(
            !v.contains(&auth.serial) && !v.contains(&auth.subject),
            "{v}"
        );
    }
}

#[test]
fn text_is_escaped_as_rfc_5545_says() {
    assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
}

#[test]
fn no_certificate_no_reminder() {
    let mut r = report(Scenario::Valid);
    r.auth = crate::report::CertSlot::not_read(Some(false), crate::report::NotReadReason::Absent);
    assert_eq!(vevent(&r, Lang::Ja), Err(ReminderError::NoCertificate));
    assert!(png(&r, Lang::Ja, 4).is_err());
}

#[test]
fn the_png_is_the_code_with_its_quiet_zone() {
    let r = report(Scenario::Renewable);
    let code = code(&r, Lang::Ja).unwrap();
    let (side, cells) = modules(&code);
    assert_eq!(side, code.width() + 2 * QUIET_ZONE);
    // The quiet zone is light all round; the finder pattern's corner is dark.
    assert!(cells[..side * QUIET_ZONE].iter().all(|d| !d));
    assert!(cells[QUIET_ZONE * side + QUIET_ZONE]);
    let bytes = png(&r, Lang::Ja, 3).unwrap();
    let decoder = ::png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(
        (info.width as usize, info.height as usize),
        (side * 3, side * 3)
    );
    for (i, dark) in cells.iter().enumerate() {
        let (y, x) = (i / side * 3 + 1, i % side * 3 + 1);
        let px = buf[y * side * 3 + x];
        assert_eq!(px == 0, *dark, "module {i}");
    }
}
