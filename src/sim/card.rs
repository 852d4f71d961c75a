//! The simulated card itself: its applications, files, PIN counters and security state, and the
//! ISO 7816-4 commands it answers (domain.md §2), plus the misbehaviours a test can switch on.

use std::fmt;
use std::time::Duration;

use chrono::NaiveDate;
use zeroize::Zeroizing;

/// AID of the JPKI application (公的個人認証).
pub const JPKI_AID: [u8; 10] = [0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01];
/// AID of 券面事項入力補助.
pub const KENMEN_HOJO_AID: [u8; 10] = [0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x08];
/// AID of 券面事項確認.
pub const KENMEN_KAKUNIN_AID: [u8; 10] =
    [0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x02];
/// AID of 住基.
pub const JUKI_AID: [u8; 10] = [0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x01];
/// AID of 共通カード (reported name): READ RECORD 1 of SFI 1 holds the card expiry.
pub const COMMON_AID: [u8; 10] = [0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x01, 0x00];
/// AID of the card manager; selecting it deselects every application.
pub const CARD_MANAGER_AID: [u8; 7] = [0xA0, 0x00, 0x00, 0x01, 0x51, 0x00, 0x00];

/// The simulated card's answer to reset: T=1, historical bytes `MYNA-SIM`, TCK.
pub const ATR: [u8; 13] = [
    0x3B, 0x88, 0x80, 0x01, 0x4D, 0x59, 0x4E, 0x41, 0x2D, 0x53, 0x49, 0x4D, 0x68,
];

/// Size of each certificate EF: the DER, then filler up to here.
pub const CERT_FILE_SIZE: usize = 2048;
/// Size of the token info EF 0006.
pub const TOKEN_FILE_SIZE: usize = 32;

const SW_OK: u16 = 0x9000;
const SW_END_OF_FILE: u16 = 0x6282;
const SW_WRONG_LENGTH: u16 = 0x6700;
const SW_INCOMPATIBLE_FILE: u16 = 0x6981;
const SW_SECURITY: u16 = 0x6982;
const SW_BLOCKED: u16 = 0x6984;
const SW_CONDITIONS: u16 = 0x6985;
const SW_NO_CURRENT_EF: u16 = 0x6986;
const SW_NOT_FOUND: u16 = 0x6A82;
const SW_RECORD_NOT_FOUND: u16 = 0x6A83;
const SW_P1P2: u16 = 0x6A86;
const SW_DATA_NOT_FOUND: u16 = 0x6A88;
const SW_OFFSET: u16 = 0x6B00;
const SW_INS: u16 = 0x6D00;
const SW_CLA: u16 = 0x6E00;

/// What EF 0006 (token info) says the card is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// `JPKIAPICCTOKEN2`: a My Number Card.
    MyNumberCard,
    /// `JPKIAPICCTOKEN`: the old 住基カード.
    Juki,
    /// `JPKIAPGPSETOKEN`: an Android smartphone certificate.
    Android,
    /// `JPKIAPIOSTOKEN`: an iPhone certificate.
    Iphone,
    /// Any other content (written as given, then padded).
    Raw(Vec<u8>),
}

impl Token {
    /// The ASCII bytes the token info starts with.
    pub fn bytes(&self) -> &[u8] {
        match self {
            Token::MyNumberCard => b"JPKIAPICCTOKEN2",
            Token::Juki => b"JPKIAPICCTOKEN",
            Token::Android => b"JPKIAPGPSETOKEN",
            Token::Iphone => b"JPKIAPIOSTOKEN",
            Token::Raw(bytes) => bytes,
        }
    }
}

/// One command as the card saw it, for tests. VERIFY data is never kept: only the header and
/// a flag saying data was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedCommand {
    /// The command APDU; for a VERIFY with data, only its 4-byte header.
    pub command: Vec<u8>,
    /// A VERIFY that carried data (a PIN try was spent or a PIN verified).
    pub verify_with_data: bool,
    /// The status word answered (a garbage answer logs `0000`).
    pub sw: u16,
}

#[derive(Clone)]
enum Content {
    Binary {
        data: Vec<u8>,
        size: usize,
        filler: u8,
        read_needs: Option<[u8; 2]>,
    },
    Pin {
        secret: Zeroizing<Vec<u8>>,
        max: u8,
        left: u8,
        verified: bool,
    },
    Records(Vec<Vec<u8>>),
}

