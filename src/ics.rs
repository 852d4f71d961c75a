//! The `--ics` calendar: all-day events for each certificate's renewal window, its expiry and
//! the マイナ保険証 grace end (RFC 5545, written with the `icalendar` crate).

use icalendar::{Calendar, Component, Event, EventLike};

use crate::messages::{self, Lang};
use crate::report::{CardReport, CertReport, CertSlot};
use crate::rules::Item;

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
    let (item, tag) = if auth {
        (Item::Auth, "auth")
    } else {
        (Item::Sign, "sign")
    };
    let uid = |what: &str| format!("myna-kigen-{tag}-{}-{what}", cert.serial);
    let [s1, d1, s2, d2] = messages::calendar::certificate_days(item, cert.expiry, lang);
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
        let [s, d] = messages::calendar::grace_day(lang);
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
    cal.name(messages::calendar::name(lang));
    for e in events(report, lang) {
        // An all-day event ends on the next day (DTEND is exclusive, RFC 5545 §3.6.1).
        let end = e.date.succ_opt().unwrap_or(e.date);
        cal.push(
            Event::new()
                .uid(&e.uid)
                .summary(&e.summary)
                .description(&e.description)
                .starts(e.date)
                .ends(end)
                .done(),
        );
    }
    cal.done().to_string()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use chrono::{NaiveDate, TimeZone};
    use icalendar::{Calendar, CalendarComponent, DatePerhapsTime};

    use super::*;
    use crate::card::CardKind;
    use crate::cert::{Genuineness, JST};
    use crate::report::CardInfo;
    use crate::rules::Status;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn cert(expiry: NaiveDate, auth: bool) -> CertReport {
        CertReport {
            present: true,
            read: true,
            not_before: JST.with_ymd_and_hms(2021, 6, 1, 0, 0, 0).unwrap(),
            not_after: JST
                .from_local_datetime(&expiry.and_hms_opt(23, 59, 59).unwrap())
                .unwrap(),
            expiry,
            expiry_wareki: crate::rules::wareki(expiry),
            days_left: 10,
            status: Status::Valid,
            renewal_from: crate::rules::renewal_from(expiry),
            insurance_grace_until: auth.then(|| crate::rules::insurance_grace_until(expiry)),
            issuer: "C=JP".to_owned(),
            subject: "C=JP, CN=x".to_owned(),
            serial: if auth { "0a1b" } else { "0c2d" }.to_owned(),
            genuine: Genuineness::Verified,
            personal: None,
        }
    }

    fn report(sign: CertSlot) -> CardReport {
        CardReport::new(
            "r".to_owned(),
            d(2026, 1, 1),
            8,
            CardInfo {
                kind: CardKind::MyNumberCard,
                expiry: None,
                expiry_source: None,
            },
            CertSlot::Read(Box::new(cert(d(2026, 5, 31), true))),
            sign,
            BTreeMap::new(),
            Vec::new(),
        )
    }

    /// Parses the written file back and returns (uid, start date, end date, summary) per event.
    fn parse_back(text: &str) -> Vec<(String, NaiveDate, NaiveDate, String)> {
        let cal: Calendar = text.parse().expect("the calendar parses back");
        let mut out = Vec::new();
        for c in &cal.components {
            if let CalendarComponent::Event(e) = c {
                let date = |p: Option<DatePerhapsTime>| match p {
                    Some(DatePerhapsTime::Date(d)) => d,
                    other => panic!("not an all-day date: {other:?}"),
                };
                out.push((
                    e.get_uid().unwrap().to_owned(),
                    date(e.get_start()),
                    date(e.get_end()),
                    e.get_summary().unwrap().to_owned(),
                ));
            }
        }
        out
    }

    #[test]
    fn calendar_parses_back_with_every_day() {
        let r = report(CertSlot::Read(Box::new(cert(d(2026, 5, 31), false))));
        let events = parse_back(&calendar(&r, Lang::Ja));
        let days: Vec<(&str, NaiveDate, NaiveDate)> = events
            .iter()
            .map(|(u, s, e, _)| (u.as_str(), *s, *e))
            .collect();
        assert_eq!(
            days,
            vec![
                // 5/31 minus three months is "2/31": the window opens on 3/1.
                ("myna-kigen-auth-0a1b-renewal", d(2026, 3, 1), d(2026, 3, 2)),
                ("myna-kigen-auth-0a1b-expiry", d(2026, 5, 31), d(2026, 6, 1)),
                // Grace: three months from the end of May.
                (
                    "myna-kigen-auth-0a1b-insurance-grace",
                    d(2026, 8, 31),
                    d(2026, 9, 1)
                ),
                ("myna-kigen-sign-0c2d-renewal", d(2026, 3, 1), d(2026, 3, 2)),
                ("myna-kigen-sign-0c2d-expiry", d(2026, 5, 31), d(2026, 6, 1)),
            ]
        );
        assert!(events[1].3.contains("利用者証明用電子証明書の有効期限"));
    }

    #[test]
    fn unread_signing_certificate_gives_no_events() {
        let r = report(CertSlot::not_read(
            Some(true),
            crate::report::NotReadReason::PasswordRequired,
        ));
        let events = parse_back(&calendar(&r, Lang::En));
        assert_eq!(events.len(), 3);
        assert!(events.iter().all(|(u, ..)| u.contains("-auth-")));
        assert!(events[1].3.contains("expires"));
    }
}
