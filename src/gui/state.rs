//! The window's runtime state ([`App`]): the readers, the card shown, the signing flow as one
//! state machine ([`SignFlow`]), and the requests the window sends the card monitor. Never
//! stored; the remembered settings are [`super::Settings`].

use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::NaiveDate;
use eframe::egui;
use zeroize::Zeroizing;

use super::files::{FileJob, FileNote, OpenFn};
use super::{AppConfig, Demo, Settings, install_fonts, parse_typed_date, view};
use crate::card::{PinId, PinState};
use crate::monitor::{Monitor, MonitorEvent, MonitorHandle, MonitorOptions};
use crate::reading::{ReadError, Refusal, SignError, is_locked, needs_last_try_confirmation};
use crate::report::{CardReport, CertSlot, PersonalReport, PinReport};
use crate::secret::{NoCoreDump, SigningPassword};
use crate::transport::ReaderInfo;

/// What the window shows about the card (runtime state, never stored).
#[derive(Debug, Clone, PartialEq)]
pub enum CardView {
    /// A card is being read.
    Reading {
        /// The reader.
        reader: String,
        /// The certificate's expiry from its first chunk, shown as being checked until the
        /// report comes.
        early: Option<chrono::NaiveDate>,
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
            CardView::Reading { reader, .. }
            | CardView::Report { reader, .. }
            | CardView::Failed { reader, .. } => reader,
        }
    }
}

/// The signing-password dialog while it is open. The typed text is wiped when the dialog
/// closes (sent, cancelled, or its card left); Debug never shows it.
pub struct SignDialog {
    reader: String,
    pub(super) password: Zeroizing<String>,
    /// The person ticked 「最後の1回であることを理解しました」 (asked when one try is left, or
    /// when the card did not tell).
    pub confirm_last_try: bool,
    pub(super) focus_requested: bool,
    /// The process is not dumpable while the dialog is open (Linux), from the first character
    /// typed.
    _no_dump: NoCoreDump,
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
pub(crate) const PASSWORD_FIELD_LIMIT: usize = SigningPassword::MAX + 8;

impl SignDialog {
    fn new(reader: String) -> Self {
        SignDialog {
            reader,
            // Four bytes a character at most: the buffer is never reallocated while typing.
            password: Zeroizing::new(String::with_capacity(PASSWORD_FIELD_LIMIT * 4)),
            confirm_last_try: false,
            focus_requested: false,
            _no_dump: NoCoreDump::hold(),
        }
    }

