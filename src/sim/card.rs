//! The simulated card itself: its applications, files, PIN counters and security state, and the
//! ISO 7816-4 commands it answers (domain.md §2), plus the misbehaviours a test can switch on.

use std::fmt;
use std::time::Duration;

use chrono::NaiveDate;
use zeroize::Zeroizing;

mod builder;
mod commands;
pub mod manners;
pub use builder::SimCardBuilder;
pub use manners::{AtrProfile, Manners};

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

/// The simulated card's own answer to reset ([`AtrProfile::Simulated`]): T=1, historical
/// bytes `MYNA-SIM`, TCK. A card's ATR is its [`AtrProfile`]'s ([`SimCard::atr`]).
pub const ATR: [u8; 13] = [
    0x3B, 0x88, 0x80, 0x01, 0x4D, 0x59, 0x4E, 0x41, 0x2D, 0x53, 0x49, 0x4D, 0x68,
];

/// Size of each certificate EF: the DER, then filler up to here.
pub const CERT_FILE_SIZE: usize = 2048;
/// Size of the token info EF 0006 without [`Manners::token_info_160`] (with it:
/// [`manners::TOKEN_INFO_SIZE`]).
pub const TOKEN_FILE_SIZE: usize = manners::TOKEN_LABEL_SIZE;

const SW_OK: u16 = 0x9000;
const SW_NO_DIAGNOSIS: u16 = 0x6F00;
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
    /// The whole response APDU's length in bytes (data and status word): what crossed the air.
    pub response_len: usize,
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
    manners: Manners,
    atr: AtrProfile,
    /// The application another program left selected (its AID), found selected whenever the
    /// card is placed, until the card is powered off.
    left_selected: Option<Vec<u8>>,
    /// Nothing was sent since power-up: the next command is the first
    /// ([`Manners::first_command_6f00`]).
    fresh: bool,
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

    /// The answer to reset (the card's [`AtrProfile`]).
    pub fn atr(&self) -> Vec<u8> {
        self.atr.bytes().to_vec()
    }

    /// The card's manners (domain.md §2b).
    pub fn manners(&self) -> Manners {
        self.manners
    }

    /// Powers the card off: the security state and the selection are lost.
    pub fn power_off(&mut self) {
        self.powered = false;
        self.fresh = false;
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

    /// Powers the card on (after [`SimCard::power_off`]): nothing selected, nothing verified,
    /// and the next command is the first after power-up.
    pub fn power_on(&mut self) {
        if !self.powered {
            self.power_off();
            self.powered = true;
            self.fresh = self.manners.first_command_6f00;
        }
    }

    /// The card as another program left it: its application selected and the first command
    /// after power-up already spent. Nothing when no such program was set
    /// ([`SimCardBuilder::left_selected_by_another_program`]).
    fn as_left_by_another_program(&mut self) {
        let Some(aid) = &self.left_selected else {
            return;
        };
        if let Some(i) = self.apps.iter().position(|app| &app.aid == aid) {
            self.selected = Selected::App(i, None);
            self.fresh = false;
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
        self.power_on();
        self.as_left_by_another_program();
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
            Some((n, answer)) if *n == self.count => {
                self.fresh = false;
                answer.clone()
            }
            _ => {
                // A command to an unpowered card powers it.
                self.power_on();
                if std::mem::take(&mut self.fresh) {
                    with_sw(Vec::new(), SW_NO_DIAGNOSIS)
                } else {
                    self.answer(command)
                }
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
            response_len: response.len(),
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
