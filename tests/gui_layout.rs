//! The window at its default size, through egui_kittest on the real app: the answer (the date
//! for the card face in Gregorian and 和暦, the status chip, days left, the first renewal day)
//! and the card's own expiry lie inside the window without scrolling, for every demo scenario,
//! in both languages and both modes; a wide window has two columns; counter mode counts cards,
//! resets the count, clears when the card leaves and fills the screen on F11; the screens with
//! nothing to read show their own picture and sentence; a screen reader finds the answer as one
//! sentence, which has the focus, Tab going on to the actions; Ctrl +/−/0 zoom, remembered.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::sync::Arc;

use eframe::egui;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{By, NodeT, Queryable};

mod support;
use support::{step_until, today};

use myna_kigen::gui::{App, AppConfig, CardView, DEFAULT_SIZE, Settings};
use myna_kigen::messages::window::{self, Phrase};
use myna_kigen::messages::{self, Lang, Surface, Text};
use myna_kigen::monitor::{self, ReadFn, SignFn};
use myna_kigen::reading::{ReadError, Reader};
use myna_kigen::report::{CardReport, CertSlot};
use myna_kigen::rules::{self, Status};
use myna_kigen::sim::{Scenario, SimReaders, SimReadersHandle};

const READER: &str = "R";

struct Window {
    h: Harness<'static, App>,
    handle: SimReadersHandle,
}

/// The product's reading: its trust store anchors the simulated card's roots.
fn reading() -> ReadFn {
    monitor::read_fn(Reader::jlis())
}

/// The product's signing reading.
fn signing() -> SignFn {
    monitor::sign_fn(Reader::jlis())
}

/// The window at `size` with the simulated readers as `setup` leaves them; `unsupported`
/// stands for an RC-S380 on the USB bus.
fn window(
    settings: Settings,
    size: [f32; 2],
    setup: fn(&SimReadersHandle),
    unsupported: fn() -> bool,
) -> Window {
    let readers = SimReaders::new();
    let handle = readers.handle();
    setup(&handle);
    let config = AppConfig {
        readers: Box::new(readers),
        read: reading(),
        sign: signing(),
        today: Some(today()),
        demo: None,
        timing: None,
        files_dir: std::env::temp_dir(),
        open_file: Arc::new(|_: &std::path::Path| Ok(())),
        unsupported_reader: unsupported,
    };
    let h = Harness::builder()
        .with_size(egui::vec2(size[0], size[1]))
        .build_ui_state(|ui, app: &mut App| app.show(ui), App::new(config, settings));
    Window { h, handle }
}

fn one_reader(h: &SimReadersHandle) {
    h.plug(READER);
}

fn no_reader(_: &SimReadersHandle) {}

fn default_window(settings: Settings) -> Window {
    window(settings, DEFAULT_SIZE, one_reader, || false)
}

fn settings(lang: Lang, counter_mode: bool) -> Settings {
    Settings {
        lang,
        counter_mode,
        ..Settings::default()
    }
}

impl Window {
    fn place(&mut self, scenario: Scenario) {
        self.handle.place(READER, scenario.card(today()).unwrap());
    }

    /// Steps until the card's report (or failure) is on screen and laid out.
    fn wait_for_result(&mut self) {
        step_until(&mut self.h, 5, "a result", |h| {
            matches!(
                h.state().card,
                Some(CardView::Report { .. } | CardView::Failed { .. })
            )
        });
        for _ in 0..4 {
            self.h.step();
        }
    }

    fn report(&self) -> CardReport {
        match &self.h.state().card {
            Some(CardView::Report { report, .. }) => (**report).clone(),
            other => panic!("no report on screen: {other:?}"),
        }
    }

    /// Some node labelled `label` lies wholly inside the window.
    fn visible(&self, label: &str) -> bool {
        let [w, h] = DEFAULT_SIZE;
        let inside = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(w, h));
        self.h
            .query_all_by_label(label)
            .any(|n| inside.contains_rect(n.rect()))
    }

    fn wait_for(&mut self, text: &str) {
        step_until(&mut self.h, 5, &format!("{text:?} to appear"), |h| {
            h.query_all_by_label_contains(text).next().is_some()
        });
    }
}

