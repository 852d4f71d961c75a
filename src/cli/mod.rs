//! The command-line front end: argument parsing (clap) and output. The contract (commands,
//! JSON, exit codes) is in the README and product.md; everything it calls lives below.

use std::ffi::OsString;
use std::io::{BufRead, Write};

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::messages::Lang;

/// `myna-kigen`: when do the certificates on this My Number Card expire?
#[derive(Debug, Parser)]
#[command(name = "myna-kigen", version = crate::VERSION, about = crate::messages::CLI_ABOUT)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the readers, and whether each holds a card.
    Readers(ReadersArgs),
    /// Tries left for every PIN the card exposes, spending none.
    Pins(PinsArgs),
    /// Read the card once and explain its dates.
    Read(ReadArgs),
    /// Wait for cards and report each one as it is placed; runs until interrupted.
    Watch(WatchArgs),
    /// Present the simulated card on a vsmartcard virtual reader (vpcd).
    Simulate(SimulateArgs),
}

/// Options every reading command shares.
#[derive(Debug, Args)]
pub struct Common {
    /// Use the reader whose name contains this text (case-insensitive).
    #[arg(long, value_name = "NAME")]
    pub reader: Option<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Language of the text (default: from the locale).
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
}

/// `readers`.
#[derive(Debug, Args)]
pub struct ReadersArgs {
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Language of the text (default: from the locale).
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
}

/// `pins`.
#[derive(Debug, Args)]
pub struct PinsArgs {
    /// Shared options.
    #[command(flatten)]
    pub common: Common,
    /// Read the built-in simulated card instead of a reader (scenario: see `--demo list`).
    #[arg(long, value_name = "SCENARIO", num_args = 0..=1, default_missing_value = "valid")]
    pub demo: Option<String>,
}

/// `read`.
#[derive(Debug, Args)]
pub struct ReadArgs {
    /// Shared options.
    #[command(flatten)]
    pub common: Common,
    /// Judge days left and status on this JST date instead of today (YYYY-MM-DD).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub today: Option<NaiveDate>,
    /// Read the built-in simulated card instead of a reader (scenario: see `--demo list`).
    #[arg(long, value_name = "SCENARIO", num_args = 0..=1, default_missing_value = "valid")]
    pub demo: Option<String>,
    /// The card's own expiry as printed on its face, for when the card does not tell it.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub card_expiry: Option<NaiveDate>,
    /// Also write an iCalendar file with the renewal, expiry and grace days.
    #[arg(long, value_name = "FILE")]
    pub ics: Option<std::path::PathBuf>,
    /// Wait for a card to be placed, up to SECONDS (30 when no number is given), instead of
    /// failing at once when there is none.
    #[arg(long, value_name = "SECONDS", num_args = 0..=1, default_missing_value = "30", conflicts_with = "demo")]
    pub wait: Option<u64>,
    /// Also write the phone reminder as a QR code image (PNG): an iCalendar event on the first
    /// renewal day that a phone's camera adds to its calendar.
    #[arg(long, value_name = "FILE.png")]
    pub qr: Option<std::path::PathBuf>,
    /// Also write the one-page counter slip (PDF) to hand over: the dates, what to bring, the
    /// phone reminder. No name, address or serial.
    #[arg(long, value_name = "FILE.pdf")]
    pub slip: Option<std::path::PathBuf>,
    /// Also read the signing certificate (署名用電子証明書): asks for the signing password
    /// without echo, after showing the tries left.
    #[arg(long)]
    pub sign: bool,
    /// Read the signing password from standard input (one line) instead of asking.
    #[arg(long, requires = "sign")]
    pub password_stdin: bool,
    /// Send the password even when only one try is left (a wrong one locks it).
    #[arg(long, requires = "sign")]
    pub last_try: bool,
    /// Show the holder's name, date of birth, sex and address from the signing certificate.
    #[arg(long, requires = "sign")]
    pub show_personal: bool,
}

/// `watch`.
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Use the reader whose name contains this text (case-insensitive).
    #[arg(long, value_name = "NAME")]
    pub reader: Option<String>,
    /// One JSON object per line instead of text.
    #[arg(long)]
    pub json: bool,
    /// Language of the text (default: from the locale).
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
    /// Judge days left and status on this JST date instead of today (YYYY-MM-DD).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub today: Option<NaiveDate>,
}

