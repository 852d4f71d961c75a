//! The simulated card's manners: where public sources report how real My Number Cards behave
//! (`shared/docs/domain.md` §2b), each as a switch whose default is the reported behaviour,
//! and the answers to reset a card can come with ([`AtrProfile`]). `docs/card-manners.md`
//! lists them with the §2b row each follows.

use std::fmt;
use std::str::FromStr;

/// Switches for the behaviour public sources report from real cards (domain.md §2b). The
/// default, [`Manners::REPORTED`], is what was reported; [`Manners::PLAIN`] is the simulated
/// card as it was before it followed §2b (every switch off), for tests that need the plainer
/// answer of one switch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Manners {
    /// §2b "first command after power-up": the first command after the card is powered up is
    /// answered `6F 00` without being carried out; the same command again works. Off: every
    /// command is carried out.
    pub first_command_6f00: bool,
    /// §2b "empty VERIFY": a VERIFY without data answers `63 Cx` (tries left) even when the PIN
    /// is verified in this card session. Off: `90 00` while verified.
    pub empty_verify_hides_verified: bool,
    /// §2b "empty VERIFY": once the counter is exhausted (the try that exhausts it answers
    /// `63 C0`), every later VERIFY, with or without data, answers `69 84`. Off: an empty
    /// VERIFY keeps answering `63 C0`.
    pub blocked_6984: bool,
    /// §2b "token info EF 0006": 160 bytes, a PKCS#11 `CK_TOKEN_INFO` (32-byte label padded
    /// with spaces, then big-endian fields). Off: the 32-byte label alone.
    pub token_info_160: bool,
    /// §2b "reading past the end": a READ BINARY whose Le asks for more than the file still
    /// holds answers the bytes there are with `90 00`. Off: with `62 82` (end of file).
    pub short_read_ok: bool,
    /// §2b "SELECT": SELECT by DF name also selects an application whose AID starts with the
    /// bytes given (a partial AID). Off: only the whole AID selects.
    pub partial_aid: bool,
}

impl Manners {
    /// What public sources report from real cards: every switch on.
    pub const REPORTED: Manners = Manners {
        first_command_6f00: true,
        empty_verify_hides_verified: true,
        blocked_6984: true,
        token_info_160: true,
        short_read_ok: true,
        partial_aid: true,
    };

    /// The simulated card before it followed §2b: every switch off.
    pub const PLAIN: Manners = Manners {
        first_command_6f00: false,
        empty_verify_hides_verified: false,
        blocked_6984: false,
        token_info_160: false,
        short_read_ok: false,
        partial_aid: false,
    };

    /// The switches by name, as conformance scripts and `simulate` name them.
    pub const NAMES: [&'static str; 6] = [
        "first-command-6f00",
        "empty-verify-hides-verified",
        "blocked-6984",
        "token-info-160",
        "short-read-ok",
        "partial-aid",
    ];

    /// These manners with the switch called `name` (one of [`Manners::NAMES`]) set to `on`;
    /// `None` for an unknown name.
    pub fn with(mut self, name: &str, on: bool) -> Option<Manners> {
        let switch = match name {
            "first-command-6f00" => &mut self.first_command_6f00,
            "empty-verify-hides-verified" => &mut self.empty_verify_hides_verified,
            "blocked-6984" => &mut self.blocked_6984,
            "token-info-160" => &mut self.token_info_160,
            "short-read-ok" => &mut self.short_read_ok,
            "partial-aid" => &mut self.partial_aid,
            _ => return None,
        };
        *switch = on;
        Some(self)
    }
}

impl Default for Manners {
    fn default() -> Self {
        Self::REPORTED
    }
}

/// The answer to reset the simulated card gives: the ATRs public sources report (domain.md
/// §2b "contact ATRs", "contactless ATRs"), and the simulated card's own.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum AtrProfile {
    /// Contact, T=1, historical bytes with the card-capabilities object `73 C6 01 C0`: command
    /// chaining and extended Lc/Le. The default.
    #[default]
    ContactExtended,
    /// Contact, T=1, card capabilities `73 C6 01 00`: no extended length declared. A card with
    /// this profile refuses extended-length APDUs (`67 00`), as it says.
    ContactShort,
    /// Contact, T=1, no historical bytes (`3B E0 00 FF 81 31 FE 45 14`).
    ContactBare,
    /// Contactless (ISO 14443 Type B) through a PC/SC reader: the ATR the reader builds from
    /// the ATQB (PC/SC part 3), no card capabilities.
    Contactless,
    /// The simulated card's own ATR: T=1, historical bytes `MYNA-SIM`.
    Simulated,
}

