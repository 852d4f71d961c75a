//! What one reading of a card found: the [`CardReport`], serialised exactly to the JSON
//! contract of product.md and the README. Codes (warnings, reasons, PINs) are enums with serde
//! names; the sentences for them are in [`crate::messages`].

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::Serialize;

use crate::card::{CardKind, PinId, PinState, PinStatus};
use crate::cert::{Certificate, Genuineness};
use crate::rules::{self, Explanation, Status};

mod compare;
mod personal;

pub use compare::{Comparison, compare};
pub use personal::{PersonalReport, SexReport};
use serde_dates::{opt_ymd, ymd};

/// The JSON schema version of [`CardReport`].
pub const SCHEMA: u32 = 1;

/// Everything one reading of one card found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CardReport {
    /// Always [`SCHEMA`].
    pub schema: u32,
    /// The reader's name.
    pub reader: String,
    /// The JST date used for days left and status.
    #[serde(with = "ymd")]
    pub today: NaiveDate,
    /// Command APDUs this reading sent (GET RESPONSE and re-sends included).
    pub apdus: u32,
    /// The card itself.
    pub card: CardInfo,
    /// 利用者証明用電子証明書.
    pub auth: CertSlot,
    /// 署名用電子証明書.
    pub sign: CertSlot,
    /// Tries left for each PIN.
    pub pins: Pins,
    /// Machine-readable warnings.
    pub warnings: Vec<Warning>,
    /// What the three dates mean together on [`CardReport::today`], computed once from the
    /// report's own dates (not part of the JSON).
    #[serde(skip)]
    pub advice: Explanation,
}

/// Each PIN's counter, in the JSON's key order.
pub type Pins = BTreeMap<PinId, PinReport>;

impl CardReport {
    /// A report with its advice computed.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        reader: String,
        today: NaiveDate,
        apdus: u32,
        card: CardInfo,
        auth: CertSlot,
        sign: CertSlot,
        pins: Pins,
        warnings: Vec<Warning>,
    ) -> Self {
        let mut report = CardReport {
            schema: SCHEMA,
            reader,
            today,
            apdus,
            card,
            auth,
            sign,
            pins,
            warnings,
            advice: Explanation::default(),
        };
        report.refresh_advice();
        report
    }

    /// Computes [`CardReport::advice`] again after a date changed (the signing certificate was
    /// read).
    pub fn refresh_advice(&mut self) {
        self.advice = rules::explain(
            self.card.expiry,
            self.auth.expiry(),
            self.sign.expiry(),
            self.today,
        );
    }
}

/// A machine-readable warning of a reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Warning {
    /// The card expiry the person typed differs from the one read from the card.
    CardExpiryMismatch,
    /// The card did not tell its own expiry, and none was typed.
    CardExpiryUnknown,
    /// A certificate's signature did not verify.
    NotGenuine,
    /// A certificate's issuer is not a known J-LIS root.
    UnknownRoot,
    /// A PIN is locked.
    PinLocked,
    /// The card has no user-authentication certificate.
    NoAuthCertificate,
    /// The card could not be power-cycled after the signing password was verified.
    SignStateNotCleared,
    /// Revocation cannot be checked offline.
    RevocationNotChecked,
}

impl Warning {
    /// Every warning (for the catalogue's completeness test).
    pub const ALL: [Warning; 8] = [
        Warning::CardExpiryMismatch,
        Warning::CardExpiryUnknown,
        Warning::NotGenuine,
        Warning::UnknownRoot,
        Warning::PinLocked,
        Warning::NoAuthCertificate,
        Warning::SignStateNotCleared,
        Warning::RevocationNotChecked,
    ];

    /// The warning a genuineness result calls for, if any.
    pub fn of_genuineness(g: Genuineness) -> Option<Warning> {
        match g {
            Genuineness::Failed => Some(Warning::NotGenuine),
            Genuineness::UnknownRoot => Some(Warning::UnknownRoot),
            Genuineness::Verified | Genuineness::VerifiedSimulated | Genuineness::NotChecked => {
                None
            }
        }
    }
}

/// Why a certificate was not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NotReadReason {
    /// It is there (or may be), and reading it needs the signing password.
    PasswordRequired,
    /// The card has none.
    Absent,
}

/// The card's kind and its own expiry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CardInfo {
    /// What the token info says the card is.
    pub kind: CardKind,
    /// The card's own expiry, when known.
    #[serde(with = "opt_ymd")]
    pub expiry: Option<NaiveDate>,
    /// Where [`CardInfo::expiry`] came from.
    pub expiry_source: Option<ExpirySource>,
}

/// Where the card's own expiry date came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExpirySource {
    /// Read from the card.
    Card,
    /// Typed by the person from the card face.
    User,
}

/// One certificate slot: read, or why not.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum CertSlot {
    /// The certificate was read and understood.
    Read(Box<CertReport>),
    /// It was not read.
    NotRead(NotRead),
}

