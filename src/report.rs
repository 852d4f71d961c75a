//! What one reading of a card found: the [`CardReport`], serialised exactly to the JSON contract
//! of `docs/json.md` (product spec), and rendered as text in Japanese or English.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::Serialize;

use crate::apdu::ApduError;
use crate::card::{CardError, CardKind, CardSession, PinState};
use crate::cert::{CertError, Certificate, Genuineness, TrustStore};
use crate::rules::{self, Status};
use crate::transport::{Transport, TransportError};

pub mod signing;
pub mod text;

pub use signing::PersonalReport;

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
    /// Tries left for each PIN, by name (`auth`, `sign`, ...).
    pub pins: BTreeMap<String, PinReport>,
    /// Machine-readable warning codes (see `docs/json.md`).
    pub warnings: Vec<String>,
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
    /// Machine-readable reason (`password_required`, `absent`, ...).
    pub reason: String,
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
    /// Tries a fresh PIN has.
    pub max: u8,
    /// The counter's state.
    pub state: PinState,
}

/// The language of everything a person reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    /// 日本語 (the default).
    #[default]
    Ja,
    /// English.
    En,
}

/// What the person asked of one reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOptions {
    /// Today's JST date: days left and status are judged on it.
    pub today: NaiveDate,
    /// The card's expiry as printed on its face, typed by the person (used when the card does
    /// not tell; a disagreement with the card is a warning).
    pub card_expiry_typed: Option<NaiveDate>,
}

/// Why a reading gave no report. Every variant has a sentence in Japanese and English saying
/// what happened and what to do ([`ReadError::message`]) and an exit code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// The PC/SC service is not running.
    #[error("PC/SC service not running")]
    ServiceUnavailable,
    /// No reader is connected.
    #[error("no reader")]
    NoReader,
    /// No reader matches the requested name.
    #[error("no reader matches {0:?}")]
    ReaderNotFound(String),
    /// No card on the reader.
    #[error("no card")]
    NoCard,
    /// The card is not a My Number Card (no JPKI application).
    #[error("not a My Number Card")]
    NotMyNumberCard,
    /// The card left the reader during the reading.
    #[error("card removed during reading")]
    CardRemoved,
    /// Another program holds the card.
    #[error("card in use by another program")]
    SharingViolation,
    /// The certificate on the card could not be understood.
    #[error("certificate not understood: {0}")]
    Certificate(String),
    /// Any other failure talking to the card, or an answer we could not use.
    #[error("card I/O failure: {0}")]
    Io(String),
}

/// Process exit codes of the CLI, one per kind of failure (README, "Exit codes").
pub mod exit {
    /// Success.
    pub const OK: i32 = 0;
    /// Something else went wrong (e.g. a file could not be written).
    pub const OTHER: i32 = 1;
    /// The command line was wrong.
    pub const USAGE: i32 = 2;
    /// No reader is connected, or none matches `--reader`.
    pub const NO_READER: i32 = 3;
    /// No card on the reader.
    pub const NO_CARD: i32 = 4;
    /// The card is not a My Number Card.
    pub const NOT_MY_NUMBER_CARD: i32 = 5;
    /// The card was removed during the reading, or talking to it failed.
    pub const CARD_IO: i32 = 6;
    /// The PC/SC service is not running.
    pub const SERVICE_UNAVAILABLE: i32 = 7;
    /// The signing password was not sent: its format was wrong, it is locked, one try was left
    /// without `--last-try`, or none was given. No try was spent.
    pub const PASSWORD_NOT_SENT: i32 = 8;
    /// The card refused the signing password (a try was spent; the message says how many are
    /// left), or it is now locked.
    pub const WRONG_PASSWORD: i32 = 9;
}

impl ReadError {
    /// The CLI exit code for this failure.
    pub fn exit_code(&self) -> i32 {
        match self {
            ReadError::ServiceUnavailable => exit::SERVICE_UNAVAILABLE,
            ReadError::NoReader | ReadError::ReaderNotFound(_) => exit::NO_READER,
            ReadError::NoCard => exit::NO_CARD,
            ReadError::NotMyNumberCard => exit::NOT_MY_NUMBER_CARD,
            ReadError::CardRemoved
            | ReadError::SharingViolation
            | ReadError::Certificate(_)
            | ReadError::Io(_) => exit::CARD_IO,
        }
    }