#[derive(Clone)]
struct Ef {
    fid: [u8; 2],
    sfi: Option<u8>,
    content: Content,
}

#[derive(Clone)]
struct App {
    aid: Vec<u8>,
    files: Vec<Ef>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Selected {
    /// Nothing since power-on or reset (GET DATA F2 answers here).
    Nothing,
    /// The card manager: no application, GET DATA F2 answers too.
    CardManager,
    /// An application, by index, and its current EF (index).
    App(usize, Option<usize>),
}

/// The simulated My Number Card (or another card, depending on how it was built).
///
/// Debug output shows neither PINs nor file contents.
#[derive(Clone)]
pub struct SimCard {
    apps: Vec<App>,
    extended: bool,
    answer_61xx: bool,
    answer_6cxx: bool,
    get_data_f2: Option<NaiveDate>,
    remove_after: Option<u32>,
    garbage_at: Option<(u32, Vec<u8>)>,
    mute_at: Option<u32>,
    mute: bool,
    latency: Duration,
    powered: bool,
    selected: Selected,
    pending: Option<(Vec<u8>, u16)>,
    count: u32,
    removed: bool,
    log: Vec<LoggedCommand>,
}

impl fmt::Debug for SimCard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimCard")
            .field("applications", &self.apps.len())
            .field("powered", &self.powered)
            .field("apdus", &self.count)
            .field("removed", &self.removed)
            .finish_non_exhaustive()
    }
}

/// Builds a [`SimCard`]: a My Number Card with every application of domain.md, PINs with full
/// counters, both card-expiry routes, and no certificates until they are given.
#[derive(Clone)]
pub struct SimCardBuilder {
    auth_cert: Option<Vec<u8>>,
    auth_ca: Option<Vec<u8>>,
    sign_cert: Option<Vec<u8>>,
    sign_ca: Option<Vec<u8>>,
    token: Token,
    card_expiry: Option<NaiveDate>,
    serial: String,
    municipality: String,
    get_data_route: bool,
    common_route: bool,
    secrets: Vec<([u8; 2], Zeroizing<Vec<u8>>)>,
    tries: Vec<([u8; 2], u8)>,
    missing_apps: Vec<Vec<u8>>,
    missing_files: Vec<(Vec<u8>, [u8; 2])>,
    extended: bool,
    answer_61xx: bool,
    answer_6cxx: bool,
    remove_after: Option<u32>,
    garbage_at: Option<(u32, Vec<u8>)>,
    mute_at: Option<u32>,
    latency: Duration,
    filler: u8,
}

impl fmt::Debug for SimCardBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimCardBuilder")
            .field("token", &self.token)
            .finish_non_exhaustive()
    }
}

impl Default for SimCardBuilder {
    fn default() -> Self {
        Self::new()
    }
}

/// One PIN EF of domain.md: application, FID, maximum tries, default secret.
type PinFile = (&'static [u8], [u8; 2], u8, &'static [u8]);

/// The PIN EFs of domain.md. The 照合番号 files get 10 tries (domain.md names no count).
const PIN_FILES: [PinFile; 8] = [
    (&JPKI_AID, [0x00, 0x18], 3, b"1234"),
    (&JPKI_AID, [0x00, 0x1B], 5, b"ABC123"),
    (&KENMEN_HOJO_AID, [0x00, 0x11], 3, b"1234"),
    (&KENMEN_HOJO_AID, [0x00, 0x14], 10, b"000000000000"),
    (&KENMEN_HOJO_AID, [0x00, 0x15], 10, b"000000000000"),
    (&KENMEN_KAKUNIN_AID, [0x00, 0x13], 10, b"000000000000"),
    (&KENMEN_KAKUNIN_AID, [0x00, 0x12], 10, b"000000000000"),
    (&JUKI_AID, [0x00, 0x1C], 3, b"1234"),
];

impl SimCardBuilder {
    /// A My Number Card without certificates (their EFs are absent until given).
    pub fn new() -> Self {
        SimCardBuilder {
            auth_cert: None,
            auth_ca: None,
            sign_cert: None,
            sign_ca: None,
            token: Token::MyNumberCard,
            card_expiry: None,
            serial: "000000000000001".to_owned(),
            municipality: "13101".to_owned(),
            get_data_route: true,
            common_route: true,
            secrets: Vec::new(),
            tries: Vec::new(),
            missing_apps: Vec::new(),
            missing_files: Vec::new(),
            extended: true,
            answer_61xx: false,
            answer_6cxx: false,
            remove_after: None,
            garbage_at: None,
            mute_at: None,
            latency: Duration::ZERO,
            filler: 0xFF,
        }
    }