/// `simulate`.
#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Connect to vpcd (default 127.0.0.1:35963; the second reader is on 35964).
    #[arg(long, value_name = "HOST:PORT", num_args = 0..=1, default_missing_value = "127.0.0.1:35963", required = true)]
    pub vpcd: Option<String>,
    /// Which simulated card.
    #[arg(long, value_name = "NAME", default_value = "valid")]
    pub scenario: String,
    /// Remove the card after this many APDUs (once), then put it back.
    #[arg(long, value_name = "N")]
    pub remove_after: Option<u32>,
    /// Stop answering at the Nth APDU (1 is the first), staying in the reader: no answer, not
    /// even to pcscd's presence polls, until `simulate` is stopped (which takes the card out).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub mute_at: Option<u32>,
    /// Answer the Nth APDU (1 is the first) with an empty response (no status word), once.
    /// Debian's vpcd does not pass an empty answer on: its reader then waits, as for a mute card.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub empty_at: Option<u32>,
    /// Delay every answer by this many milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub latency_ms: u64,
    /// Anchor the scenario's dates on this JST date instead of today (YYYY-MM-DD).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub today: Option<NaiveDate>,
    /// The answer to reset: contact (card capabilities C6 01 C0, the default), contact-short
    /// (C6 01 00, no extended length), contact-bare, contactless (made from the ATQB),
    /// simulated.
    #[arg(long, value_name = "PROFILE", default_value = "contact", value_parser = parse_atr)]
    pub atr: crate::sim::AtrProfile,
    /// The card as another program left it: the JPKI application selected.
    #[arg(long)]
    pub jpki_selected: bool,
    /// Turn these reported card manners off (comma-separated names, or `all`): first-command-6f00,
    /// empty-verify-hides-verified, blocked-6984, token-info-160, short-read-ok, partial-aid.
    #[arg(long, value_name = "NAMES", value_delimiter = ',')]
    pub manners_off: Vec<String>,
}

fn parse_atr(text: &str) -> Result<crate::sim::AtrProfile, String> {
    text.parse()
}

/// `--lang`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    /// 日本語.
    Ja,
    /// English.
    En,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Self {
        match l {
            LangArg::Ja => Lang::Ja,
            LangArg::En => Lang::En,
        }
    }
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("not a date in the form YYYY-MM-DD: {s:?}"))
}

/// The language: `--lang`, else the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`; `ja*` → Japanese),
/// else English.
pub fn choose_lang(arg: Option<LangArg>) -> Lang {
    match arg {
        Some(l) => l.into(),
        None => lang_from_locale(
            ["LC_ALL", "LC_MESSAGES", "LANG"]
                .iter()
                .filter_map(|k| std::env::var(k).ok())
                .find(|v| !v.is_empty())
                .as_deref(),
        ),
    }
}

fn lang_from_locale(locale: Option<&str>) -> Lang {
    match locale {
        Some(l) if l.to_ascii_lowercase().starts_with("ja") => Lang::Ja,
        _ => Lang::En,
    }
}

/// What the CLI reads from the person besides its arguments, and the card it may be handed.
/// [`run`] fills it from the process (standard input, a no-echo terminal prompt, the readers);
/// tests give their own.
pub struct Io<'a> {
    /// Standard input (`read --sign --password-stdin` reads one line of it).
    pub stdin: &'a mut dyn BufRead,
    /// Asks for a secret without echo, showing the prompt (rpassword on the terminal).
    pub ask_hidden: &'a mut dyn FnMut(&str) -> std::io::Result<String>,
    /// A card to read instead of a reader or `--demo` (e.g. a shared simulated card whose
    /// command log a test inspects afterwards).
    pub transport: Option<&'a mut dyn crate::transport::Transport>,
}

/// Runs the CLI with these arguments (the first is the program name) and returns the exit code.
pub fn run<I, T>(args: I, out: &mut dyn Write, err: &mut dyn Write) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let stdin = std::io::stdin();
    let mut stdin = stdin.lock();
    let mut ask = |prompt: &str| rpassword::prompt_password(prompt);
    let mut io = Io {
        stdin: &mut stdin,
        ask_hidden: &mut ask,
        transport: None,
    };
    run_with(args, out, err, &mut io)
}

