//! The answer and the details under it: the status chip, the three dates side by side, what
//! to do, the certificates' blocks, PIN tries and genuineness.

use chrono::NaiveDate;
use eframe::egui::{self, Color32, CornerRadius, RichText, Stroke, Ui};

use super::signing::sign_state;
use super::{ALERT, INK, INK_SOFT, scale};
use crate::card::PinState;
use crate::gui::App;
use crate::messages::window::{self, Phrase};
use crate::messages::{self, Lang, Surface, Text};
use crate::report::{CardReport, CertReport, CertSlot, ExpirySource, Warning};
use crate::rules::{self, Item, Status};

/// Width from which the answer and the rest stand side by side.
const TWO_COLUMNS_FROM: f32 = 860.0;

/// The status chip's icon and words; `short`: one word (counter mode, where the renewal day
/// has its own line).
pub(super) fn status_words(cert: &CertReport, lang: Lang, short: bool) -> String {
    let (icon, words) = match cert.status {
        Status::Valid => ("○", Phrase::Valid.text(lang).to_owned()),
        Status::Renewable if short => (
            "△",
            messages::capitalise(messages::status_short(cert.status, lang)),
        ),
        Status::Renewable => ("△", window::renewable_from(cert.renewal_from, lang)),
        Status::Expired => ("×", Phrase::Expired.text(lang).to_owned()),
        Status::NotYetValid => ("－", Phrase::NotYetValid.text(lang).to_owned()),
    };
    format!("{icon} {words}")
}

/// The status chip: icon, words and shape differ per status, and the colours stay apart for
/// colour-blind readers (blue / yellow / dark vermilion, with different lightness).
pub(super) fn chip(ui: &mut Ui, cert: &CertReport, lang: Lang, s: f32, short: bool) {
    let (fill, ink, radius, border) = match cert.status {
        Status::Valid => (
            Color32::from_rgb(0x0b, 0x4f, 0xa8),
            Color32::WHITE,
            255u8,
            1.0,
        ),
        Status::Renewable => (Color32::from_rgb(0xff, 0xd2, 0x3f), INK, 8, 3.0),
        Status::Expired => (ALERT, Color32::WHITE, 0, 4.0),
        Status::NotYetValid => (Color32::from_gray(0xdd), INK, 0, 1.0),
    };
    egui::Frame::new()
        .fill(fill)
        .stroke(Stroke::new(border * s.max(1.0), INK))
        .corner_radius(CornerRadius::same(radius))
        .inner_margin(egui::Margin::symmetric((14.0 * s) as i8, (6.0 * s) as i8))
        .show(ui, |ui| {
            ui.label(
                RichText::new(status_words(cert, lang, short))
                    .size(24.0 * s)
                    .strong()
                    .color(ink),
            );
        });
}

pub(super) fn section(ui: &mut Ui, title: &str, s: f32) {
    ui.add_space(12.0);
    ui.label(RichText::new(title).size(22.0 * s).strong());
    ui.separator();
}

/// The answer as one node a screen reader speaks, which takes the keyboard focus when a new
/// card has been read (so Tab goes on to the actions after it), with a visible focus ring.
pub(super) fn announce(app: &mut App, ui: &mut Ui, rect: egui::Rect, sentence: &str) {
    let r = ui.interact(
        rect,
        ui.scope_id().with("answer"),
        egui::Sense::focusable_noninteractive(),
    );
    r.widget_info(|| egui::WidgetInfo::labeled(egui::accesskit::Role::Group, true, sentence));
    if std::mem::take(&mut app.focus_answer) {
        r.request_focus();
    }
    if r.has_focus() {
        ui.painter().rect_stroke(
            rect.expand(3.0),
            CornerRadius::same(8),
            ui.visuals().selection.stroke,
            egui::StrokeKind::Outside,
        );
    }
}

/// The answer in a sentence (for [`announce`]).
pub(super) fn spoken(report: &CardReport, c: &CertReport, lang: Lang) -> String {
    window::spoken_answer(
        Phrase::AuthExpiresHeading.text(lang),
        c.expiry,
        &status_words(c, lang, false),
        &messages::days_left(c.days_left, lang),
        c.renewal_from,
        report.card.expiry,
        lang,
    )
}

