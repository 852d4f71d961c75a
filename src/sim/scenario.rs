//! Named scenarios: a fictional holder and card whose dates follow the rules of domain.md §1
//! (certificates expire on the 5th birthday after issue, the card on the 10th), placed
//! relative to a given `today` (JST) so each scenario always shows the same situation.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, Mutex, OnceLock};

use chrono::{Days, Months, NaiveDate};

use super::SimError;
use super::card::{
    JPKI_AID, JUKI_AID, KENMEN_HOJO_AID, KENMEN_KAKUNIN_AID, SimCard, SimCardBuilder, Token,
};
use super::certs::{self, CertKind, EndEntity, Holder};

/// A named simulated card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scenario {
    /// Both certificates valid for about 3 more years; the card for about 8.
    Valid,
    /// The certificates expire 45 days after today: the renewal window is open.
    Renewable,
    /// The certificates expired 20 days before today (マイナ保険証 grace still running); the
    /// card itself is still valid.
    Expired,
    /// No signing certificate (EF 0001/0002 absent, EF 0008 says so; EF 001B still there).
    NoSign,
    /// Signing password blocked (0 tries), user-authentication PIN at its last try.
    Locked,
    /// The old 住基カード: token `JPKIAPICCTOKEN`, no card-expiry routes, certificate long
    /// expired.
    Juki,
    /// Some other card: no JPKI application at all.
    NotMnc,
    /// A smartphone certificate: token `JPKIAPGPSETOKEN`, no card expiry.
    Smartphone,
}

/// The dates a scenario's holder and card have (all JST days).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ScenarioDates {
    /// The day the certificates were issued (notBefore).
    pub issued: NaiveDate,
    /// The day both certificates expire (notAfter, 23:59:59 JST).
    pub cert_expiry: NaiveDate,
    /// The card's own expiry, when the card tells it.
    pub card_expiry: Option<NaiveDate>,
    /// The fictional holder's date of birth.
    pub birth: NaiveDate,
}

impl fmt::Debug for ScenarioDates {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The holder is fictional; the date of birth is still left out like real personal data.
        f.debug_struct("ScenarioDates")
            .field("issued", &self.issued)
            .field("cert_expiry", &self.cert_expiry)
            .field("card_expiry", &self.card_expiry)
            .finish_non_exhaustive()
    }
}

impl Scenario {
    /// Every scenario, in the order `--demo list` shows them.
    pub const ALL: [Scenario; 8] = [
        Scenario::Valid,
        Scenario::Renewable,
        Scenario::Expired,
        Scenario::NoSign,
        Scenario::Locked,
        Scenario::Juki,
        Scenario::NotMnc,
        Scenario::Smartphone,
    ];

