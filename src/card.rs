//! The My Number Card's applications: JPKI files, PIN counters and the card's own expiry.
//! Follows `shared/docs/domain.md` §2; the APDU sequences and their counts are in
//! `docs/apdus.md`.

use chrono::NaiveDate;
use serde::Serialize;
use thiserror::Error;

use crate::apdu::{ApduError, Channel, Command, Response, StatusWord};
use crate::secret::SigningPassword;
use crate::transport::{Transaction, TransportError};

mod files;
mod parse;
pub use parse::{
    der_total_len, expiry_from_common_record, expiry_from_get_data, kind_from_token,
    parse_yyyymmdd, sfi_of,
};

/// What the JPKI token info (EF 0006) says this card is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CardKind {
    /// `JPKIAPICCTOKEN2`: a My Number Card.
    MyNumberCard,
    /// `JPKIAPICCTOKEN`: the old 住基カード.
    JukiCard,
    /// `JPKIAPGPSETOKEN` (Android) or `JPKIAPIOSTOKEN` (iPhone).
    Smartphone,
    /// Anything else.
    Unknown,
}

/// The state of one PIN's retry counter, read without spending a try.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PinState {
    /// Tries remain.
    Ok,
    /// No tries remain: only the municipal counter can reset it.
    Locked,
    /// Already verified in this card session.
    Verified,
    /// The card did not tell (file missing, or an answer we do not understand).
    Unavailable,
}

/// 公的個人認証 (JPKI) application.
pub const JPKI_AID: [u8; 10] = [0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01];
/// 共通カード application (reported name): holds the card's own expiry in record 1 of SFI 1.
pub const COMMON_AID: [u8; 10] = [0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x01, 0x00];
/// 券面事項入力補助 application.
pub const KENMEN_HOJO_AID: [u8; 10] = [0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x08];
/// 券面事項確認 application.
pub const KENMEN_KAKUNIN_AID: [u8; 10] =
    [0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x02];
/// 住基 application.
pub const JUKI_AID: [u8; 10] = [0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x01];

/// JPKI: the signing certificate (needs the signing password).
pub const EF_SIGN_CERT: [u8; 2] = [0x00, 0x01];
/// JPKI: the signing certificate's issuing CA certificate.
pub const EF_SIGN_CA: [u8; 2] = [0x00, 0x02];
/// JPKI: token info (`JPKIAPICCTOKEN2`, …).
pub const EF_TOKEN: [u8; 2] = [0x00, 0x06];
/// JPKI: certificate availability (reported `8F 8F 00` with both certificates).
pub const EF_AVAILABILITY: [u8; 2] = [0x00, 0x08];
/// JPKI: the user-authentication certificate.
pub const EF_AUTH_CERT: [u8; 2] = [0x00, 0x0A];
/// JPKI: the user-authentication certificate's issuing CA certificate.
pub const EF_AUTH_CA: [u8; 2] = [0x00, 0x0B];
/// JPKI: the user-authentication PIN (4 digits).
pub const EF_AUTH_PIN: [u8; 2] = [0x00, 0x18];
/// JPKI: the signing password (6–16 upper-case alphanumerics).
pub const EF_SIGN_PIN: [u8; 2] = [0x00, 0x1B];

/// The largest DER file this code reads: a JPKI certificate is about 1.6 KB, a CA certificate
/// a little less. A length above this is a lying or corrupt header, not a certificate.
pub const MAX_DER_LEN: usize = 8192;

/// Bytes asked for by one short READ BINARY (`Le = 00`).
const SHORT_CHUNK: usize = 256;

/// Which PIN, as the JSON names it (`pins.auth`, `pins.sign`, ...). The variants are in the
/// alphabetical order of those names, so a map keyed by them serialises in the same order as
/// one keyed by the names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PinId {
    /// JPKI user-authentication PIN (EF 0018).
    Auth,
    /// 住基 PIN (EF 001C).
    Juki,
    /// 券面事項入力補助 PIN (EF 0011).
    KenmenHojo,
    /// 券面事項入力補助 照合番号A (EF 0014).
    KenmenHojoA,
    /// 券面事項入力補助 照合番号B (EF 0015).
    KenmenHojoB,
    /// 券面事項確認 照合番号A (EF 0013).
    KenmenKakuninA,
    /// 券面事項確認 照合番号B (EF 0012).
    KenmenKakuninB,
    /// A PIN file not in [`PIN_FILES`].
    Other,
    /// JPKI signing password (EF 001B).
    Sign,
}

