//! Runs the parsed subcommands: opens the reader (or the simulated card for `--demo`), calls the
//! library, and writes text or JSON with the exit codes of the README.

use std::io::{BufRead, Write};
use std::time::Duration;

use chrono::NaiveDate;
use serde::Serialize;

use zeroize::Zeroizing;

use super::{
    Cli, Command, Io, PinsArgs, ReadArgs, ReadersArgs, SimulateArgs, choose_lang, exit, text,
};
use crate::clock::today_jst;
use crate::messages::{self, Lang, Surface, Text};
use crate::reading::{self, Decision, ReadError, ReadOptions, Reader, SignError, SignRequest};
use crate::report;
use crate::secret::{NoCoreDump, SigningPassword};
use crate::sim::{Scenario, SimTransport};
use crate::transport::pcsc::PcscReaders;
use crate::transport::{Readers, Transport};

pub(super) fn dispatch(cli: Cli, out: &mut dyn Write, err: &mut dyn Write, io: &mut Io<'_>) -> i32 {
    match cli.command {
        Command::Readers(args) => readers(&args, out, err),
        Command::Pins(args) => pins(&args, out, err),
        Command::Read(args) => read(&args, out, err, io),
        Command::Watch(args) => super::watch::watch(&args, out, err),
        Command::Simulate(args) => simulate(&args, out, err),
    }
}

/// A failure as the person sees it: the sentence on stderr, and with `--json` an error object
/// on stdout so scripts always get one JSON value.
fn fail(
    error: &ReadError,
    json: bool,
    lang: Lang,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let message = messages::read_error(error, lang, Surface::CommandLine);
    let detail = serde_json::json!({ "code": error.code(), "message": message });
    write_failure(&message, json.then_some(detail), out, err);
    exit::of_read_error(error)
}

/// Writes a failure: its sentence on stderr and, when `json` is given, `{"schema", "error"}` on
/// stdout.
fn write_failure(
    sentence: &str,
    json: Option<serde_json::Value>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) {
    let _ = writeln!(err, "{sentence}");
    if let Some(detail) = json {
        let value = serde_json::json!({ "schema": report::SCHEMA, "error": detail });
        let _ = writeln!(out, "{value}");
    }
}

fn usage(message: &str, err: &mut dyn Write) -> i32 {
    let _ = writeln!(err, "{message}");
    exit::USAGE
}

fn scenario(name: &str, err: &mut dyn Write) -> Result<Scenario, i32> {
    name.parse::<Scenario>().map_err(|_| {
        let names: Vec<String> = Scenario::ALL.iter().map(|s| s.to_string()).collect();
        usage(
            &format!(
                "unknown scenario {name:?}; one of: {} / {}",
                names.join(", "),
                Text::UnknownScenario.text(Lang::Ja)
            ),
            err,
        )
    })
}

/// `--demo list`: the scenarios, one a line with what each shows.
fn list_scenarios(out: &mut dyn Write) -> i32 {
    for s in Scenario::ALL {
        let _ = writeln!(out, "{s}\t{}", s.description());
    }
    exit::OK
}

/// The simulated card of `--demo`, on a transport named as a simulated reader.
fn demo_transport(name: &str, today: NaiveDate, err: &mut dyn Write) -> Result<SimTransport, i32> {
    let scenario = scenario(name, err)?;
    match scenario.card(today) {
        Ok(card) => Ok(SimTransport::new(card)),
        Err(e) => {
            let _ = writeln!(err, "simulated card: {e}");
            Err(exit::OTHER)
        }
    }
}

/// Opens the card: the reader whose name contains `wanted`, else the first holding a card;
/// with `wait`, waits that long for a card to be placed first.
fn open_reader(
    wanted: Option<&str>,
    wait: Option<Duration>,
) -> Result<Box<dyn Transport>, ReadError> {
    let mut readers = match wait {
        Some(_) => PcscReaders::lazy(),
        None => PcscReaders::new()?,
    };
    let chosen = crate::transport::wait_for_card(&mut readers, wanted, wait.unwrap_or_default())?;
    Ok(crate::transport::connect_settled(
        &mut readers,
        &chosen.name,
    )?)
}

#[derive(Serialize)]
struct ReaderLine<'a> {
    name: &'a str,
    card: bool,
}

