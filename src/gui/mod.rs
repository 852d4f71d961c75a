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

pub mod files;
mod keys;
pub mod startup;
mod state;
pub mod usb;
mod view;

pub use state::{App, CardView, SignDialog, SignFlow};

use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::NaiveDate;
use clap::Parser;
use eframe::egui;
use serde::{Deserialize, Serialize};

use crate::messages::Lang;
use crate::monitor::{ReadFn, SignFn};
use crate::reading::Reader;
use crate::sim::transport::READER_NAME as SIM_READER;
use crate::sim::{Scenario, SimCard, SimReaders, SimReadersHandle};
use crate::transport::Readers;

/// The bundled Japanese font, the proportional member of the BIZ UD Gothic family (BIZ
/// UDPGothic, SIL Open Font License 1.1: `assets/fonts/OFL.txt`), for Japanese and Latin text
/// alike. It covers all of JIS X 0208, so names from signing certificates show too.
pub static JAPANESE_FONT: &[u8] = include_bytes!("../../assets/fonts/BIZUDPGothic-Regular.ttf");

/// Its bold weight, for the answer and headings ([`BOLD`]) and the printed slip.
pub static JAPANESE_FONT_BOLD: &[u8] = include_bytes!("../../assets/fonts/BIZUDPGothic-Bold.ttf");

/// The font family of bold text in the window.
pub const BOLD: &str = "BIZUDPGothic-Bold";

/// The window icon: 64×64 RGBA, made by `scripts/make-icon.sh`.
pub static ICON_RGBA: &[u8] = include_bytes!("../../assets/icon.rgba");

/// The window's size when it opens (points). The answer and the card's own expiry fit in it
/// without scrolling, in both languages and both modes (`tests/gui_layout.rs`).
pub const DEFAULT_SIZE: [f32; 2] = [960.0, 820.0];

/// The key the settings are stored under in eframe's storage.
pub const SETTINGS_KEY: &str = "myna-kigen-settings";

/// `myna-kigen-gui`: the window.
#[derive(Debug, Clone, Default, Parser)]
#[command(name = "myna-kigen-gui", version = crate::VERSION, about = crate::messages::GUI_ABOUT)]
pub struct GuiArgs {
    /// Show the built-in simulated card instead of a reader (scenarios: valid renewable expired
    /// no-sign locked juki not-mnc smartphone).
    #[arg(long, value_name = "SCENARIO", num_args = 0..=1, default_missing_value = "valid")]
    pub demo: Option<String>,
    /// Language of the window (default: the last one used, else Japanese).
    #[arg(long, value_name = "ja|en", value_parser = parse_lang)]
    pub lang: Option<Lang>,
    /// Start in counter mode (large text, cleared when the card leaves, nothing personal).
    #[arg(long)]
    pub counter: bool,
    /// Judge days left and status on this JST date instead of today (YYYY-MM-DD).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub today: Option<NaiveDate>,
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    Lang::parse(s).ok_or_else(|| format!("not ja or en: {s}"))
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The window's language.
    pub lang: Lang,
    /// Counter mode on.
    pub counter_mode: bool,
    /// The zoom (Ctrl + / Ctrl − / Ctrl 0), in percent.
    pub zoom_percent: u16,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            lang: Lang::default(),
            counter_mode: false,
            zoom_percent: 100,
        }
    }
}

/// Where the app's cards come from, and how they are read.
pub struct AppConfig {
    /// The readers (system PC/SC, or the simulated ones).
    pub readers: Box<dyn Readers>,
    /// Reads one card (in the product: [`Reader::read`]).
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
    /// Where the saved calendar file and the counter slip go.
    pub files_dir: std::path::PathBuf,
    /// How the slip is opened to print (in the product: the system's viewer).
    pub open_file: files::OpenFn,
    /// Whether a reader that cannot work here is plugged in (in the product:
    /// [`usb::unsupported_reader_plugged`]), asked when no reader is found.
    pub unsupported_reader: fn() -> bool,
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

impl eframe::App for App {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, SETTINGS_KEY, &self.settings);
    }
}

/// Puts the bundled proportional Japanese font first in both font families (egui's own fonts
/// stay as fallbacks for symbols; no text in the window needs aligned columns), and its bold
/// weight as the family [`BOLD`].
pub fn install_fonts(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    fonts.font_data.insert(
        "BIZUDPGothic".to_owned(),
        Arc::new(egui::FontData::from_static(JAPANESE_FONT)),
    );
    fonts.font_data.insert(
        BOLD.to_owned(),
        Arc::new(egui::FontData::from_static(JAPANESE_FONT_BOLD)),
    );
    for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
        fonts
            .families
            .entry(family)
            .or_default()
            .insert(0, "BIZUDPGothic".to_owned());
    }
    let fallbacks = fonts
        .families
        .get(&egui::FontFamily::Proportional)
        .cloned()
        .unwrap_or_default();
    let mut bold = vec![BOLD.to_owned()];
    bold.extend(fallbacks);
    fonts
        .families
        .insert(egui::FontFamily::Name(BOLD.into()), bold);
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
            let today = args.today.unwrap_or_else(crate::clock::today_jst);
            let (readers, demo) = demo_readers(scenario, today)?;
            (readers, Some(demo))
        }
        None => (system_readers(), None),
    };
    let config = AppConfig {
        readers,
        read: crate::monitor::read_fn(Reader::jlis()),
        sign: crate::monitor::default_sign_fn(),
        today: args.today,
        demo,
        timing: std::env::var_os("MYNA_KIGEN_TIMING").map(|_| started),
        files_dir: files::default_dir(),
        open_file: files::system_open(),
        unsupported_reader: usb::unsupported_reader_plugged,
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
                settings.lang = l;
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
mod tests;