pub(super) fn answer(app: &mut App, ui: &mut Ui, lang: Lang, report: &CardReport) {
    let s = scale(app);
    let wide = ui.available_width() >= TWO_COLUMNS_FROM;
    if app.settings.counter_mode {
        // One huge status word and date across the window, the rest under it.
        super::counter::big_answer(app, ui, lang, report);
        // The rest in one column: counter mode's larger text needs the width.
        locked_warning(ui, lang, report, s);
        pins_and_genuineness(ui, lang, report, s);
        sign_block(ui, lang, report, s);
        signing_and_reminder(app, ui, lang, report, s);
        return;
    }
    if wide {
        ui.columns_const(|[left, right]: &mut [Ui; 2]| {
            // Columns are justified; text reads better ragged.
            let ragged = egui::Layout::top_down(egui::Align::Min);
            left.with_layout(ragged, |ui| answer_column(app, ui, lang, report, s));
            right.with_layout(ragged, |ui| {
                signing_and_reminder(app, ui, lang, report, s);
                pins_and_genuineness(ui, lang, report, s);
            });
        });
    } else {
        answer_column(app, ui, lang, report, s);
        signing_and_reminder(app, ui, lang, report, s);
        pins_and_genuineness(ui, lang, report, s);
    }
    details(app, ui, lang, report, s);
}

/// The answer: the user-authentication certificate's block (with the card's own expiry), the
/// signing certificate's once read, and a locked PIN's warning.
fn answer_column(app: &mut App, ui: &mut Ui, lang: Lang, report: &CardReport, s: f32) {
    let rect = cert_frame(ui, |ui| match &report.auth {
        CertSlot::Read(c) => cert_block(ui, lang, s, Item::Auth, c, Some(report.card.expiry)),
        CertSlot::NotRead(n) => {
            block_title(ui, lang, s, Item::Auth);
            ui.label(
                RichText::new(messages::not_read(n, Item::Auth, lang, Surface::Window))
                    .size(28.0 * s),
            );
        }
    });
    if let CertSlot::Read(c) = &report.auth {
        announce(app, ui, rect, &spoken(report, c, lang));
    }
    sign_block(ui, lang, report, s);
    locked_warning(ui, lang, report, s);
}

/// The signing certificate's block, once read with its password.
fn sign_block(ui: &mut Ui, lang: Lang, report: &CardReport, s: f32) {
    if let CertSlot::Read(sign) = &report.sign {
        ui.add_space(8.0);
        cert_frame(ui, |ui| cert_block(ui, lang, s, Item::Sign, sign, None));
    }
}

/// The signing certificate's state (and its button), then the reminder and the slip.
fn signing_and_reminder(app: &mut App, ui: &mut Ui, lang: Lang, report: &CardReport, s: f32) {
    // Counter mode too: a clerk may read the signing certificate's dates for the resident
    // (never the holder's details).
    section(ui, Phrase::SigningCertificateHeading.text(lang), s);
    sign_state(app, ui, lang, report, s);
    super::reminder::reminder(app, ui, lang, report, s);
}

fn pins_and_genuineness(ui: &mut Ui, lang: Lang, report: &CardReport, s: f32) {
    section(ui, Text::PinTriesHeading.text(lang), s);
    pins(ui, lang, report, s);

    section(ui, Phrase::Genuineness.text(lang), s);
    match &report.auth {
        CertSlot::Read(c) => {
            let alert = matches!(c.genuine, crate::cert::Genuineness::Failed);
            let t = RichText::new(messages::genuine(c.genuine, lang)).size(19.0 * s);
            ui.label(if alert { t.color(ALERT).strong() } else { t });
        }
        CertSlot::NotRead(_) => {
            ui.label(Phrase::NotChecked.text(lang));
        }
    }
}

/// Under the answer (resident mode): the three dates side by side, what to do, notes, the
/// reading's footer.
fn details(app: &mut App, ui: &mut Ui, lang: Lang, report: &CardReport, s: f32) {
    side_by_side(app, ui, lang, report);
    what_to_do(ui, lang, report, s);
    let warnings: Vec<&Warning> = report
        .warnings
        .iter()
        // The typed-expiry field and the locked-PIN box are on screen already.
        .filter(|w| !matches!(w, Warning::CardExpiryUnknown | Warning::PinLocked))
        .collect();
    if !warnings.is_empty() {
        section(ui, Phrase::Notes.text(lang), s);
        for w in warnings {
            ui.label(format!(
                "{}{}",
                messages::BULLET,
                messages::warning(*w, lang, Surface::Window)
            ));
        }
    }
    ui.add_space(12.0);
    ui.label(
        RichText::new(window::footer(
            &report.reader,
            &messages::date(report.today, lang),
            messages::card_kind(report.card.kind, lang),
            lang,
        ))
        .small()
        .color(INK_SOFT),
    );
    ui.horizontal(|ui| {
        if ui.button(Phrase::ReadAgain.text(lang)).clicked() {
            app.reread();
        }
    });
}