/// The chip's words for the certificate's status (one word in counter mode).
fn chip(report: &CardReport, lang: Lang, counter: bool) -> String {
    let CertSlot::Read(c) = &report.auth else {
        panic!("no certificate")
    };
    match c.status {
        Status::Valid => format!("○ {}", Phrase::Valid.text(lang)),
        Status::Renewable if counter => format!(
            "△ {}",
            messages::capitalise(messages::status_short(c.status, lang))
        ),
        Status::Renewable => format!("△ {}", window::renewable_from(c.renewal_from, lang)),
        Status::Expired => format!("× {}", Phrase::Expired.text(lang)),
        Status::NotYetValid => format!("－ {}", Phrase::NotYetValid.text(lang)),
    }
}

#[test]
fn the_answer_and_the_card_expiry_fit_the_default_window() {
    let mut checked = 0;
    for scenario in Scenario::ALL {
        for lang in Lang::ALL {
            for counter in [false, true] {
                let mut w = default_window(settings(lang, counter));
                w.place(scenario);
                w.wait_for_result();
                let what = format!("{scenario} {lang:?} counter={counter}");
                if scenario == Scenario::NotMnc {
                    let sentence =
                        messages::read_error(&ReadError::NotMyNumberCard, lang, Surface::Window);
                    assert!(
                        w.visible(&sentence),
                        "{what}: the sentence is below the fold"
                    );
                    continue;
                }
                let report = w.report();
                let CertSlot::Read(c) = &report.auth else {
                    panic!("{what}: no certificate")
                };
                let card_expiry = match report.card.expiry {
                    Some(d) => messages::date_with_wareki(d, lang),
                    None => Phrase::Unknown.text(lang).to_owned(),
                };
                for label in [
                    messages::date(c.expiry, lang),
                    rules::wareki(c.expiry),
                    chip(&report, lang, counter),
                    messages::days_left(c.days_left, lang),
                    messages::date_with_wareki(c.renewal_from, lang),
                    card_expiry,
                ] {
                    assert!(w.visible(&label), "{what}: {label:?} is not in the window");
                }
                if !counter {
                    // The card-face line too (resident mode).
                    let note = Phrase::CardFaceDateNote.text(lang);
                    assert!(
                        w.visible(note),
                        "{what}: the card-face line is not in the window"
                    );
                }
                checked += 1;
            }
        }
    }
    assert_eq!(checked, (Scenario::ALL.len() - 1) * 4);
}

#[test]
fn a_wide_window_has_two_columns_a_narrow_one_has_one() {
    let answer_and_pins = |size: [f32; 2]| {
        let mut w = window(Settings::default(), size, one_reader, || false);
        w.place(Scenario::Valid);
        w.wait_for_result();
        let answer =
            w.h.get(By::new().role(Role::Group).label_contains("2029年12月8日"))
                .rect();
        let pins =
            w.h.get_by_label(Text::PinTriesHeading.text(Lang::Ja))
                .rect();
        (answer, pins)
    };
    let (answer, pins) = answer_and_pins(DEFAULT_SIZE);
    assert!(
        pins.min.x > answer.max.x,
        "PIN tries in the right-hand column: {answer:?} {pins:?}"
    );
    let (answer, pins) = answer_and_pins([600.0, 1400.0]);
    assert!(
        pins.min.y > answer.max.y,
        "PIN tries under the answer: {answer:?} {pins:?}"
    );
}