    /// A machine-readable code for JSON output.
    pub fn code(&self) -> &'static str {
        match self {
            ReadError::ServiceUnavailable => "service_unavailable",
            ReadError::NoReader => "no_reader",
            ReadError::ReaderNotFound(_) => "reader_not_found",
            ReadError::NoCard => "no_card",
            ReadError::NotMyNumberCard => "not_my_number_card",
            ReadError::CardRemoved => "card_removed",
            ReadError::SharingViolation => "sharing_violation",
            ReadError::Certificate(_) => "bad_certificate",
            ReadError::Io(_) => "card_io",
        }
    }

    /// One plain sentence saying what happened and what to do.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (ReadError::ServiceUnavailable, Lang::Ja) => "カードリーダーのサービス (PC/SC) が動いていません。Linux では pcscd を起動し (例: sudo systemctl start pcscd)、Windows では「Smart Card」サービスを開始してから、もう一度お試しください。".to_owned(),
            (ReadError::ServiceUnavailable, Lang::En) => "The smart card service (PC/SC) is not running. Start pcscd on Linux (e.g. sudo systemctl start pcscd) or the \"Smart Card\" service on Windows, then try again.".to_owned(),
            (ReadError::NoReader, Lang::Ja) => "カードリーダーが見つかりません。リーダーを USB に接続してください。(Linux の Sony RC-S380 は使えません。RC-S300 や ACR1251/1252 などの CCID 対応リーダーをお使いください。)".to_owned(),
            (ReadError::NoReader, Lang::En) => "No card reader found. Connect a reader by USB. (A Sony RC-S380 does not work on Linux; use a CCID reader such as the RC-S300 or ACR1251/1252.)".to_owned(),
            (ReadError::ReaderNotFound(name), Lang::Ja) => format!("「{name}」という名前を含むカードリーダーがありません。myna-kigen readers で名前を確かめてください。"),
            (ReadError::ReaderNotFound(name), Lang::En) => format!("No reader's name contains \"{name}\". Run `myna-kigen readers` to see the names."),
            (ReadError::NoCard, Lang::Ja) => "カードがありません。マイナンバーカードをリーダーに置いてください。".to_owned(),
            (ReadError::NoCard, Lang::En) => "No card on the reader. Place your My Number Card on the reader.".to_owned(),
            (ReadError::NotMyNumberCard, Lang::Ja) => "このカードはマイナンバーカードではありません (公的個人認証のアプリがありません)。マイナンバーカードを置いてください。".to_owned(),
            (ReadError::NotMyNumberCard, Lang::En) => "This card is not a My Number Card (it has no JPKI application). Place a My Number Card on the reader.".to_owned(),
            (ReadError::CardRemoved, Lang::Ja) => "読み取り中にカードが動きました。カードを置き直し、読み取りが終わるまで動かさないでください。".to_owned(),
            (ReadError::CardRemoved, Lang::En) => "The card moved during reading. Place it again and hold it still until reading finishes.".to_owned(),
            (ReadError::SharingViolation, Lang::Ja) => "ほかのプログラムがカードを使っています。そのプログラムを閉じてから、もう一度お試しください。".to_owned(),
            (ReadError::SharingViolation, Lang::En) => "Another program is using the card. Close it and try again.".to_owned(),
            (ReadError::Certificate(detail), Lang::Ja) => format!("カードの証明書を解釈できませんでした ({detail})。カードが傷んでいるか、マイナンバーカードではない可能性があります。市区町村の窓口でご相談ください。"),
            (ReadError::Certificate(detail), Lang::En) => format!("The certificate on the card could not be understood ({detail}). The card may be damaged or not a My Number Card; ask at your municipal office."),
            (ReadError::Io(detail), Lang::Ja) => format!("カードを読み取れませんでした ({detail})。カードを置き直して、もう一度お試しください。"),
            (ReadError::Io(detail), Lang::En) => format!("The card could not be read ({detail}). Place it again and retry."),
        }
    }
}

impl From<TransportError> for ReadError {
    fn from(e: TransportError) -> Self {
        match e {
            TransportError::ServiceUnavailable => ReadError::ServiceUnavailable,
            TransportError::NoReader => ReadError::NoReader,
            TransportError::ReaderNotFound(n) => ReadError::ReaderNotFound(n),
            TransportError::NoCard => ReadError::NoCard,
            TransportError::CardRemoved | TransportError::CardReset => ReadError::CardRemoved,
            TransportError::SharingViolation => ReadError::SharingViolation,
            other => ReadError::Io(other.to_string()),
        }
    }
}

/// Reads one card: card kind, card expiry, the user-authentication certificate and its
/// genuineness, what is known of the signing certificate, and the JPKI PIN tries, all without
/// a PIN, judged against the compiled-in J-LIS roots ([`TrustStore::global`]).
pub fn read_card(
    transport: &mut dyn Transport,
    options: &ReadOptions,
) -> Result<CardReport, ReadError> {
    read_card_with(transport, options, TrustStore::global())
}