    /// The user-authentication certificate (EF 000A).
    pub fn auth_cert(mut self, der: Vec<u8>) -> Self {
        self.auth_cert = Some(der);
        self
    }
    /// Its CA certificate (EF 000B).
    pub fn auth_ca(mut self, der: Vec<u8>) -> Self {
        self.auth_ca = Some(der);
        self
    }
    /// The signing certificate (EF 0001); `None` leaves EF 0001 and 0002 out and makes EF 0008
    /// say so.
    pub fn sign_cert(mut self, der: Option<Vec<u8>>) -> Self {
        self.sign_cert = der;
        self
    }
    /// Its CA certificate (EF 0002).
    pub fn sign_ca(mut self, der: Vec<u8>) -> Self {
        self.sign_ca = Some(der);
        self
    }
    /// The token info (EF 0006).
    pub fn token(mut self, token: Token) -> Self {
        self.token = token;
        self
    }
    /// The card's own expiry, served by GET DATA F2 and the 共通カード record (when those
    /// routes are on); `None` serves neither.
    pub fn card_expiry(mut self, date: Option<NaiveDate>) -> Self {
        self.card_expiry = date;
        self
    }
    /// The 15-digit serial and 5-digit municipality code of the 共通カード record.
    pub fn common_record_ids(mut self, serial: &str, municipality: &str) -> Self {
        self.serial = serial.to_owned();
        self.municipality = municipality.to_owned();
        self
    }
    /// Whether GET DATA `00 CA 00 F2` answers the card expiry (off: `6A88`).
    pub fn get_data_route(mut self, on: bool) -> Self {
        self.get_data_route = on;
        self
    }
    /// Whether the 共通カード application exists (off: SELECT answers `6A82`).
    pub fn common_route(mut self, on: bool) -> Self {
        self.common_route = on;
        self
    }
    /// The secret of the PIN EF `fid` (default `1234` for 4-digit PINs, `ABC123` for the
    /// signing password, twelve zeros for 照合番号).
    pub fn pin_secret(mut self, fid: [u8; 2], secret: &[u8]) -> Self {
        self.secrets.push((fid, Zeroizing::new(secret.to_vec())));
        self
    }
    /// The signing password (EF 001B), e.g. `ABC123`.
    pub fn signing_password(self, password: &str) -> Self {
        self.pin_secret([0x00, 0x1B], password.as_bytes())
    }
    /// Tries left on the PIN EF `fid` (capped at its maximum; `0` is blocked).
    pub fn pin_tries(mut self, fid: [u8; 2], left: u8) -> Self {
        self.tries.push((fid, left));
        self
    }
    /// Leaves the application `aid` off the card (SELECT answers `6A82`).
    pub fn without_app(mut self, aid: &[u8]) -> Self {
        self.missing_apps.push(aid.to_vec());
        self
    }
    /// Leaves the EF `fid` out of the application `aid`.
    pub fn without_file(mut self, aid: &[u8], fid: [u8; 2]) -> Self {
        self.missing_files.push((aid.to_vec(), fid));
        self
    }
    /// Refuses extended-length APDUs (`6700`), like a card or reader that cannot take them.
    pub fn no_extended_length(mut self) -> Self {
        self.extended = false;
        self
    }
    /// Answers data as `61xx`, to be fetched with GET RESPONSE `00 C0 00 00 xx`.
    pub fn answer_61xx(mut self) -> Self {
        self.answer_61xx = true;
        self
    }
    /// Answers `6Cxx` (the right Le) to a short READ BINARY or READ RECORD whose Le asks for
    /// more than remains, instead of the data with `6282`.
    pub fn answer_6cxx(mut self) -> Self {
        self.answer_6cxx = true;
        self
    }
    /// The card answers `n` APDUs, then leaves the reader.
    pub fn remove_after(mut self, n: u32) -> Self {
        self.remove_after = Some(n);
        self
    }
    /// The `n`-th APDU (1-based) is answered with `answer` instead of being processed.
    pub fn garbage_at(mut self, n: u32, answer: Vec<u8>) -> Self {
        self.garbage_at = Some((n, answer));
        self
    }
    /// The `n`-th APDU (1-based) is answered with an empty response (no status word).
    pub fn empty_at(self, n: u32) -> Self {
        self.garbage_at(n, Vec::new())
    }