fn side_by_side(app: &mut App, ui: &mut Ui, lang: Lang, report: &CardReport) {
    let s = scale(app);
    section(ui, Phrase::ThreeDates.text(lang), s);
    egui::Grid::new("side-by-side")
        .num_columns(3)
        .striped(true)
        .spacing([18.0, 8.0])
        .show(ui, |ui| {
            ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
            ui.label(RichText::new(messages::item_name(Item::Card, lang)).strong());
            match report.card.expiry {
                Some(d) => {
                    ui.label(messages::date_with_wareki(d, lang));
                    ui.label(match report.card.expiry_source {
                        Some(ExpirySource::Card) => Phrase::ReadFromTheCard.text(lang),
                        _ => Phrase::TypedFromTheCard.text(lang),
                    });
                }
                None => {
                    ui.label(Phrase::Unknown.text(lang));
                    ui.label(Phrase::CardExpiryNotTold.text(lang));
                }
            }
            ui.end_row();
            for (item, slot) in [(Item::Auth, &report.auth), (Item::Sign, &report.sign)] {
                ui.label(RichText::new(messages::item_name(item, lang)).strong());
                match slot {
                    CertSlot::Read(c) => {
                        ui.label(messages::date_with_wareki(c.expiry, lang));
                        ui.label(format!(
                            "{} / {}",
                            messages::status_short(c.status, lang),
                            messages::days_left(c.days_left, lang)
                        ));
                    }
                    CertSlot::NotRead(n) => {
                        ui.label("—");
                        ui.label(messages::not_read_short(n, lang));
                    }
                }
                ui.end_row();
            }
        });

    if report.card.expiry_source != Some(ExpirySource::Card) {
        ui.add_space(6.0);
        ui.horizontal_wrapped(|ui| {
            let label = ui.label(Phrase::CardExpiryFieldLabel.text(lang));
            let edit = ui
                .add(
                    egui::TextEdit::singleline(&mut app.card_expiry_input)
                        .hint_text("2034-06-15")
                        .desired_width(160.0),
                )
                .labelled_by(label.id);
            let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if ui.button(Phrase::Apply.text(lang)).clicked() || enter {
                app.apply_card_expiry_input();
            }
            if app.card_expiry_typed.is_some() && ui.button(Phrase::Clear.text(lang)).clicked() {
                app.card_expiry_input.clear();
                app.card_expiry_invalid = false;
                app.set_card_expiry(None);
            }
        });
        ui.label(RichText::new(Phrase::CardExpiryFieldHint.text(lang)).small());
        if app.card_expiry_invalid {
            ui.label(
                RichText::new(Phrase::CardExpiryFieldInvalid.text(lang))
                    .color(ALERT)
                    .strong(),
            );
        }
    }
}

fn what_to_do(ui: &mut Ui, lang: Lang, report: &CardReport, s: f32) {
    let explanation = &report.advice;
    if let Some(first) = explanation.first_expiry
        && !explanation.first_to_expire.is_empty()
    {
        section(ui, Text::ExpiresFirst.text(lang), s);
        let names: Vec<&str> = explanation
            .first_to_expire
            .iter()
            .map(|i| messages::item_name(*i, lang))
            .collect();
        ui.label(
            RichText::new(format!(
                "{} — {}",
                names.join(Text::ListSeparator.text(lang)),
                messages::date_with_wareki(first, lang)
            ))
            .strong(),
        );
    }
    if !explanation.findings.is_empty() {
        section(ui, Text::WhatToDo.text(lang), s);
        for f in &explanation.findings {
            ui.label(format!(
                "{}{}",
                messages::BULLET,
                messages::finding(f, lang)
            ));
        }
    }
}

pub(super) fn cert_frame(ui: &mut Ui, add: impl FnOnce(&mut Ui)) -> egui::Rect {
    egui::Frame::new()
        .stroke(Stroke::new(2.0, INK))
        .corner_radius(CornerRadius::same(6))
        .inner_margin(egui::Margin::same(16))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            add(ui);
        })
        .response
        .rect
}

