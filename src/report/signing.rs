//! The signing certificate behind its password (issue 6): whether to send the password at all,
//! why not, what a wrong one means, the holder's personal data when asked, and what the signing
//! certificate's dates say beside the others. Every outcome has a sentence in Japanese and
//! English. Nothing here holds or prints the password.

use std::fmt;

use chrono::NaiveDate;
use serde::Serialize;
use zeroize::Zeroize;

use super::{
    CardReport, CertReport, CertSlot, Lang, NotRead, PinReport, ReadError, ReadOptions, exit, text,
};
use crate::apdu::StatusWord;
use crate::card::{CardError, CardSession, PinState, VerifyOutcome};
use crate::cert::{Genuineness, PersonalData, Sex, TrustStore};
use crate::rules;
use crate::secret::{SecretError, SigningPassword};
use crate::transport::Transport;

/// What to do with a password, decided from the signing PIN's counter before anything is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Send the password (once).
    Verify {
        /// Tries left before sending, when the card told.
        tries_left: Option<u8>,
        /// This is the last try, or the card did not tell and the person confirmed.
        last_try: bool,
    },
    /// The password is already verified in this card session: read without sending it again.
    AlreadyVerified,
    /// Do not send the password.
    Refuse(Refusal),
}

/// Why the password was not sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The signing password is locked: only the municipal counter can reset it.
    Locked,
    /// One try is left and the person did not confirm it (`--last-try`).
    LastTryNotConfirmed,
    /// The card did not tell the tries left (it may be the last one) and the person did not
    /// confirm.
    TriesUnknown,
    /// The card has no signing certificate (not issued, or revoked): a try would be spent for
    /// nothing.
    NoSigningCertificate,
}

/// Decides whether the password may be sent, from the signing PIN's counter (`None`: the card
/// did not answer for it), whether the card says it has a signing certificate, and whether the
/// person confirmed a last try. Pure: sends nothing.
pub fn decide(
    pin: Option<&PinReport>,
    sign_present: Option<bool>,
    confirm_last_try: bool,
) -> Decision {
    if sign_present == Some(false) {
        return Decision::Refuse(Refusal::NoSigningCertificate);
    }
    let (state, tries_left) = match pin {
        Some(p) => (p.state, p.tries_left),
        None => (PinState::Unavailable, None),
    };
    match (state, tries_left) {
        (PinState::Locked, _) | (_, Some(0)) => Decision::Refuse(Refusal::Locked),
        (PinState::Verified, _) => Decision::AlreadyVerified,
        (PinState::Ok, Some(1)) if !confirm_last_try => {
            Decision::Refuse(Refusal::LastTryNotConfirmed)
        }
        (PinState::Ok, Some(t)) => Decision::Verify {
            tries_left: Some(t),
            last_try: t == 1,
        },
        (PinState::Ok | PinState::Unavailable, None) if !confirm_last_try => {
            Decision::Refuse(Refusal::TriesUnknown)
        }
        (PinState::Ok | PinState::Unavailable, _) => Decision::Verify {
            tries_left: None,
            last_try: true,
        },
    }
}

/// What the person asked of a reading with the signing certificate.
#[derive(Debug, Clone, Copy)]
pub struct SignRequest<'a> {
    /// The password, checked for format already.
    pub password: &'a SigningPassword,
    /// The person confirmed sending it when only one try is left (`--last-try`, the GUI's
    /// confirmation).
    pub confirm_last_try: bool,
    /// Fill [`CertReport::personal`] (`--show-personal`, the GUI's reveal).
    pub show_personal: bool,
    /// The serial number (hex, as in [`CertReport::serial`]) of the user-authentication
    /// certificate of the card the person was shown. When the card on the reader has another
    /// one (the card was swapped), nothing is sent: [`SignError::CardChanged`]. `None`: no check
    /// (the CLI reads whatever card is on the reader).
    pub same_card: Option<&'a str>,
}