fn readers(args: &ReadersArgs, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let lang = choose_lang(args.lang);
    let list = match PcscReaders::new().and_then(|mut r| r.list()) {
        Ok(list) => list,
        Err(e) => return fail(&e.into(), args.json, lang, out, err),
    };
    if args.json {
        let lines: Vec<ReaderLine<'_>> = list
            .iter()
            .map(|r| ReaderLine {
                name: &r.name,
                card: r.has_card,
            })
            .collect();
        let _ = writeln!(
            out,
            "{}",
            serde_json::json!({ "schema": report::SCHEMA, "readers": lines })
        );
    } else {
        for r in &list {
            let state = if r.has_card {
                Text::CardPresent
            } else {
                Text::NoCardPresent
            }
            .text(lang);
            let _ = writeln!(out, "{}\t{state}", r.name);
        }
    }
    if list.is_empty() {
        let _ = writeln!(
            err,
            "{}",
            messages::read_error(&ReadError::NoReader, lang, Surface::CommandLine)
        );
        return exit::NO_READER;
    }
    exit::OK
}

fn pins(args: &PinsArgs, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let lang = choose_lang(args.common.lang);
    let json = args.common.json;
    if args.demo.as_deref() == Some("list") {
        return list_scenarios(out);
    }
    let mut transport: Box<dyn Transport> = match &args.demo {
        Some(name) => match demo_transport(name, today_jst(), err) {
            Ok(t) => Box::new(t),
            Err(code) => return code,
        },
        None => match open_reader(args.common.reader.as_deref(), None) {
            Ok(t) => t,
            Err(e) => return fail(&e, json, lang, out, err),
        },
    };
    let reader = transport.reader_name().to_owned();
    let (pins, apdus) = match Reader::jlis().pins(transport.as_mut()) {
        Ok(v) => v,
        Err(e) => return fail(&e, json, lang, out, err),
    };
    if json {
        let _ = writeln!(
            out,
            "{}",
            serde_json::json!({
                "schema": report::SCHEMA,
                "reader": reader,
                "apdus": apdus,
                "pins": pins.iter().copied().collect::<report::Pins>(),
            })
        );
    } else {
        if args.demo.is_some() {
            let _ = writeln!(out, "{}", Text::DemoBanner.text(lang));
        }
        let _ = writeln!(out, "{}", Text::PinTriesHeading.text(lang));
        for (id, p) in &pins {
            let _ = writeln!(
                out,
                "    {}",
                messages::labelled(messages::pin_name(*id, lang), &messages::pin(p, lang), lang)
            );
        }
    }
    exit::OK
}