    /// The card stops answering at the `n`-th APDU (1-based): that command and everything
    /// after it (the reader's ATR polls too, over vpcd) get no answer, while the card stays in
    /// the reader, until it is removed.
    pub fn mute_at(mut self, n: u32) -> Self {
        self.mute_at = Some(n);
        self
    }

    /// Sleeps this long before answering each APDU.
    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }
    /// The filler after the content of binary EFs (default `FF`; some cards use `00`).
    pub fn filler(mut self, filler: u8) -> Self {
        self.filler = filler;
        self
    }

    /// The card, powered on with nothing selected.
    pub fn build(self) -> SimCard {
        let filler = self.filler;
        let binary = |fid: [u8; 2], data: Vec<u8>, size: usize, read_needs| Ef {
            fid,
            sfi: Some(fid[1]),
            content: Content::Binary {
                size: size.max(data.len()),
                data,
                filler,
                read_needs,
            },
        };
        let mut pins = Vec::new();
        for (aid, fid, max, default) in PIN_FILES {
            let secret = self
                .secrets
                .iter()
                .rev()
                .find(|(f, _)| *f == fid)
                .map_or_else(|| Zeroizing::new(default.to_vec()), |(_, s)| s.clone());
            let left = self
                .tries
                .iter()
                .rev()
                .find(|(f, _)| *f == fid)
                .map_or(max, |(_, t)| (*t).min(max));
            let ef = Ef {
                fid,
                sfi: None,
                content: Content::Pin {
                    secret,
                    max,
                    left,
                    verified: false,
                },
            };
            pins.push((aid, ef));
        }
        let pins_of = |aid: &[u8]| -> Vec<Ef> {
            pins.iter()
                .filter(|(a, _)| *a == aid)
                .map(|(_, ef)| ef.clone())
                .collect()
        };

        let mut jpki = pins_of(&JPKI_AID);
        let mut token = self.token.bytes().to_vec();
        token.resize(TOKEN_FILE_SIZE.max(token.len()), b' ');
        jpki.push(binary([0x00, 0x06], token, TOKEN_FILE_SIZE, None));
        let availability = if self.sign_cert.is_some() {
            vec![0x8F, 0x8F, 0x00]
        } else {
            vec![0x00, 0x8F, 0x00]
        };
        jpki.push(binary([0x00, 0x08], availability, 3, None));
        if let Some(der) = self.auth_cert {
            jpki.push(binary([0x00, 0x0A], der, CERT_FILE_SIZE, None));
        }
        if let Some(der) = self.auth_ca {
            jpki.push(binary([0x00, 0x0B], der, CERT_FILE_SIZE, None));
        }
        if let Some(der) = self.sign_cert {
            jpki.push(binary(
                [0x00, 0x01],
                der,
                CERT_FILE_SIZE,
                Some([0x00, 0x1B]),
            ));
            if let Some(ca) = self.sign_ca {
                jpki.push(binary([0x00, 0x02], ca, CERT_FILE_SIZE, None));
            }
        }

        let mut apps = vec![
            App {
                aid: JPKI_AID.to_vec(),
                files: jpki,
            },
            App {
                aid: KENMEN_HOJO_AID.to_vec(),
                files: pins_of(&KENMEN_HOJO_AID),
            },
            App {
                aid: KENMEN_KAKUNIN_AID.to_vec(),
                files: pins_of(&KENMEN_KAKUNIN_AID),
            },
            App {
                aid: JUKI_AID.to_vec(),
                files: pins_of(&JUKI_AID),
            },
        ];
        if self.common_route
            && let Some(date) = self.card_expiry
        {
            let mut record = vec![0x01, 0x1C];
            record.extend_from_slice(format!("{:0>15.15}", self.serial).as_bytes());
            record.extend_from_slice(format!("{:0>5.5}", self.municipality).as_bytes());
            record.extend_from_slice(date.format("%Y%m%d").to_string().as_bytes());
            apps.push(App {
                aid: COMMON_AID.to_vec(),
                files: vec![Ef {
                    fid: [0x00, 0x01],
                    sfi: Some(1),
                    content: Content::Records(vec![record]),
                }],
            });
        }
        apps.retain(|app| !self.missing_apps.contains(&app.aid));
        for app in &mut apps {
            app.files.retain(|ef| {
                !self
                    .missing_files
                    .iter()
                    .any(|(aid, fid)| *aid == app.aid && *fid == ef.fid)
            });
        }

        SimCard {
            apps,
            extended: self.extended,
            answer_61xx: self.answer_61xx,
            answer_6cxx: self.answer_6cxx,
            get_data_f2: self.card_expiry.filter(|_| self.get_data_route),
            remove_after: self.remove_after,
            garbage_at: self.garbage_at,
            mute_at: self.mute_at,
            mute: false,
            latency: self.latency,
            powered: true,
            selected: Selected::Nothing,
            pending: None,
            count: 0,
            removed: self.remove_after == Some(0),
            log: Vec::new(),
        }
    }
}