/// Reads the card as [`super::read_card`] does, then, in the same transaction, decides from the
/// signing PIN's counter whether the password may be sent ([`decide`]), sends it once, reads
/// and checks the signing certificate, and fills [`CardReport::sign`]. Afterwards the card is
/// powered off and on (an unpowering reconnect), so the verified state does not stay open for
/// other programs. A wrong password is reported with the tries left and never retried.
///
/// This is the call for every front end (the CLI's `read --sign`, the GUI's password dialog on
/// its worker thread).
pub fn read_card_with_signing(
    transport: &mut dyn Transport,
    options: &ReadOptions,
    request: &SignRequest<'_>,
) -> Result<CardReport, SignError> {
    read_card_with_signing_and_trust(transport, options, request, TrustStore::global())
}

/// [`read_card_with_signing`] with a chosen trust store (tests add the simulated root).
pub fn read_card_with_signing_and_trust(
    transport: &mut dyn Transport,
    options: &ReadOptions,
    request: &SignRequest<'_>,
    trust: &TrustStore,
) -> Result<CardReport, SignError> {
    let reader = transport.reader_name().to_owned();
    let extended = transport.supports_extended_length();
    let mut state_opened = false;
    let (result, fell_back) = match transport.transaction() {
        Ok(mut tx) => {
            let mut session = CardSession::new(tx.as_mut(), extended);
            let result = sign_session(
                &mut session,
                reader,
                options,
                request,
                trust,
                &mut state_opened,
            );
            (result, session.extended_fell_back())
        }
        Err(e) => (Err(SignError::Read(e.into())), false),
    };
    if fell_back {
        transport.disable_extended_length();
    }
    if !state_opened {
        return result;
    }
    // The transaction has ended: power the card off and on so the verified password does not
    // stay usable by whatever program talks to the card next.
    match transport.reconnect(true) {
        Ok(()) => result,
        // A card that left the reader lost power anyway.
        Err(crate::transport::TransportError::CardRemoved) => result,
        Err(e) => {
            log::warn!("could not power-cycle the card after the signing password: {e}");
            result.map(|mut report| {
                report.warnings.push("sign_state_not_cleared".to_owned());
                report
            })
        }
    }
}

/// What must be known before anyone is asked for the password, read without spending a try
/// and without the rest of a reading: the signing password's counter and whether a signing
/// certificate is present (SELECT JPKI, EF 0008, SELECT EF 001B, VERIFY without data).
pub fn signing_status(
    transport: &mut dyn Transport,
) -> Result<(PinReport, Option<bool>), ReadError> {
    let extended = transport.supports_extended_length();
    let mut tx = transport.transaction()?;
    let mut session = CardSession::new(tx.as_mut(), extended);
    session.select_jpki()?;
    let present = session.sign_presence()?.known();
    let pin = session.pin_status(crate::card::JPKI_AID, crate::card::EF_SIGN_PIN)?;
    Ok((
        PinReport {
            tries_left: pin.tries_left,
            max: pin.max,
            state: pin.state,
        },
        present,
    ))
}