fn read(args: &ReadArgs, out: &mut dyn Write, err: &mut dyn Write, io: &mut Io<'_>) -> i32 {
    let lang = choose_lang(args.common.lang);
    let json = args.common.json;
    if args.demo.as_deref() == Some("list") {
        return list_scenarios(out);
    }
    let today = args.today.unwrap_or_else(today_jst);
    let options = ReadOptions {
        today,
        card_expiry_typed: args.card_expiry,
    };
    // `read --sign`: the process is not dumpable from before the password is typed or read
    // until the report with the signing certificate (and perhaps the holder's details) is
    // written and gone (Linux; see `secret::NoCoreDump`).
    let _no_dump = args.sign.then(NoCoreDump::hold);
    // A password from standard input is checked before the card is even touched.
    let mut password = None;
    if args.sign && args.password_stdin {
        match password_from(io.stdin) {
            Ok(p) => password = Some(p),
            Err(e) => return sign_fail(&e, json, lang, out, err),
        }
    }
    let mut owned: Box<dyn Transport>;
    let transport: &mut dyn Transport = match io.transport.as_deref_mut() {
        Some(t) => t,
        None => {
            owned = match &args.demo {
                Some(name) => match demo_transport(name, today, err) {
                    Ok(t) => Box::new(t),
                    Err(code) => return code,
                },
                None => match open_reader(
                    args.common.reader.as_deref(),
                    args.wait.map(Duration::from_secs),
                ) {
                    Ok(t) => t,
                    Err(e) => return fail(&e, json, lang, out, err),
                },
            };
            owned.as_mut()
        }
    };
    let report = if args.sign {
        match read_signing(
            args,
            transport,
            &options,
            password,
            io.ask_hidden,
            lang,
            err,
        ) {
            Ok(r) => r,
            Err(e) => return sign_fail(&e, json, lang, out, err),
        }
    } else {
        match Reader::jlis().read(transport, &options) {
            Ok(r) => r,
            Err(e) => return fail(&e, json, lang, out, err),
        }
    };
    if json {
        match serde_json::to_string_pretty(&report) {
            Ok(s) => {
                let _ = writeln!(out, "{s}");
            }
            Err(e) => {
                let _ = writeln!(err, "{e}");
                return exit::OTHER;
            }
        }
    } else {
        if args.demo.is_some() {
            let _ = writeln!(out, "{}\n", Text::DemoBanner.text(lang));
        }
        let _ = write!(out, "{}", text::render(&report, lang));
        if args.sign {
            let _ = writeln!(out, "{}", messages::state_cleared(lang));
        }
    }
    let files: [(&Option<std::path::PathBuf>, FileKind); 3] = [
        (&args.ics, FileKind::Calendar),
        (&args.qr, FileKind::Qr),
        (&args.slip, FileKind::Slip),
    ];
    for (path, kind) in files {
        let Some(path) = path else { continue };
        let bytes = match kind {
            FileKind::Calendar => Ok(crate::ics::calendar(&report, lang).into_bytes()),
            FileKind::Qr => crate::reminder::png(&report, lang, 8).map_err(|e| e.to_string()),
            FileKind::Slip => {
                crate::slip::pdf(&report, lang, args.demo.is_some()).map_err(|e| e.to_string())
            }
        };
        if let Err(e) = bytes.and_then(|b| std::fs::write(path, b).map_err(|e| e.to_string())) {
            let what = messages::words::file_not_written(kind.into(), path, lang);
            let _ = writeln!(err, "{}", messages::labelled(&what, &e, lang));
            return exit::OTHER;
        }
    }
    exit::OK
}

/// The files `read` can write besides its report.
#[derive(Clone, Copy)]
enum FileKind {
    Calendar,
    Qr,
    Slip,
}

impl From<FileKind> for messages::words::FileKind {
    fn from(k: FileKind) -> Self {
        match k {
            FileKind::Calendar => messages::words::FileKind::Calendar,
            FileKind::Qr => messages::words::FileKind::Qr,
            FileKind::Slip => messages::words::FileKind::Slip,
        }
    }
}

/// One line of standard input as the signing password, wiped whatever the outcome.
fn password_from(stdin: &mut dyn BufRead) -> Result<SigningPassword, SignError> {
    let mut line = Zeroizing::new(String::new());
    match stdin.read_line(&mut line) {
        Ok(0) | Err(_) => Err(SignError::NoPassword),
        Ok(_) if line.trim_end_matches(['\r', '\n']).is_empty() => Err(SignError::NoPassword),
        Ok(_) => Ok(SigningPassword::parse(&line)?),
    }
}

/// `read --sign`: the no-PIN reading (which gives the signing password's tries left, spending
/// none) and the decision, the password (given, or asked for without echo), then the signing
/// certificate in a transaction of its own that reads nothing of the first again.
fn read_signing(
    args: &ReadArgs,
    transport: &mut dyn Transport,
    options: &ReadOptions,
    password: Option<SigningPassword>,
    ask_hidden: &mut dyn FnMut(&str) -> std::io::Result<String>,
    lang: Lang,
    err: &mut dyn Write,
) -> Result<report::CardReport, SignError> {
    let reader = Reader::jlis();
    let first = reader.read(transport, options)?;
    let pin = reading::sign_pin(&first).copied();
    let _ = writeln!(err, "{}", messages::tries_before_asking(pin.as_ref(), lang));
    if let Decision::Refuse(r) = reading::decide(pin.as_ref(), first.sign.present(), args.last_try)
    {
        return Err(SignError::Refused(r));
    }
    // While a password is typed and held, the process is not dumpable.
    let _no_dump = crate::secret::NoCoreDump::hold();
    let password = match password {
        Some(p) => p,
        None => {
            let typed = Zeroizing::new(
                ask_hidden(messages::prompt(lang)).map_err(|_| SignError::NoPassword)?,
            );
            if typed.trim_end_matches(['\r', '\n']).is_empty() {
                return Err(SignError::NoPassword);
            }
            SigningPassword::parse(&typed)?
        }
    };
    let request = SignRequest {
        password: &password,
        confirm_last_try: args.last_try,
        show_personal: args.show_personal,
        same_card: None,
    };
    reader.read_signing_after(transport, first, options, &request)
}