#[test]
fn counter_mode_counts_cards_resets_the_count_and_clears_when_the_card_leaves() {
    let mut w = default_window(settings(Lang::Ja, true));
    w.wait_for(&window::cards_read(0, Lang::Ja));
    // No reset button while there is nothing to reset.
    assert!(
        w.h.query_by_label(Phrase::ResetCount.text(Lang::Ja))
            .is_none()
    );
    for (n, scenario) in [(1, Scenario::Valid), (2, Scenario::Expired)] {
        w.place(scenario);
        w.wait_for(&window::cards_read(n, Lang::Ja));
        w.handle.remove_card(READER);
        w.wait_for(Phrase::PlaceCardOnReader.text(Lang::Ja));
        assert!(w.h.query_all_by_label_contains("年").next().is_none());
    }
    // A card that is not a My Number Card is not a card read.
    w.place(Scenario::NotMnc);
    w.wait_for(Phrase::ReadFailed.text(Lang::Ja));
    w.h.get_by_label(&window::cards_read(2, Lang::Ja));
    w.handle.remove_card(READER);
    w.wait_for(Phrase::PlaceCardOnReader.text(Lang::Ja));
    w.h.get_by_role_and_label(Role::Button, Phrase::ResetCount.text(Lang::Ja))
        .click();
    w.wait_for(&window::cards_read(0, Lang::Ja));
    assert_eq!(w.h.state().cards_read, 0);
    w.place(Scenario::Renewable);
    w.wait_for(&window::cards_read(1, Lang::Ja));
}

/// Whether the last frame asked the window to fill the screen (`Some(true)`) or to leave it.
fn fullscreen_command(h: &Harness<'static, App>) -> Option<bool> {
    h.output().viewport_output.values().find_map(|v| {
        v.commands.iter().find_map(|c| match c {
            egui::ViewportCommand::Fullscreen(on) => Some(*on),
            _ => None,
        })
    })
}

#[test]
fn f11_and_the_button_toggle_full_screen() {
    let mut w = default_window(settings(Lang::Ja, true));
    w.wait_for(Phrase::PlaceCardOnReader.text(Lang::Ja));
    assert_eq!(fullscreen_command(&w.h), None);
    w.h.key_down(egui::Key::F11);
    w.h.step();
    assert_eq!(fullscreen_command(&w.h), Some(true));
    assert!(w.h.state().fullscreen);
    w.h.key_up(egui::Key::F11);
    w.h.step();
    w.h.key_down(egui::Key::F11);
    w.h.step();
    assert_eq!(fullscreen_command(&w.h), Some(false));
    w.h.key_up(egui::Key::F11);
    w.h.step();
    // Counter mode offers a button that does the same.
    w.h.get_by_role_and_label(Role::Button, Phrase::FullScreen.text(Lang::Ja))
        .click();
    w.h.step();
    assert!(w.h.state().fullscreen);
}

#[test]
fn a_screen_reader_finds_the_answer_as_one_sentence_with_the_focus_then_the_actions() {
    for counter in [false, true] {
        let mut w = default_window(settings(Lang::Ja, counter));
        w.place(Scenario::Valid);
        w.wait_for_result();
        let answer = w.h.get(
            By::new()
                .role(Role::Group)
                .label_contains("2029年12月8日（令和11年12月8日）"),
        );
        let spoken = answer.accesskit_node().label().unwrap_or_default();
        for part in [
            "利用者証明用電子証明書の有効期限",
            "○ 有効",
            "あと1106日",
            "更新できる最初の日：2029年9月9日（令和11年9月9日）",
            "カード本体の有効期限：2034年12月8日（令和16年12月8日）",
        ] {
            assert!(spoken.contains(part), "{part:?} not in {spoken:?}");
        }
        // The new answer has the keyboard focus; Tab goes on to the actions.
        assert!(answer.is_focused(), "counter={counter}");
        let mut order = Vec::new();
        for _ in 0..3 {
            w.h.key_press(egui::Key::Tab);
            w.h.step();
            let focused =
                w.h.query_all(By::new().role(Role::Button))
                    .find(|n| n.is_focused())
                    .and_then(|n| n.accesskit_node().label());
            order.push(focused.unwrap_or_default());
        }
        assert_eq!(
            order,
            [
                Phrase::ReadSigningButton.text(Lang::Ja),
                Phrase::SaveCalendar.text(Lang::Ja),
                Phrase::PrintSlip.text(Lang::Ja),
            ],
            "counter={counter}"
        );
    }
}

#[test]
fn english_answer_for_a_screen_reader() {
    let mut w = default_window(settings(Lang::En, false));
    w.place(Scenario::Expired);
    w.wait_for_result();
    let answer =
        w.h.get(By::new().role(Role::Group).label_contains("8 Nov 2026"));
    let spoken = answer.accesskit_node().label().unwrap_or_default();
    assert!(spoken.contains("× Expired"), "{spoken}");
    assert!(spoken.contains("expired 20 days ago"), "{spoken}");
}