    /// The scenario's name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Valid => "valid",
            Scenario::Renewable => "renewable",
            Scenario::Expired => "expired",
            Scenario::NoSign => "no-sign",
            Scenario::Locked => "locked",
            Scenario::Juki => "juki",
            Scenario::NotMnc => "not-mnc",
            Scenario::Smartphone => "smartphone",
        }
    }

    /// One line saying what the scenario shows.
    pub fn description(self) -> &'static str {
        match self {
            Scenario::Valid => "certificates valid for about 3 more years, card for about 8",
            Scenario::Renewable => "certificates expire in 45 days: the renewal window is open",
            Scenario::Expired => {
                "certificates expired 20 days ago (health-insurance grace running); card valid"
            }
            Scenario::NoSign => "no signing certificate on the card",
            Scenario::Locked => "signing password locked; user-authentication PIN has 1 try left",
            Scenario::Juki => "an old Juki card (住基カード) with a long-expired certificate",
            Scenario::NotMnc => "a card that is not a My Number Card",
            Scenario::Smartphone => "a smartphone certificate (no card expiry)",
        }
    }

    /// The scenario's dates for `today` (JST). [`Scenario::NotMnc`] has them too, unused.
    pub fn dates(self, today: NaiveDate) -> Result<ScenarioDates, SimError> {
        let out_of_range = || SimError::Date(format!("scenario dates around {today}"));
        let expiry = match self {
            Scenario::Renewable => today.checked_add_days(Days::new(45)),
            Scenario::Expired => today.checked_sub_days(Days::new(20)),
            Scenario::Juki => today.checked_sub_months(Months::new(11 * 12)),
            _ => today
                .checked_add_months(Months::new(36))
                .and_then(|d| d.checked_add_days(Days::new(10))),
        }
        .ok_or_else(out_of_range)?;
        // A birthday on 29 February would make "the 5th birthday" ambiguous: move it a day.
        let expiry = if expiry.format("%m%d").to_string() == "0229" {
            expiry.succ_opt().ok_or_else(out_of_range)?
        } else {
            expiry
        };
        // Issued 40 days after the birthday five (住基: three) years before expiry, so the
        // expiry is the 5th birthday after issue; the card ends on the 10th.
        let validity_years = if self == Scenario::Juki { 3 } else { 5 };
        let issued = expiry
            .checked_sub_months(Months::new(12 * validity_years))
            .and_then(|d| d.checked_add_days(Days::new(40)))
            .ok_or_else(out_of_range)?;
        let card_expiry = match self {
            Scenario::Juki | Scenario::NotMnc | Scenario::Smartphone => None,
            _ => Some(
                expiry
                    .checked_add_months(Months::new(60))
                    .ok_or_else(out_of_range)?,
            ),
        };
        let birth = expiry
            .checked_sub_months(Months::new(45 * 12))
            .ok_or_else(out_of_range)?;
        Ok(ScenarioDates {
            issued,
            cert_expiry: expiry,
            card_expiry,
            birth,
        })
    }

    /// A builder for the scenario's card on `today`, to add misbehaviours before building.
    pub fn builder(self, today: NaiveDate) -> Result<SimCardBuilder, SimError> {
        let dates = self.dates(today)?;
        let builder = SimCardBuilder::new()
            .card_expiry(dates.card_expiry)
            .common_record_ids(&format!("{:015}", 412_000 + self as u32), "13101");
        if self == Scenario::NotMnc {
            return Ok(builder
                .without_app(&JPKI_AID)
                .without_app(&KENMEN_HOJO_AID)
                .without_app(&KENMEN_KAKUNIN_AID)
                .without_app(&JUKI_AID)
                .card_expiry(None));
        }
        let certs = scenario_certs(self, today, &dates)?;
        let mut builder = builder
            .auth_cert(certs.auth.clone())
            .auth_ca(certs.auth_ca.clone())
            .sign_cert(certs.sign.clone())
            .sign_ca(certs.sign_ca.clone())
            .signing_password("ABC123");
        builder = match self {
            Scenario::Locked => builder
                .pin_tries([0x00, 0x1B], 0)
                .pin_tries([0x00, 0x18], 1),
            Scenario::Juki => builder
                .token(Token::Juki)
                .without_app(&KENMEN_HOJO_AID)
                .without_app(&KENMEN_KAKUNIN_AID),
            Scenario::Smartphone => builder
                .token(Token::Android)
                .without_app(&KENMEN_HOJO_AID)
                .without_app(&KENMEN_KAKUNIN_AID)
                .without_app(&JUKI_AID),
            _ => builder,
        };
        Ok(builder)
    }

    /// The scenario's card on `today` (JST), powered on with nothing selected.
    pub fn card(self, today: NaiveDate) -> Result<SimCard, SimError> {
        Ok(self.builder(today)?.build())
    }
}

impl fmt::Display for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Scenario {
    type Err = SimError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Scenario::ALL
            .into_iter()
            .find(|sc| sc.name() == s)
            .ok_or_else(|| SimError::UnknownScenario(s.to_owned()))
    }
}

/// The certificates of one scenario on one day.
struct ScenarioCerts {
    auth: Vec<u8>,
    auth_ca: Vec<u8>,
    sign: Option<Vec<u8>>,
    sign_ca: Vec<u8>,
}

type Cache = Mutex<HashMap<(Scenario, NaiveDate), Arc<ScenarioCerts>>>;

/// Built once per (scenario, today): signing takes a few milliseconds each.
fn scenario_certs(
    scenario: Scenario,
    today: NaiveDate,
    dates: &ScenarioDates,
) -> Result<Arc<ScenarioCerts>, SimError> {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(hit) = cache
        .lock()
        .ok()
        .and_then(|map| map.get(&(scenario, today)).cloned())
    {
        return Ok(hit);
    }
    let seed = format!("{scenario}/{}", dates.issued);
    let auth = certs::end_entity(&EndEntity {
        kind: CertKind::UserAuthentication,
        seed: seed.clone(),
        issued: dates.issued,
        expires: dates.cert_expiry,
        holder: None,
    })?;
    let sign = if scenario == Scenario::NoSign {
        None
    } else {
        Some(certs::end_entity(&EndEntity {
            kind: CertKind::Signing,
            seed,
            issued: dates.issued,
            expires: dates.cert_expiry,
            holder: Some(Holder {
                name: "公的　太郎".to_owned(),
                sex: '1',
                birth: dates.birth,
                address: "東京都千代田区模擬町一丁目二番三号".to_owned(),
            }),
        })?)
    };
    let built = Arc::new(ScenarioCerts {
        auth,
        auth_ca: certs::ca_cert_der(CertKind::UserAuthentication)?,
        sign,
        sign_ca: certs::ca_cert_der(CertKind::Signing)?,
    });
    if let Ok(mut map) = cache.lock() {
        map.insert((scenario, today), Arc::clone(&built));
    }
    Ok(built)
}

#[cfg(test)]
mod tests;
