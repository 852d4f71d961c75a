//! The Japanese expiry rules on JST dates (domain.md §1): days left, status, the renewal window,
//! the マイナ保険証 grace, 和暦, and the advice a resident needs, as codes for the front ends.
//!
//! Every function takes "today" (a JST date) as an argument; nothing here reads the clock.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::cert::Era;

/// Where a certificate stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Before notBefore.
    NotYetValid,
    /// Valid, renewal window not yet open.
    Valid,
    /// Valid, and renewal is already possible.
    Renewable,
    /// Past the last valid day.
    Expired,
}

/// Days from `today` to the last valid day `expiry`: 0 on that day, negative after.
pub fn days_left(expiry: NaiveDate, today: NaiveDate) -> i64 {
    expiry.signed_duration_since(today).num_days()
}

/// Where a certificate valid from `not_before` (JST date) through `expiry` stands on `today`.
pub fn status(not_before: NaiveDate, expiry: NaiveDate, today: NaiveDate) -> Status {
    if today > expiry {
        Status::Expired
    } else if today < not_before {
        Status::NotYetValid
    } else if today >= renewal_from(expiry) {
        Status::Renewable
    } else {
        Status::Valid
    }
}

/// The first day renewal is possible: the day after the date three months before `expiry`; when
/// that date does not exist (3 months before 5/31 is "2/31"), the 1st of the following month.
///
/// chrono's month arithmetic clamps to the month end (5/31 − 3 months = 2/28), which would give
/// 3/1 by accident in some years and a wrong day in others, so the rule is written out here.
pub fn renewal_from(expiry: NaiveDate) -> NaiveDate {
    let (year, month) = shift_month(expiry.year(), expiry.month(), -3);
    match NaiveDate::from_ymd_opt(year, month, expiry.day()) {
        Some(d) => d.succ_opt().unwrap_or(d),
        None => {
            let (y, m) = shift_month(year, month, 1);
            // Only fails at the very ends of chrono's range, far outside any certificate.
            NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(expiry)
        }
    }
}

/// The last day the card still works as a health-insurance card after the user-authentication
/// certificate expired: 3 months counted from the end of the month containing `expiry`, i.e. the
/// last day of the month three months after (expiry 4/1 → 7/31; February → May 31).
pub fn insurance_grace_until(expiry: NaiveDate) -> NaiveDate {
    let (y, m) = shift_month(expiry.year(), expiry.month(), 4);
    NaiveDate::from_ymd_opt(y, m, 1)
        .and_then(|d| d.pred_opt())
        .unwrap_or(expiry)
}

/// Whether registering the card for マイナ保険証 use is refused: 5 days or fewer left on the
/// user-authentication certificate (and not yet expired).
pub fn health_insurance_registration_blocked(expiry: NaiveDate, today: NaiveDate) -> bool {
    (0..=5).contains(&days_left(expiry, today))
}

/// (year, month) moved by `delta` months.
fn shift_month(year: i32, month: u32, delta: i32) -> (i32, u32) {
    let index = year * 12 + (month as i32 - 1) + delta;
    (index.div_euclid(12), index.rem_euclid(12) as u32 + 1)
}

/// The first day of each era in the Gregorian calendar, newest first, and the era's Japanese name.
/// 明治 is counted only from 1873, when Japan adopted the Gregorian calendar (明治6年).
const ERAS: [(Era, i32, u32, u32, &str); 5] = [
    (Era::Reiwa, 2019, 5, 1, "令和"),
    (Era::Heisei, 1989, 1, 8, "平成"),
    (Era::Showa, 1926, 12, 25, "昭和"),
    (Era::Taisho, 1912, 7, 30, "大正"),
    (Era::Meiji, 1868, 1, 1, "明治"),
];

/// The era and era year of `date`, for dates from 1873-01-01 on.
pub fn era_of(date: NaiveDate) -> Option<(Era, i32)> {
    if date.year() < 1873 {
        return None;
    }
    ERAS.iter().find_map(|&(era, y, m, d, _)| {
        let start = NaiveDate::from_ymd_opt(y, m, d)?;
        (date >= start).then(|| (era, date.year() - y + 1))
    })
}

/// The Japanese name of an era (`令和`), or `None` for [`Era::Unknown`].
pub fn era_name(era: Era) -> Option<&'static str> {
    ERAS.iter()
        .find(|&&(e, ..)| e == era)
        .map(|&(.., name)| name)
}