#[test]
fn ctrl_plus_minus_and_zero_zoom_and_the_zoom_is_remembered() {
    let mut w = default_window(Settings::default());
    w.wait_for(Phrase::PlaceCardOnReader.text(Lang::Ja));
    let press = |w: &mut Window, key: egui::Key| {
        w.h.key_press_modifiers(egui::Modifiers::COMMAND, key);
        for _ in 0..3 {
            w.h.step();
        }
    };
    press(&mut w, egui::Key::Plus);
    press(&mut w, egui::Key::Plus);
    assert_eq!(w.h.state().settings.zoom_percent, 120);
    assert!((w.h.ctx.zoom_factor() - 1.2).abs() < 1e-3);
    press(&mut w, egui::Key::Minus);
    assert_eq!(w.h.state().settings.zoom_percent, 110);
    press(&mut w, egui::Key::Num0);
    assert_eq!(w.h.state().settings.zoom_percent, 100);
    assert!((w.h.ctx.zoom_factor() - 1.0).abs() < 1e-3);

    // A remembered zoom is in force from the start.
    let mut w = default_window(Settings {
        zoom_percent: 130,
        ..Settings::default()
    });
    w.wait_for(Phrase::PlaceCardOnReader.text(Lang::Ja));
    assert!((w.h.ctx.zoom_factor() - 1.3).abs() < 1e-3);
    assert_eq!(w.h.state().settings.zoom_percent, 130);
}

/// Each screen with nothing to read shows its own picture (with words for a screen reader)
/// and its sentences.
#[test]
fn each_screen_with_nothing_to_read_has_its_picture_and_sentence() {
    for lang in Lang::ALL {
        let picture = |w: &Window, p: Phrase| {
            w.h.get_by_role_and_label(Role::Image, p.text(lang));
        };
        // A reader and no card: the card on a reader, which readers work.
        let mut w = window(settings(lang, false), DEFAULT_SIZE, one_reader, || false);
        w.wait_for(Phrase::PlaceCardOnReader.text(lang));
        picture(&w, Phrase::PictureCardOnReader);
        w.h.get_by_label(Phrase::ReadersThatWork.text(lang));
        // No reader.
        let mut w = window(settings(lang, false), DEFAULT_SIZE, no_reader, || false);
        w.wait_for(Phrase::ConnectReader.text(lang));
        picture(&w, Phrase::PictureReaderUnplugged);
        w.h.get_by_label(&messages::read_error(
            &ReadError::NoReader,
            lang,
            Surface::Window,
        ));
        // An RC-S380 on the USB bus, so no reader listed.
        let mut w = window(settings(lang, false), DEFAULT_SIZE, no_reader, || true);
        w.wait_for(Phrase::Rcs380Title.text(lang));
        picture(&w, Phrase::PictureWrongReader);
        w.h.get_by_label(Phrase::Rcs380Detail.text(lang));
        assert!(
            w.h.query_by_label(Phrase::ConnectReader.text(lang))
                .is_none()
        );
        // The service is not running.
        let mut w = window(
            settings(lang, false),
            DEFAULT_SIZE,
            |h| h.stop_service(),
            || false,
        );
        w.wait_for(Phrase::ServiceDown.text(lang));
        picture(&w, Phrase::PictureServiceStopped);
        w.h.get_by_label(&messages::read_error(
            &ReadError::ServiceUnavailable,
            lang,
            Surface::Window,
        ));
        // A card that is not a My Number Card.
        let mut w = window(settings(lang, false), DEFAULT_SIZE, one_reader, || false);
        w.place(Scenario::NotMnc);
        w.wait_for(Phrase::ReadFailed.text(lang));
        picture(&w, Phrase::PictureNotMnc);
        w.h.get_by_label(&messages::read_error(
            &ReadError::NotMyNumberCard,
            lang,
            Surface::Window,
        ));
        // Pictures belong to their screens only.
        assert!(
            w.h.query_by_label(Phrase::PictureCardOnReader.text(lang))
                .is_none()
        );
    }
}
