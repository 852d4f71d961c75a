//! The window (eframe/egui): the answer for the card on the reader, for residents and for
//! counter clerks. It renders [`MonitorEvent`]s from the card monitor's worker thread and sends it
//! requests; the UI thread never touches a card, and repaints only on events and input.
//!
//! Persisted settings ([`Settings`], serde) are kept apart from runtime state ([`App`]).
//!
//! The signing certificate (issue 6) is read on request through a password dialog
//! ([`SignDialog`]): the typed password lives in a wiping string while the dialog is open and
//! moves into the worker as a [`SigningPassword`] when sent. The holder's personal data from
//! that reading stays in memory only while its card is on the reader, shown only on an explicit
//! reveal, and never in counter mode.

pub mod startup;
mod view;

use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::NaiveDate;
use clap::Parser;
use eframe::egui;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::card::PinState;
use crate::cli::LangArg;
use crate::monitor::{Monitor, MonitorEvent, MonitorHandle, MonitorOptions, ReadFn, SignFn};
use crate::report::signing::{PersonalReport, Refusal, SignError};
use crate::report::{CardReport, CertSlot, Lang, PinReport, ReadError};
use crate::secret::SigningPassword;
use crate::sim::transport::READER_NAME as SIM_READER;
use crate::sim::{Scenario, SimCard, SimReaders, SimReadersHandle};
use crate::transport::{ReaderInfo, Readers};

/// The bundled Japanese font (BIZ UDGothic, SIL Open Font License 1.1: `assets/fonts/OFL.txt`).
/// It covers all of JIS X 0208, so names from signing certificates can be shown later.
pub static JAPANESE_FONT: &[u8] = include_bytes!("../assets/fonts/BIZUDGothic-Regular.ttf");

/// The window icon: 64×64 RGBA, made by `scripts/make-icon.sh`.
pub static ICON_RGBA: &[u8] = include_bytes!("../assets/icon.rgba");

/// The key the settings are stored under in eframe's storage.
pub const SETTINGS_KEY: &str = "myna-kigen-settings";

/// `myna-kigen-gui`: the window.
#[derive(Debug, Clone, Default, Parser)]
#[command(name = "myna-kigen-gui", version = crate::VERSION, about = "マイナンバーカードの電子証明書の有効期限 / My Number Card certificate expiry")]
pub struct GuiArgs {
    /// Show the built-in simulated card instead of a reader (scenarios: valid renewable expired
    /// no-sign locked juki not-mnc smartphone).
    #[arg(long, value_name = "SCENARIO", num_args = 0..=1, default_missing_value = "valid")]
    pub demo: Option<String>,
    /// Language of the window (default: the last one used, else Japanese).
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
    /// Start in counter mode (large text, cleared when the card leaves, nothing personal).
    #[arg(long)]
    pub counter: bool,
    /// Judge days left and status on this JST date instead of today (YYYY-MM-DD).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub today: Option<NaiveDate>,
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    parse_typed_date(s).ok_or_else(|| format!("not a date (YYYY-MM-DD): {s}"))
}

/// A date as a person types it: `2034-06-15`, `2034/6/15`, `2034.6.15` or `2034年6月15日`.
pub fn parse_typed_date(s: &str) -> Option<NaiveDate> {
    let normalised: String = s
        .trim()
        .chars()
        .map(|c| match c {
            // Full-width digits, as a Japanese input method may type them.
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '/' | '.' | '年' | '月' | '／' | '－' => '-',
            '日' => ' ',
            c => c,
        })
        .collect();
    NaiveDate::parse_from_str(normalised.trim(), "%Y-%m-%d").ok()
}

/// What is remembered between runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The window's language.
    pub lang: Lang,
    /// Counter mode on.
    pub counter_mode: bool,
}

/// Where the app's cards come from, and how they are read.
pub struct AppConfig {
    /// The readers (system PC/SC, or the simulated ones).
    pub readers: Box<dyn Readers>,
    /// Reads one card (in the product: [`crate::report::read_card`]).
    pub read: ReadFn,
    /// Reads one card with the signing password (in the product:
    /// [`crate::monitor::default_sign_fn`]).
    pub sign: SignFn,
    /// Pins the date readings are judged on (`None`: today in JST).
    pub today: Option<NaiveDate>,
    /// The demo, when the cards are simulated: shows the 「デモ」 label and the buttons that
    /// take the simulated card off and put it back.
    pub demo: Option<Demo>,
    /// Print timing figures to stderr (first frame, answer on screen after the reading).
    pub timing: Option<Instant>,
}