/// Le of a command: `None` when absent, else the number of bytes asked for (Ne).
enum Le {
    Absent,
    Short(usize),
    Extended(usize),
}

impl Le {
    fn ne(&self) -> Option<usize> {
        match self {
            Le::Absent => None,
            Le::Short(n) | Le::Extended(n) => Some(*n),
        }
    }
}

/// A parsed command: header, data, Le, or the status word that refuses it.
struct Parsed<'a> {
    ins: u8,
    p1: u8,
    p2: u8,
    data: &'a [u8],
    le: Le,
}

fn parse(command: &[u8], extended_ok: bool) -> Result<Parsed<'_>, u16> {
    let Some((header, body)) = command.split_at_checked(4) else {
        return Err(SW_WRONG_LENGTH);
    };
    let [cla, ins, p1, p2] = header else {
        return Err(SW_WRONG_LENGTH);
    };
    if *cla != 0x00 {
        return Err(SW_CLA);
    }
    let (data, le): (&[u8], Le) = match body {
        [] => (&[], Le::Absent),
        [le] => (&[], Le::Short(short_ne(*le))),
        [0, hi, lo] => {
            if !extended_ok {
                return Err(SW_WRONG_LENGTH);
            }
            (&[], Le::Extended(extended_ne(*hi, *lo)))
        }
        [0, hi, lo, rest @ ..] => {
            if !extended_ok {
                return Err(SW_WRONG_LENGTH);
            }
            let lc = usize::from(u16::from_be_bytes([*hi, *lo]));
            match rest.split_at_checked(lc) {
                Some((data, [])) => (data, Le::Absent),
                Some((data, [0, h, l])) => (data, Le::Extended(extended_ne(*h, *l))),
                _ => return Err(SW_WRONG_LENGTH),
            }
        }
        [lc, rest @ ..] => match rest.split_at_checked(usize::from(*lc)) {
            Some((data, [])) => (data, Le::Absent),
            Some((data, [le])) => (data, Le::Short(short_ne(*le))),
            _ => return Err(SW_WRONG_LENGTH),
        },
    };
    Ok(Parsed {
        ins: *ins,
        p1: *p1,
        p2: *p2,
        data,
        le,
    })
}

fn short_ne(le: u8) -> usize {
    if le == 0 { 256 } else { usize::from(le) }
}

fn extended_ne(hi: u8, lo: u8) -> usize {
    match u16::from_be_bytes([hi, lo]) {
        0 => 65536,
        n => usize::from(n),
    }
}

fn with_sw(mut data: Vec<u8>, sw: u16) -> Vec<u8> {
    data.extend_from_slice(&sw.to_be_bytes());
    data
}

impl SimCard {
    /// A builder for a My Number Card (see [`SimCardBuilder`]).
    pub fn builder() -> SimCardBuilder {
        SimCardBuilder::new()
    }

    /// The answer to reset.
    pub fn atr(&self) -> Vec<u8> {
        ATR.to_vec()
    }

    /// Powers the card off: the security state and the selection are lost.
    pub fn power_off(&mut self) {
        self.powered = false;
        self.selected = Selected::Nothing;
        self.pending = None;
        for app in &mut self.apps {
            for ef in &mut app.files {
                if let Content::Pin { verified, .. } = &mut ef.content {
                    *verified = false;
                }
            }
        }
    }

    /// Powers the card on (after [`SimCard::power_off`]): nothing selected, nothing verified.
    pub fn power_on(&mut self) {
        if !self.powered {
            self.power_off();
            self.powered = true;
        }
    }

    /// A warm reset: the selection is lost, verified PINs stay verified (domain.md §2).
    pub fn reset_warm(&mut self) {
        self.powered = true;
        self.selected = Selected::Nothing;
        self.pending = None;
    }

    /// Whether the card has left the reader (after the removal point).
    pub fn is_removed(&self) -> bool {
        self.removed
    }