    /// The reader whose card the dialog is for.
    pub fn reader(&self) -> &str {
        &self.reader
    }
}

/// Where the signing certificate's reading of the card shown stands: one state at a time.
#[derive(Debug, Default)]
pub enum SignFlow {
    /// Nothing asked.
    #[default]
    Idle,
    /// The password dialog is open (with the last failure, when it is opened again after one).
    Dialog {
        /// The dialog.
        dialog: SignDialog,
        /// Why the previous attempt gave no certificate.
        last_error: Option<SignError>,
    },
    /// The password went to the worker; its answer has not come yet.
    Reading {
        /// The reader whose card is being read.
        reader: String,
    },
    /// The last signing reading of the card shown gave no certificate.
    Failed(SignError),
    /// The signing certificate was read. The holder's details are kept only while its card is
    /// on the reader, and only outside counter mode (wiped on drop; Debug redacted).
    Read {
        /// The holder's details, when asked for.
        personal: Option<PersonalReport>,
        /// They are on screen (the reveal was pressed).
        shown: bool,
    },
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
    /// No reader is listed, but one that cannot work here (an RC-S380 on Linux) is plugged in.
    pub unsupported_reader: bool,
    /// The window fills the screen (F11).
    pub fullscreen: bool,
    /// A new answer arrived: the keyboard focus goes to it on the next frame, so a screen
    /// reader speaks it and Tab goes on to its actions.
    pub(super) focus_answer: bool,
    probe_unsupported: fn() -> bool,
    /// The reader picked in the picker (`None`: any reader).
    pub picked_reader: Option<String>,
    /// The card-expiry field as typed.
    pub card_expiry_input: String,
    /// The typed card expiry in force.
    pub card_expiry_typed: Option<NaiveDate>,
    /// The typed text was not a date.
    pub card_expiry_invalid: bool,
    /// Where the signing certificate's reading of the card shown stands.
    sign: SignFlow,
    /// The password field's egui id, so its widget state is removed when the dialog closes.
    pub(super) sign_field_id: Option<egui::Id>,
    demo: Option<Demo>,
    /// Where saved files go, and how the slip is opened.
    files_dir: std::path::PathBuf,
    open_file: OpenFn,
    /// How the last file the person asked for came out (written by the file thread).
    file_note: Arc<Mutex<Option<FileNote>>>,
    /// The phone reminder's QR code of the card shown, drawn once: (its text, the texture).
    pub(super) qr: Option<(String, egui::TextureHandle)>,
    /// The window's context, for the file thread's repaint.
    ctx: Option<egui::Context>,
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
        let files_dir = config.files_dir.clone();
        let open_file = Arc::clone(&config.open_file);
        let mut app = App {
            settings,
            readers: Vec::new(),
            service_down: false,
            starting: true,
            card: None,
            cards_read: 0,
            unsupported_reader: false,
            fullscreen: false,
            focus_answer: false,
            probe_unsupported: config.unsupported_reader,
            picked_reader: None,
            card_expiry_input: String::new(),
            card_expiry_typed: None,
            card_expiry_invalid: false,
            sign: SignFlow::Idle,
            sign_field_id: None,
            timing: config.timing,
            demo: None,
            pending: None,
            monitor: None,
            events: None,
            first_frame_done: false,
            last_notify: Arc::new(Mutex::new(None)),
            files_dir,
            open_file,
            file_note: Arc::new(Mutex::new(None)),
            qr: None,
            ctx: None,
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
        self.ctx = Some(ctx.clone());
        // The zoom keys are handled by the app, which remembers the zoom (`keys.rs`).
        ctx.options_mut(|o| o.zoom_with_keyboard = false);
        ctx.set_zoom_factor(super::keys::zoom_factor(self.settings.zoom_percent));
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
                self.unsupported_reader = list.is_empty() && (self.probe_unsupported)();
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
                if let Ok(mut n) = self.file_note.lock() {
                    *n = None;
                }
                self.card = Some(CardView::Reading {
                    reader,
                    early: None,
                });
            }
            MonitorEvent::Date { reader, date } => {
                if let Some(CardView::Reading { reader: r, early }) = &mut self.card
                    && *r == reader
                {
                    *early = Some(date.expiry);
                }
            }
            MonitorEvent::Report { reader, report } => {
                self.forget_signing();
                self.cards_read = self.cards_read.saturating_add(1);
                self.focus_answer = true;
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
        if matches!(&self.sign, SignFlow::Reading { reader: r } if *r == reader) {
            self.sign = SignFlow::Idle;
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
                let personal = match &mut new.sign {
                    // Counter mode keeps nothing personal (and did not ask for it).
                    CertSlot::Read(c) if !self.settings.counter_mode => c.personal.take(),
                    CertSlot::Read(c) => {
                        c.personal = None;
                        None
                    }
                    CertSlot::NotRead(_) => None,
                };
                self.sign = SignFlow::Read {
                    personal,
                    shown: false,
                };
                *report = new;
            }
            Err(e) => {
                // What the card said about the counter is shown at once (the dialog's next
                // opening starts from it).
                if let Some(p) = report.pins.get_mut(&PinId::Sign) {
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
                self.sign = SignFlow::Failed(e);
            }
        }
    }

    /// Closes the dialog (wiping the typed text) and forgets the holder's details and the last
    /// signing failure: the card they belong to is gone or being read again. A signing reading
    /// on its way stays announced until its answer arrives.
    fn forget_signing(&mut self) {
        if !matches!(self.sign, SignFlow::Reading { .. }) {
            self.sign = SignFlow::Idle;
        }
    }

    /// Where the signing certificate's reading stands.
    pub fn sign_flow(&self) -> &SignFlow {
        &self.sign
    }

    /// The signing-password dialog, while open.
    pub fn sign_dialog(&self) -> Option<&SignDialog> {
        match &self.sign {
            SignFlow::Dialog { dialog, .. } => Some(dialog),
            _ => None,
        }
    }

    /// The dialog, for the view to edit.
    pub(super) fn sign_dialog_mut(&mut self) -> Option<&mut SignDialog> {
        match &mut self.sign {
            SignFlow::Dialog { dialog, .. } => Some(dialog),
            _ => None,
        }
    }