fn sign_session(
    session: &mut CardSession<'_>,
    reader: String,
    options: &ReadOptions,
    request: &SignRequest<'_>,
    trust: &TrustStore,
    state_opened: &mut bool,
) -> Result<CardReport, SignError> {
    let mut report = super::read_session(session, reader, options, trust)?;
    if let Some(expected) = request.same_card {
        let serial = match &report.auth {
            CertSlot::Read(a) => Some(a.serial.as_str()),
            CertSlot::NotRead(_) => None,
        };
        if serial != Some(expected) {
            return Err(SignError::CardChanged);
        }
    }
    let present = match &report.sign {
        CertSlot::NotRead(n) => n.present,
        CertSlot::Read(_) => Some(true),
    };
    let pin = report.pins.get("sign").copied();
    match decide(pin.as_ref(), present, request.confirm_last_try) {
        Decision::Refuse(r) => return Err(SignError::Refused(r)),
        Decision::AlreadyVerified => *state_opened = true,
        Decision::Verify { .. } => {
            // From here a try may be spent: whatever happens, the card is power-cycled after.
            *state_opened = true;
            match session
                .verify_signing_password(request.password)
                .map_err(ReadError::from)?
            {
                VerifyOutcome::Verified => {}
                VerifyOutcome::Wrong { tries_left } => {
                    return Err(SignError::WrongPassword { tries_left });
                }
                VerifyOutcome::Blocked => return Err(SignError::Blocked),
            }
            // A correct password resets the counter to its maximum (ISO/IEC 7816-4 retry
            // counters); asking the card again now would only answer "verified".
            if let Some(p) = report.pins.get_mut("sign") {
                p.tries_left = Some(p.max);
                p.state = PinState::Ok;
            }
        }
    }

    let der = match session.read_signing_cert() {
        Ok(der) => der,
        Err(CardError::SecurityNotSatisfied) => return Err(SignError::NotReadable),
        Err(CardError::Status {
            sw: StatusWord::NotFound,
            ..
        }) => {
            report.sign = CertSlot::NotRead(NotRead {
                present: Some(false),
                read: false,
                reason: "absent".to_owned(),
            });
            report.apdus = session.apdu_count();
            return Ok(report);
        }
        Err(e) => return Err(SignError::Read(e.into())),
    };
    let cert = crate::cert::parse(&der).map_err(ReadError::from)?;
    let genuine = match trust.check_cached(&cert) {
        Some(g) => g,
        None => match session.read_der_file(crate::card::EF_SIGN_CA) {
            Ok(ca) => trust.check(&cert, &ca),
            Err(e) if e.is_removal() => return Err(SignError::Read(e.into())),
            Err(_) => Genuineness::NotChecked,
        },
    };
    let warning = match genuine {
        Genuineness::Failed => Some("not_genuine"),
        Genuineness::UnknownRoot => Some("unknown_root"),
        Genuineness::Verified | Genuineness::NotChecked => None,
    };
    for w in warning.into_iter().chain(Some("revocation_not_checked")) {
        if !report.warnings.iter().any(|x| x == w) {
            report.warnings.push(w.to_owned());
        }
    }
    let mut sign = super::cert_report(&cert, genuine, options.today, false);
    if request.show_personal {
        sign.personal = cert
            .personal_data()
            .map(|data| PersonalReport::from_data(&data));
    }
    report.sign = CertSlot::Read(Box::new(sign));
    report.apdus = session.apdu_count();
    Ok(report)
}