/// The system's PC/SC readers. The one place the real reader stack is plugged in. A service
/// that is not running yet is reported by the monitor (the window shows its sentence) and found
/// once it starts.
pub fn system_readers() -> Box<dyn Readers> {
    Box::new(crate::transport::pcsc::PcscReaders::lazy())
}

/// The simulated card and reader for `--demo SCENARIO`, with the scenario's dates set around
/// `today`. The one place the simulation is plugged in.
pub fn demo_readers(scenario: &str, today: NaiveDate) -> Result<(Box<dyn Readers>, Demo), String> {
    let scenario: Scenario = scenario
        .parse()
        .map_err(|e: crate::sim::SimError| e.to_string())?;
    let card = scenario.card(today).map_err(|e| e.to_string())?;
    let readers = SimReaders::new();
    let handle = readers.handle();
    handle.plug(SIM_READER);
    let card = handle.place(SIM_READER, card);
    Ok((
        Box::new(readers),
        Demo {
            scenario,
            handle,
            card,
        },
    ))
}

/// The demo's simulated reader, which the window can take the card off and put back on.
pub struct Demo {
    /// The scenario shown.
    pub scenario: Scenario,
    handle: SimReadersHandle,
    card: Arc<Mutex<SimCard>>,
}

impl Demo {
    /// Takes the simulated card off its reader.
    pub fn remove_card(&self) {
        self.handle.remove_card(SIM_READER);
    }

    /// Puts the simulated card back on its reader.
    pub fn place_card(&self) {
        self.handle.place_shared(SIM_READER, Arc::clone(&self.card));
    }
}

/// What the window shows about the card (runtime state, never stored).
#[derive(Debug, Clone, PartialEq)]
pub enum CardView {
    /// A card is being read.
    Reading {
        /// The reader.
        reader: String,
    },
    /// The card was read.
    Report {
        /// The reader.
        reader: String,
        /// What was found.
        report: Box<CardReport>,
        /// The card has left the reader since (resident mode keeps the result).
        removed: bool,
    },
    /// Reading failed.
    Failed {
        /// The reader.
        reader: String,
        /// Why.
        error: ReadError,
        /// The card has left the reader since.
        removed: bool,
    },
}

impl CardView {
    fn reader(&self) -> &str {
        match self {
            CardView::Reading { reader }
            | CardView::Report { reader, .. }
            | CardView::Failed { reader, .. } => reader,
        }
    }
}

/// The signing-password dialog while it is open. The typed text is wiped when the dialog
/// closes (sent, cancelled, or its card left); Debug never shows it.
pub struct SignDialog {
    reader: String,
    password: Zeroizing<String>,
    /// The person ticked 「最後の1回であることを理解しました」 (asked when one try is left, or
    /// when the card did not tell).
    pub confirm_last_try: bool,
    focus_requested: bool,
}

impl std::fmt::Debug for SignDialog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignDialog")
            .field("reader", &self.reader)
            .field("password", &"REDACTED")
            .field("confirm_last_try", &self.confirm_last_try)
            .finish()
    }
}

/// Longest text the password field takes (longer than any valid password, so "too long" can be
/// said; short enough that the field's buffer never grows and leaves copies behind).
const PASSWORD_FIELD_LIMIT: usize = SigningPassword::MAX + 8;

impl SignDialog {
    fn new(reader: String) -> Self {
        SignDialog {
            reader,
            // Four bytes a character at most: the buffer is never reallocated while typing.
            password: Zeroizing::new(String::with_capacity(PASSWORD_FIELD_LIMIT * 4)),
            confirm_last_try: false,
            focus_requested: false,
        }
    }

    /// The reader whose card the dialog is for.
    pub fn reader(&self) -> &str {
        &self.reader
    }
}

/// Whether the password for the signing PIN `pin` may only be sent with the last-try
/// confirmation: one try left, or the card did not tell.
pub fn needs_last_try_confirmation(pin: Option<&PinReport>) -> bool {
    match pin {
        Some(p) if p.state == PinState::Locked || p.tries_left == Some(0) => false,
        Some(p) => p.tries_left.is_none_or(|t| t <= 1),
        None => true,
    }
}

/// Whether the signing PIN `pin` is locked (no entry is offered).
pub fn sign_locked(pin: Option<&PinReport>) -> bool {
    pin.is_some_and(|p| p.state == PinState::Locked || p.tries_left == Some(0))
}

