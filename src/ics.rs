//! The `--ics` calendar: all-day events for each certificate's renewal window, its expiry and
//! the マイナ保険証 grace end (RFC 5545, written with the `icalendar` crate).

use icalendar::{Calendar, Component, Event, EventLike};

use crate::report::{CardReport, CertReport, CertSlot, Lang};

/// One all-day event of the calendar, before it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayEvent {
    /// Stable identifier (certificate serial and what the day is).
    pub uid: String,
    /// The day, JST.
    pub date: chrono::NaiveDate,
    /// The title.
    pub summary: String,
    /// What to do that day.
    pub description: String,
}

/// The events for one report: per certificate read, the renewal window's first day, the last
/// valid day, and (user-authentication only) the last day of the health-insurance grace.
pub fn events(report: &CardReport, lang: Lang) -> Vec<DayEvent> {
    let mut out = Vec::new();
    for (slot, auth) in [(&report.auth, true), (&report.sign, false)] {
        if let CertSlot::Read(cert) = slot {
            push_cert_events(&mut out, cert, auth, lang);
        }
    }
    out
}

fn push_cert_events(out: &mut Vec<DayEvent>, cert: &CertReport, auth: bool, lang: Lang) {
    let (which_ja, which_en, tag) = if auth {
        (
            "利用者証明用電子証明書",
            "user-authentication certificate",
            "auth",
        )
    } else {
        ("署名用電子証明書", "signing certificate", "sign")
    };
    let uid = |what: &str| format!("myna-kigen-{tag}-{}-{what}", cert.serial);
    let expiry = cert.expiry.format("%Y-%m-%d");
    let (s1, d1, s2, d2) = match lang {
        Lang::Ja => (
            format!("{which_ja}の更新受付開始"),
            format!(
                "マイナンバーカードの{which_ja}は今日から更新できます (有効期限 {expiry})。市区町村の窓口で無料で手続きできます。"
            ),
            format!("{which_ja}の有効期限"),
            format!(
                "{which_ja}は今日の23時59分59秒 (日本時間) で期限が切れます。更新は市区町村の窓口で無料です。"
            ),
        ),
        Lang::En => (
            format!("My Number Card {which_en}: renewal opens"),
            format!(
                "The {which_en} on your My Number Card can be renewed from today (it expires on {expiry}). Renewal is free at your municipal office."
            ),
            format!("My Number Card {which_en} expires"),
            format!(
                "The {which_en} expires today at 23:59:59 JST. Renewal is free at your municipal office."
            ),
        ),
    };
    out.push(DayEvent {
        uid: uid("renewal"),
        date: cert.renewal_from,
        summary: s1,
        description: d1,
    });
    out.push(DayEvent {
        uid: uid("expiry"),
        date: cert.expiry,
        summary: s2,
        description: d2,
    });
    if let Some(grace) = cert.insurance_grace_until {
        let (s, d) = match lang {
            Lang::Ja => (
                "マイナ保険証として使える最終日".to_owned(),
                "利用者証明用電子証明書の期限切れ後も、今日まではマイナンバーカードを健康保険証として使えます。".to_owned(),
            ),
            Lang::En => (
                "Last day as a health-insurance card".to_owned(),
                "After the user-authentication certificate expired, the card still works as a health-insurance card until today.".to_owned(),
            ),
        };
        out.push(DayEvent {
            uid: uid("insurance-grace"),
            date: grace,
            summary: s,
            description: d,
        });
    }
}

/// The calendar file's text (RFC 5545).
pub fn calendar(report: &CardReport, lang: Lang) -> String {
    let mut cal = Calendar::new();
    cal.name(match lang {
        Lang::Ja => "マイナンバーカード 電子証明書の期限",
        Lang::En => "My Number Card certificate dates",
    });
    for e in events(report, lang) {
        cal.push(
            Event::new()
                .uid(&e.uid)
                .summary(&e.summary)
                .description(&e.description)
                .all_day(e.date)
                .done(),
        );
    }
    cal.done().to_string()
}