/// [`read_card`] with a chosen trust store (tests add the simulated card's root to it).
///
/// The sequence is `docs/apdus.md`'s default reading; the issuing CA certificate (EF `000B`) is
/// read only when `trust` holds no verified key for the certificate's authority key identifier,
/// so a clerk's second card from the same CA costs no extra APDU.
pub fn read_card_with(
    transport: &mut dyn Transport,
    options: &ReadOptions,
    trust: &TrustStore,
) -> Result<CardReport, ReadError> {
    let reader = transport.reader_name().to_owned();
    let extended = transport.supports_extended_length();
    let (report, fell_back) = {
        let mut tx = transport.transaction()?;
        let mut session = CardSession::new(tx.as_mut(), extended);
        let report = read_session(&mut session, reader, options, trust)?;
        (report, session.extended_fell_back())
    };
    if fell_back {
        transport.disable_extended_length();
    }
    Ok(report)
}

fn read_session(
    session: &mut CardSession<'_>,
    reader: String,
    options: &ReadOptions,
    trust: &TrustStore,
) -> Result<CardReport, ReadError> {
    let public = session.read_public()?;
    let today = options.today;
    let mut warnings = Vec::new();

    let auth = match &public.auth_cert {
        Some(der) => {
            let cert = crate::cert::parse(der)?;
            let genuine = match trust.check_cached(&cert) {
                Some(g) => g,
                None => match session.read_der_file(crate::card::EF_AUTH_CA) {
                    Ok(ca) => trust.check(&cert, &ca),
                    Err(e) if e.is_removal() => return Err(e.into()),
                    Err(_) => Genuineness::NotChecked,
                },
            };
            match genuine {
                Genuineness::Failed => warnings.push("not_genuine".to_owned()),
                Genuineness::UnknownRoot => warnings.push("unknown_root".to_owned()),
                Genuineness::Verified | Genuineness::NotChecked => {}
            }
            CertSlot::Read(Box::new(cert_report(&cert, genuine, today, true)))
        }
        None => {
            warnings.push("no_auth_certificate".to_owned());
            CertSlot::NotRead(NotRead {
                present: Some(false),
                read: false,
                reason: "absent".to_owned(),
            })
        }
    };

    let present = public.sign_presence.known();
    let sign = CertSlot::NotRead(NotRead {
        present,
        read: false,
        reason: if present == Some(false) {
            "absent"
        } else {
            "password_required"
        }
        .to_owned(),
    });

    let card_read = public.card_expiry.map(|e| e.date);
    let (expiry, expiry_source) = match (card_read, options.card_expiry_typed) {
        (Some(read), typed) => {
            if typed.is_some_and(|t| t != read) {
                warnings.push("card_expiry_mismatch".to_owned());
            }
            (Some(read), Some(ExpirySource::Card))
        }
        (None, Some(typed)) => (Some(typed), Some(ExpirySource::User)),
        (None, None) => {
            warnings.push("card_expiry_unknown".to_owned());
            (None, None)
        }
    };

    let mut pins = BTreeMap::new();
    for p in &public.pins {
        if p.state == PinState::Locked && !warnings.iter().any(|w| w == "pin_locked") {
            warnings.push("pin_locked".to_owned());
        }
        pins.insert(
            p.key.to_owned(),
            PinReport {
                tries_left: p.tries_left,
                max: p.max,
                state: p.state,
            },
        );
    }
    if matches!(auth, CertSlot::Read(_)) {
        warnings.push("revocation_not_checked".to_owned());
    }

    Ok(CardReport {
        schema: SCHEMA,
        reader,
        today,
        apdus: session.apdu_count(),
        card: CardInfo {
            kind: public.kind,
            expiry,
            expiry_source,
        },
        auth,
        sign,
        pins,
        warnings,
    })
}

/// One certificate with the rules applied on `today`. `auth` adds the マイナ保険証 grace end.
pub fn cert_report(
    cert: &Certificate,
    genuine: Genuineness,
    today: NaiveDate,
    auth: bool,
) -> CertReport {
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

impl From<CardError> for ReadError {
    fn from(e: CardError) -> Self {
        match e {
            CardError::NotMyNumberCard => ReadError::NotMyNumberCard,
            CardError::Apdu(ApduError::Transport(t)) => t.into(),
            other => ReadError::Io(other.to_string()),
        }
    }
}

impl From<CertError> for ReadError {
    fn from(e: CertError) -> Self {
        ReadError::Certificate(e.to_string())
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