/// The window's state.
pub struct App {
    /// Remembered between runs.
    pub settings: Settings,
    /// The readers as last reported.
    pub readers: Vec<ReaderInfo>,
    /// The PC/SC service is down.
    pub service_down: bool,
    /// No event has arrived from the monitor yet.
    pub starting: bool,
    /// The card shown, if any.
    pub card: Option<CardView>,
    /// Cards read in this session (counter mode shows it).
    pub cards_read: u32,
    /// The reader picked in the picker (`None`: any reader).
    pub picked_reader: Option<String>,
    /// The card-expiry field as typed.
    pub card_expiry_input: String,
    /// The typed card expiry in force.
    pub card_expiry_typed: Option<NaiveDate>,
    /// The typed text was not a date.
    pub card_expiry_invalid: bool,
    /// The signing-password dialog, while open.
    pub sign_dialog: Option<SignDialog>,
    /// The reader whose card's signing certificate is being read.
    pub signing: Option<String>,
    /// Why the last signing reading of the card shown gave no certificate.
    pub sign_error: Option<SignError>,
    /// The holder's details from the signing certificate: kept only while its card is on the
    /// reader, and only outside counter mode. Wiped on drop; Debug redacted.
    personal: Option<PersonalReport>,
    /// The holder's details are on screen (the reveal was pressed).
    pub personal_shown: bool,
    /// The password field's egui id, so its widget state is removed when the dialog closes.
    sign_field_id: Option<egui::Id>,
    demo: Option<Demo>,
    pending: Option<AppConfig>,
    monitor: Option<MonitorHandle>,
    events: Option<Receiver<MonitorEvent>>,
    timing: Option<Instant>,
    first_frame_done: bool,
    last_notify: Arc<Mutex<Option<Instant>>>,
}

impl App {
    /// A new window state. The monitor starts on the first frame (or [`App::start`]), so the
    /// app can also be built before its egui context exists (tests).
    pub fn new(mut config: AppConfig, settings: Settings) -> Self {
        let demo = config.demo.take();
        let mut app = App {
            settings,
            readers: Vec::new(),
            service_down: false,
            starting: true,
            card: None,
            cards_read: 0,
            picked_reader: None,
            card_expiry_input: String::new(),
            card_expiry_typed: None,
            card_expiry_invalid: false,
            sign_dialog: None,
            signing: None,
            sign_error: None,
            personal: None,
            personal_shown: false,
            sign_field_id: None,
            timing: config.timing,
            demo: None,
            pending: None,
            monitor: None,
            events: None,
            first_frame_done: false,
            last_notify: Arc::new(Mutex::new(None)),
        };
        app.demo = demo;
        app.pending = Some(config);
        app
    }

    /// Installs the fonts and style into `ctx` and starts the card monitor (once).
    pub fn start(&mut self, ctx: &egui::Context) {
        let Some(config) = self.pending.take() else {
            return;
        };
        install_fonts(ctx);
        view::install_style(ctx);
        let repaint = ctx.clone();
        let last = Arc::clone(&self.last_notify);
        let notify = move || {
            if let Ok(mut l) = last.lock() {
                *l = Some(Instant::now());
            }
            repaint.request_repaint();
        };
        let options = MonitorOptions {
            reader_filter: None,
            today: config.today,
            card_expiry_typed: None,
        };
        let (handle, rx) = Monitor::spawn_with_signing(
            config.readers,
            options,
            config.read,
            config.sign,
            Some(Box::new(notify)),
        );
        self.monitor = Some(handle);
        self.events = Some(rx);
    }

    /// The demo, when the cards are simulated.
    pub fn demo(&self) -> Option<&Demo> {
        self.demo.as_ref()
    }

    /// Takes every pending monitor event into the state.
    pub fn poll_events(&mut self) {
        let Some(rx) = &self.events else { return };
        let events: Vec<MonitorEvent> = rx.try_iter().collect();
        for e in events {
            self.apply(e);
        }
    }