    /// Whether the card has stopped answering (see [`SimCardBuilder::mute_at`]).
    pub fn is_mute(&self) -> bool {
        self.mute
    }

    /// Takes the card out of the reader now.
    pub fn remove(&mut self) {
        self.removed = true;
        self.power_off();
    }

    /// Puts the card (back) on the reader: powered on afresh. After a removal the removal
    /// point is spent, so the next reading goes through.
    pub fn place(&mut self) {
        if self.removed {
            self.remove_after = None;
            self.mute_at = None;
        }
        self.removed = false;
        self.mute = false;
        self.power_off();
        self.powered = true;
    }

    /// Tries left on the PIN EF `fid` (any application); `None` when there is no such PIN.
    pub fn pin_tries(&self, fid: [u8; 2]) -> Option<u8> {
        self.pin(fid).map(|(_, left, _)| left)
    }

    /// Whether the PIN EF `fid` is verified in this card session.
    pub fn is_verified(&self, fid: [u8; 2]) -> bool {
        self.pin(fid).is_some_and(|(_, _, verified)| verified)
    }

    fn pin(&self, fid: [u8; 2]) -> Option<(u8, u8, bool)> {
        self.apps
            .iter()
            .flat_map(|app| &app.files)
            .find_map(|ef| match &ef.content {
                Content::Pin {
                    max,
                    left,
                    verified,
                    ..
                } if ef.fid == fid => Some((*max, *left, *verified)),
                _ => None,
            })
    }

    /// Every command so far (VERIFY data left out).
    pub fn log(&self) -> &[LoggedCommand] {
        &self.log
    }

    /// How many VERIFY commands so far carried data (a PIN or a password).
    pub fn verifies_with_data(&self) -> usize {
        self.log.iter().filter(|c| c.verify_with_data).count()
    }

    /// APDUs received since the card was built.
    pub fn apdu_count(&self) -> u32 {
        self.count
    }

    /// One command APDU in, one response APDU out.
    pub fn process(&mut self, command: &[u8]) -> Vec<u8> {
        if !self.latency.is_zero() {
            std::thread::sleep(self.latency);
        }
        self.count = self.count.saturating_add(1);
        if self.mute_at == Some(self.count) {
            self.mute = true;
        }
        let response = match &self.garbage_at {
            _ if self.mute => Vec::new(),
            Some((n, answer)) if *n == self.count => answer.clone(),
            _ => {
                if !self.powered {
                    self.powered = true;
                }
                self.answer(command)
            }
        };
        let sw = match response.as_slice() {
            [.., a, b] if response.len() >= 2 => u16::from_be_bytes([*a, *b]),
            _ => 0,
        };
        let is_verify = command.get(1) == Some(&0x20);
        let verify_with_data = is_verify && command.len() > 4;
        self.log.push(LoggedCommand {
            command: if is_verify {
                command.iter().take(4).copied().collect()
            } else {
                command.to_vec()
            },
            verify_with_data,
            sw,
        });
        if self.remove_after.is_some_and(|n| self.count >= n) {
            self.remove();
        }
        response
    }

    fn answer(&mut self, command: &[u8]) -> Vec<u8> {
        let pending = self.pending.take();
        let cmd = match parse(command, self.extended) {
            Ok(cmd) => cmd,
            Err(sw) => return with_sw(Vec::new(), sw),
        };
        if cmd.ins == 0xC0 {
            return self.get_response(&cmd, pending);
        }
        let (data, sw) = match cmd.ins {
            0xA4 => (Vec::new(), self.select(&cmd)),
            0xB0 => self.read_binary(&cmd),
            0xB2 => self.read_record(&cmd),
            0x20 => (Vec::new(), self.verify(&cmd)),
            0xCA => self.get_data(&cmd),
            _ => (Vec::new(), SW_INS),
        };
        if self.answer_61xx && !data.is_empty() {
            let first = u8::try_from(data.len()).unwrap_or(0);
            self.pending = Some((data, sw));
            return with_sw(Vec::new(), 0x6100 | u16::from(first));
        }
        with_sw(data, sw)
    }