/// `date` in 和暦, e.g. `令和11年6月15日`, `令和元年5月1日`; Gregorian (`1870年1月1日`) before 1873.
pub fn wareki(date: NaiveDate) -> String {
    match era_of(date).and_then(|(era, year)| Some((era_name(era)?, year))) {
        Some((name, 1)) => format!("{name}元年{}月{}日", date.month(), date.day()),
        Some((name, year)) => format!("{name}{year}年{}月{}日", date.month(), date.day()),
        None => format!("{}年{}月{}日", date.year(), date.month(), date.day()),
    }
}

/// One of the three things on a card that expire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Item {
    /// The card itself.
    Card,
    /// 利用者証明用電子証明書.
    Auth,
    /// 署名用電子証明書.
    Sign,
}

/// One explanation a resident needs, as a code; the front ends turn it into sentences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Finding {
    /// A certificate expires after the one that caps it (signing ≤ user-authentication ≤ card),
    /// which the rules do not allow: one of the dates is probably wrong (e.g. a mistyped card
    /// expiry).
    CapViolated {
        /// The item expiring too late.
        item: Item,
        /// The item that should cap it.
        cap: Item,
    },
    /// The certificate expires together with the card (capped by it): renew the card, which
    /// brings new certificates.
    RenewCard {
        /// The certificate.
        item: Item,
    },
    /// Renew the certificate at the municipal counter, free of charge, not online; possible from
    /// `from`.
    RenewCertificateAtCounter {
        /// The certificate.
        item: Item,
        /// The first day of the renewal window.
        #[serde(with = "ymd")]
        from: NaiveDate,
    },
    /// The certificate has expired: a new one can be issued at the municipal counter, free.
    NewIssueAtCounter {
        /// The certificate.
        item: Item,
    },
    /// The card itself has expired: apply for a new card. It remains a photo ID only.
    CardExpired,
    /// The user-authentication certificate has expired, but the card works as a health-insurance
    /// card through `until`.
    InsuranceGrace {
        /// The last day of the grace.
        #[serde(with = "ymd")]
        until: NaiveDate,
    },
    /// 5 days or fewer left on the user-authentication certificate: registering for マイナ保険証
    /// is not accepted; renew first.
    InsuranceRegistrationBlocked,
}

/// What the three expiry dates mean together on a given day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Explanation {
    /// The items that expire first (several when they expire on the same day), in
    /// [`Item`] order; empty when no date is known.
    pub first_to_expire: Vec<Item>,
    /// Their common expiry date.
    #[serde(with = "opt_ymd")]
    pub first_expiry: Option<NaiveDate>,
    /// The findings, caps first, then per item in [`Item`] order.
    pub findings: Vec<Finding>,
}

/// Explains the card's and the certificates' expiry dates (each optional: unknown or absent) on
/// `today`.
pub fn explain(
    card: Option<NaiveDate>,
    auth: Option<NaiveDate>,
    sign: Option<NaiveDate>,
    today: NaiveDate,
) -> Explanation {
    let known: Vec<(Item, NaiveDate)> =
        [(Item::Card, card), (Item::Auth, auth), (Item::Sign, sign)]
            .into_iter()
            .filter_map(|(item, date)| date.map(|d| (item, d)))
            .collect();
    let first_expiry = known.iter().map(|&(_, d)| d).min();
    let first_to_expire = known
        .iter()
        .filter(|&&(_, d)| Some(d) == first_expiry)
        .map(|&(item, _)| item)
        .collect();

    let mut findings = Vec::new();
    // Caps: signing ≤ user-authentication ≤ card (domain.md §1).
    for (item, date, cap, cap_date) in [
        (Item::Sign, sign, Item::Auth, auth),
        (Item::Sign, sign, Item::Card, card),
        (Item::Auth, auth, Item::Card, card),
    ] {
        if let (Some(d), Some(c)) = (date, cap_date)
            && d > c
        {
            findings.push(Finding::CapViolated { item, cap });
        }
    }

    if card.is_some_and(|c| today > c) {
        findings.push(Finding::CardExpired);
    }
    for (item, date) in [(Item::Auth, auth), (Item::Sign, sign)] {
        let Some(expiry) = date else { continue };
        if today > expiry {
            findings.push(Finding::NewIssueAtCounter { item });
            if item == Item::Auth {
                let until = insurance_grace_until(expiry);
                if today <= until {
                    findings.push(Finding::InsuranceGrace { until });
                }
            }
            continue;
        }
        // A certificate whose expiry is the card's (or later: capped) goes with the card.
        if card.is_some_and(|c| expiry >= c) {
            findings.push(Finding::RenewCard { item });
        } else {
            findings.push(Finding::RenewCertificateAtCounter {
                item,
                from: renewal_from(expiry),
            });
        }
        if item == Item::Auth && health_insurance_registration_blocked(expiry, today) {
            findings.push(Finding::InsuranceRegistrationBlocked);
        }
    }

    Explanation {
        first_to_expire,
        first_expiry,
        findings,
    }
}