    /// One monitor event into the state.
    pub fn apply(&mut self, event: MonitorEvent) {
        self.starting = false;
        match event {
            MonitorEvent::Readers(list) => {
                self.service_down = false;
                if let Some(p) = &self.picked_reader
                    && !list.iter().any(|r| &r.name == p)
                {
                    self.pick_reader(None);
                }
                self.readers = list;
            }
            MonitorEvent::ServiceUnavailable => {
                self.service_down = true;
                self.readers.clear();
                self.card = None;
                self.forget_signing();
            }
            MonitorEvent::Reading { reader } => {
                self.forget_signing();
                self.card = Some(CardView::Reading { reader });
            }
            MonitorEvent::Report { reader, report } => {
                self.forget_signing();
                self.cards_read = self.cards_read.saturating_add(1);
                self.card = Some(CardView::Report {
                    reader,
                    report,
                    removed: false,
                });
            }
            MonitorEvent::Failed { reader, error } => {
                self.forget_signing();
                self.card = Some(CardView::Failed {
                    reader,
                    error,
                    removed: false,
                });
            }
            MonitorEvent::Removed { reader } => {
                if self.card.as_ref().is_some_and(|c| c.reader() == reader) {
                    self.card_removed();
                }
            }
            MonitorEvent::SignResult { reader, result } => self.sign_result(reader, result),
        }
    }

    /// The answer to a signing reading into the state.
    fn sign_result(&mut self, reader: String, result: Result<Box<CardReport>, SignError>) {
        if self.signing.as_deref() == Some(reader.as_str()) {
            self.signing = None;
        }
        // Only for the card still shown (an answer for a card that left is dropped).
        let Some(CardView::Report {
            reader: shown,
            report,
            removed: false,
        }) = &mut self.card
        else {
            return;
        };
        if *shown != reader {
            return;
        }
        match result {
            Ok(mut new) => {
                self.sign_error = None;
                self.personal = match &mut new.sign {
                    // Counter mode keeps nothing personal (and did not ask for it).
                    CertSlot::Read(c) if !self.settings.counter_mode => c.personal.take(),
                    CertSlot::Read(c) => {
                        c.personal = None;
                        None
                    }
                    CertSlot::NotRead(_) => None,
                };
                self.personal_shown = false;
                *report = new;
            }
            Err(e) => {
                // What the card said about the counter is shown at once (the dialog's next
                // opening starts from it).
                if let Some(p) = report.pins.get_mut("sign") {
                    match &e {
                        SignError::WrongPassword { tries_left } => {
                            p.tries_left = Some(*tries_left);
                            if *tries_left == 0 {
                                p.state = PinState::Locked;
                            }
                        }
                        SignError::Blocked | SignError::Refused(Refusal::Locked) => {
                            p.tries_left = Some(0);
                            p.state = PinState::Locked;
                        }
                        SignError::Refused(Refusal::LastTryNotConfirmed) => {
                            p.tries_left = Some(1);
                        }
                        _ => {}
                    }
                }
                self.sign_error = Some(e);
            }
        }
    }

    /// Closes the dialog (wiping the typed text) and forgets the holder's details and the last
    /// signing failure: the card they belong to is gone or being read again.
    fn forget_signing(&mut self) {
        self.sign_dialog = None;
        self.personal = None;
        self.personal_shown = false;
        self.sign_error = None;
    }

    /// The report on screen for a card still on the reader.
    fn current_report(&self) -> Option<(&str, &CardReport)> {
        match &self.card {
            Some(CardView::Report {
                reader,
                report,
                removed: false,
            }) => Some((reader, report)),
            _ => None,
        }
    }

    /// Whether the "read the signing certificate" action is offered now: a card on the reader
    /// whose signing certificate may be there and was not read, and no reading running.
    pub fn can_read_signing(&self) -> bool {
        let Some((_, report)) = self.current_report() else {
            return false;
        };
        let unread_maybe_present =
            matches!(&report.sign, CertSlot::NotRead(n) if n.present != Some(false));
        unread_maybe_present && self.signing.is_none() && self.sign_dialog.is_none()
    }

    /// Opens the signing-password dialog (when [`App::can_read_signing`]).
    pub fn open_sign_dialog(&mut self) {
        if !self.can_read_signing() {
            return;
        }
        if let Some((reader, _)) = self.current_report() {
            self.sign_dialog = Some(SignDialog::new(reader.to_owned()));
        }
    }

    /// Closes the dialog without sending anything; the typed text is wiped.
    pub fn cancel_sign_dialog(&mut self) {
        self.sign_dialog = None;
    }

    /// The signing PIN's counter of the card shown.
    pub fn sign_pin(&self) -> Option<PinReport> {
        self.current_report()
            .and_then(|(_, r)| r.pins.get("sign").copied())
    }