/// Why reading the signing certificate gave no report. None of these holds the password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    /// The typed password is not 6–16 of A–Z, 0–9; it was not sent.
    #[error("password format refused: {0}")]
    Format(#[from] SecretError),
    /// No password was given (empty input, or no terminal to ask on); nothing was sent.
    #[error("no password given")]
    NoPassword,
    /// The password was not sent, for this reason.
    #[error("password not sent: {0:?}")]
    Refused(Refusal),
    /// The card refused the password; this many tries remain (0: now locked).
    #[error("wrong password, {tries_left} tries left")]
    WrongPassword {
        /// Tries left after this one.
        tries_left: u8,
    },
    /// The card answered the VERIFY with "blocked".
    #[error("signing password blocked")]
    Blocked,
    /// The card would not give the signing certificate even after the password was accepted.
    #[error("signing certificate not readable after verification")]
    NotReadable,
    /// The card on the reader is not the one the person was shown (it left, or another was
    /// placed); nothing was sent.
    #[error("not the card that was shown; password not sent")]
    CardChanged,
    /// The reading itself failed.
    #[error(transparent)]
    Read(#[from] ReadError),
}

impl SignError {
    /// The CLI exit code: [`exit::PASSWORD_NOT_SENT`] when nothing was sent,
    /// [`exit::WRONG_PASSWORD`] when the card refused it, the reading's own code otherwise.
    pub fn exit_code(&self) -> i32 {
        match self {
            SignError::Format(_)
            | SignError::NoPassword
            | SignError::Refused(_)
            | SignError::CardChanged => exit::PASSWORD_NOT_SENT,
            SignError::WrongPassword { .. } | SignError::Blocked => exit::WRONG_PASSWORD,
            SignError::NotReadable => exit::CARD_IO,
            SignError::Read(e) => e.exit_code(),
        }
    }

    /// A machine-readable code for JSON output.
    pub fn code(&self) -> &'static str {
        match self {
            SignError::Format(_) => "password_format",
            SignError::NoPassword => "no_password",
            SignError::Refused(Refusal::Locked) => "password_locked",
            SignError::Refused(Refusal::LastTryNotConfirmed) => "last_try_not_confirmed",
            SignError::Refused(Refusal::TriesUnknown) => "tries_unknown",
            SignError::Refused(Refusal::NoSigningCertificate) => "no_signing_certificate",
            SignError::WrongPassword { .. } => "wrong_password",
            SignError::Blocked => "password_locked",
            SignError::NotReadable => "signing_certificate_not_readable",
            SignError::CardChanged => "card_changed",
            SignError::Read(e) => e.code(),
        }
    }

    /// Tries left after this outcome, when known (for JSON and the GUI).
    pub fn tries_left(&self) -> Option<u8> {
        match self {
            SignError::WrongPassword { tries_left } => Some(*tries_left),
            SignError::Blocked | SignError::Refused(Refusal::Locked) => Some(0),
            _ => None,
        }
    }

    /// One plain sentence (or two) saying what happened and what to do.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            SignError::Format(e) => format_message(e, lang),
            SignError::NoPassword => match lang {
                Lang::Ja => "パスワードが入力されませんでした。カードには何も送っていません。".to_owned(),
                Lang::En => "No password was given; nothing was sent to the card.".to_owned(),
            },
            SignError::Refused(r) => refusal(*r, lang),
            SignError::WrongPassword { tries_left: 0 } | SignError::Blocked => match lang {
                Lang::Ja => "署名用パスワードが違いました。署名用パスワードはロックされました。お住まいの市区町村の窓口で、カードを持参して再設定してください (利用者証明用の暗証番号が使えれば、コンビニのキオスク端末で初期化できる場合もあります)。".to_owned(),
                Lang::En => "The signing password was wrong, and it is now locked. Have it reset at your municipal office, bringing the card (where the user-authentication PIN still works, a convenience-store kiosk may also reset it).".to_owned(),
            },
            SignError::WrongPassword { tries_left } => match lang {
                Lang::Ja => format!(
                    "署名用パスワードが違います。残りはあと{tries_left}回です (5回続けて間違えるとロックされます)。自動で再試行はしていません。パスワードを確かめてから、もう一度実行してください。"
                ),
                Lang::En => format!(
                    "Wrong signing password: {} left (it locks after 5 wrong tries in a row). Nothing was retried; check the password before running again.",
                    tries(*tries_left, lang)
                ),
            },
            SignError::NotReadable => match lang {
                Lang::Ja => "パスワードは受け付けられましたが、カードが署名用電子証明書を渡しませんでした。カードを置き直して、もう一度お試しください。".to_owned(),
                Lang::En => "The password was accepted, but the card did not give the signing certificate. Place the card again and retry.".to_owned(),
            },
            SignError::CardChanged => match lang {
                Lang::Ja => "表示していたカードが取り外されたか、別のカードに替わっています。パスワードは送っていません。カードを置き直して、もう一度お試しください。".to_owned(),
                Lang::En => "The card that was shown has left the reader or was replaced, so the password was not sent. Place the card again and retry.".to_owned(),
            },
            SignError::Read(e) => e.message(lang),
        }
    }
}

fn tries(n: u8, lang: Lang) -> String {
    match (n, lang) {
        (_, Lang::Ja) => format!("{n}回"),
        (1, Lang::En) => "1 try".to_owned(),
        (_, Lang::En) => format!("{n} tries"),
    }
}

