//! The holder's basic four items from the signing certificate, as the report carries them when
//! the person asked (`--show-personal`, the window's reveal): Debug redacted, wiped on drop,
//! never logged or stored.

use std::fmt;

use chrono::NaiveDate;
use serde::Serialize;
use zeroize::Zeroize;

use crate::cert::{PersonalData, Sex};
use crate::rules;

/// Sex as the certificate codes it, for JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SexReport {
    /// `1`.
    Male,
    /// `2`.
    Female,
    /// `3`.
    Unknown,
}

impl From<Sex> for SexReport {
    fn from(s: Sex) -> Self {
        match s {
            Sex::Male => SexReport::Male,
            Sex::Female => SexReport::Female,
            Sex::Unknown => SexReport::Unknown,
        }
    }
}

/// The holder's basic four items from the signing certificate. Filled only when the person asks
/// (`--show-personal`, the GUI's reveal). Debug is redacted and the strings are wiped on drop;
/// never logged, never stored.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct PersonalReport {
    /// Full name (family and given name separated by a full-width space).
    pub name: Option<String>,
    /// Date of birth, Gregorian.
    #[serde(with = "super::serde_dates::opt_ymd")]
    pub birth_date: Option<NaiveDate>,
    /// Date of birth in 和暦, e.g. `昭和55年12月31日`.
    pub birth_wareki: Option<String>,
    /// Sex.
    pub sex: Option<SexReport>,
    /// Address.
    pub address: Option<String>,
}

impl PersonalReport {
    /// From the certificate's personal data.
    pub fn from_data(data: &PersonalData) -> Self {
        let birth_date = data.birth.and_then(|b| b.date);
        PersonalReport {
            name: data.name.clone(),
            birth_date,
            birth_wareki: birth_date.map(rules::wareki),
            sex: data.sex.map(SexReport::from),
            address: data.address.clone(),
        }
    }
}

impl fmt::Debug for PersonalReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PersonalReport { REDACTED }")
    }
}

impl Drop for PersonalReport {
    fn drop(&mut self) {
        self.name.zeroize();
        self.birth_wareki.zeroize();
        self.address.zeroize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personal_report_is_redacted_and_serialised() {
        let mut data = PersonalData::default();
        data.name = Some("山田　太郎".to_owned());
        data.sex = Some(Sex::Female);
        data.birth = Some(crate::cert::BirthDate {
            era: crate::cert::Era::Showa,
            date: NaiveDate::from_ymd_opt(1980, 12, 31),
        });
        data.address = Some("東京都千代田区千代田１－１".to_owned());
        let p = PersonalReport::from_data(&data);
        assert_eq!(format!("{p:?}"), "PersonalReport { REDACTED }");
        assert!(!format!("{:?}", Some(p.clone())).contains("山田"));
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(json["name"], "山田　太郎");
        assert_eq!(json["birth_date"], "1980-12-31");
        assert_eq!(json["birth_wareki"], "昭和55年12月31日");
        assert_eq!(json["sex"], "female");
    }
}
