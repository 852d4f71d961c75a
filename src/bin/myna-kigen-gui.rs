//! `myna-kigen-gui`: builds the window options and opens the window (everything else is in
//! `myna_kigen::gui`).

use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use eframe::egui;

fn main() -> ExitCode {
    let started = Instant::now();
    env_logger::init();
    let args = myna_kigen::gui::GuiArgs::parse();
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title(myna_kigen::messages::WINDOW_TITLE)
            .with_app_id("myna-kigen")
            .with_inner_size([960.0, 820.0])
            .with_min_inner_size([520.0, 420.0]),
        ..Default::default()
    };
    match myna_kigen::gui::run(args, options, started) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("myna-kigen-gui: {e}");
            ExitCode::from(1)
        }
    }
}
