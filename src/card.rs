//! The My Number Card's applications: JPKI files, PIN counters and the card's own expiry.
//! Follows `shared/docs/domain.md` §2; the APDU sequences and their counts are in
//! `docs/apdus.md`.

use chrono::NaiveDate;
use serde::Serialize;
use thiserror::Error;

use crate::apdu::{ApduError, Channel, Command, MAX_EXTENDED_LE, Response, StatusWord};
use crate::secret::SigningPassword;
use crate::transport::{Transaction, TransportError};

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
    /// The tries a fresh PIN has.
    pub max: u8,
}

/// Every PIN file of domain.md, in the order [`CardSession::pins`] reads them (grouped by
/// application so each is selected once).
///
/// `max`: 3 for the JPKI user-authentication PIN, 5 for the signing password, 3 for the
/// 券面事項入力補助 PIN (domain.md). For 照合番号A/B and the 住基 PIN domain.md states no
/// number: 3 is assumed for the 4-digit 住基 PIN (same kind of PIN as the other 4-digit ones)
/// and 10 for the 照合番号A/B files. The tries left the card reports are authoritative; when
/// a card reports more than `max`, the reported number raises `max`.
pub const PIN_FILES: [PinFile; 8] = [
    PinFile {
        id: PinId::Auth,
        app: JPKI_AID,
        fid: EF_AUTH_PIN,
        max: 3,
    },
    PinFile {
        id: PinId::Sign,
        app: JPKI_AID,
        fid: EF_SIGN_PIN,
        max: 5,
    },
    PinFile {
        id: PinId::KenmenHojo,
        app: KENMEN_HOJO_AID,
        fid: [0x00, 0x11],
        max: 3,
    },
    PinFile {
        id: PinId::KenmenHojoA,
        app: KENMEN_HOJO_AID,
        fid: [0x00, 0x14],
        max: 10,
    },
    PinFile {
        id: PinId::KenmenHojoB,
        app: KENMEN_HOJO_AID,
        fid: [0x00, 0x15],
        max: 10,
    },
    PinFile {
        id: PinId::KenmenKakuninA,
        app: KENMEN_KAKUNIN_AID,
        fid: [0x00, 0x13],
        max: 10,
    },
    PinFile {
        id: PinId::KenmenKakuninB,
        app: KENMEN_KAKUNIN_AID,
        fid: [0x00, 0x12],
        max: 10,
    },
    PinFile {
        id: PinId::Juki,
        app: JUKI_AID,
        fid: [0x00, 0x1C],
        max: 3,
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
    /// The tries a fresh PIN has (see [`PIN_FILES`]).
    pub max: u8,
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

/// The short EF identifier of a JPKI file: its FID `00 xx` with xx in 1..=30.
pub fn sfi_of(fid: [u8; 2]) -> Option<u8> {
    match fid {
        [0x00, x @ 1..=30] => Some(x),
        _ => None,
    }
}

/// The total length (header + content) of the DER SEQUENCE starting `prefix`: `Ok(None)` while
/// `prefix` is too short to tell. Definite, minimal lengths only; above [`MAX_DER_LEN`] is
/// [`CardError::TooLong`].
pub fn der_total_len(prefix: &[u8]) -> Result<Option<usize>, CardError> {
    use der::{Decode, Encode, ErrorKind, Header, SliceReader, Tag};
    let Ok(mut reader) = SliceReader::new(prefix) else {
        return Err(CardError::TooLong(prefix.len()));
    };
    // The `der` crate enforces DER: definite, minimal lengths of at most four octets.
    let header = match Header::decode(&mut reader) {
        Ok(header) => header,
        Err(e) => {
            return match e.kind() {
                ErrorKind::Incomplete { .. } => Ok(None),
                ErrorKind::Overflow | ErrorKind::Overlength => Err(CardError::TooLong(usize::MAX)),
                _ => Err(CardError::BadDer),
            };
        }
    };
    if header.tag != Tag::Sequence {
        return Err(CardError::BadDer);
    }
    let total = header
        .encoded_len()
        .and_then(|h| h + header.length)
        .ok()
        .and_then(|l| usize::try_from(l).ok())
        .unwrap_or(usize::MAX);
    if total > MAX_DER_LEN {
        return Err(CardError::TooLong(total));
    }
    Ok(Some(total))
}

/// The card kind from the first bytes of the token info (EF 0006).
pub fn kind_from_token(token: &[u8]) -> CardKind {
    if token.starts_with(b"JPKIAPICCTOKEN2") {
        CardKind::MyNumberCard
    } else if token.starts_with(b"JPKIAPICCTOKEN") {
        CardKind::JukiCard
    } else if token.starts_with(b"JPKIAPGPSETOKEN") || token.starts_with(b"JPKIAPIOSTOKEN") {
        CardKind::Smartphone
    } else {
        CardKind::Unknown
    }
}

/// 8 ASCII digits `YYYYMMDD` into a real date between 2016 (the first cards were issued in
/// January 2016, so no card expires earlier) and 2099.
pub fn parse_yyyymmdd(digits: &[u8]) -> Option<NaiveDate> {
    if digits.len() != 8 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let num = |r: std::ops::Range<usize>| {
        digits
            .get(r)?
            .iter()
            .try_fold(0u32, |acc, &b| Some(acc * 10 + u32::from(b - b'0')))
    };
    let year = i32::try_from(num(0..4)?).ok()?;
    if !(2016..=2099).contains(&year) {
        return None;
    }
    NaiveDate::from_ymd_opt(year, num(4..6)?, num(6..8)?)
}

/// The expiry from a GET DATA `F2` answer: 8 digits, or the same wrapped as `F2 08 …`.
pub fn expiry_from_get_data(data: &[u8]) -> Option<NaiveDate> {
    match data {
        [0xF2, 0x08, rest @ ..] if rest.len() == 8 => parse_yyyymmdd(rest),
        _ => parse_yyyymmdd(data),
    }
}

/// The expiry from record 1 of the 共通カード application: simple-TLV `01 1C` + 28 ASCII
/// digits (15-digit serial, 5-digit municipality code, `YYYYMMDD`).
pub fn expiry_from_common_record(record: &[u8]) -> Option<NaiveDate> {
    let value = match record {
        [0x01, 0x1C, rest @ ..] => rest.get(..28)?,
        _ => return None,
    };
    if !value.iter().all(u8::is_ascii_digit) {
        return None;
    }
    parse_yyyymmdd(value.get(20..28)?)
}

/// One reading of one card: every APDU of it goes through here, counted.
pub struct CardSession<'a> {
    channel: Channel<'a>,
    extended: bool,
    fell_back: bool,
    current_app: Option<[u8; 10]>,
    selected_any: bool,
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

/// The error for a READ BINARY refused with `sw`.
fn read_refused(sw: StatusWord) -> CardError {
    match sw {
        StatusWord::SecurityNotSatisfied => CardError::SecurityNotSatisfied,
        sw => CardError::Status {
            what: "READ BINARY",
            sw,
        },
    }
}

/// The first READ BINARY of a file: by short EF identifier when it has one, else on the
/// current EF (just selected).
fn first_read(sfi: Option<u8>, le: usize) -> Command {
    match sfi {
        Some(sfi) => Command::read_binary_sfi(sfi, 0, le),
        None => Command::read_binary(0, le),
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
        }
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

    /// Reads a DER file of the JPKI application (which must be selected) with the fewest
    /// APDUs and returns exactly its DER (trailing filler cut). See `docs/apdus.md`.
    pub fn read_der_file(&mut self, fid: [u8; 2]) -> Result<Vec<u8>, CardError> {
        let sfi = sfi_of(fid);
        if sfi.is_none() {
            let sw = self.send(&Command::select_ef(fid))?.sw;
            if !sw.is_ok() {
                return Err(CardError::Status {
                    what: "SELECT EF",
                    sw,
                });
            }
        }
        if self.extended && !self.fell_back {
            if let Some(der) = self.read_extended(sfi)? {
                return Ok(der);
            }
            log::info!("extended-length READ BINARY failed; falling back to short APDUs");
            self.fell_back = true;
        }
        self.read_short(sfi)
    }

    /// One extended READ BINARY with Le = 65536. `None` when it did not give the whole DER and
    /// short APDUs should take over; errors only for removal and for answers short APDUs
    /// would get too (file missing, PIN needed).
    fn read_extended(&mut self, sfi: Option<u8>) -> Result<Option<Vec<u8>>, CardError> {
        let response = match self.send(&first_read(sfi, MAX_EXTENDED_LE)) {
            Ok(r) => r,
            Err(e) if e.ends_reading() => return Err(e),
            Err(_) => return Ok(None),
        };
        match response.sw {
            StatusWord::Ok | StatusWord::EndOfFile => {}
            sw @ (StatusWord::NotFound
            | StatusWord::SecurityNotSatisfied
            | StatusWord::IncompatibleFile) => return Err(read_refused(sw)),
            _ => return Ok(None),
        }
        let mut data = response.data;
        match der_total_len(&data) {
            Ok(Some(total)) if data.len() >= total => {
                data.truncate(total);
                Ok(Some(data))
            }
            // Short or unparsable: the short path reads again and decides.
            _ => Ok(None),
        }
    }

    /// Short READ BINARYs: the first by SFI (or on the current EF) with Le 256, then 15-bit
    /// offsets on the current EF, the last asking for exactly the bytes still missing.
    fn read_short(&mut self, sfi: Option<u8>) -> Result<Vec<u8>, CardError> {
        let mut data: Vec<u8> = Vec::new();
        let mut total: Option<usize> = None;
        loop {
            let want = total.map_or(SHORT_CHUNK, |t| t.saturating_sub(data.len()));
            let le = want.clamp(1, SHORT_CHUNK);
            let command = if data.is_empty() {
                first_read(sfi, le)
            } else {
                let offset = u16::try_from(data.len())
                    .ok()
                    .filter(|o| *o <= 0x7FFF)
                    .ok_or(CardError::TooLong(data.len()))?;
                Command::read_binary(offset, le)
            };
            let response = self.send(&command)?;
            let end_of_file = match response.sw {
                StatusWord::Ok => false,
                StatusWord::EndOfFile => true,
                // Past the end of the EF (6B00) after a first chunk: the file is short.
                StatusWord::Other(0x6B00) if !data.is_empty() => {
                    return Err(truncated(total, data.len()));
                }
                sw => return Err(read_refused(sw)),
            };
            if response.data.is_empty() {
                return Err(truncated(total, data.len()));
            }
            data.extend_from_slice(&response.data);
            if total.is_none() {
                total = der_total_len(&data)?;
            }
            if let Some(t) = total
                && data.len() >= t
            {
                data.truncate(t);
                return Ok(data);
            }
            if end_of_file {
                return Err(truncated(total, data.len()));
            }
        }
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
            .map_or((PinId::Other, 0), |p| (p.id, p.max));
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
            Some(r) if r.sw.is_ok() => {}
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
                status.max = status.max.max(n);
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

    /// Sends the signing password once: SELECT JPKI (unless current), SELECT EF 001B, VERIFY
    /// with the password (sensitive: never traced, wiped after sending). Never retried, not even
    /// after the `6F00` some cards give their first command. The caller decides beforehand
    /// whether it may be sent (tries left, confirmation).
    pub fn verify_signing_password(
        &mut self,
        password: &SigningPassword,
    ) -> Result<VerifyOutcome, CardError> {
        self.select_jpki()?;
        let sw = self.send(&Command::select_ef(EF_SIGN_PIN))?.sw;
        if !sw.is_ok() {
            return Err(CardError::Status {
                what: "SELECT EF 001B",
                sw,
            });
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

/// The error for a file that ended early.
fn truncated(total: Option<usize>, got: usize) -> CardError {
    match total {
        Some(expected) => CardError::Truncated { expected, got },
        None => CardError::BadDer,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apdu::tests::Script;
    use proptest::prelude::*;

    /// Bytes from spaced hex.
    fn h(s: &str) -> Vec<u8> {
        s.split_whitespace()
            .map(|b| u8::from_str_radix(b, 16).unwrap())
            .collect()
    }

    fn ok(data: &[u8]) -> Vec<u8> {
        [data, &[0x90, 0x00]].concat()
    }

    fn sw(sw: u16) -> Vec<u8> {
        sw.to_be_bytes().to_vec()
    }

    /// A DER SEQUENCE of `total` bytes, with a minimal length.
    fn der(total: usize) -> Vec<u8> {
        let mut v = if total - 2 < 0x80 {
            vec![0x30, (total - 2) as u8]
        } else if total - 3 < 0x100 {
            vec![0x30, 0x81, (total - 3) as u8]
        } else {
            let content = total - 4;
            vec![0x30, 0x82, (content >> 8) as u8, content as u8]
        };
        let content = total - v.len();
        v.extend((0..content).map(|i| (i % 251) as u8));
        v
    }

    /// The file as the card holds it: the DER, then filler.
    fn file(total: usize) -> Vec<u8> {
        let mut f = der(total);
        f.extend(std::iter::repeat_n(0xFF, 300));
        f
    }

    fn script(steps: Vec<(Vec<u8>, Vec<u8>)>) -> Script {
        let mut s = Script::new(&[]);
        for (c, r) in steps {
            s.push(&c, Ok(r));
        }
        s
    }

    const SELECT_JPKI: &str = "00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01";
    const SELECT_COMMON: &str = "00 A4 04 0C 0A D3 92 10 00 31 00 01 01 01 00";
    const GET_DATA_F2: &str = "00 CA 00 F2 00";
    const READ_RECORD_1: &str = "00 B2 01 0C 00";

    /// The short chunks of a `total`-byte DER at EF 000A: first by SFI, then by offset.
    fn short_chunks(f: &[u8], total: usize) -> Vec<(Vec<u8>, Vec<u8>)> {
        let mut steps = vec![(h("00 B0 8A 00 00"), ok(&f[..256]))];
        let mut off = 256;
        while off < total {
            let le = (total - off).min(256);
            let cmd = vec![0x00, 0xB0, (off >> 8) as u8, off as u8, le as u8];
            steps.push((cmd, ok(&f[off..off + le])));
            off += le;
        }
        steps
    }

    fn common_record(expiry: &str) -> Vec<u8> {
        let mut r = vec![0x01, 0x1C];
        r.extend_from_slice(b"123456789012345");
        r.extend_from_slice(b"13101");
        r.extend_from_slice(expiry.as_bytes());
        r
    }

    #[test]
    fn der_lengths() {
        assert_eq!(der_total_len(&[]), Ok(None));
        assert_eq!(der_total_len(&[0x30]), Ok(None));
        assert_eq!(der_total_len(&h("30 82 06")), Ok(None));
        assert_eq!(der_total_len(&h("30 82 06 3C")), Ok(Some(1600)));
        assert_eq!(der_total_len(&h("30 05 01 02")), Ok(Some(7)));
        assert_eq!(der_total_len(&h("30 81 80")), Ok(Some(131)));
        assert_eq!(der_total_len(&h("31 82 06 3C")), Err(CardError::BadDer));
        assert_eq!(der_total_len(&h("FF FF FF FF")), Err(CardError::BadDer));
        assert_eq!(der_total_len(&h("30 80 00 00")), Err(CardError::BadDer));
        assert_eq!(der_total_len(&h("30 81 10")), Err(CardError::BadDer));
        assert_eq!(der_total_len(&h("30 82 00 90")), Err(CardError::BadDer));
        assert_eq!(
            der_total_len(&h("30 85 01 01 01 01 01")),
            Err(CardError::BadDer)
        );
        assert_eq!(der_total_len(&h("30 82 1F FC")), Ok(Some(MAX_DER_LEN)));
        assert_eq!(
            der_total_len(&h("30 82 1F FD")),
            Err(CardError::TooLong(8193))
        );
        assert_eq!(
            der_total_len(&h("30 84 FF FF FF FF")),
            Err(CardError::TooLong(usize::MAX))
        );
    }

    #[test]
    fn sfi_only_for_short_jpki_fids() {
        assert_eq!(sfi_of(EF_AUTH_CERT), Some(0x0A));
        assert_eq!(sfi_of(EF_SIGN_PIN), Some(0x1B));
        assert_eq!(sfi_of([0x00, 0x00]), None);
        assert_eq!(sfi_of([0x00, 0x1F]), None);
        assert_eq!(sfi_of([0x2F, 0x01]), None);
    }

    #[test]
    fn extended_read_is_one_apdu_and_cuts_filler() {
        let f = file(1600);
        let mut s = script(vec![(h("00 B0 8A 00 00 00 00"), ok(&f))]);
        let mut c = CardSession::new(&mut s, true);
        assert_eq!(c.read_der_file(EF_AUTH_CERT).unwrap(), der(1600));
        assert_eq!(c.apdu_count(), 1);
        assert!(!c.extended_fell_back());
        assert!(s.done());
    }

    #[test]
    fn extended_read_end_of_file_with_complete_der_is_fine() {
        let d = der(1200);
        let mut s = script(vec![(
            h("00 B0 8B 00 00 00 00"),
            [d.as_slice(), &[0x62, 0x82]].concat(),
        )]);
        let mut c = CardSession::new(&mut s, true);
        assert_eq!(c.read_der_file(EF_AUTH_CA).unwrap(), d);
    }

    #[test]
    fn short_read_costs_one_plus_remaining_chunks() {
        let f = file(1600);
        let steps = short_chunks(&f, 1600);
        assert_eq!(steps.len(), 7);
        assert_eq!(steps[6].0, h("00 B0 06 00 40"));
        let mut s = script(steps);
        let mut c = CardSession::new(&mut s, false);
        assert_eq!(c.read_der_file(EF_AUTH_CERT).unwrap(), der(1600));
        assert_eq!(c.apdu_count(), 7);
        assert!(s.done());
    }

    #[test]
    fn short_read_of_a_small_file_is_one_apdu() {
        let f = file(200);
        let mut s = script(vec![(h("00 B0 82 00 00"), ok(&f[..256]))]);
        let mut c = CardSession::new(&mut s, false);
        assert_eq!(c.read_der_file(EF_SIGN_CA).unwrap(), der(200));
        assert_eq!(c.apdu_count(), 1);
    }

    #[test]
    fn short_read_with_end_of_file_and_complete_der() {
        let d = der(300);
        let mut s = script(vec![
            (h("00 B0 8A 00 00"), ok(&d[..256])),
            (
                h("00 B0 01 00 2C"),
                [&d[256..], &[0x62u8, 0x82][..]].concat(),
            ),
        ]);
        let mut c = CardSession::new(&mut s, false);
        assert_eq!(c.read_der_file(EF_AUTH_CERT).unwrap(), d);
    }

    #[test]
    fn short_first_chunk_smaller_than_the_header() {
        let d = der(300);
        let mut s = script(vec![
            (h("00 B0 8A 00 00"), ok(&d[..1])),
            (h("00 B0 00 01 00"), ok(&d[1..257])),
            (h("00 B0 01 01 2B"), ok(&d[257..])),
        ]);
        let mut c = CardSession::new(&mut s, false);
        assert_eq!(c.read_der_file(EF_AUTH_CERT).unwrap(), d);
    }

    #[test]
    fn bytes_available_answers_are_joined() {
        let f = file(300);
        let mut s = script(vec![
            (
                h("00 B0 8A 00 00 00 00"),
                [&f[..200], &[0x61u8, 0x00][..]].concat(),
            ),
            (h("00 C0 00 00 00"), ok(&f[200..456])),
        ]);
        let mut c = CardSession::new(&mut s, true);
        assert_eq!(c.read_der_file(EF_AUTH_CERT).unwrap(), der(300));
        assert_eq!(c.apdu_count(), 2);
    }

    fn fallback_case(first: Result<Vec<u8>, TransportError>, extra: Vec<(Vec<u8>, Vec<u8>)>) {
        let f = file(1600);
        let mut s = Script::new(&[]);
        s.push(&h("00 B0 8A 00 00 00 00"), first);
        for (c, r) in extra {
            s.push(&c, Ok(r));
        }
        for (c, r) in short_chunks(&f, 1600) {
            s.push(&c, Ok(r));
        }
        // The next file in the same session goes straight to short APDUs.
        let ca = file(900);
        for (c, r) in short_chunks(&ca, 900) {
            let c = if c == h("00 B0 8A 00 00") {
                h("00 B0 8B 00 00")
            } else {
                c
            };
            s.push(&c, Ok(r));
        }
        let mut c = CardSession::new(&mut s, true);
        assert_eq!(c.read_der_file(EF_AUTH_CERT).unwrap(), der(1600));
        assert!(c.extended_fell_back());
        assert_eq!(c.read_der_file(EF_AUTH_CA).unwrap(), der(900));
        assert!(s.done());
    }

    #[test]
    fn extended_falls_back_on_wrong_length() {
        fallback_case(Ok(sw(0x6700)), vec![]);
    }

    #[test]
    fn extended_falls_back_on_transport_errors_other_than_removal() {
        fallback_case(Err(TransportError::Timeout), vec![]);
        fallback_case(Err(TransportError::Other("transmit failed".into())), vec![]);
    }

    #[test]
    fn extended_falls_back_on_short_or_wrong_answers() {
        let f = file(1600);
        fallback_case(Ok(ok(&f[..256])), vec![]);
        fallback_case(Ok(ok(&[])), vec![]);
        fallback_case(Ok(vec![0x90]), vec![]);
        fallback_case(Ok(ok(&[0xFF; 40])), vec![]);
        fallback_case(
            Ok(sw(0x6F00)),
            vec![(h("00 B0 8A 00 00 00 00"), sw(0x6F00))],
        );
        fallback_case(Ok(sw(0x6D00)), vec![]);
        // 6C00: the channel re-sends with Le 256, which cannot hold the whole certificate.
        fallback_case(Ok(sw(0x6C00)), vec![(h("00 B0 8A 00 00"), ok(&f[..256]))]);
    }

    #[test]
    fn extended_removal_is_not_a_fallback() {
        let mut s = Script::new(&[]);
        s.push(&h("00 B0 8A 00 00 00 00"), Err(TransportError::CardRemoved));
        let mut c = CardSession::new(&mut s, true);
        let e = c.read_der_file(EF_AUTH_CERT).unwrap_err();
        assert!(e.is_removal());
        assert!(!c.extended_fell_back());
        assert!(s.done());
    }

    #[test]
    fn missing_or_protected_files_are_errors_without_fallback() {
        let mut s = script(vec![(h("00 B0 8A 00 00 00 00"), sw(0x6A82))]);
        let mut c = CardSession::new(&mut s, true);
        assert_eq!(
            c.read_der_file(EF_AUTH_CERT),
            Err(CardError::Status {
                what: "READ BINARY",
                sw: StatusWord::NotFound
            })
        );
        let mut s = script(vec![(h("00 B0 81 00 00"), sw(0x6982))]);
        let mut c = CardSession::new(&mut s, false);
        assert_eq!(
            c.read_der_file(EF_SIGN_CERT),
            Err(CardError::SecurityNotSatisfied)
        );
        let mut s = script(vec![(h("00 B0 81 00 00 00 00"), sw(0x6982))]);
        let mut c = CardSession::new(&mut s, true);
        assert_eq!(
            c.read_der_file(EF_SIGN_CERT),
            Err(CardError::SecurityNotSatisfied)
        );
        assert_eq!(c.apdu_count(), 1);
    }

    #[test]
    fn lying_lengths_are_typed_errors() {
        for (header, err) in [
            ("30 83 01 00 00", CardError::TooLong(0x10000 + 5)),
            ("30 82 7F FF", CardError::TooLong(0x7FFF + 4)),
            ("30 84 7F FF FF FF", CardError::TooLong(usize::MAX)),
            ("30 80", CardError::BadDer),
            ("04 82 06 3C", CardError::BadDer),
        ] {
            let mut chunk = h(header);
            chunk.resize(256, 0xAB);
            // Short: one READ, then the error.
            let mut s = script(vec![(h("00 B0 8A 00 00"), ok(&chunk))]);
            let mut c = CardSession::new(&mut s, false);
            assert_eq!(c.read_der_file(EF_AUTH_CERT), Err(err.clone()), "{header}");
            assert_eq!(c.apdu_count(), 1);
            // Extended: the extended answer is not trusted; the short read decides.
            let mut s = script(vec![
                (h("00 B0 8A 00 00 00 00"), ok(&chunk)),
                (h("00 B0 8A 00 00"), ok(&chunk)),
            ]);
            let mut c = CardSession::new(&mut s, true);
            assert_eq!(c.read_der_file(EF_AUTH_CERT), Err(err), "{header}");
            assert_eq!(c.apdu_count(), 2);
        }
    }

    #[test]
    fn truncated_files_are_typed_errors() {
        let d = der(1600);
        // End of file before the DER ends.
        let mut s = script(vec![
            (h("00 B0 8A 00 00"), ok(&d[..256])),
            (
                h("00 B0 01 00 00"),
                [&d[256..356], &[0x62u8, 0x82][..]].concat(),
            ),
        ]);
        let mut c = CardSession::new(&mut s, false);
        assert_eq!(
            c.read_der_file(EF_AUTH_CERT),
            Err(CardError::Truncated {
                expected: 1600,
                got: 356
            })
        );
        // An empty chunk with 9000 would loop forever: it is an error.
        let mut s = script(vec![
            (h("00 B0 8A 00 00"), ok(&d[..256])),
            (h("00 B0 01 00 00"), ok(&[])),
        ]);
        let mut c = CardSession::new(&mut s, false);
        assert_eq!(
            c.read_der_file(EF_AUTH_CERT),
            Err(CardError::Truncated {
                expected: 1600,
                got: 256
            })
        );
        // Offset beyond the EF.
        let mut s = script(vec![
            (h("00 B0 8A 00 00"), ok(&d[..256])),
            (h("00 B0 01 00 00"), sw(0x6B00)),
        ]);
        let mut c = CardSession::new(&mut s, false);
        assert!(matches!(
            c.read_der_file(EF_AUTH_CERT),
            Err(CardError::Truncated { .. })
        ));
        // A file holding only a tag.
        let mut s = script(vec![(h("00 B0 8A 00 00"), [0x30, 0x62, 0x82].to_vec())]);
        let mut c = CardSession::new(&mut s, false);
        assert_eq!(c.read_der_file(EF_AUTH_CERT), Err(CardError::BadDer));
        // Truncated during the extended read, then by the short read.
        let mut s = script(vec![
            (
                h("00 B0 8A 00 00 00 00"),
                [&d[..700], &[0x62u8, 0x82][..]].concat(),
            ),
            (h("00 B0 8A 00 00"), ok(&d[..256])),
            (h("00 B0 01 00 00"), ok(&d[256..512])),
            (
                h("00 B0 02 00 00"),
                [&d[512..700], &[0x62u8, 0x82][..]].concat(),
            ),
        ]);
        let mut c = CardSession::new(&mut s, true);
        assert_eq!(
            c.read_der_file(EF_AUTH_CERT),
            Err(CardError::Truncated {
                expected: 1600,
                got: 700
            })
        );
    }

    #[test]
    fn files_without_a_short_identifier_are_selected_first() {
        let f = file(100);
        let mut s = script(vec![
            (h("00 A4 02 0C 02 2F 01"), ok(&[])),
            (h("00 B0 00 00 00 00 00"), ok(&f)),
        ]);
        let mut c = CardSession::new(&mut s, true);
        assert_eq!(c.read_der_file([0x2F, 0x01]).unwrap(), der(100));
        let mut s = script(vec![(h("00 A4 02 0C 02 2F 01"), sw(0x6A82))]);
        let mut c = CardSession::new(&mut s, true);
        assert_eq!(
            c.read_der_file([0x2F, 0x01]),
            Err(CardError::Status {
                what: "SELECT EF",
                sw: StatusWord::NotFound
            })
        );
    }

    #[test]
    fn token_kinds() {
        for (token, kind) in [
            (&b"JPKIAPICCTOKEN2   "[..], CardKind::MyNumberCard),
            (b"JPKIAPICCTOKEN    ", CardKind::JukiCard),
            (b"JPKIAPGPSETOKEN   ", CardKind::Smartphone),
            (b"JPKIAPIOSTOKEN    ", CardKind::Smartphone),
            (b"SOMETHINGELSE     ", CardKind::Unknown),
            (b"", CardKind::Unknown),
        ] {
            let mut s = script(vec![
                (h(SELECT_JPKI), ok(&[])),
                (h("00 B0 86 00 00"), [token, &[0x62, 0x82]].concat()),
            ]);
            let mut c = CardSession::new(&mut s, true);
            assert_eq!(c.token_info().unwrap(), kind);
            assert_eq!(c.apdu_count(), 2);
        }
        let mut s = script(vec![
            (h(SELECT_JPKI), ok(&[])),
            (h("00 B0 86 00 00"), sw(0x6A82)),
        ]);
        let mut c = CardSession::new(&mut s, true);
        assert_eq!(c.token_info().unwrap(), CardKind::Unknown);
    }

    #[test]
    fn not_a_my_number_card() {
        let mut s = script(vec![(h(SELECT_JPKI), sw(0x6A82))]);
        let mut c = CardSession::new(&mut s, true);
        assert_eq!(c.select_jpki(), Err(CardError::NotMyNumberCard));
        let mut s = script(vec![(h(SELECT_JPKI), sw(0x6985))]);
        let mut c = CardSession::new(&mut s, true);
        assert_eq!(
            c.select_jpki(),
            Err(CardError::Status {
                what: "SELECT JPKI",
                sw: StatusWord::ConditionsNotSatisfied
            })
        );
    }

    #[test]
    fn first_command_6f00_is_retried_once() {
        let mut s = script(vec![
            (h(SELECT_JPKI), sw(0x6F00)),
            (h(SELECT_JPKI), ok(&[])),
        ]);
        let mut c = CardSession::new(&mut s, true);
        assert_eq!(c.select_jpki(), Ok(()));
        assert_eq!(c.apdu_count(), 2);
        // Not for later commands.
        let mut s = script(vec![
            (h(SELECT_JPKI), ok(&[])),
            (h("00 B0 86 00 00"), sw(0x6F00)),
        ]);
        let mut c = CardSession::new(&mut s, true);
        assert_eq!(c.token_info().unwrap(), CardKind::Unknown);
        assert_eq!(c.apdu_count(), 2);
    }

    fn pin_case(answer: Vec<u8>) -> PinStatus {
        let mut s = script(vec![
            (h(SELECT_JPKI), ok(&[])),
            (h("00 A4 02 0C 02 00 1B"), ok(&[])),
            (h("00 20 00 80"), answer),
        ]);
        let mut c = CardSession::new(&mut s, true);
        let p = c.pin_status(JPKI_AID, EF_SIGN_PIN).unwrap();
        assert_eq!(c.apdu_count(), 3);
        assert_eq!((p.id, p.fid), (PinId::Sign, EF_SIGN_PIN));
        p
    }

    #[test]
    fn each_pin_state() {
        let p = pin_case(sw(0x63C5));
        assert_eq!((p.state, p.tries_left, p.max), (PinState::Ok, Some(5), 5));
        let p = pin_case(sw(0x63C2));
        assert_eq!((p.state, p.tries_left), (PinState::Ok, Some(2)));
        let p = pin_case(sw(0x63C0));
        assert_eq!((p.state, p.tries_left), (PinState::Locked, Some(0)));
        let p = pin_case(sw(0x6984));
        assert_eq!((p.state, p.tries_left), (PinState::Locked, Some(0)));
        let p = pin_case(sw(0x6983));
        assert_eq!((p.state, p.tries_left), (PinState::Locked, Some(0)));
        let p = pin_case(sw(0x9000));
        assert_eq!((p.state, p.tries_left), (PinState::Verified, None));
        let p = pin_case(sw(0x6A82));
        assert_eq!((p.state, p.tries_left), (PinState::Unavailable, None));
        let p = pin_case(sw(0x6D00));
        assert_eq!((p.state, p.tries_left), (PinState::Unavailable, None));
        let p = pin_case(vec![0x63]);
        assert_eq!((p.state, p.tries_left), (PinState::Unavailable, None));
        // More tries than documented: the card's number wins.
        let p = pin_case(sw(0x63C9));
        assert_eq!((p.state, p.tries_left, p.max), (PinState::Ok, Some(9), 9));
    }

    fn verify_case(answer: Vec<u8>) -> (Result<VerifyOutcome, CardError>, Vec<Vec<u8>>) {
        let mut s = script(vec![
            (h(SELECT_JPKI), ok(&[])),
            (h("00 A4 02 0C 02 00 1B"), ok(&[])),
            (h("00 20 00 80 06 41 42 43 31 32 33"), answer),
        ]);
        let password = SigningPassword::parse("abc123").unwrap();
        let outcome = CardSession::new(&mut s, true).verify_signing_password(&password);
        (outcome, s.sent)
    }

    #[test]
    fn signing_password_outcomes_and_one_verify_only() {
        assert_eq!(verify_case(sw(0x9000)).0, Ok(VerifyOutcome::Verified));
        assert_eq!(
            verify_case(sw(0x63C4)).0,
            Ok(VerifyOutcome::Wrong { tries_left: 4 })
        );
        assert_eq!(
            verify_case(sw(0x63C0)).0,
            Ok(VerifyOutcome::Wrong { tries_left: 0 })
        );
        assert_eq!(verify_case(sw(0x6983)).0, Ok(VerifyOutcome::Blocked));
        assert_eq!(verify_case(sw(0x6984)).0, Ok(VerifyOutcome::Blocked));
        // Not even the first-command 6F00 makes it send the password twice.
        for odd in [0x6F00, 0x6A82, 0x6700] {
            let (outcome, sent) = verify_case(sw(odd));
            assert!(matches!(
                outcome,
                Err(CardError::Status { what: "VERIFY", .. })
            ));
            assert_eq!(sent.iter().filter(|c| c.get(1) == Some(&0x20)).count(), 1);
        }
        // A missing PIN file: the password is not sent.
        let mut s = script(vec![
            (h(SELECT_JPKI), ok(&[])),
            (h("00 A4 02 0C 02 00 1B"), sw(0x6A82)),
        ]);
        let password = SigningPassword::parse("ABC123").unwrap();
        let r = CardSession::new(&mut s, true).verify_signing_password(&password);
        assert!(matches!(
            r,
            Err(CardError::Status {
                what: "SELECT EF 001B",
                ..
            })
        ));
        assert_eq!(s.sent.len(), 2);
    }

    #[test]
    fn signing_certificate_by_short_identifier() {
        let f = file(1500);
        let mut s = script(vec![
            (h(SELECT_JPKI), ok(&[])),
            (h("00 B0 81 00 00 00 00"), ok(&f[..1500])),
        ]);
        let mut c = CardSession::new(&mut s, true);
        assert_eq!(c.read_signing_cert().unwrap(), der(1500));
        assert_eq!(c.apdu_count(), 2);
        let mut s = script(vec![
            (h(SELECT_JPKI), ok(&[])),
            (h("00 B0 81 00 00 00 00"), sw(0x6982)),
        ]);
        let mut c = CardSession::new(&mut s, true);
        assert_eq!(c.read_signing_cert(), Err(CardError::SecurityNotSatisfied));
    }

    #[test]
    fn missing_pin_file_is_unavailable() {
        let mut s = script(vec![
            (h(SELECT_JPKI), ok(&[])),
            (h("00 A4 02 0C 02 00 18"), sw(0x6A82)),
        ]);
        let mut c = CardSession::new(&mut s, true);
        let p = c.pin_status(JPKI_AID, EF_AUTH_PIN).unwrap();
        assert_eq!(
            (p.id, p.state, p.max),
            (PinId::Auth, PinState::Unavailable, 3)
        );
    }

    #[test]
    fn pins_selects_each_application_once() {
        let mut s = script(vec![
            (h(SELECT_JPKI), ok(&[])),
            (h("00 A4 02 0C 02 00 18"), ok(&[])),
            (h("00 20 00 80"), sw(0x63C3)),
            (h("00 A4 02 0C 02 00 1B"), ok(&[])),
            (h("00 20 00 80"), sw(0x63C0)),
            (h("00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08"), ok(&[])),
            (h("00 A4 02 0C 02 00 11"), ok(&[])),
            (h("00 20 00 80"), sw(0x9000)),
            (h("00 A4 02 0C 02 00 14"), ok(&[])),
            (h("00 20 00 80"), sw(0x63CA)),
            (h("00 A4 02 0C 02 00 15"), sw(0x6A82)),
            (
                h("00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 02"),
                sw(0x6A82),
            ),
            (h("00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 01"), ok(&[])),
            (h("00 A4 02 0C 02 00 1C"), ok(&[])),
            (h("00 20 00 80"), sw(0x6984)),
        ]);
        let mut c = CardSession::new(&mut s, true);
        let pins = c.pins().unwrap();
        assert_eq!(c.apdu_count(), 15);
        assert!(s.done());
        let got: Vec<_> = pins
            .iter()
            .map(|p| (p.id, p.fid, p.state, p.tries_left))
            .collect();
        assert_eq!(
            got,
            vec![
                (PinId::Auth, [0, 0x18], PinState::Ok, Some(3)),
                (PinId::Sign, [0, 0x1B], PinState::Locked, Some(0)),
                (PinId::KenmenHojo, [0, 0x11], PinState::Verified, None),
                (PinId::KenmenHojoA, [0, 0x14], PinState::Ok, Some(10)),
                (PinId::KenmenHojoB, [0, 0x15], PinState::Unavailable, None),
                (
                    PinId::KenmenKakuninA,
                    [0, 0x13],
                    PinState::Unavailable,
                    None
                ),
                (
                    PinId::KenmenKakuninB,
                    [0, 0x12],
                    PinState::Unavailable,
                    None
                ),
                (PinId::Juki, [0, 0x1C], PinState::Locked, Some(0)),
            ]
        );
        // No JPKI application: not a My Number Card.
        let mut s = script(vec![(h(SELECT_JPKI), sw(0x6A82))]);
        let mut c = CardSession::new(&mut s, true);
        assert_eq!(c.pins(), Err(CardError::NotMyNumberCard));
    }

    #[test]
    fn dates_are_validated() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd);
        assert_eq!(parse_yyyymmdd(b"20340615"), d(2034, 6, 15));
        assert_eq!(parse_yyyymmdd(b"20280229"), d(2028, 2, 29));
        assert_eq!(parse_yyyymmdd(b"20270229"), None);
        assert_eq!(parse_yyyymmdd(b"20341301"), None);
        assert_eq!(parse_yyyymmdd(b"20340631"), None);
        assert_eq!(parse_yyyymmdd(b"00000000"), None);
        assert_eq!(parse_yyyymmdd(b"19991231"), None);
        assert_eq!(parse_yyyymmdd(b"2034061"), None);
        assert_eq!(parse_yyyymmdd(b"203406155"), None);
        assert_eq!(parse_yyyymmdd(b"2034-6-1"), None);
        assert_eq!(parse_yyyymmdd(b"\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF"), None);
        assert_eq!(expiry_from_get_data(b"\xF2\x0820340615"), d(2034, 6, 15));
        assert_eq!(expiry_from_get_data(b"\xF2\x0920340615"), None);
        assert_eq!(
            expiry_from_common_record(&common_record("20340615")),
            d(2034, 6, 15)
        );
        let mut r = common_record("20340615");
        r.extend_from_slice(&[0xFF; 10]);
        assert_eq!(expiry_from_common_record(&r), d(2034, 6, 15));
        assert_eq!(expiry_from_common_record(&r[..29]), None);
        let mut r = common_record("20340615");
        r[0] = 0x02;
        assert_eq!(expiry_from_common_record(&r), None);
        let mut r = common_record("20340615");
        r[5] = b'A';
        assert_eq!(expiry_from_common_record(&r), None);
        assert_eq!(expiry_from_common_record(&common_record("20349999")), None);
    }

    fn expiry_case(steps: Vec<(Vec<u8>, Vec<u8>)>) -> (Option<CardExpiry>, u32) {
        let n = steps.len();
        let mut s = script(steps);
        let mut c = CardSession::new(&mut s, true);
        let e = c.card_expiry().unwrap();
        let count = c.apdu_count();
        assert!(s.done());
        assert_eq!(count as usize, n);
        (e, count)
    }

    #[test]
    fn card_expiry_by_get_data() {
        let date = NaiveDate::from_ymd_opt(2034, 6, 15).unwrap();
        let want = Some(CardExpiry {
            date,
            route: ExpiryRoute::GetData,
        });
        assert_eq!(
            expiry_case(vec![(h(GET_DATA_F2), ok(b"20340615"))]),
            (want, 1)
        );
        assert_eq!(
            expiry_case(vec![
                (h(GET_DATA_F2), sw(0x6C08)),
                (h("00 CA 00 F2 08"), ok(b"20340615")),
            ]),
            (want, 2)
        );
        assert_eq!(
            expiry_case(vec![
                (h(GET_DATA_F2), sw(0x6700)),
                (h("00 CA 00 F2 08"), ok(b"20340615")),
            ]),
            (want, 2)
        );
        assert_eq!(
            expiry_case(vec![
                (h(GET_DATA_F2), sw(0x6F00)),
                (h(GET_DATA_F2), ok(b"20340615")),
            ]),
            (want, 2)
        );
    }

    #[test]
    fn card_expiry_by_common_application() {
        let date = NaiveDate::from_ymd_opt(2031, 2, 28).unwrap();
        let want = Some(CardExpiry {
            date,
            route: ExpiryRoute::CommonApplication,
        });
        for get_data in [
            sw(0x6D00),
            sw(0x6A88),
            ok(b"2031022X"),
            ok(b"20310230"),
            vec![0x01],
        ] {
            assert_eq!(
                expiry_case(vec![
                    (h(GET_DATA_F2), get_data),
                    (h(SELECT_COMMON), ok(&[])),
                    (h(READ_RECORD_1), ok(&common_record("20310228"))),
                ]),
                (want, 3)
            );
        }
        // GET DATA is only asked before any SELECT.
        let mut s = script(vec![
            (h(SELECT_JPKI), ok(&[])),
            (h(SELECT_COMMON), ok(&[])),
            (h(READ_RECORD_1), ok(&common_record("20310228"))),
        ]);
        let mut c = CardSession::new(&mut s, true);
        c.select_jpki().unwrap();
        assert_eq!(c.card_expiry().unwrap(), want);
    }

    #[test]
    fn card_expiry_none_when_neither_answers() {
        assert_eq!(
            expiry_case(vec![
                (h(GET_DATA_F2), sw(0x6D00)),
                (h(SELECT_COMMON), sw(0x6A82)),
            ]),
            (None, 2)
        );
        assert_eq!(
            expiry_case(vec![
                (h(GET_DATA_F2), ok(b"99999999")),
                (h(SELECT_COMMON), ok(&[])),
                (h(READ_RECORD_1), ok(&common_record("2034061X"))),
            ]),
            (None, 3)
        );
        assert_eq!(
            expiry_case(vec![
                (h(GET_DATA_F2), sw(0x6700)),
                (h("00 CA 00 F2 08"), sw(0x6700)),
                (h(SELECT_COMMON), ok(&[])),
                (h(READ_RECORD_1), sw(0x6A83)),
            ]),
            (None, 4)
        );
    }

    /// The default reading, extended length: 8 APDUs.
    fn public_extended(f: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
        vec![
            (h(GET_DATA_F2), ok(b"20340615")),
            (h(SELECT_JPKI), ok(&[])),
            (h("00 B0 8A 00 00 00 00"), ok(f)),
            (h("00 B0 88 00 03"), ok(&[0x8F, 0x8F, 0x00])),
            (h("00 A4 02 0C 02 00 18"), ok(&[])),
            (h("00 20 00 80"), sw(0x63C3)),
            (h("00 A4 02 0C 02 00 1B"), ok(&[])),
            (h("00 20 00 80"), sw(0x63C5)),
        ]
    }

    /// The default reading, short APDUs: 14 for a 1.6 KB certificate.
    fn public_short(f: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
        let mut steps = vec![(h(GET_DATA_F2), ok(b"20340615")), (h(SELECT_JPKI), ok(&[]))];
        steps.extend(short_chunks(f, 1600));
        steps.extend(public_extended(f).into_iter().skip(3));
        steps
    }

    #[test]
    fn read_public_extended_is_8_apdus() {
        let f = file(1600);
        let mut s = script(public_extended(&f));
        let mut c = CardSession::new(&mut s, true);
        let r = c.read_public().unwrap();
        assert_eq!(c.apdu_count(), 8);
        assert!(s.done());
        assert_eq!(r.kind, CardKind::MyNumberCard);
        assert_eq!(
            r.card_expiry,
            Some(CardExpiry {
                date: NaiveDate::from_ymd_opt(2034, 6, 15).unwrap(),
                route: ExpiryRoute::GetData
            })
        );
        assert_eq!(r.auth_cert, Some(der(1600)));
        assert_eq!(r.sign_presence, SignPresence::Present);
        assert_eq!(
            r.pins
                .iter()
                .map(|p| (p.id, p.tries_left))
                .collect::<Vec<_>>(),
            vec![(PinId::Auth, Some(3)), (PinId::Sign, Some(5))]
        );
    }

    #[test]
    fn read_public_short_is_14_apdus() {
        let f = file(1600);
        let mut s = script(public_short(&f));
        let mut c = CardSession::new(&mut s, false);
        let r = c.read_public().unwrap();
        assert_eq!(c.apdu_count(), 14);
        assert!(s.done());
        assert_eq!(r.auth_cert, Some(der(1600)));
    }

    #[test]
    fn read_public_reads_the_token_when_the_expiry_is_not_told() {
        let f = file(1600);
        let mut s = script(vec![
            (h(GET_DATA_F2), sw(0x6D00)),
            (h(SELECT_COMMON), sw(0x6A82)),
            (h(SELECT_JPKI), ok(&[])),
            (
                h("00 B0 86 00 00"),
                [&b"JPKIAPICCTOKEN"[..], &[0x62, 0x82]].concat(),
            ),
            (h("00 B0 8A 00 00 00 00"), ok(&f)),
            (h("00 B0 88 00 03"), ok(&[0x00, 0x8F, 0x00])),
            (h("00 A4 02 0C 02 00 18"), ok(&[])),
            (h("00 20 00 80"), sw(0x63C3)),
            (h("00 A4 02 0C 02 00 1B"), sw(0x6A82)),
        ]);
        let mut c = CardSession::new(&mut s, true);
        let r = c.read_public().unwrap();
        assert_eq!(c.apdu_count(), 9);
        assert_eq!(r.kind, CardKind::JukiCard);
        assert_eq!(r.card_expiry, None);
        assert_eq!(r.sign_presence, SignPresence::Absent);
        assert_eq!(r.pins[1].state, PinState::Unavailable);
    }

    #[test]
    fn read_public_on_a_foreign_card() {
        let mut s = script(vec![
            (h(GET_DATA_F2), sw(0x6A88)),
            (h(SELECT_COMMON), sw(0x6A82)),
            (h(SELECT_JPKI), sw(0x6A82)),
        ]);
        let mut c = CardSession::new(&mut s, true);
        assert_eq!(c.read_public(), Err(CardError::NotMyNumberCard));
    }

    #[test]
    fn sign_presence_answers() {
        for (answer, want) in [
            (ok(&[0x8F, 0x8F, 0x00]), SignPresence::Present),
            (ok(&[0x00, 0x8F, 0x00]), SignPresence::Absent),
            (sw(0x6A82), SignPresence::Absent),
            (ok(&[]), SignPresence::Unknown),
            (sw(0x6982), SignPresence::Unknown),
            (vec![0x8F], SignPresence::Unknown),
        ] {
            let mut s = script(vec![
                (h(SELECT_JPKI), ok(&[])),
                (h("00 B0 88 00 03"), answer),
            ]);
            let mut c = CardSession::new(&mut s, true);
            assert_eq!(c.sign_presence().unwrap(), want);
        }
    }

    #[test]
    fn removal_at_every_apdu_of_the_default_reading() {
        let f = file(1600);
        for extended in [true, false] {
            let steps = if extended {
                public_extended(&f)
            } else {
                public_short(&f)
            };
            for at in 0..steps.len() {
                let mut s = Script::new(&[]);
                for (c, r) in steps.iter().take(at) {
                    s.push(c, Ok(r.clone()));
                }
                s.push(&steps[at].0, Err(TransportError::CardRemoved));
                let mut c = CardSession::new(&mut s, extended);
                let e = c.read_public().unwrap_err();
                assert!(e.is_removal(), "extended {extended}, at {at}: {e:?}");
                assert_eq!(c.apdu_count() as usize, at + 1);
            }
        }
    }

    /// Answers anything with the next of some arbitrary byte strings.
    struct Arbitrary(Vec<Vec<u8>>, usize);
    impl Transaction for Arbitrary {
        fn transmit(&mut self, _: &[u8]) -> Result<Vec<u8>, TransportError> {
            let r = self.0.get(self.1).cloned();
            self.1 += 1;
            r.ok_or(TransportError::CardRemoved)
        }
    }

    proptest! {
        #[test]
        fn der_length_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..16)) {
            if let Ok(Some(total)) = der_total_len(&bytes) {
                prop_assert!(total <= MAX_DER_LEN);
            }
        }

        #[test]
        fn reading_arbitrary_answers_never_panics(
            answers in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..300), 0..40),
            extended in any::<bool>(),
        ) {
            let n = answers.len();
            let mut t = Arbitrary(answers, 0);
            let mut c = CardSession::new(&mut t, extended);
            let _ = c.read_public();
            // Every answer is used at most once, plus the one that reports removal.
            prop_assert!(c.apdu_count() as usize <= n + 1);
        }

        #[test]
        fn reading_arbitrary_der_files_never_panics(
            first in proptest::collection::vec(any::<u8>(), 0..600),
            rest in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..300), 0..40),
        ) {
            let mut answers = vec![first];
            answers.extend(rest);
            let n = answers.len();
            let mut t = Arbitrary(answers, 0);
            let mut c = CardSession::new(&mut t, false);
            if let Ok(d) = c.read_der_file(EF_AUTH_CERT) {
                prop_assert_eq!(der_total_len(&d).ok().flatten(), Some(d.len()));
            }
            prop_assert!(c.apdu_count() as usize <= n + 1);
        }
    }
}
