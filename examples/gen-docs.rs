//! Writes the man pages and shell completions of `myna-kigen` and `myna-kigen-gui`, generated
//! from their real argument definitions, under the folder given (default `target/gen-docs`):
//!
//! - `man/myna-kigen.1`, `man/myna-kigen-<command>.1` for each command, `man/myna-kigen-gui.1`
//! - `completions/myna-kigen.bash`, `completions/_myna-kigen` (zsh), `completions/myna-kigen.fish`,
//!   and the same for `myna-kigen-gui`
//!
//! `scripts/build-deb.sh` runs it before packaging: `cargo run --example gen-docs -- DIR`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::CommandFactory;
use clap_complete::Shell;

fn main() -> ExitCode {
    let out = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target/gen-docs"));
    match generate(&out) {
        Ok(written) => {
            println!("{written} files written under {}", out.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gen-docs: {e}");
            ExitCode::FAILURE
        }
    }
}

fn generate(out: &Path) -> std::io::Result<usize> {
    let man = out.join("man");
    let completions = out.join("completions");
    std::fs::create_dir_all(&man)?;
    std::fs::create_dir_all(&completions)?;
    let mut written = 0;

    let cli = myna_kigen::cli::Cli::command().name("myna-kigen");
    let gui = myna_kigen::gui::GuiArgs::command().name("myna-kigen-gui");

    for cmd in [&cli, &gui] {
        written += man_page(cmd, &man, cmd.get_name())?;
    }
    // One page per command, named as git names its own (`myna-kigen-read.1`).
    for sub in cli.get_subcommands() {
        let name = format!("myna-kigen-{}", sub.get_name());
        let page = sub
            .clone()
            .display_name(name.clone())
            .bin_name(format!("myna-kigen {}", sub.get_name()));
        written += man_page(&page, &man, &name)?;
    }

    for (mut cmd, bin) in [(cli, "myna-kigen"), (gui, "myna-kigen-gui")] {
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
            clap_complete::generate_to(shell, &mut cmd, bin, &completions)?;
            written += 1;
        }
    }
    Ok(written)
}

fn man_page(cmd: &clap::Command, dir: &Path, name: &str) -> std::io::Result<usize> {
    let mut page = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut page)?;
    std::fs::write(dir.join(format!("{name}.1")), page)?;
    Ok(1)
}