mod ymd {
    use chrono::NaiveDate;
    use serde::Serializer;

    pub fn serialize<S: Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&d.format("%Y-%m-%d"))
    }
}

mod opt_ymd {
    use chrono::NaiveDate;
    use serde::Serializer;

    pub fn serialize<S: Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.collect_str(&d.format("%Y-%m-%d")),
            None => s.serialize_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn renewal_window_table() {
        let table = [
            // Published examples (domain.md §1); the year-less ones in an ordinary year.
            ("2025-05-26", "2025-02-27"),
            ("2025-07-15", "2025-04-16"),
            ("2023-07-07", "2023-04-08"),
            ("2023-05-28", "2023-03-01"),
            ("2020-09-24", "2020-06-25"),
            // 2/28 exists: the day after is 3/1 (non-leap) or 2/29 (leap).
            ("2027-05-28", "2027-03-01"),
            ("2028-05-28", "2028-02-29"),
            // 2/29 exists only in leap years; either way the window opens 3/1.
            ("2027-05-29", "2027-03-01"),
            ("2028-05-29", "2028-03-01"),
            // 2/30, 2/31 never exist.
            ("2027-05-30", "2027-03-01"),
            ("2028-05-30", "2028-03-01"),
            ("2027-05-31", "2027-03-01"),
            ("2028-05-31", "2028-03-01"),
            // 5/31 exists → 6/1; 9/31 does not → 10/1; 6/31 does not → 7/1.
            ("2031-08-31", "2031-06-01"),
            ("2031-12-31", "2031-10-01"),
            ("2031-09-30", "2031-07-01"),
            // Across the year boundary.
            ("2031-03-31", "2031-01-01"),
            ("2031-01-15", "2030-10-16"),
            ("2031-02-28", "2030-11-29"),
            ("2032-02-29", "2031-11-30"),
            ("2031-04-30", "2031-01-31"),
        ];
        for (expiry, want) in table {
            assert_eq!(renewal_from(d(expiry)), d(want), "expiry {expiry}");
        }
    }

    #[test]
    fn days_left_and_status_around_the_last_day() {
        let nb = d("2026-06-16");
        let expiry = d("2031-06-15");
        let table = [
            ("2026-06-15", 1826, Status::NotYetValid),
            ("2026-06-16", 1825, Status::Valid),
            ("2031-03-15", 92, Status::Valid),
            ("2031-03-16", 91, Status::Renewable),
            ("2031-06-14", 1, Status::Renewable),
            ("2031-06-15", 0, Status::Renewable),
            ("2031-06-16", -1, Status::Expired),
            ("2032-01-01", -200, Status::Expired),
        ];
        for (today, left, st) in table {
            assert_eq!(days_left(expiry, d(today)), left, "{today}");
            assert_eq!(status(nb, expiry, d(today)), st, "{today}");
        }
    }

    #[test]
    fn insurance_grace_table() {
        let table = [
            ("2026-04-01", "2026-07-31"),
            ("2026-04-30", "2026-07-31"),
            ("2027-02-01", "2027-05-31"),
            ("2028-02-29", "2028-05-31"),
            ("2026-10-15", "2027-01-31"),
            ("2026-11-30", "2027-02-28"),
            ("2027-11-30", "2028-02-29"),
            ("2026-12-31", "2027-03-31"),
        ];
        for (expiry, want) in table {
            assert_eq!(insurance_grace_until(d(expiry)), d(want), "{expiry}");
        }
    }

