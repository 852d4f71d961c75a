//! What the signing certificate's dates say beside the user-authentication certificate and the
//! card (README, "read --sign" point 4), as codes; [`crate::messages`] words them.

use chrono::NaiveDate;
use serde::Serialize;

use super::{CardReport, CertReport, CertSlot};

/// What the signing certificate's dates say beside the user-authentication certificate and the
/// card (issue 6 point 4), as codes; [`comparison_sentence`] words them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Comparison {
    /// Both certificates end on the same day.
    SameExpiry,
    /// The signing certificate ends before the user-authentication one.
    SignEndsFirst {
        /// Days between the two.
        days: i64,
    },
    /// The signing certificate was issued later than the user-authentication one: it was
    /// re-issued, usually after a move or a change of name (which revoke the old one).
    SignReissued {
        /// The signing certificate's first valid day (JST).
        #[serde(with = "super::serde_dates::ymd")]
        issued: NaiveDate,
    },
    /// The signing certificate ends with the card.
    SignEndsWithCard,
    /// Revocation cannot be checked offline: "not expired" is all the tool can say.
    RevocationNotChecked,
}

/// Compares the signing certificate with the user-authentication certificate and the card.
/// Empty when the signing certificate was not read.
pub fn compare(report: &CardReport) -> Vec<Comparison> {
    let CertSlot::Read(sign) = &report.sign else {
        return Vec::new();
    };
    compare_dates(
        sign,
        match &report.auth {
            CertSlot::Read(a) => Some(a),
            CertSlot::NotRead(_) => None,
        },
        report.card.expiry,
    )
}

fn compare_dates(
    sign: &CertReport,
    auth: Option<&CertReport>,
    card: Option<NaiveDate>,
) -> Vec<Comparison> {
    let mut out = Vec::new();
    if let Some(auth) = auth {
        if sign.expiry == auth.expiry {
            out.push(Comparison::SameExpiry);
        } else if sign.expiry < auth.expiry {
            out.push(Comparison::SignEndsFirst {
                days: (auth.expiry - sign.expiry).num_days(),
            });
        }
        let issued = sign.not_before.date_naive();
        // A day's slack: both are normally written at the same visit.
        if (issued - auth.not_before.date_naive()).num_days() > 1 {
            out.push(Comparison::SignReissued { issued });
        }
    }
    if card == Some(sign.expiry) {
        out.push(Comparison::SignEndsWithCard);
    }
    out.push(Comparison::RevocationNotChecked);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules;
    use chrono::{FixedOffset, TimeZone};

    fn cert(from: (i32, u32, u32), expiry: (i32, u32, u32)) -> CertReport {
        let jst = FixedOffset::east_opt(9 * 3600).unwrap();
        let nb = jst
            .with_ymd_and_hms(from.0, from.1, from.2, 10, 0, 0)
            .unwrap();
        let na = jst
            .with_ymd_and_hms(expiry.0, expiry.1, expiry.2, 23, 59, 59)
            .unwrap();
        let expiry = na.date_naive();
        CertReport {
            present: true,
            read: true,
            not_before: nb,
            not_after: na,
            expiry,
            expiry_wareki: rules::wareki(expiry),
            days_left: 0,
            status: rules::Status::Valid,
            renewal_from: rules::renewal_from(expiry),
            insurance_grace_until: None,
            issuer: String::new(),
            subject: String::new(),
            serial: String::new(),
            genuine: crate::cert::Genuineness::Verified,
            personal: None,
        }
    }

    #[test]
    fn comparisons() {
        let auth = cert((2024, 6, 1), (2029, 6, 15));
        let same = cert((2024, 6, 1), (2029, 6, 15));
        assert_eq!(
            compare_dates(&same, Some(&auth), None),
            vec![Comparison::SameExpiry, Comparison::RevocationNotChecked]
        );
        let moved = cert((2026, 3, 10), (2029, 6, 15));
        assert_eq!(
            compare_dates(&moved, Some(&auth), NaiveDate::from_ymd_opt(2029, 6, 15)),
            vec![
                Comparison::SameExpiry,
                Comparison::SignReissued {
                    issued: NaiveDate::from_ymd_opt(2026, 3, 10).unwrap()
                },
                Comparison::SignEndsWithCard,
                Comparison::RevocationNotChecked
            ]
        );
        let earlier = cert((2024, 6, 2), (2029, 6, 5));
        assert_eq!(
            compare_dates(&earlier, Some(&auth), None),
            vec![
                Comparison::SignEndsFirst { days: 10 },
                Comparison::RevocationNotChecked
            ]
        );
        assert_eq!(
            compare_dates(&earlier, None, None),
            vec![Comparison::RevocationNotChecked]
        );
    }
}