/// One PIN file the card may expose, with the tries a fresh PIN has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PinFile {
    /// Which PIN.
    pub id: PinId,
    /// The application holding it.
    pub app: [u8; 10],
    /// Its file identifier.
    pub fid: [u8; 2],
    /// The tries a fresh PIN has, where domain.md states it (`None`: not known, and not shown).
    pub max: Option<u8>,
}

/// Every PIN file of domain.md, in the order [`CardSession::pins`] reads them (grouped by
/// application so each is selected once).
///
/// `max`: 3 for the JPKI user-authentication PIN, 5 for the signing password, 3 for the
/// 券面事項入力補助 PIN (domain.md). For 照合番号A/B and the 住基 PIN domain.md states no
/// number, so none is assumed: those show the tries left alone. The tries left the card reports
/// are authoritative; when a card reports more than a known `max`, the reported number raises it.
pub const PIN_FILES: [PinFile; 8] = [
    PinFile {
        id: PinId::Auth,
        app: JPKI_AID,
        fid: EF_AUTH_PIN,
        max: Some(3),
    },
    PinFile {
        id: PinId::Sign,
        app: JPKI_AID,
        fid: EF_SIGN_PIN,
        max: Some(5),
    },
    PinFile {
        id: PinId::KenmenHojo,
        app: KENMEN_HOJO_AID,
        fid: [0x00, 0x11],
        max: Some(3),
    },
    PinFile {
        id: PinId::KenmenHojoA,
        app: KENMEN_HOJO_AID,
        fid: [0x00, 0x14],
        max: None,
    },
    PinFile {
        id: PinId::KenmenHojoB,
        app: KENMEN_HOJO_AID,
        fid: [0x00, 0x15],
        max: None,
    },
    PinFile {
        id: PinId::KenmenKakuninA,
        app: KENMEN_KAKUNIN_AID,
        fid: [0x00, 0x13],
        max: None,
    },
    PinFile {
        id: PinId::KenmenKakuninB,
        app: KENMEN_KAKUNIN_AID,
        fid: [0x00, 0x12],
        max: None,
    },
    PinFile {
        id: PinId::Juki,
        app: JUKI_AID,
        fid: [0x00, 0x1C],
        max: None,
    },
];

/// The applications holding PIN files, in the order [`CardSession::pins`] selects them.
const PIN_APPS: [[u8; 10]; 4] = [JPKI_AID, KENMEN_HOJO_AID, KENMEN_KAKUNIN_AID, JUKI_AID];

/// One PIN's retry counter, as read without spending a try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PinStatus {
    /// Which PIN.
    pub id: PinId,
    /// Its file identifier.
    pub fid: [u8; 2],
    /// The tries a fresh PIN has, when known (see [`PIN_FILES`]).
    pub max: Option<u8>,
    /// Tries left, when the card tells (`Some(0)` when blocked).
    pub tries_left: Option<u8>,
    /// The counter's state.
    pub state: PinState,
}

/// Where the card's own expiry came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExpiryRoute {
    /// GET DATA `F2` with no application selected.
    GetData,
    /// Record 1 of the 共通カード application.
    CommonApplication,
}

/// The card's own expiry, as the card told it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CardExpiry {
    /// The last valid day.
    pub date: NaiveDate,
    /// How it was read.
    pub route: ExpiryRoute,
}

/// Whether the card holds a signing certificate, as far as is known without the password.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignPresence {
    /// EF 0008 starts with `8F`.
    Present,
    /// EF 0008 starts with another byte, or is missing.
    Absent,
    /// The card did not answer in a way we understand.
    Unknown,
}

impl SignPresence {
    /// `Some(true)` present, `Some(false)` absent, `None` unknown.
    pub fn known(self) -> Option<bool> {
        match self {
            SignPresence::Present => Some(true),
            SignPresence::Absent => Some(false),
            SignPresence::Unknown => None,
        }
    }
}

