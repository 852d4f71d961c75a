//! The simulated card itself: its applications, files, PIN counters and security state, and the
//! ISO 7816-4 commands it answers (domain.md §2), plus the misbehaviours a test can switch on.

use std::fmt;
use std::time::Duration;

use chrono::NaiveDate;
use zeroize::Zeroizing;

mod builder;
pub use builder::SimCardBuilder;

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