/// The sentence for a format refusal; it says what is wrong, never what was typed.
pub fn format_message(e: &SecretError, lang: Lang) -> String {
    let what = match (e, lang) {
        (SecretError::TooShort { len, .. }, Lang::Ja) => format!("{len}文字で、短すぎます"),
        (SecretError::TooShort { len, .. }, Lang::En) => format!("{len} characters is too short"),
        (SecretError::TooLong { len, .. }, Lang::Ja) => format!("{len}文字で、長すぎます"),
        (SecretError::TooLong { len, .. }, Lang::En) => format!("{len} characters is too long"),
        (SecretError::BadCharacter { position }, Lang::Ja) => {
            format!("{position}文字目が英字・数字ではありません (記号・空白・全角文字は使えません)")
        }
        (SecretError::BadCharacter { position }, Lang::En) => format!(
            "character {position} is not a letter or digit (no symbols, spaces or full-width characters)"
        ),
    };
    match lang {
        Lang::Ja => format!(
            "署名用パスワードは6〜16桁の英字 (A〜Z) と数字 (0〜9) です。入力されたものは{what}。カードには何も送っていないので、残り回数は減っていません。"
        ),
        Lang::En => format!(
            "The signing password is 6–16 letters (A–Z) and digits (0–9); what you typed: {what}. Nothing was sent to the card, so no try was spent."
        ),
    }
}

/// The sentence for a refusal; each says the password was not sent.
pub fn refusal(r: Refusal, lang: Lang) -> String {
    match (r, lang) {
        (Refusal::Locked, Lang::Ja) => "署名用パスワードはロックされています。パスワードは送っていません。ロックは自然には解除されません。お住まいの市区町村の窓口で、カードを持参して再設定してください。".to_owned(),
        (Refusal::Locked, Lang::En) => "The signing password is locked, so it was not sent. A lock never clears by itself: have it reset at your municipal office, bringing the card.".to_owned(),
        (Refusal::LastTryNotConfirmed, Lang::Ja) => "署名用パスワードの残りはあと1回です。間違えるとロックされ、市区町村の窓口でしか解除できません。パスワードは送っていません。正しいと確かな場合だけ、--last-try を付けてもう一度実行してください。".to_owned(),
        (Refusal::LastTryNotConfirmed, Lang::En) => "Only 1 try is left on the signing password: a wrong one locks it until your municipal office resets it. The password was not sent. Only if you are sure of it, run again with --last-try.".to_owned(),
        (Refusal::TriesUnknown, Lang::Ja) => "カードが署名用パスワードの残り回数を答えませんでした。最後の1回かもしれないため、パスワードは送っていません。正しいと確かな場合だけ、--last-try を付けてもう一度実行してください。".to_owned(),
        (Refusal::TriesUnknown, Lang::En) => "The card did not tell how many signing-password tries are left; it may be the last one, so the password was not sent. Only if you are sure of it, run again with --last-try.".to_owned(),
        (Refusal::NoSigningCertificate, Lang::Ja) => "このカードには署名用電子証明書がありません (発行されていないか、氏名・住所などの変更で失効しています)。パスワードは送っていません。必要なら市区町村の窓口で発行を申請してください。".to_owned(),
        (Refusal::NoSigningCertificate, Lang::En) => "This card has no signing certificate (never issued, or revoked by a change of name or address), so the password was not sent. Your municipal office can issue one.".to_owned(),
    }
}

/// The line shown before asking for the password: tries left, and what a lock means.
pub fn tries_before_asking(pin: Option<&PinReport>, lang: Lang) -> String {
    let locked = pin.is_some_and(|p| p.state == PinState::Locked || p.tries_left == Some(0));
    if locked {
        return match lang {
            Lang::Ja => "署名用パスワード: ロック中".to_owned(),
            Lang::En => "Signing password: LOCKED".to_owned(),
        };
    }
    match (pin.and_then(|p| p.tries_left), lang) {
        (Some(t), Lang::Ja) => format!(
            "署名用パスワードの残り回数: {t}回 (5回続けて間違えるとロックされ、市区町村の窓口でしか解除できません)"
        ),
        (Some(t), Lang::En) => format!(
            "Signing password: {} left (5 wrong tries in a row lock it until your municipal office resets it)",
            tries(t, lang)
        ),
        (None, Lang::Ja) => "署名用パスワードの残り回数: 不明".to_owned(),
        (None, Lang::En) => "Signing password: tries left unknown".to_owned(),
    }
}