    #[test]
    fn registration_blocked_in_last_five_days() {
        let expiry = d("2031-06-15");
        assert!(!health_insurance_registration_blocked(
            expiry,
            d("2031-06-09")
        ));
        assert!(health_insurance_registration_blocked(
            expiry,
            d("2031-06-10")
        ));
        assert!(health_insurance_registration_blocked(
            expiry,
            d("2031-06-15")
        ));
        assert!(!health_insurance_registration_blocked(
            expiry,
            d("2031-06-16")
        ));
    }

    #[test]
    fn wareki_table() {
        let table = [
            ("2029-06-15", "令和11年6月15日"),
            ("2019-05-01", "令和元年5月1日"),
            ("2019-04-30", "平成31年4月30日"),
            ("2020-01-01", "令和2年1月1日"),
            ("1989-01-08", "平成元年1月8日"),
            ("1989-01-07", "昭和64年1月7日"),
            ("1926-12-25", "昭和元年12月25日"),
            ("1926-12-24", "大正15年12月24日"),
            ("1912-07-30", "大正元年7月30日"),
            ("1912-07-29", "明治45年7月29日"),
            ("1873-01-01", "明治6年1月1日"),
            ("1872-12-31", "1872年12月31日"),
        ];
        for (date, want) in table {
            assert_eq!(wareki(d(date)), want);
        }
        assert_eq!(era_of(d("2034-06-15")), Some((Era::Reiwa, 16)));
        assert_eq!(era_name(Era::Unknown), None);
    }

    #[test]
    fn explain_certificate_before_card() {
        let e = explain(
            Some(d("2034-06-15")),
            Some(d("2031-06-15")),
            Some(d("2031-06-15")),
            d("2031-06-12"),
        );
        assert_eq!(e.first_to_expire, vec![Item::Auth, Item::Sign]);
        assert_eq!(e.first_expiry, Some(d("2031-06-15")));
        assert_eq!(
            e.findings,
            vec![
                Finding::RenewCertificateAtCounter {
                    item: Item::Auth,
                    from: d("2031-03-16")
                },
                Finding::InsuranceRegistrationBlocked,
                Finding::RenewCertificateAtCounter {
                    item: Item::Sign,
                    from: d("2031-03-16")
                },
            ]
        );
    }

    #[test]
    fn explain_capped_by_card_and_violations() {
        let e = explain(
            Some(d("2030-03-01")),
            Some(d("2030-03-01")),
            Some(d("2030-04-01")),
            d("2026-01-01"),
        );
        assert_eq!(e.first_to_expire, vec![Item::Card, Item::Auth]);
        assert_eq!(
            e.findings,
            vec![
                Finding::CapViolated {
                    item: Item::Sign,
                    cap: Item::Auth
                },
                Finding::CapViolated {
                    item: Item::Sign,
                    cap: Item::Card
                },
                Finding::RenewCard { item: Item::Auth },
                Finding::RenewCard { item: Item::Sign },
            ]
        );
    }

    #[test]
    fn explain_expired_and_grace() {
        let e = explain(None, Some(d("2026-04-01")), None, d("2026-07-31"));
        assert_eq!(e.first_to_expire, vec![Item::Auth]);
        assert_eq!(
            e.findings,
            vec![
                Finding::NewIssueAtCounter { item: Item::Auth },
                Finding::InsuranceGrace {
                    until: d("2026-07-31")
                },
            ]
        );
        let later = explain(
            Some(d("2026-01-01")),
            Some(d("2026-04-01")),
            None,
            d("2026-08-01"),
        );
        assert_eq!(
            later.findings,
            vec![
                Finding::CapViolated {
                    item: Item::Auth,
                    cap: Item::Card
                },
                Finding::CardExpired,
                Finding::NewIssueAtCounter { item: Item::Auth },
            ]
        );
        let none = explain(None, None, None, d("2026-08-01"));
        assert!(none.first_to_expire.is_empty() && none.first_expiry.is_none());
        assert!(none.findings.is_empty());
    }

    #[test]
    fn findings_serialise_as_codes() {
        let f = Finding::RenewCertificateAtCounter {
            item: Item::Sign,
            from: d("2031-03-16"),
        };
        assert_eq!(
            serde_json::to_string(&f).unwrap(),
            r#"{"code":"renew_certificate_at_counter","item":"sign","from":"2031-03-16"}"#
        );
        assert_eq!(
            serde_json::to_string(&Status::NotYetValid).unwrap(),
            r#""not_yet_valid""#
        );
    }
}