fn block_title(ui: &mut Ui, lang: Lang, s: f32, item: Item) {
    let title = match item {
        Item::Sign => Phrase::SignExpiresHeading.text(lang),
        _ => Phrase::AuthExpiresHeading.text(lang),
    };
    ui.label(RichText::new(title).size(24.0 * s).strong());
}

/// One certificate's dates: the day in Gregorian and 和暦, days left, the status chip, the first
/// renewal day (and for the user-authentication one, the card-face line, the insurance grace
/// and the card's own expiry, `card`; for the signing one, its genuineness).
fn cert_block(
    ui: &mut Ui,
    lang: Lang,
    s: f32,
    item: Item,
    c: &CertReport,
    card: Option<Option<NaiveDate>>,
) {
    block_title(ui, lang, s, item);
    ui.label(
        RichText::new(messages::date(c.expiry, lang))
            .size(52.0 * s)
            .strong(),
    );
    ui.label(RichText::new(rules::wareki(c.expiry)).size(32.0 * s));
    if item == Item::Auth {
        ui.label(RichText::new(Phrase::CardFaceDateNote.text(lang)).size(19.0 * s));
    }
    ui.add_space(6.0);
    ui.horizontal_wrapped(|ui| {
        chip(ui, c, lang, s, false);
        ui.label(
            RichText::new(messages::days_left(c.days_left, lang))
                .size(28.0 * s)
                .strong(),
        );
    });
    ui.add_space(6.0);
    date_row(
        ui,
        lang,
        s,
        Phrase::FirstDayToRenew.text(lang),
        Some(c.renewal_from),
    );
    if let Some(g) = c.insurance_grace_until {
        date_row(ui, lang, s, Phrase::InsuranceGraceLabel.text(lang), Some(g));
    }
    if let Some(card) = card {
        date_row(ui, lang, s, Text::CardOwnExpiry.text(lang), card);
    }
    if item == Item::Sign {
        let alert = matches!(c.genuine, crate::cert::Genuineness::Failed);
        let t = RichText::new(messages::labelled(
            Phrase::Genuineness.text(lang),
            messages::genuine(c.genuine, lang),
            lang,
        ))
        .size(19.0 * s);
        ui.label(if alert { t.color(ALERT).strong() } else { t });
    }
}

/// A label and its date (Gregorian and 和暦); "unknown" without one.
pub(super) fn date_row(ui: &mut Ui, lang: Lang, s: f32, label: &str, d: Option<NaiveDate>) {
    ui.horizontal_wrapped(|ui| {
        let colon = messages::colon(lang).trim_end();
        ui.label(RichText::new(format!("{label}{colon}")).size(19.0 * s));
        let value = match d {
            Some(d) => messages::date_with_wareki(d, lang),
            None => Phrase::Unknown.text(lang).to_owned(),
        };
        ui.label(RichText::new(value).size(19.0 * s).strong());
    });
}

fn pins(ui: &mut Ui, lang: Lang, report: &CardReport, s: f32) {
    if report.pins.is_empty() {
        ui.label(Phrase::Unknown.text(lang));
        return;
    }
    // One row a PIN, wrapping in a narrow column rather than running under the next one.
    for (key, p) in &report.pins {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(messages::pin_name(*key, lang)).size(19.0 * s));
            ui.add_space(6.0);
            if p.state == PinState::Locked {
                // The box under the answer says what to do.
                ui.label(
                    RichText::new(Phrase::Locked.text(lang))
                        .size(19.0 * s)
                        .strong()
                        .color(ALERT),
                );
            } else {
                ui.label(
                    RichText::new(messages::pin(p, lang))
                        .size(19.0 * s)
                        .strong(),
                );
            }
        });
    }
}

/// A plain warning right under the answer when a PIN is locked.
fn locked_warning(ui: &mut Ui, lang: Lang, report: &CardReport, s: f32) {
    let locked: Vec<&str> = report
        .pins
        .iter()
        .filter(|(_, p)| p.state == PinState::Locked)
        .map(|(key, _)| messages::pin_name(*key, lang))
        .collect();
    if locked.is_empty() {
        return;
    }
    ui.add_space(8.0);
    egui::Frame::new()
        .stroke(Stroke::new(3.0, ALERT))
        .inner_margin(egui::Margin::symmetric(12, 8))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            let names = locked.join(Text::ListSeparator.text(lang));
            ui.label(
                RichText::new(window::pins_locked(&names, lang))
                    .size(20.0 * s)
                    .strong()
                    .color(ALERT),
            );
        });
}