/// The card's answer to the signing password (one VERIFY with data, never retried).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VerifyOutcome {
    /// `9000`: verified; EF 0001 is readable until the card is powered off.
    Verified,
    /// `63Cx`: wrong, x tries left (0: now blocked).
    Wrong {
        /// Tries left after this one.
        tries_left: u8,
    },
    /// `6983`/`6984`: the password is blocked; it was not checked.
    Blocked,
}

/// What the default no-PIN reading found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicReading {
    /// The kind of card (token info, or inferred from the card expiry: see `docs/apdus.md`).
    pub kind: CardKind,
    /// The card's own expiry, when it told.
    pub card_expiry: Option<CardExpiry>,
    /// The user-authentication certificate, exactly its DER; `None` when the card has no
    /// EF 000A (issued without certificates).
    pub auth_cert: Option<Vec<u8>>,
    /// Whether a signing certificate is present.
    pub sign_presence: SignPresence,
    /// The JPKI PINs: `auth`, then `sign`.
    pub pins: Vec<PinStatus>,
}

/// What can go wrong talking to a My Number Card.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CardError {
    /// The card has no JPKI application (SELECT answered `6A82`).
    #[error("the card is not a My Number Card")]
    NotMyNumberCard,
    /// The exchange failed below this layer.
    #[error(transparent)]
    Apdu(#[from] ApduError),
    /// A command got a status word this step cannot continue from.
    #[error("{what} was refused: status {sw}")]
    Status {
        /// The step, e.g. `READ BINARY`.
        what: &'static str,
        /// The card's answer.
        sw: StatusWord,
    },
    /// The file's DER header claims more than [`MAX_DER_LEN`] bytes (`usize::MAX` when the
    /// claim is beyond what DER can express here).
    #[error("the file claims more bytes than any certificate has")]
    TooLong(usize),
    /// The file does not start with a DER SEQUENCE with a definite, minimal length.
    #[error("the file is not a DER structure")]
    BadDer,
    /// The file ended before the length its DER header claims.
    #[error("the file ended after {got} of {expected} bytes")]
    Truncated {
        /// Bytes the header claims.
        expected: usize,
        /// Bytes the card gave.
        got: usize,
    },
    /// The file needs a verified PIN (`6982`).
    #[error("the file needs a verified PIN")]
    SecurityNotSatisfied,
}

impl CardError {
    /// The card left the reader or was reset: this reading must start again.
    pub fn is_removal(&self) -> bool {
        matches!(self, Self::Apdu(ApduError::Transport(e)) if e.is_removal())
    }

    /// The card stopped answering within the deadline ([`TransportError::NotAnswering`]): take
    /// it off the reader and place it again.
    pub fn is_not_answering(&self) -> bool {
        matches!(
            self,
            Self::Apdu(ApduError::Transport(TransportError::NotAnswering))
        )
    }

    /// Nothing more can be read on this connection: the card left or was reset, stopped
    /// answering, or the service went away ([`TransportError::ends_reading`]). A reading that
    /// meets one of these must end with it, never with a partial report, and never tries a
    /// fallback.
    pub fn ends_reading(&self) -> bool {
        matches!(self, Self::Apdu(ApduError::Transport(e)) if e.ends_reading())
    }
}

/// Told the first chunk of the user-authentication certificate and the APDUs sent so far
/// ([`CardSession::on_auth_head`]).
pub type AuthHead<'a> = dyn FnMut(&[u8], u32) + 'a;

/// One reading of one card: every APDU of it goes through here, counted.
pub struct CardSession<'a> {
    channel: Channel<'a>,
    extended: bool,
    fell_back: bool,
    current_app: Option<[u8; 10]>,
    selected_any: bool,
    /// The EF a SELECT EF made current, as long as only VERIFYs followed it.
    current_ef: Option<[u8; 2]>,
    /// Told the first chunk of EF 000A as soon as it arrives (the date first).
    on_auth_head: Option<&'a mut AuthHead<'a>>,
}