    /// Whether the dialog's OK is enabled: a well-formed password, not locked, and the last-try
    /// confirmation ticked when it is asked for.
    pub fn sign_dialog_ready(&self) -> bool {
        let Some(d) = &self.sign_dialog else {
            return false;
        };
        let pin = self.sign_pin();
        !sign_locked(pin.as_ref())
            && SigningPassword::parse(&d.password).is_ok()
            && (!needs_last_try_confirmation(pin.as_ref()) || d.confirm_last_try)
    }

    /// Sends the dialog's password to the worker (when [`App::sign_dialog_ready`]) and closes
    /// the dialog. Returns whether it was sent.
    pub fn submit_sign_dialog(&mut self) -> bool {
        if !self.sign_dialog_ready() {
            return false;
        }
        let Some(dialog) = self.sign_dialog.take() else {
            return false;
        };
        let pin = self.sign_pin();
        let same_card = self.current_report().and_then(|(_, r)| match &r.auth {
            CertSlot::Read(a) => Some(a.serial.clone()),
            CertSlot::NotRead(_) => None,
        });
        let SignDialog {
            reader,
            password,
            confirm_last_try,
            ..
        } = dialog;
        // `password` (the typed text) is wiped when it goes out of scope here.
        let Ok(parsed) = SigningPassword::parse(&password) else {
            return false;
        };
        let Some(monitor) = &self.monitor else {
            return false;
        };
        self.sign_error = None;
        self.signing = Some(reader.clone());
        monitor.read_signing(
            reader,
            parsed,
            confirm_last_try && needs_last_try_confirmation(pin.as_ref()),
            !self.settings.counter_mode,
            same_card,
        );
        true
    }

    /// The holder's details, while kept (see [`App::personal_shown`] for whether they are on
    /// screen).
    pub fn personal(&self) -> Option<&PersonalReport> {
        self.personal.as_ref()
    }

    /// Shows or hides the holder's details (never in counter mode).
    pub fn toggle_personal(&mut self) {
        self.personal_shown =
            !self.personal_shown && self.personal.is_some() && !self.settings.counter_mode;
    }

    fn card_removed(&mut self) {
        // The holder's details and the dialog go with the card, in both modes.
        self.forget_signing();
        // A typed card expiry belongs to the card that left: the next card starts without one.
        self.card_expiry_input.clear();
        self.card_expiry_invalid = false;
        if self.card_expiry_typed.take().is_some()
            && let Some(m) = &self.monitor
        {
            m.set_card_expiry(None);
        }
        let counter = self.settings.counter_mode;
        self.card = match self.card.take() {
            Some(CardView::Report { reader, report, .. }) if !counter => Some(CardView::Report {
                reader,
                report,
                removed: true,
            }),
            Some(CardView::Failed { reader, error, .. }) if !counter => Some(CardView::Failed {
                reader,
                error,
                removed: true,
            }),
            // Counter mode: nothing of the last card stays on screen.
            _ => None,
        };
    }

    /// Watches only the named reader (`None`: any reader).
    pub fn pick_reader(&mut self, reader: Option<String>) {
        if self.picked_reader == reader {
            return;
        }
        self.picked_reader = reader.clone();
        self.card = None;
        self.forget_signing();
        if let Some(m) = &self.monitor {
            m.set_reader_filter(reader);
        }
    }

    /// Uses `date` as the card's expiry typed from the card face, and reads the card again.
    pub fn set_card_expiry(&mut self, date: Option<NaiveDate>) {
        if self.card_expiry_typed == date {
            return;
        }
        self.card_expiry_typed = date;
        if let Some(m) = &self.monitor {
            m.set_card_expiry(date);
            m.reread();
        }
    }

    /// Applies the typed card-expiry field.
    pub fn apply_card_expiry_input(&mut self) {
        match parse_typed_date(&self.card_expiry_input) {
            Some(d) => {
                self.card_expiry_invalid = false;
                self.set_card_expiry(Some(d));
            }
            None => self.card_expiry_invalid = true,
        }
    }

    /// Reads the card on the reader again.
    pub fn reread(&self) {
        if let Some(m) = &self.monitor {
            m.reread();
        }
    }