    fn get_response(&mut self, cmd: &Parsed<'_>, pending: Option<(Vec<u8>, u16)>) -> Vec<u8> {
        let Some((mut data, sw)) = pending else {
            return with_sw(Vec::new(), SW_CONDITIONS);
        };
        if cmd.p1 != 0 || cmd.p2 != 0 {
            self.pending = Some((data, sw));
            return with_sw(Vec::new(), SW_P1P2);
        }
        let ne = cmd.le.ne().unwrap_or(256);
        if data.len() <= ne {
            return with_sw(data, sw);
        }
        let rest = data.split_off(ne);
        let next = u8::try_from(rest.len()).unwrap_or(0);
        self.pending = Some((rest, sw));
        with_sw(data, 0x6100 | u16::from(next))
    }

    fn select(&mut self, cmd: &Parsed<'_>) -> u16 {
        if !matches!(cmd.le, Le::Absent) && cmd.p2 == 0x0C {
            return SW_WRONG_LENGTH;
        }
        match (cmd.p1, cmd.p2) {
            (0x04, 0x0C | 0x00) => {
                if cmd.data == CARD_MANAGER_AID {
                    self.selected = Selected::CardManager;
                    return SW_OK;
                }
                match self.apps.iter().position(|app| app.aid == cmd.data) {
                    Some(i) => {
                        self.selected = Selected::App(i, None);
                        SW_OK
                    }
                    None => SW_NOT_FOUND,
                }
            }
            (0x02, 0x0C | 0x00) => {
                let Selected::App(i, _) = self.selected else {
                    return SW_NOT_FOUND;
                };
                let Ok(fid) = <[u8; 2]>::try_from(cmd.data) else {
                    return SW_WRONG_LENGTH;
                };
                let found = self
                    .apps
                    .get(i)
                    .and_then(|app| app.files.iter().position(|ef| ef.fid == fid));
                match found {
                    Some(f) => {
                        self.selected = Selected::App(i, Some(f));
                        SW_OK
                    }
                    None => SW_NOT_FOUND,
                }
            }
            _ => SW_P1P2,
        }
    }

    fn verified_fid(&self, app: usize, fid: [u8; 2]) -> bool {
        self.apps.get(app).is_some_and(|a| {
            a.files.iter().any(|ef| {
                ef.fid == fid && matches!(ef.content, Content::Pin { verified: true, .. })
            })
        })
    }

    fn read_binary(&mut self, cmd: &Parsed<'_>) -> (Vec<u8>, u16) {
        let Selected::App(app, current) = self.selected else {
            return (Vec::new(), SW_NO_CURRENT_EF);
        };
        if !cmd.data.is_empty() {
            return (Vec::new(), SW_WRONG_LENGTH);
        }
        let Some(ne) = cmd.le.ne() else {
            return (Vec::new(), SW_WRONG_LENGTH);
        };
        let (index, offset) = if cmd.p1 & 0x80 != 0 {
            if cmd.p1 & 0x60 != 0 {
                return (Vec::new(), SW_P1P2);
            }
            let sfi = cmd.p1 & 0x1F;
            let found = self
                .apps
                .get(app)
                .and_then(|a| a.files.iter().position(|ef| ef.sfi == Some(sfi)));
            match found {
                Some(f) => {
                    self.selected = Selected::App(app, Some(f));
                    (f, usize::from(cmd.p2))
                }
                None => return (Vec::new(), SW_NOT_FOUND),
            }
        } else {
            match current {
                Some(f) => (f, usize::from(u16::from_be_bytes([cmd.p1, cmd.p2]))),
                None => return (Vec::new(), SW_NO_CURRENT_EF),
            }
        };
        let Some(ef) = self.apps.get(app).and_then(|a| a.files.get(index)) else {
            return (Vec::new(), SW_NOT_FOUND);
        };
        let Content::Binary {
            data,
            size,
            filler,
            read_needs,
        } = &ef.content
        else {
            return (Vec::new(), SW_INCOMPATIBLE_FILE);
        };
        if let Some(pin) = read_needs
            && !self.verified_fid(app, *pin)
        {
            return (Vec::new(), SW_SECURITY);
        }
        if offset >= *size {
            return (Vec::new(), SW_OFFSET);
        }
        let end = (*size).min(offset.saturating_add(ne));
        let out: Vec<u8> = (offset..end)
            .map(|i| data.get(i).copied().unwrap_or(*filler))
            .collect();
        if out.len() < ne {
            if self.answer_6cxx && matches!(cmd.le, Le::Short(_)) {
                let right = u8::try_from(out.len()).unwrap_or(0);
                return (Vec::new(), 0x6C00 | u16::from(right));
            }
            return (out, SW_END_OF_FILE);
        }
        (out, SW_OK)
    }