/// [`run`] with the person's input (and optionally the card) given by the caller.
pub fn run_with<I, T>(args: I, out: &mut dyn Write, err: &mut dyn Write, io: &mut Io<'_>) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            };
            let text = e.render().to_string();
            let _ = if e.use_stderr() {
                err.write_all(text.as_bytes())
            } else {
                out.write_all(text.as_bytes())
            };
            return code;
        }
    };
    commands::dispatch(cli, out, err, io)
}

mod commands;
pub mod exit;
pub mod text;
mod watch;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_picks_japanese_only_for_ja() {
        assert_eq!(lang_from_locale(Some("ja_JP.UTF-8")), Lang::Ja);
        assert_eq!(lang_from_locale(Some("JA_jp")), Lang::Ja);
        assert_eq!(lang_from_locale(Some("en_US.UTF-8")), Lang::En);
        assert_eq!(lang_from_locale(Some("C")), Lang::En);
        assert_eq!(lang_from_locale(None), Lang::En);
    }

    #[test]
    fn dates_must_be_iso() {
        assert!(parse_date("2026-11-22").is_ok());
        assert!(parse_date("2026-02-30").is_err());
        assert!(parse_date("22/11/2026").is_err());
    }

    #[test]
    fn signing_flags_need_sign() {
        for flag in ["--password-stdin", "--last-try", "--show-personal"] {
            let (mut out, mut err) = (Vec::new(), Vec::new());
            assert_eq!(
                run(["myna-kigen", "read", "--demo", flag], &mut out, &mut err),
                exit::USAGE,
                "{flag}"
            );
        }
        let cli = Cli::try_parse_from([
            "myna-kigen",
            "read",
            "--sign",
            "--password-stdin",
            "--last-try",
            "--show-personal",
        ])
        .unwrap();
        let Command::Read(args) = cli.command else {
            panic!("not read")
        };
        assert!(args.sign && args.password_stdin && args.last_try && args.show_personal);
    }

    #[test]
    fn usage_errors_exit_2_and_help_exits_0() {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        assert_eq!(
            run(["myna-kigen", "read", "--today", "x"], &mut out, &mut err),
            exit::USAGE
        );
        assert!(!err.is_empty());
        let (mut out, mut err) = (Vec::new(), Vec::new());
        assert_eq!(run(["myna-kigen", "--help"], &mut out, &mut err), exit::OK);
        assert!(String::from_utf8_lossy(&out).contains("read"));
    }

    #[test]
    fn simulate_faults_are_wired_to_the_first_card_only() {
        let cli = Cli::try_parse_from([
            "myna-kigen",
            "simulate",
            "--vpcd",
            "--empty-at",
            "2",
            "--mute-at",
            "4",
        ])
        .unwrap();
        let Command::Simulate(args) = cli.command else {
            panic!("not simulate")
        };
        assert_eq!((args.empty_at, args.mute_at), (Some(2), Some(4)));
        let today = crate::sim::test_day();
        // Without the reported manners (no 6F 00 to the first command): only the faults count.
        let plain = crate::sim::Manners::PLAIN;
        let select_jpki = [
            0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00,
            0x01,
        ];
        let mut card =
            commands::simulated_card(&args, crate::sim::Scenario::Valid, today, true, plain)
                .unwrap();
        assert_eq!(card.process(&select_jpki), [0x90, 0x00]);
        assert_eq!(card.process(&select_jpki), [0u8; 0], "empty at the 2nd");
        assert_eq!(
            card.process(&select_jpki),
            [0x90, 0x00],
            "the 3rd answers again"
        );
        assert!(!card.is_mute());
        assert_eq!(card.process(&select_jpki), [0u8; 0]);
        assert!(card.is_mute(), "mute from the 4th");
        assert_eq!(card.process(&select_jpki), [0u8; 0]);
        // Placed again after a removal: no fault.
        let mut again =
            commands::simulated_card(&args, crate::sim::Scenario::Valid, today, false, plain)
                .unwrap();
        for _ in 0..6 {
            assert_eq!(again.process(&select_jpki), [0x90, 0x00]);
        }
        assert!(!again.is_mute());
        // The Nth command counts from 1.
        for bad in ["--mute-at", "--empty-at"] {
            let (mut out, mut err) = (Vec::new(), Vec::new());
            let args = ["myna-kigen", "simulate", "--vpcd", bad, "0"];
            assert_eq!(run(args, &mut out, &mut err), exit::USAGE, "{bad} 0");
        }
    }
}