/// The prompt for the password (typed without echo).
pub fn prompt(lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => "署名用パスワード (6〜16桁の英数字、画面には表示されません): ",
        Lang::En => "Signing password (6–16 letters and digits, not shown): ",
    }
}

/// The line saying the card's verified state was cleared after the reading.
pub fn state_cleared(lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => "読み取り後にカードの電源を入れ直し、パスワードの入力状態を消しました。",
        Lang::En => {
            "After reading, the card was powered off and on so the password's verified state is cleared."
        }
    }
}

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
    #[serde(with = "super::opt_ymd")]
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

/// The personal data as text lines (shown only when asked).
pub fn personal_lines(p: &PersonalReport, lang: Lang) -> Vec<String> {
    let ja = lang == Lang::Ja;
    let unknown = if ja { "不明" } else { "unknown" };
    let sex = match (p.sex, lang) {
        (Some(SexReport::Male), Lang::Ja) => "男",
        (Some(SexReport::Male), Lang::En) => "male",
        (Some(SexReport::Female), Lang::Ja) => "女",
        (Some(SexReport::Female), Lang::En) => "female",
        (_, _) => unknown,
    };
    let birth = match (p.birth_date, &p.birth_wareki) {
        (Some(d), Some(w)) => format!("{} ({w})", text::date(d, lang)),
        (Some(d), None) => text::date(d, lang),
        _ => unknown.to_owned(),
    };
    vec![
        format!(
            "{}: {}",
            if ja { "氏名" } else { "Name" },
            p.name.as_deref().unwrap_or(unknown)
        ),
        format!("{}: {birth}", if ja { "生年月日" } else { "Date of birth" }),
        format!("{}: {sex}", if ja { "性別" } else { "Sex" }),
        format!(
            "{}: {}",
            if ja { "住所" } else { "Address" },
            p.address.as_deref().unwrap_or(unknown)
        ),
    ]
}

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
        #[serde(with = "super::ymd")]
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

/// One comparison as a sentence.
pub fn comparison_sentence(c: &Comparison, lang: Lang) -> String {
    match (c, lang) {
        (Comparison::SameExpiry, Lang::Ja) => "署名用電子証明書と利用者証明用電子証明書の有効期限は同じ日です。".to_owned(),
        (Comparison::SameExpiry, Lang::En) => "The signing and user-authentication certificates expire on the same day.".to_owned(),
        (Comparison::SignEndsFirst { days }, Lang::Ja) => format!(
            "署名用電子証明書は利用者証明用電子証明書より{days}日早く期限を迎えます。e-Tax などに使う場合は、署名用だけ先に更新が必要です。"
        ),
        (Comparison::SignEndsFirst { days }, Lang::En) => format!(
            "The signing certificate expires {days} days before the user-authentication one; for e-Tax and other signed applications it needs renewing first."
        ),
        (Comparison::SignReissued { issued }, Lang::Ja) => format!(
            "署名用電子証明書は{}に発行し直されています。引っ越しや氏名の変更で古いものが失効し、新しく発行されたときに起こる、ふつうのことです。",
            text::date(*issued, lang)
        ),
        (Comparison::SignReissued { issued }, Lang::En) => format!(
            "The signing certificate was re-issued on {}: a move or a change of name revokes the old one, and a new one is issued. This is normal.",
            text::date(*issued, lang)
        ),
        (Comparison::SignEndsWithCard, Lang::Ja) => "署名用電子証明書はカード本体と同じ日に期限を迎えます。カードの更新で新しい証明書になります。".to_owned(),
        (Comparison::SignEndsWithCard, Lang::En) => "The signing certificate expires with the card; a new card brings a new one.".to_owned(),
        (Comparison::RevocationNotChecked, Lang::Ja) => "署名用電子証明書は、氏名・住所・生年月日・性別の変更で失効します。失効しているかどうかはオフラインでは確認できないため、ここで言えるのは「期限切れではない」ことだけです。".to_owned(),
        (Comparison::RevocationNotChecked, Lang::En) => "A change of name, address, date of birth or sex revokes the signing certificate. Revocation cannot be checked offline, so this tool can only say it has not expired.".to_owned(),
    }
}