/// Answers from commands whose failure only means "the card does not tell": malformed or
/// endlessly chained answers become `None`; transport errors (removal above all) still stop
/// the reading.
fn soft<T>(result: Result<T, CardError>) -> Result<Option<T>, CardError> {
    match result {
        Ok(r) => Ok(Some(r)),
        Err(CardError::Apdu(
            ApduError::Malformed | ApduError::TooManyChained | ApduError::Encode(_),
        )) => Ok(None),
        Err(e) => Err(e),
    }
}

impl<'a> CardSession<'a> {
    /// Starts a session on one transaction; `extended` is the transport's claim that
    /// extended-length APDUs work.
    pub fn new(tx: &'a mut dyn Transaction, extended: bool) -> Self {
        Self {
            channel: Channel::new(tx),
            extended,
            fell_back: false,
            current_app: None,
            selected_any: false,
            current_ef: None,
            on_auth_head: None,
        }
    }

    /// Calls `f` with the first chunk of the user-authentication certificate (at most 256
    /// bytes: its DER length and its validity) and the APDUs sent so far, the moment it
    /// arrives, before the rest is read.
    pub fn on_auth_head(&mut self, f: &'a mut AuthHead<'a>) {
        self.on_auth_head = Some(f);
    }

    /// Command APDUs sent in this session (GET RESPONSEs and re-sends included).
    pub fn apdu_count(&self) -> u32 {
        self.channel.count()
    }

    /// Whether an extended-length READ failed in this session and short APDUs took over; the
    /// caller should then call `Transport::disable_extended_length`.
    pub fn extended_fell_back(&self) -> bool {
        self.fell_back
    }

    /// Sends one command. Some cards answer the first command after power-up with `6F00`
    /// (domain.md): that one answer is retried once.
    fn send(&mut self, command: &Command) -> Result<Response, CardError> {
        // Anything but a VERIFY may change the current EF (a SELECT, a READ by SFI).
        if command.ins != 0x20 {
            self.current_ef = None;
        }
        let first = self.channel.count() == 0;
        let response = self.channel.transmit(command)?;
        if first && response.sw == StatusWord::NoPreciseDiagnosis && !command.sensitive {
            return Ok(self.channel.transmit(command)?);
        }
        Ok(response)
    }

    /// SELECTs an application unless it is the current one; its status word.
    fn select_app(&mut self, aid: [u8; 10]) -> Result<StatusWord, CardError> {
        if self.current_app == Some(aid) {
            return Ok(StatusWord::Ok);
        }
        self.selected_any = true;
        self.current_app = None;
        let sw = self.send(&Command::select_aid(&aid))?.sw;
        if sw.is_ok() {
            self.current_app = Some(aid);
        }
        Ok(sw)
    }

    /// SELECTs the JPKI application. `6A82` is [`CardError::NotMyNumberCard`].
    pub fn select_jpki(&mut self) -> Result<(), CardError> {
        match self.select_app(JPKI_AID)? {
            StatusWord::Ok => Ok(()),
            StatusWord::NotFound => Err(CardError::NotMyNumberCard),
            sw => Err(CardError::Status {
                what: "SELECT JPKI",
                sw,
            }),
        }
    }

    /// Reads the token info (EF 0006, by short EF identifier, one short APDU) into a card kind.
    /// A missing or unreadable token is [`CardKind::Unknown`].
    pub fn token_info(&mut self) -> Result<CardKind, CardError> {
        self.select_jpki()?;
        let sfi = sfi_of(EF_TOKEN).unwrap_or(6);
        let response = soft(self.send(&Command::read_binary_sfi(sfi, 0, SHORT_CHUNK)))?;
        Ok(match response {
            Some(r) if matches!(r.sw, StatusWord::Ok | StatusWord::EndOfFile) => {
                kind_from_token(&r.data)
            }
            _ => CardKind::Unknown,
        })
    }

    /// Whether a signing certificate is present, from EF 0008 (one short APDU).
    pub fn sign_presence(&mut self) -> Result<SignPresence, CardError> {
        self.select_jpki()?;
        let sfi = sfi_of(EF_AVAILABILITY).unwrap_or(8);
        let response = soft(self.send(&Command::read_binary_sfi(sfi, 0, 3)))?;
        Ok(match response {
            Some(r) if matches!(r.sw, StatusWord::Ok | StatusWord::EndOfFile) => {
                match r.data.first() {
                    Some(0x8F) => SignPresence::Present,
                    Some(_) => SignPresence::Absent,
                    None => SignPresence::Unknown,
                }
            }
            Some(r) if r.sw == StatusWord::NotFound => SignPresence::Absent,
            _ => SignPresence::Unknown,
        })
    }

