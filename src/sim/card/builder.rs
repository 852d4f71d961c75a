//! Building a simulated card: its certificates, token, expiry routes, PINs, and the
//! misbehaviours a test switches on.

use std::fmt;
use std::time::Duration;

use chrono::NaiveDate;
use zeroize::Zeroizing;

use super::*;

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
    manners: Manners,
    atr: AtrProfile,
    left_selected: Option<Vec<u8>>,
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
            manners: Manners::REPORTED,
            atr: AtrProfile::default(),
            left_selected: None,
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

    /// The card's manners (domain.md §2b; default [`Manners::REPORTED`]).
    pub fn manners(mut self, manners: Manners) -> Self {
        self.manners = manners;
        self
    }
    /// The card's manners, changed by `change` (to turn one switch off or on).
    pub fn with_manners(mut self, change: impl FnOnce(&mut Manners)) -> Self {
        change(&mut self.manners);
        self
    }
    /// The answer to reset (default [`AtrProfile::ContactExtended`]). A profile that declares
    /// no extended length ([`AtrProfile::allows_extended`]) also makes the card refuse
    /// extended-length APDUs.
    pub fn atr(mut self, profile: AtrProfile) -> Self {
        self.atr = profile;
        self
    }
    /// Another program (Windows: the certificate propagation service, the J-LIS client) used
    /// the card just before: it is found with the application `aid` selected and the first
    /// command after power-up already spent, each time it is placed. Powering it off and on
    /// clears that. GET DATA `F2` then fails until the card manager is selected.
    pub fn left_selected_by_another_program(mut self, aid: &[u8]) -> Self {
        self.left_selected = Some(aid.to_vec());
        self
    }

    /// The card, powered on with nothing selected (or as another program left it).
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
        let token = manners::token_info(self.token.bytes(), self.manners.token_info_160);
        let token_size = token.len();
        jpki.push(binary([0x00, 0x06], token, token_size, None));
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

        let mut card = SimCard {
            apps,
            manners: self.manners,
            atr: self.atr,
            left_selected: self.left_selected,
            fresh: self.manners.first_command_6f00,
            extended: self.extended && self.atr.allows_extended(),
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
        };
        card.as_left_by_another_program();
        card
    }
}