/// The signing certificate's extra text: the comparison with the other dates, and the personal
/// data when it was asked for. Empty when the signing certificate was not read.
pub fn render_sign_extra(report: &CardReport, lang: Lang) -> String {
    let CertSlot::Read(sign) = &report.sign else {
        return String::new();
    };
    let ja = lang == Lang::Ja;
    let mut s = String::new();
    s.push_str(if ja {
        "■ 署名用電子証明書と、ほかの期限\n"
    } else {
        "■ The signing certificate beside the other dates\n"
    });
    for c in compare(report) {
        s.push_str("    - ");
        s.push_str(&comparison_sentence(&c, lang));
        s.push('\n');
    }
    if let Some(p) = &sign.personal {
        s.push_str(if ja {
            "■ 署名用電子証明書の本人情報 (求められたときだけ表示。記録・保存はしません)\n"
        } else {
            "■ Holder's details in the signing certificate (shown only on request; never logged or stored)\n"
        });
        for line in personal_lines(p, lang) {
            s.push_str("    ");
            s.push_str(&line);
            s.push('\n');
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{FixedOffset, TimeZone};

    fn pin(state: PinState, tries_left: Option<u8>) -> PinReport {
        PinReport {
            tries_left,
            max: 5,
            state,
        }
    }

    #[test]
    fn decisions() {
        let ok = |t| pin(PinState::Ok, Some(t));
        for confirm in [false, true] {
            assert_eq!(
                decide(Some(&pin(PinState::Locked, Some(0))), Some(true), confirm),
                Decision::Refuse(Refusal::Locked)
            );
            assert_eq!(
                decide(Some(&pin(PinState::Locked, None)), None, confirm),
                Decision::Refuse(Refusal::Locked)
            );
            assert_eq!(
                decide(Some(&ok(0)), None, confirm),
                Decision::Refuse(Refusal::Locked)
            );
            assert_eq!(
                decide(Some(&ok(5)), Some(false), confirm),
                Decision::Refuse(Refusal::NoSigningCertificate)
            );
            assert_eq!(
                decide(Some(&pin(PinState::Verified, None)), Some(true), confirm),
                Decision::AlreadyVerified
            );
            for t in 2..=5 {
                assert_eq!(
                    decide(Some(&ok(t)), None, confirm),
                    Decision::Verify {
                        tries_left: Some(t),
                        last_try: false
                    }
                );
            }
        }
        assert_eq!(
            decide(Some(&ok(1)), Some(true), false),
            Decision::Refuse(Refusal::LastTryNotConfirmed)
        );
        assert_eq!(
            decide(Some(&ok(1)), Some(true), true),
            Decision::Verify {
                tries_left: Some(1),
                last_try: true
            }
        );
        for unknown in [None, Some(pin(PinState::Unavailable, None))] {
            assert_eq!(
                decide(unknown.as_ref(), None, false),
                Decision::Refuse(Refusal::TriesUnknown)
            );
            assert_eq!(
                decide(unknown.as_ref(), None, true),
                Decision::Verify {
                    tries_left: None,
                    last_try: true
                }
            );
        }
    }

    #[test]
    fn exit_codes_and_codes() {
        use crate::secret::SigningPassword;
        let format = SignError::from(SigningPassword::parse("abc").unwrap_err());
        assert_eq!(format.exit_code(), exit::PASSWORD_NOT_SENT);
        assert_eq!(format.code(), "password_format");
        assert_eq!(
            SignError::Refused(Refusal::Locked).exit_code(),
            exit::PASSWORD_NOT_SENT
        );
        assert_eq!(
            SignError::WrongPassword { tries_left: 3 }.exit_code(),
            exit::WRONG_PASSWORD
        );
        assert_eq!(SignError::Blocked.exit_code(), exit::WRONG_PASSWORD);
        assert_eq!(
            SignError::Read(ReadError::NoCard).exit_code(),
            exit::NO_CARD
        );
        assert_eq!(SignError::Blocked.tries_left(), Some(0));
    }

    #[test]
    fn every_outcome_has_both_languages() {
        let errors = [
            SignError::Format(SecretError::TooShort { len: 3, min: 6 }),
            SignError::Format(SecretError::TooLong { len: 17, max: 16 }),
            SignError::Format(SecretError::BadCharacter { position: 2 }),
            SignError::NoPassword,
            SignError::Refused(Refusal::Locked),
            SignError::Refused(Refusal::LastTryNotConfirmed),
            SignError::Refused(Refusal::TriesUnknown),
            SignError::Refused(Refusal::NoSigningCertificate),
            SignError::CardChanged,
            SignError::WrongPassword { tries_left: 4 },
            SignError::WrongPassword { tries_left: 1 },
            SignError::WrongPassword { tries_left: 0 },
            SignError::Blocked,
            SignError::NotReadable,
        ];
        for e in &errors {
            let ja = e.message(Lang::Ja);
            let en = e.message(Lang::En);
            assert!(!ja.is_empty() && !en.is_empty());
            assert_ne!(ja, en);
            assert!(!en.chars().any(|c| ('ぁ'..='ん').contains(&c)), "{en}");
        }
        // Nothing-sent outcomes say so; locked ones point to the municipal office.
        for e in &errors[..9] {
            let en = e.message(Lang::En);
            assert!(
                en.contains("not sent")
                    || en.contains("Nothing was sent")
                    || en.contains("nothing was sent"),
                "{en}"
            );
        }
        for e in [&errors[4], &errors[11], &errors[12]] {
            assert!(e.message(Lang::En).contains("municipal office"));
            assert!(e.message(Lang::Ja).contains("窓口"));
        }
        assert!(errors[9].message(Lang::En).contains("4 tries left"));
        assert!(errors[10].message(Lang::En).contains("1 try left"));
        assert!(errors[9].message(Lang::Ja).contains("あと4回"));
        assert!(
            tries_before_asking(Some(&pin(PinState::Ok, Some(3))), Lang::En)
                .contains("3 tries left")
        );
        assert!(tries_before_asking(None, Lang::Ja).contains("不明"));
        assert!(
            tries_before_asking(Some(&pin(PinState::Locked, Some(0))), Lang::En).contains("LOCKED")
        );
    }

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
        for c in compare_dates(&moved, Some(&auth), NaiveDate::from_ymd_opt(2029, 6, 15))
            .iter()
            .chain([Comparison::SignEndsFirst { days: 3 }].iter())
        {
            assert_ne!(
                comparison_sentence(c, Lang::Ja),
                comparison_sentence(c, Lang::En)
            );
        }
        assert!(
            comparison_sentence(&Comparison::RevocationNotChecked, Lang::En)
                .contains("not expired")
                || comparison_sentence(&Comparison::RevocationNotChecked, Lang::En)
                    .contains("has not expired")
        );
    }

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
        let lines = personal_lines(&p, Lang::Ja).join("\n");
        assert!(lines.contains("昭和55年12月31日") && lines.contains("女"));
        let empty = PersonalReport::from_data(&PersonalData::default());
        assert!(
            personal_lines(&empty, Lang::En)
                .join("")
                .contains("unknown")
        );
    }
}