    /// Switches counter mode.
    pub fn set_counter_mode(&mut self, on: bool) {
        self.settings.counter_mode = on;
        if on {
            // Nothing personal in counter mode, not even in memory.
            self.personal = None;
            self.personal_shown = false;
            // Nothing of a card that already left stays on screen.
            if matches!(
                self.card,
                Some(
                    CardView::Report { removed: true, .. } | CardView::Failed { removed: true, .. }
                )
            ) {
                self.card = None;
            }
        }
    }

    /// One frame: events in, then the window.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        self.start(ui.ctx());
        let before = self.card.clone();
        self.poll_events();
        view::show(self, ui);
        if self.sign_dialog.is_none()
            && let Some(id) = self.sign_field_id.take()
        {
            // The password field's widget state (cursor, undo history) goes with the dialog.
            ui.ctx()
                .data_mut(|d| d.remove::<egui::text_edit::TextEditState>(id));
        }
        if let Some(t0) = self.timing {
            if !self.first_frame_done {
                eprintln!(
                    "timing: first frame laid out {:.1} ms after start",
                    t0.elapsed().as_secs_f64() * 1000.0
                );
            }
            let result = matches!(
                self.card,
                Some(
                    CardView::Report { removed: false, .. }
                        | CardView::Failed { removed: false, .. }
                )
            );
            if result
                && self.card != before
                && let Some(n) = self.last_notify.lock().ok().and_then(|n| *n)
            {
                eprintln!(
                    "timing: card result laid out {:.2} ms after the monitor sent it",
                    n.elapsed().as_secs_f64() * 1000.0
                );
            }
        }
        self.first_frame_done = true;
    }
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, SETTINGS_KEY, &self.settings);
    }
}

/// Puts the bundled Japanese font first in both font families (egui's own fonts stay as
/// fallbacks for symbols).
pub fn install_fonts(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    fonts.font_data.insert(
        "BIZUDGothic".to_owned(),
        Arc::new(egui::FontData::from_static(JAPANESE_FONT)),
    );
    for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
        fonts
            .families
            .entry(family)
            .or_default()
            .insert(0, "BIZUDGothic".to_owned());
    }
    ctx.set_fonts(fonts);
}

/// Opens the window. `started` is when the process started (for the timing figures, printed
/// when `MYNA_KIGEN_TIMING` is set).
pub fn run(
    args: GuiArgs,
    mut options: eframe::NativeOptions,
    started: Instant,
) -> Result<(), Box<dyn std::error::Error>> {
    options.viewport = options.viewport.with_icon(Arc::new(egui::IconData {
        rgba: ICON_RGBA.to_vec(),
        width: 64,
        height: 64,
    }));
    let (readers, demo) = match &args.demo {
        Some(scenario) => {
            let today = args.today.unwrap_or_else(crate::monitor::today_jst);
            let (readers, demo) = demo_readers(scenario, today)?;
            (readers, Some(demo))
        }
        None => (system_readers(), None),
    };
    let config = AppConfig {
        readers,
        read: Arc::new(crate::report::read_card),
        sign: crate::monitor::default_sign_fn(),
        today: args.today,
        demo,
        timing: std::env::var_os("MYNA_KIGEN_TIMING").map(|_| started),
    };
    eframe::run_native(
        "myna-kigen",
        options,
        Box::new(move |cc| {
            let mut settings: Settings = cc
                .storage
                .and_then(|s| eframe::get_value(s, SETTINGS_KEY))
                .unwrap_or_default();
            if let Some(l) = args.lang {
                settings.lang = l.into();
            }
            if args.counter {
                settings.counter_mode = true;
            }
            let mut app = App::new(config, settings);
            app.start(&cc.egui_ctx);
            Ok(Box::new(app))
        }),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_dates() {
        let d = NaiveDate::from_ymd_opt(2034, 6, 15);
        for s in [
            "2034-06-15",
            "2034/6/15",
            " 2034.6.15 ",
            "2034年6月15日",
            "２０３４年６月１５日",
        ] {
            assert_eq!(parse_typed_date(s), d, "{s}");
        }
        for s in ["", "2034-02-30", "15/6/2034", "令和16年6月15日"] {
            assert_eq!(parse_typed_date(s), None, "{s}");
        }
    }

    #[test]
    fn settings_round_trip_and_defaults() {
        let s = Settings {
            lang: Lang::En,
            counter_mode: true,
        };
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(serde_json::from_str::<Settings>(&json).unwrap(), s);
        assert_eq!(
            serde_json::from_str::<Settings>("{}").unwrap(),
            Settings::default()
        );
        assert_eq!(Settings::default().lang, Lang::Ja);
    }
}
