//! `myna-kigen watch`: the card monitor ([`crate::monitor`]) on the PC/SC readers, printed as
//! events: each card's report when it is placed (text, or one JSON object per line), a line
//! when it leaves, a line for each failure. Runs until Ctrl-C.

use std::io::Write;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Mutex, OnceLock, PoisonError};

use super::{WatchArgs, choose_lang, exit, text};
use crate::messages::{self, Lang, Surface, words};
use crate::monitor::{Monitor, MonitorEvent, MonitorOptions, read_fn};
use crate::reading::{ReadError, Reader};
use crate::report::{self, CardReport};
use crate::transport::Readers;
use crate::transport::pcsc::PcscReaders;

/// What the printing loop waits for: a monitor event, or the person's Ctrl-C.
enum Msg {
    Event(MonitorEvent),
    Interrupt,
    /// The monitor's channel closed (its thread ended).
    MonitorGone,
}

/// Where Ctrl-C goes: the printing loop of the `watch` running now, if any. The handler is
/// installed once per process (the `ctrlc` crate allows only one) and looks here each time.
static INTERRUPT_TO: Mutex<Option<Sender<Msg>>> = Mutex::new(None);

/// Installs the Ctrl-C handler once; `Err` with the reason when it could not be installed.
fn install_ctrl_c() -> Result<(), String> {
    static INSTALLED: OnceLock<Result<(), String>> = OnceLock::new();
    INSTALLED
        .get_or_init(|| {
            ctrlc::set_handler(|| {
                let target = INTERRUPT_TO.lock().unwrap_or_else(PoisonError::into_inner);
                if let Some(tx) = target.as_ref() {
                    let _ = tx.send(Msg::Interrupt);
                }
            })
            .map_err(|e| e.to_string())
        })
        .clone()
}

pub(super) fn watch(args: &WatchArgs, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let lang = choose_lang(args.lang);
    let (tx, rx) = mpsc::channel();
    *INTERRUPT_TO.lock().unwrap_or_else(PoisonError::into_inner) = Some(tx.clone());
    if let Err(e) = install_ctrl_c() {
        // Still usable (stopped by a signal's default action), just not cleanly.
        let _ = writeln!(err, "Ctrl-C handler: {e}");
    }
    let options = MonitorOptions {
        reader_filter: args.reader.clone(),
        today: args.today,
        card_expiry_typed: None,
    };
    let printer = Printer {
        json: args.json,
        lang,
    };
    let _ = writeln!(err, "{}", words::watch_waiting(lang));
    // A service that is not running yet is said once by the monitor, which keeps asking.
    let readers = PcscReaders::lazy();
    let code = run(Box::new(readers), options, &printer, tx, &rx, out);
    clear_interrupt_target();
    code
}

fn clear_interrupt_target() {
    *INTERRUPT_TO.lock().unwrap_or_else(PoisonError::into_inner) = None;
}

/// Runs the monitor on `readers` and prints its events until a [`Msg::Interrupt`] arrives on
/// `rx` (sent through `tx` by Ctrl-C, or by a test).
fn run(
    readers: Box<dyn Readers>,
    options: MonitorOptions,
    printer: &Printer,
    tx: Sender<Msg>,
    rx: &Receiver<Msg>,
    out: &mut dyn Write,
) -> i32 {
    let (mut monitor, events) = Monitor::spawn(readers, options, read_fn(Reader::jlis()), None);
    // Forward the monitor's events into the loop's channel, where Ctrl-C also arrives: the
    // loop blocks on one channel, no polling.
    let forward = std::thread::Builder::new()
        .name("myna-kigen-watch-events".to_owned())
        .spawn(move || {
            for event in events {
                if tx.send(Msg::Event(event)).is_err() {
                    return;
                }
            }
            let _ = tx.send(Msg::MonitorGone);
        });
    if forward.is_err() {
        return exit::OTHER;
    }
    let code = loop {
        match rx.recv() {
            Ok(Msg::Event(event)) => {
                if !printer.event(&event, out) {
                    // stdout is gone (the reader of the pipe left): nothing more to say.
                    break exit::OK;
                }
            }
            Ok(Msg::Interrupt) => break exit::OK,
            Ok(Msg::MonitorGone) | Err(_) => break exit::OTHER,
        }
    };
    monitor.shutdown();
    code
}

/// Turns events into output lines.
struct Printer {
    json: bool,
    lang: Lang,
}

impl Printer {
    /// Prints one event; `false` when stdout can no longer be written.
    fn event(&self, event: &MonitorEvent, out: &mut dyn Write) -> bool {
        match event {
            MonitorEvent::Report { report, .. } => self.report(report, out),
            MonitorEvent::Removed { reader } => {
                if self.json {
                    let line = serde_json::json!({
                        "schema": report::SCHEMA, "event": "removed", "reader": reader,
                    });
                    emit(out, &line.to_string())
                } else {
                    emit(out, &words::watch_removed(reader, self.lang))
                }
            }
            MonitorEvent::Failed { reader, error } => self.failure(Some(reader), error, out),
            MonitorEvent::ServiceUnavailable => {
                self.failure(None, &ReadError::ServiceUnavailable, out)
            }
            // The reader list, "reading…" and the early date are for the window; watch reports outcomes. Watch
            // never asks for a signing reading, so no answer to one arrives.
            MonitorEvent::Readers(_)
            | MonitorEvent::Reading { .. }
            | MonitorEvent::Date { .. }
            | MonitorEvent::SignResult { .. } => true,
        }
    }