impl AtrProfile {
    /// Every profile, in the order `simulate --atr` lists them.
    pub const ALL: [AtrProfile; 5] = [
        AtrProfile::ContactExtended,
        AtrProfile::ContactShort,
        AtrProfile::ContactBare,
        AtrProfile::Contactless,
        AtrProfile::Simulated,
    ];

    /// The ATR bytes (TCK included; each XORs to zero from T0 on).
    pub fn bytes(self) -> &'static [u8] {
        match self {
            AtrProfile::ContactExtended => &[
                0x3B, 0xDA, 0x13, 0xFF, 0x81, 0x31, 0xFB, 0x46, 0x80, 0x12, 0x39, 0x2F, 0x31, 0xC1,
                0x73, 0xC6, 0x01, 0xC0, 0x3B,
            ],
            AtrProfile::ContactShort => &[
                0x3B, 0xC5, 0xFF, 0x81, 0x31, 0xFB, 0x45, 0x80, 0x73, 0xC6, 0x01, 0x00, 0x00,
            ],
            AtrProfile::ContactBare => &[0x3B, 0xE0, 0x00, 0xFF, 0x81, 0x31, 0xFE, 0x45, 0x14],
            AtrProfile::Contactless => &[
                0x3B, 0x88, 0x80, 0x01, 0x00, 0x00, 0x05, 0xE0, 0xB3, 0x81, 0xA1, 0x00, 0x7F,
            ],
            AtrProfile::Simulated => &[
                0x3B, 0x88, 0x80, 0x01, 0x4D, 0x59, 0x4E, 0x41, 0x2D, 0x53, 0x49, 0x4D, 0x68,
            ],
        }
    }

    /// Whether a card with this ATR takes extended-length APDUs: not when its
    /// card-capabilities byte declares none.
    pub fn allows_extended(self) -> bool {
        self != AtrProfile::ContactShort
    }

    /// The name `simulate --atr` and the conformance scripts use.
    pub fn name(self) -> &'static str {
        match self {
            AtrProfile::ContactExtended => "contact",
            AtrProfile::ContactShort => "contact-short",
            AtrProfile::ContactBare => "contact-bare",
            AtrProfile::Contactless => "contactless",
            AtrProfile::Simulated => "simulated",
        }
    }
}

impl fmt::Display for AtrProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for AtrProfile {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AtrProfile::ALL
            .into_iter()
            .find(|p| p.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = AtrProfile::ALL.iter().map(|p| p.name()).collect();
                format!("unknown ATR profile {s:?} ({})", names.join(", "))
            })
    }
}

/// Size of the token info EF 0006 with [`Manners::token_info_160`].
pub const TOKEN_INFO_SIZE: usize = 160;

/// Size of the token info's label, and of the whole EF 0006 without
/// [`Manners::token_info_160`].
pub const TOKEN_LABEL_SIZE: usize = 32;

/// `CK_UNAVAILABLE_INFORMATION` as a 4-byte big-endian `CK_ULONG`.
const UNAVAILABLE: [u8; 4] = [0xFF; 4];

/// A text field of a `CK_TOKEN_INFO`: `text`, padded with spaces to `len` (never cut).
fn padded(text: &[u8], len: usize) -> Vec<u8> {
    let mut field = text.to_vec();
    if field.len() < len {
        field.resize(len, b' ');
    }
    field
}

/// The content of EF 0006 for a token whose label starts with `label`: with `full`, a
/// 160-byte `CK_TOKEN_INFO` (label, manufacturer, model, serial number, flags, session and
/// PIN-length and memory counters as 4-byte big-endian integers, hardware and firmware
/// versions, no clock); without, the label alone padded to 32 bytes. A label longer than 32
/// bytes is kept whole (the file grows), as tests of odd tokens want.
pub fn token_info(label: &[u8], full: bool) -> Vec<u8> {
    let mut info = padded(label, TOKEN_LABEL_SIZE);
    if !full {
        return info;
    }
    info.extend(padded(b"MYNA-KIGEN SIMULATED", 32)); // manufacturerID
    info.extend(padded(b"MYNA-SIM", 16)); // model
    info.extend(padded(b"0000000000000001", 16)); // serialNumber
    // flags: CKF_LOGIN_REQUIRED | CKF_USER_PIN_INITIALIZED | CKF_TOKEN_INITIALIZED.
    info.extend(0x0000_040Cu32.to_be_bytes());
    for _ in 0..4 {
        info.extend(UNAVAILABLE); // session counts
    }
    info.extend(16u32.to_be_bytes()); // ulMaxPinLen: the signing password's 16
    info.extend(4u32.to_be_bytes()); // ulMinPinLen: the 4-digit PIN
    for _ in 0..4 {
        info.extend(UNAVAILABLE); // memory
    }
    info.extend([1, 0, 1, 0]); // hardwareVersion 1.0, firmwareVersion 1.0
    info.extend([b' '; 16]); // utcTime: no clock
    info
}