/// A certificate that was not read, and what is known about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotRead {
    /// `Some(true)` present, `Some(false)` absent, `None` unknown.
    pub present: Option<bool>,
    /// Always `false`.
    pub read: bool,
    /// Why not.
    pub reason: NotReadReason,
}

impl CertSlot {
    /// Whether the card holds this certificate: `Some(true)` when it was read, else what the
    /// card told without reading it (`None`: unknown).
    pub fn present(&self) -> Option<bool> {
        match self {
            CertSlot::Read(_) => Some(true),
            CertSlot::NotRead(n) => n.present,
        }
    }

    /// A slot that was not read.
    pub fn not_read(present: Option<bool>, reason: NotReadReason) -> Self {
        CertSlot::NotRead(NotRead {
            present,
            read: false,
            reason,
        })
    }

    /// The certificate's last valid day, when it was read.
    pub fn expiry(&self) -> Option<NaiveDate> {
        match self {
            CertSlot::Read(c) => Some(c.expiry),
            CertSlot::NotRead(_) => None,
        }
    }

    /// The certificate, when it was read.
    pub fn read(&self) -> Option<&CertReport> {
        match self {
            CertSlot::Read(c) => Some(c),
            CertSlot::NotRead(_) => None,
        }
    }
}

/// A certificate that was read, with the rules applied.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CertReport {
    /// Always `true`.
    pub present: bool,
    /// Always `true`.
    pub read: bool,
    /// Start of validity, JST.
    pub not_before: DateTime<FixedOffset>,
    /// End of validity, JST.
    pub not_after: DateTime<FixedOffset>,
    /// The last valid day (JST date of notAfter).
    #[serde(with = "ymd")]
    pub expiry: NaiveDate,
    /// The same in 和暦, e.g. `令和11年6月15日`.
    pub expiry_wareki: String,
    /// Days from today to the last valid day: 0 on that day, negative after.
    pub days_left: i64,
    /// Where the certificate stands today.
    pub status: Status,
    /// The first day renewal is possible.
    #[serde(with = "ymd")]
    pub renewal_from: NaiveDate,
    /// The last day the card still works as a health-insurance card (auth only).
    #[serde(with = "opt_ymd", skip_serializing_if = "Option::is_none")]
    pub insurance_grace_until: Option<NaiveDate>,
    /// Issuer, RFC 4514.
    pub issuer: String,
    /// Subject, RFC 4514.
    pub subject: String,
    /// Serial number, hex.
    pub serial: String,
    /// Genuineness against the J-LIS roots.
    pub genuine: Genuineness,
    /// The holder's personal data (signing certificate only), present only when the person
    /// asked for it (`--show-personal`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub personal: Option<PersonalReport>,
}

/// One PIN's retry counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PinReport {
    /// Tries left, when the card tells.
    pub tries_left: Option<u8>,
    /// Tries a fresh PIN has, where it is known (`null` in JSON for the 照合番号 and 住基 PINs:
    /// no number is documented for them, so none is shown).
    pub max: Option<u8>,
    /// The counter's state.
    pub state: PinState,
}

impl From<&PinStatus> for PinReport {
    fn from(p: &PinStatus) -> Self {
        PinReport {
            tries_left: p.tries_left,
            max: p.max,
            state: p.state,
        }
    }
}

impl CertReport {
    /// One certificate with the rules applied on `today`. `auth` adds the マイナ保険証 grace end.
    pub fn new(cert: &Certificate, genuine: Genuineness, today: NaiveDate, auth: bool) -> Self {
        let expiry = cert.expiry_date();
        CertReport {
            present: true,
            read: true,
            not_before: cert.not_before(),
            not_after: cert.not_after(),
            expiry,
            expiry_wareki: rules::wareki(expiry),
            days_left: rules::days_left(expiry, today),
            status: rules::status(cert.not_before_date(), expiry, today),
            renewal_from: rules::renewal_from(expiry),
            insurance_grace_until: auth.then(|| rules::insurance_grace_until(expiry)),
            issuer: cert.issuer().to_owned(),
            subject: cert.subject().to_owned(),
            serial: cert.serial().to_owned(),
            genuine,
            personal: None,
        }
    }
}

pub(crate) mod serde_dates {
    //! JST calendar dates as `YYYY-MM-DD` in JSON.

    pub mod ymd {
        use chrono::NaiveDate;
        use serde::Serializer;

        pub fn serialize<S: Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
            s.collect_str(&d.format("%Y-%m-%d"))
        }
    }

    pub mod opt_ymd {
        use chrono::NaiveDate;
        use serde::Serializer;

        pub fn serialize<S: Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
            match d {
                Some(d) => s.collect_str(&d.format("%Y-%m-%d")),
                None => s.serialize_none(),
            }
        }
    }
}