    fn report(&self, report: &CardReport, out: &mut dyn Write) -> bool {
        if self.json {
            let mut value = match serde_json::to_value(report) {
                Ok(v) => v,
                Err(e) => {
                    log::error!("report not serialisable: {e}");
                    return true;
                }
            };
            if let Some(object) = value.as_object_mut() {
                object.insert("event".to_owned(), "card".into());
            }
            emit(out, &value.to_string())
        } else {
            let header = words::watch_card_header(&report.reader, self.lang);
            emit(
                out,
                &format!(
                    "{header}\n{}",
                    text::render(report, self.lang).trim_end_matches('\n')
                ),
            )
        }
    }

    /// A failure line; `reader` is `None` for failures of the service itself.
    fn failure(&self, reader: Option<&str>, error: &ReadError, out: &mut dyn Write) -> bool {
        let message = messages::read_error(error, self.lang, Surface::CommandLine);
        if self.json {
            let line = serde_json::json!({
                "schema": report::SCHEMA,
                "event": "error",
                "reader": reader,
                "error": { "code": error.code(), "message": message },
            });
            emit(out, &line.to_string())
        } else {
            match reader {
                Some(r) => emit(out, &messages::labelled(r, &message, self.lang)),
                None => emit(out, &message),
            }
        }
    }
}

/// Writes one line (or block) and flushes it, so a pipe sees each event as it happens.
fn emit(out: &mut dyn Write, line: &str) -> bool {
    writeln!(out, "{line}").and_then(|()| out.flush()).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Scenario, SimReaders};
    use chrono::NaiveDate;
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    /// A `Write` the test can read while the loop runs on another thread.
    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Shared {
        fn lines(&self) -> Vec<serde_json::Value> {
            String::from_utf8(self.0.lock().unwrap().clone())
                .unwrap()
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect()
        }

        fn wait_for(&self, n: usize) -> Vec<serde_json::Value> {
            for _ in 0..500 {
                let lines = self.lines();
                if lines.len() >= n {
                    return lines;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            panic!("fewer than {n} lines: {:?}", self.lines());
        }
    }

    #[test]
    fn json_lines_for_cards_removals_and_the_service_then_a_clean_stop() {
        let today = NaiveDate::from_ymd_opt(2026, 5, 1).unwrap();
        let readers = SimReaders::new();
        let handle = readers.handle();
        handle.plug("Reader A");
        let (tx, rx) = mpsc::channel();
        let stop = tx.clone();
        let out = Shared::default();
        let mut sink = out.clone();
        let looping = std::thread::spawn(move || {
            let printer = Printer {
                json: true,
                lang: Lang::En,
            };
            let options = MonitorOptions {
                today: Some(today),
                ..MonitorOptions::default()
            };
            run(Box::new(readers), options, &printer, tx, &rx, &mut sink)
        });

        handle.place("Reader A", Scenario::Valid.card(today).unwrap());
        let lines = out.wait_for(1);
        assert_eq!(lines[0]["event"], "card");
        assert_eq!(lines[0]["schema"], 1);
        assert_eq!(lines[0]["reader"], "Reader A");
        assert_eq!(lines[0]["today"], "2026-05-01");
        assert_eq!(lines[0]["auth"]["status"], "valid");

        handle.remove_card("Reader A");
        let lines = out.wait_for(2);
        assert_eq!(
            lines[1],
            serde_json::json!({ "schema": 1, "event": "removed", "reader": "Reader A" })
        );

        handle.place("Reader A", Scenario::NotMnc.card(today).unwrap());
        let lines = out.wait_for(3);
        assert_eq!(lines[2]["event"], "error");
        assert_eq!(lines[2]["reader"], "Reader A");
        assert_eq!(lines[2]["error"]["code"], "not_my_number_card");

        handle.stop_service();
        let lines = out.wait_for(5);
        // The card is forgotten, and the service's absence said once.
        assert_eq!(lines[3]["event"], "removed");
        assert_eq!(lines[4]["event"], "error");
        assert_eq!(lines[4]["reader"], serde_json::Value::Null);
        assert_eq!(lines[4]["error"]["code"], "service_unavailable");

        // Another card meanwhile; the service back: that card is read.
        handle.remove_card("Reader A");
        handle.place("Reader A", Scenario::Expired.card(today).unwrap());
        handle.start_service();
        let lines = out.wait_for(6);
        assert_eq!(lines[5]["event"], "card");
        assert_eq!(lines[5]["auth"]["status"], "expired");

        stop.send(Msg::Interrupt).unwrap();
        assert_eq!(looping.join().unwrap(), exit::OK);
    }

    #[test]
    fn text_report_has_the_reader_and_the_sentences() {
        let today = NaiveDate::from_ymd_opt(2026, 5, 1).unwrap();
        let printer = Printer {
            json: false,
            lang: Lang::En,
        };
        let mut transport = crate::sim::SimTransport::new(Scenario::Valid.card(today).unwrap());
        let options = crate::reading::ReadOptions {
            today,
            card_expiry_typed: None,
        };
        let report = Reader::jlis().read(&mut transport, &options).unwrap();
        let mut out = Vec::new();
        assert!(printer.event(
            &MonitorEvent::Report {
                reader: report.reader.clone(),
                report: Box::new(report.clone()),
            },
            &mut out
        ));
        assert!(printer.event(
            &MonitorEvent::Removed {
                reader: "Simulated Reader".to_owned()
            },
            &mut out
        ));
        let s = String::from_utf8(out).unwrap();
        assert!(s.starts_with("── card on Simulated Reader ──\n"), "{s}");
        assert!(
            s.contains(text::render(&report, Lang::En).trim_end()),
            "{s}"
        );
        assert!(s.ends_with("The card left Simulated Reader.\n"), "{s}");
    }
}