/// A signing failure: the sentence on stderr, and with `--json` an error object on stdout.
fn sign_fail(
    error: &SignError,
    json: bool,
    lang: Lang,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let message = messages::sign_error(error, lang, Surface::CommandLine);
    let detail = serde_json::json!({
        "code": error.code(),
        "message": message,
        "tries_left": error.tries_left(),
    });
    write_failure(&message, json.then_some(detail), out, err);
    exit::of_sign_error(error)
}

fn simulate(args: &SimulateArgs, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let addr = args.vpcd.as_deref().unwrap_or(crate::vpcd::DEFAULT_ADDR);
    let today = args.today.unwrap_or_else(today_jst);
    let scenario = match scenario(&args.scenario, err) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let mut manners = crate::sim::Manners::REPORTED;
    for name in &args.manners_off {
        manners = match name.as_str() {
            "all" => crate::sim::Manners::PLAIN,
            name => match manners.with(name, false) {
                Some(m) => m,
                None => {
                    let names = crate::sim::Manners::NAMES.join(", ");
                    return usage(
                        &format!("unknown manner {name:?}; one of: {names}, all"),
                        err,
                    );
                }
            },
        };
    }
    let mut first = true;
    loop {
        let mut card = match simulated_card(args, scenario, today, first, manners) {
            Ok(card) => card,
            Err(e) => {
                let _ = writeln!(err, "simulated card: {e}");
                return exit::OTHER;
            }
        };
        let mut stream = match crate::vpcd::connect(addr, Duration::from_secs(10)) {
            Ok(s) => s,
            Err(e) => {
                let _ = writeln!(
                    err,
                    "{e}\n{} / {}",
                    Text::VpcdNeedsPcscd.text(Lang::Ja),
                    Text::VpcdNeedsPcscd.text(Lang::En)
                );
                return exit::SERVICE_UNAVAILABLE;
            }
        };
        let _ = writeln!(
            out,
            "simulated card {scenario} on vpcd {addr} (today {today})"
        );
        let _ = out.flush();
        match crate::vpcd::serve(&mut stream, &mut card) {
            Ok(crate::vpcd::ServeEnd::VpcdClosed) => {
                let _ = writeln!(out, "vpcd closed the connection; done");
                return exit::OK;
            }
            Ok(crate::vpcd::ServeEnd::CardRemoved) => {
                // The card leaves the reader once (the connection closes, so pcscd sees it
                // go), then a fresh card of the same scenario is placed again.
                drop(stream);
                first = false;
                let _ = writeln!(out, "card removed; placing it again");
                let _ = out.flush();
                // pcscd notices the card gone at its next presence poll (every 400 ms). A card
                // that connects before that poll is taken for the old one and never announced
                // (pcscd already called the reader empty when the reading program's reset
                // failed), so wait out more than two polls.
                std::thread::sleep(Duration::from_millis(1000));
            }
            Err(e) => {
                let _ = writeln!(err, "{e}");
                return exit::CARD_IO;
            }
        }
    }
}

/// The card `simulate` places: the scenario with `--latency-ms`, and on the `first` placement
/// only, the faults asked for (`--remove-after`, `--mute-at`, `--empty-at`); a card placed again
/// after its removal behaves.
pub(super) fn simulated_card(
    args: &SimulateArgs,
    scenario: Scenario,
    today: NaiveDate,
    first: bool,
    manners: crate::sim::Manners,
) -> Result<crate::sim::SimCard, crate::sim::SimError> {
    let mut b = scenario
        .builder(today)?
        .latency(Duration::from_millis(args.latency_ms))
        .manners(manners)
        .atr(args.atr);
    if args.jpki_selected {
        b = b.left_selected_by_another_program(&crate::sim::card::JPKI_AID);
    }
    if first {
        if let Some(n) = args.remove_after {
            b = b.remove_after(n);
        }
        if let Some(n) = args.mute_at {
            b = b.mute_at(n);
        }
        if let Some(n) = args.empty_at {
            b = b.empty_at(n);
        }
    }
    Ok(b.build())
}