    fn read_record(&mut self, cmd: &Parsed<'_>) -> (Vec<u8>, u16) {
        let Selected::App(app, current) = self.selected else {
            return (Vec::new(), SW_NOT_FOUND);
        };
        if cmd.p2 & 0x07 != 0x04 || cmd.p1 == 0 {
            return (Vec::new(), SW_P1P2);
        }
        let Some(ne) = cmd.le.ne() else {
            return (Vec::new(), SW_WRONG_LENGTH);
        };
        let sfi = cmd.p2 >> 3;
        let index = if sfi == 0 {
            current
        } else {
            self.apps
                .get(app)
                .and_then(|a| a.files.iter().position(|ef| ef.sfi == Some(sfi)))
        };
        let Some(index) = index else {
            return (Vec::new(), SW_NOT_FOUND);
        };
        self.selected = Selected::App(app, Some(index));
        let Some(ef) = self.apps.get(app).and_then(|a| a.files.get(index)) else {
            return (Vec::new(), SW_NOT_FOUND);
        };
        let Content::Records(records) = &ef.content else {
            return (Vec::new(), SW_INCOMPATIBLE_FILE);
        };
        let Some(record) = records.get(usize::from(cmd.p1).saturating_sub(1)) else {
            return (Vec::new(), SW_RECORD_NOT_FOUND);
        };
        let explicit_short = matches!(cmd.le, Le::Short(n) if n < 256);
        if ne < record.len() || (self.answer_6cxx && explicit_short && ne != record.len()) {
            let right = u8::try_from(record.len()).unwrap_or(0);
            return (Vec::new(), 0x6C00 | u16::from(right));
        }
        let sw = if explicit_short && ne > record.len() {
            SW_END_OF_FILE
        } else {
            SW_OK
        };
        (record.clone(), sw)
    }

    fn verify(&mut self, cmd: &Parsed<'_>) -> u16 {
        if cmd.p1 != 0x00 || cmd.p2 != 0x80 {
            return SW_P1P2;
        }
        if !matches!(cmd.le, Le::Absent) {
            return SW_WRONG_LENGTH;
        }
        let Selected::App(app, Some(index)) = self.selected else {
            return SW_DATA_NOT_FOUND;
        };
        let Some(ef) = self.apps.get_mut(app).and_then(|a| a.files.get_mut(index)) else {
            return SW_DATA_NOT_FOUND;
        };
        let Content::Pin {
            secret,
            max,
            left,
            verified,
        } = &mut ef.content
        else {
            return SW_DATA_NOT_FOUND;
        };
        if cmd.data.is_empty() {
            return if *verified {
                SW_OK
            } else {
                0x63C0 | u16::from(*left & 0x0F)
            };
        }
        if *left == 0 {
            return SW_BLOCKED;
        }
        if cmd.data == secret.as_slice() {
            *left = *max;
            *verified = true;
            SW_OK
        } else {
            *left -= 1;
            *verified = false;
            0x63C0 | u16::from(*left & 0x0F)
        }
    }

    fn get_data(&mut self, cmd: &Parsed<'_>) -> (Vec<u8>, u16) {
        if (cmd.p1, cmd.p2) != (0x00, 0xF2) {
            return (Vec::new(), SW_DATA_NOT_FOUND);
        }
        let Some(date) = self.get_data_f2 else {
            return (Vec::new(), SW_DATA_NOT_FOUND);
        };
        if matches!(self.selected, Selected::App(..)) {
            return (Vec::new(), SW_CONDITIONS);
        }
        let digits = date.format("%Y%m%d").to_string().into_bytes();
        match cmd.le.ne() {
            None => (Vec::new(), SW_WRONG_LENGTH),
            Some(n) if n < digits.len() => (Vec::new(), 0x6C08),
            Some(_) => (digits, SW_OK),
        }
    }
}

impl crate::vpcd::VirtualCard for SimCard {
    fn atr(&self) -> Vec<u8> {
        SimCard::atr(self)
    }
    fn power_off(&mut self) {
        SimCard::power_off(self);
    }
    fn power_on(&mut self) {
        SimCard::power_on(self);
    }
    fn reset(&mut self) {
        self.reset_warm();
    }
    fn process(&mut self, command: &[u8]) -> Vec<u8> {
        SimCard::process(self, command)
    }
    fn removed(&self) -> bool {
        self.removed
    }
    fn mute(&self) -> bool {
        self.mute
    }
}

#[cfg(test)]
mod tests;
