//! `myna-kigen-gui`: builds the window options and opens the window (everything else is in
//! `myna_kigen::gui`).

use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use eframe::egui;
use myna_kigen::gui::startup::{self, Failure};

fn main() -> ExitCode {
    let started = Instant::now();
    // eframe logs the start-up error it returns; it is said below as a sentence instead.
    env_logger::Builder::from_env(
        env_logger::Env::default().default_filter_or("error,eframe::native::run=off"),
    )
    .init();
    let args = myna_kigen::gui::GuiArgs::parse();
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title(myna_kigen::messages::WINDOW_TITLE)
            .with_app_id("myna-kigen")
            .with_inner_size(myna_kigen::gui::DEFAULT_SIZE)
            .with_min_inner_size([520.0, 420.0]),
        ..Default::default()
    };
    // No display, a missing library or no OpenGL driver: a sentence saying what to install.
    let opened = startup::open(
        |k| std::env::var_os(k),
        || myna_kigen::gui::run(args, options, started),
    );
    match opened {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Known(problem)) => {
            eprintln!("{}", Failure::Known(problem));
            ExitCode::from(1)
        }
        Err(Failure::Other(e)) => {
            eprintln!("myna-kigen-gui: {e}");
            ExitCode::from(1)
        }
    }
}