    /// Why the last signing reading of the card shown gave no certificate (also while the
    /// dialog is open again).
    pub fn sign_error(&self) -> Option<&SignError> {
        match &self.sign {
            SignFlow::Failed(e)
            | SignFlow::Dialog {
                last_error: Some(e),
                ..
            } => Some(e),
            _ => None,
        }
    }

    /// Whether a signing reading is on its way to the card.
    pub fn signing_in_progress(&self) -> bool {
        matches!(self.sign, SignFlow::Reading { .. })
    }

    /// Whether the holder's details are on screen (the reveal was pressed).
    pub fn personal_shown(&self) -> bool {
        matches!(self.sign, SignFlow::Read { shown: true, .. })
    }

    /// Writes the calendar file or the counter slip of the card shown (and opens the slip to
    /// print), off the UI thread; [`App::file_note`] says how it went.
    pub fn save_file(&mut self, job: FileJob) {
        let Some(CardView::Report { report, .. }) = &self.card else {
            return;
        };
        if let Ok(mut n) = self.file_note.lock() {
            *n = None;
        }
        let ctx = self.ctx.clone();
        super::files::start(
            job,
            (**report).clone(),
            self.settings.lang,
            self.demo.is_some(),
            self.files_dir.clone(),
            Arc::clone(&self.open_file),
            Arc::clone(&self.file_note),
            move || {
                if let Some(c) = &ctx {
                    c.request_repaint();
                }
            },
        );
    }

    /// How the last file asked for came out, once it has.
    pub fn file_note(&self) -> Option<FileNote> {
        self.file_note.lock().ok().and_then(|n| n.clone())
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
        unread_maybe_present && matches!(self.sign, SignFlow::Idle | SignFlow::Failed(_))
    }

    /// Opens the signing-password dialog (when [`App::can_read_signing`]).
    pub fn open_sign_dialog(&mut self) {
        if !self.can_read_signing() {
            return;
        }
        if let Some((reader, _)) = self.current_report() {
            let dialog = SignDialog::new(reader.to_owned());
            let last_error = match std::mem::replace(&mut self.sign, SignFlow::Idle) {
                SignFlow::Failed(e) => Some(e),
                _ => None,
            };
            self.sign = SignFlow::Dialog { dialog, last_error };
        }
    }

    /// Closes the dialog without sending anything; the typed text is wiped.
    pub fn cancel_sign_dialog(&mut self) {
        if let SignFlow::Dialog { last_error, .. } =
            std::mem::replace(&mut self.sign, SignFlow::Idle)
            && let Some(e) = last_error
        {
            self.sign = SignFlow::Failed(e);
        }
    }

    /// The signing PIN's counter of the card shown.
    pub fn sign_pin(&self) -> Option<PinReport> {
        self.current_report()
            .and_then(|(_, r)| r.pins.get(&PinId::Sign).copied())
    }

    /// Whether the dialog's OK is enabled: a well-formed password, not locked, and the last-try
    /// confirmation ticked when it is asked for.
    pub fn sign_dialog_ready(&self) -> bool {
        let Some(d) = self.sign_dialog() else {
            return false;
        };
        let pin = self.sign_pin();
        !is_locked(pin.as_ref())
            && SigningPassword::parse(&d.password).is_ok()
            && (!needs_last_try_confirmation(pin.as_ref()) || d.confirm_last_try)
    }

    /// Sends the dialog's password to the worker (when [`App::sign_dialog_ready`]) and closes
    /// the dialog. Returns whether it was sent.
    pub fn submit_sign_dialog(&mut self) -> bool {
        if !self.sign_dialog_ready() {
            return false;
        }
        let SignFlow::Dialog { dialog, .. } = std::mem::replace(&mut self.sign, SignFlow::Idle)
        else {
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
        self.sign = SignFlow::Reading {
            reader: reader.clone(),
        };
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
        match &self.sign {
            SignFlow::Read { personal, .. } => personal.as_ref(),
            _ => None,
        }
    }

    /// Shows or hides the holder's details (never in counter mode).
    pub fn toggle_personal(&mut self) {
        let counter = self.settings.counter_mode;
        if let SignFlow::Read { personal, shown } = &mut self.sign {
            *shown = !*shown && personal.is_some() && !counter;
        }
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
            if let SignFlow::Read { personal, shown } = &mut self.sign {
                *personal = None;
                *shown = false;
            }
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
        self.keys(ui.ctx());
        view::show(self, ui);
        if self.sign_dialog().is_none()
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