    /// The retry counter of one PIN file, without spending a try: SELECT the application
    /// (unless current), SELECT EF, VERIFY with no data.
    pub fn pin_status(&mut self, app_aid: [u8; 10], fid: [u8; 2]) -> Result<PinStatus, CardError> {
        let (key, max) = PIN_FILES
            .iter()
            .find(|p| p.app == app_aid && p.fid == fid)
            .map_or((PinId::Other, None), |p| (p.id, p.max));
        let mut status = PinStatus {
            id: key,
            fid,
            max,
            tries_left: None,
            state: PinState::Unavailable,
        };
        if soft(self.select_app(app_aid))? != Some(StatusWord::Ok) {
            return Ok(status);
        }
        match soft(self.send(&Command::select_ef(fid)))? {
            Some(r) if r.sw.is_ok() => self.current_ef = Some(fid),
            _ => return Ok(status),
        }
        let Some(response) = soft(self.send(&Command::verify_status()))? else {
            return Ok(status);
        };
        match response.sw {
            StatusWord::TriesLeft(0)
            | StatusWord::AuthBlocked
            | StatusWord::ReferenceDataBlocked => {
                status.tries_left = Some(0);
                status.state = PinState::Locked;
            }
            StatusWord::TriesLeft(n) => {
                status.tries_left = Some(n);
                status.max = status.max.map(|m| m.max(n));
                status.state = PinState::Ok;
            }
            StatusWord::Ok => status.state = PinState::Verified,
            _ => {}
        }
        Ok(status)
    }

    /// Every PIN file of domain.md ([`PIN_FILES`]), each application selected once:
    /// 4 SELECT AID + 8 × (SELECT EF + VERIFY) = 20 APDUs on a full card. An application the
    /// card lacks makes its PINs [`PinState::Unavailable`]; no JPKI application at all is
    /// [`CardError::NotMyNumberCard`].
    pub fn pins(&mut self) -> Result<Vec<PinStatus>, CardError> {
        let mut out = Vec::with_capacity(PIN_FILES.len());
        for app in PIN_APPS {
            let sw = soft(self.select_app(app))?;
            if app == JPKI_AID && sw == Some(StatusWord::NotFound) {
                return Err(CardError::NotMyNumberCard);
            }
            for file in PIN_FILES.iter().filter(|p| p.app == app) {
                if sw == Some(StatusWord::Ok) {
                    out.push(self.pin_status(app, file.fid)?);
                } else {
                    out.push(PinStatus {
                        id: file.id,
                        fid: file.fid,
                        max: file.max,
                        tries_left: None,
                        state: PinState::Unavailable,
                    });
                }
            }
        }
        Ok(out)
    }

    /// The card's own expiry without a PIN: GET DATA `F2` while no application is selected
    /// (only tried before any SELECT in this session), else record 1 of the 共通カード
    /// application. `None` when neither gives a valid date.
    pub fn card_expiry(&mut self) -> Result<Option<CardExpiry>, CardError> {
        if !self.selected_any
            && let Some(date) = self.expiry_by_get_data()?
        {
            return Ok(Some(CardExpiry {
                date,
                route: ExpiryRoute::GetData,
            }));
        }
        Ok(self.expiry_by_common_application()?.map(|date| CardExpiry {
            date,
            route: ExpiryRoute::CommonApplication,
        }))
    }

    fn expiry_by_get_data(&mut self) -> Result<Option<NaiveDate>, CardError> {
        // 6Cxx is re-sent by the channel; 6700 names no length, so ask for the 8 digits.
        let mut response = soft(self.send(&Command::get_data(0x00, 0xF2, SHORT_CHUNK)))?;
        if response
            .as_ref()
            .is_some_and(|r| r.sw == StatusWord::WrongLength)
        {
            response = soft(self.send(&Command::get_data(0x00, 0xF2, 8)))?;
        }
        Ok(response
            .filter(|r| r.sw.is_ok())
            .and_then(|r| expiry_from_get_data(&r.data)))
    }

    fn expiry_by_common_application(&mut self) -> Result<Option<NaiveDate>, CardError> {
        if soft(self.select_app(COMMON_AID))? != Some(StatusWord::Ok) {
            return Ok(None);
        }
        // The record also holds the card's serial number: kept out of the trace.
        let read = Command::read_record(1, 1, SHORT_CHUNK).sensitive();
        let response = soft(self.send(&read))?;
        Ok(response
            .filter(|r| matches!(r.sw, StatusWord::Ok | StatusWord::EndOfFile))
            .and_then(|r| expiry_from_common_record(&r.data)))
    }

    /// Sends the signing password once: SELECT JPKI (unless current), SELECT EF 001B (unless
    /// the counter's check just selected it), VERIFY
    /// with the password (sensitive: never traced, wiped after sending). Never retried, not even
    /// after the `6F00` some cards give their first command. The caller decides beforehand
    /// whether it may be sent (tries left, confirmation).
    pub fn verify_signing_password(
        &mut self,
        password: &SigningPassword,
    ) -> Result<VerifyOutcome, CardError> {
        self.select_jpki()?;
        // Selected by the counter's check just before (only VERIFYs since): not sent again.
        if self.current_ef != Some(EF_SIGN_PIN) {
            let sw = self.send(&Command::select_ef(EF_SIGN_PIN))?.sw;
            if !sw.is_ok() {
                return Err(CardError::Status {
                    what: "SELECT EF 001B",
                    sw,
                });
            }
        }
        let verify = Command::verify(password.as_bytes());
        let response = self.channel.transmit(&verify)?;
        drop(verify);
        match response.sw {
            StatusWord::Ok => Ok(VerifyOutcome::Verified),
            StatusWord::TriesLeft(n) => Ok(VerifyOutcome::Wrong { tries_left: n }),
            StatusWord::AuthBlocked | StatusWord::ReferenceDataBlocked => {
                Ok(VerifyOutcome::Blocked)
            }
            sw => Err(CardError::Status { what: "VERIFY", sw }),
        }
    }

    /// Reads the signing certificate (EF 0001) exactly as EF 000A is read: by short EF
    /// identifier, extended length when possible. Needs the signing password verified in this
    /// card session; otherwise [`CardError::SecurityNotSatisfied`].
    pub fn read_signing_cert(&mut self) -> Result<Vec<u8>, CardError> {
        self.select_jpki()?;
        self.read_der_file(EF_SIGN_CERT)
    }

    /// The default no-PIN reading, fewest APDUs (`docs/apdus.md`): card expiry (GET DATA, else
    /// the 共通カード record), SELECT JPKI, token info only when the card expiry was not
    /// answered, the user-authentication certificate, signing-certificate presence, and the
    /// two JPKI PIN counters.
    pub fn read_public(&mut self) -> Result<PublicReading, CardError> {
        let card_expiry = self.card_expiry()?;
        self.select_jpki()?;
        // Only a My Number Card carries the expiry routes (the 共通カード application), so an
        // answered expiry saves the token read. See docs/apdus.md for what this rests on.
        let kind = if card_expiry.is_some() {
            CardKind::MyNumberCard
        } else {
            self.token_info()?
        };
        // A card issued without certificates (the holder may decline them) has no EF 000A.
        let auth_cert = match self.read_der_file(EF_AUTH_CERT) {
            Ok(der) => Some(der),
            Err(CardError::Status {
                sw: StatusWord::NotFound,
                ..
            }) => None,
            Err(e) => return Err(e),
        };
        let sign_presence = self.sign_presence()?;
        let pins = vec![
            self.pin_status(JPKI_AID, EF_AUTH_PIN)?,
            self.pin_status(JPKI_AID, EF_SIGN_PIN)?,
        ];
        Ok(PublicReading {
            kind,
            card_expiry,
            auth_cert,
            sign_presence,
            pins,
        })
    }
}

#[cfg(test)]
mod tests;
