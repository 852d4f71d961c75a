//! Drawing the window from the [`App`] state: the answer first and large, then the details.
//! Status is shown by text, an icon and a shape, never by colour alone.

mod answer;
mod counter;
mod pictures;
mod reminder;
mod signing;

use eframe::egui::{self, Color32, CornerRadius, RichText, Stroke, Ui};

use super::{App, CardView};
use crate::messages::window::{self, Phrase};
use crate::messages::{self, Lang, Surface};
use crate::reading::ReadError;
use answer::answer;
use pictures::{Picture, picture};
use signing::sign_dialog;

/// Text colour: near black on white, for contrast.
pub(super) const INK: Color32 = Color32::from_rgb(0x11, 0x11, 0x11);
/// Secondary text, still above 7:1 on white.
pub(super) const INK_SOFT: Color32 = Color32::from_rgb(0x3a, 0x3a, 0x3a);
/// Warnings: a dark vermilion that reads as "alert" without relying on red/green.
pub(super) const ALERT: Color32 = Color32::from_rgb(0xa3, 0x1d, 0x00);

/// Large, high-contrast text styles.
pub(super) fn install_style(ctx: &egui::Context) {
    ctx.set_theme(egui::Theme::Light);
    ctx.style_mut_of(egui::Theme::Light, |style| {
        use egui::{FontFamily, FontId, TextStyle};
        style.text_styles = [
            (
                TextStyle::Small,
                FontId::new(15.0, FontFamily::Proportional),
            ),
            (TextStyle::Body, FontId::new(19.0, FontFamily::Proportional)),
            (
                TextStyle::Button,
                FontId::new(19.0, FontFamily::Proportional),
            ),
            (
                TextStyle::Heading,
                FontId::new(26.0, FontFamily::Proportional),
            ),
            (
                TextStyle::Monospace,
                FontId::new(17.0, FontFamily::Monospace),
            ),
        ]
        .into();
        style.visuals.override_text_color = Some(INK);
        style.visuals.panel_fill = Color32::WHITE;
        style.visuals.window_fill = Color32::WHITE;
        style.visuals.extreme_bg_color = Color32::WHITE;
        // Keyboard focus must be easy to see.
        style.visuals.selection.stroke = Stroke::new(3.0, Color32::from_rgb(0x00, 0x3d, 0x99));
        style.visuals.widgets.hovered.fg_stroke = Stroke::new(2.0, INK);
        style.visuals.widgets.inactive.fg_stroke = Stroke::new(1.5, INK);
        style.visuals.widgets.inactive.bg_stroke = Stroke::new(1.0, INK_SOFT);
        // Idle means idle: a blinking text cursor would repaint twice a second while a field
        // (the password, the card expiry) has the focus.
        style.visuals.text_cursor.blink = false;
        style.spacing.item_spacing = egui::vec2(10.0, 8.0);
        style.spacing.button_padding = egui::vec2(10.0, 5.0);
        style.spacing.icon_width = 22.0;
        style.spacing.icon_width_inner = 12.0;
    });
}

/// The whole window.
pub(super) fn show(app: &mut App, ui: &mut Ui) {
    let lang = app.settings.lang;
    egui::Panel::top("top").show(ui, |ui| top_bar(app, ui));
    egui::Panel::bottom("bottom").show(ui, |ui| bottom_bar(app, ui, lang));
    egui::CentralPanel::default().show(ui, |ui| {
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Wrap);
                ui.add_space(8.0);
                body(app, ui, lang);
            });
    });
    if app.sign_dialog().is_some() {
        sign_dialog(app, ui, lang);
    }
}

pub(super) fn scale(app: &App) -> f32 {
    if app.settings.counter_mode { 1.4 } else { 1.0 }
}

fn top_bar(app: &mut App, ui: &mut Ui) {
    let lang = app.settings.lang;
    ui.add_space(4.0);
    ui.horizontal_wrapped(|ui| {
        ui.label(
            RichText::new(Phrase::WindowTitle.text(lang))
                .heading()
                .strong(),
        );
        if let Some(demo) = app.demo() {
            let scenario = demo.scenario;
            egui::Frame::new()
                .fill(Color32::from_rgb(0xff, 0xe0, 0x66))
                .stroke(Stroke::new(2.0, INK))
                .corner_radius(CornerRadius::same(4))
                .inner_margin(egui::Margin::symmetric(8, 2))
                .show(ui, |ui| {
                    ui.label(RichText::new(Phrase::DemoBadge.text(lang)).strong());
                });
            ui.label(window::demo_scenario(&scenario.to_string(), lang))
                .on_hover_text(scenario.description());
            let on_reader = app.readers.iter().any(|r| r.has_card);
            if on_reader {
                if ui.button(Phrase::TakeTheCardOff.text(lang)).clicked() {
                    demo.remove_card();
                }
            } else if ui.button(Phrase::PlaceTheCard.text(lang)).clicked() {
                demo.place_card();
            }
        }
    });
    ui.horizontal_wrapped(|ui| {
        let mut new_lang = lang;
        ui.selectable_value(&mut new_lang, Lang::Ja, messages::language_name(Lang::Ja));
        ui.selectable_value(&mut new_lang, Lang::En, "English");
        app.settings.lang = new_lang;
        ui.separator();
        let mut counter = app.settings.counter_mode;
        if ui
            .checkbox(&mut counter, Phrase::CounterMode.text(lang))
            .on_hover_text(Phrase::CounterModeHint.text(lang))
            .changed()
        {
            app.set_counter_mode(counter);
        }
        if app.settings.counter_mode && ui.button(Phrase::FullScreen.text(lang)).clicked() {
            app.toggle_fullscreen(ui.ctx());
        }
        if app.readers.len() > 1 {
            ui.separator();
            ui.label(format!(
                "{}{}",
                Phrase::Reader.text(lang),
                messages::colon(lang).trim_end()
            ));
            let any = Phrase::AnyReader.text(lang);
            let mut picked = app.picked_reader.clone();
            egui::ComboBox::from_id_salt("reader-picker")
                .selected_text(picked.clone().unwrap_or_else(|| any.to_owned()))
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut picked, None, any);
                    for r in &app.readers {
                        let label = if r.has_card {
                            format!("{} ●", r.name)
                        } else {
                            r.name.clone()
                        };
                        ui.selectable_value(&mut picked, Some(r.name.clone()), label);
                    }
                });
            app.pick_reader(picked);
        }
    });
    ui.add_space(4.0);
}

fn bottom_bar(app: &mut App, ui: &mut Ui, lang: Lang) {
    ui.horizontal_wrapped(|ui| {
        if app.settings.counter_mode {
            ui.label(
                RichText::new(window::cards_read(app.cards_read, lang))
                    .size(22.0)
                    .strong(),
            );
            if app.cards_read > 0 && ui.small_button(Phrase::ResetCount.text(lang)).clicked() {
                app.reset_count();
            }
            ui.separator();
        }
        match app.readers.len() {
            0 => {}
            1 => {
                if let Some(r) = app.readers.first() {
                    ui.label(messages::labelled(Phrase::Reader.text(lang), &r.name, lang));
                }
            }
            n => {
                ui.label(window::readers_count(n, lang));
            }
        }
    });
}

fn big_message(ui: &mut Ui, s: f32, title: &str, detail: Option<&str>) {
    help_screen(ui, s, None, title, detail.as_slice());
}

/// A screen with nothing to read: a picture (drawn in code), a large title, and the sentences
/// that say what to do.
fn help_screen(ui: &mut Ui, s: f32, pic: Option<(Picture, Lang)>, title: &str, details: &[&str]) {
    ui.vertical_centered(|ui| {
        ui.add_space(if pic.is_some() { 16.0 } else { 40.0 } * s);
        if let Some((p, lang)) = pic {
            picture(ui, p, lang, s);
            ui.add_space(10.0 * s);
        }
        ui.label(RichText::new(title).size(34.0 * s).strong());
    });
    let width = (ui.available_width() - 40.0).clamp(200.0, 760.0 * s);
    let margin = ((ui.available_width() - width) / 2.0).max(0.0);
    for d in details {
        ui.add_space(14.0);
        ui.horizontal(|ui| {
            ui.add_space(margin);
            ui.vertical(|ui| {
                ui.set_max_width(width);
                ui.label(RichText::new(*d).size(20.0 * s));
            });
        });
    }
}

fn body(app: &mut App, ui: &mut Ui, lang: Lang) {
    let s = scale(app);
    if app.service_down {
        help_screen(
            ui,
            s,
            Some((Picture::ServiceStopped, lang)),
            Phrase::ServiceDown.text(lang),
            &[&messages::read_error(
                &ReadError::ServiceUnavailable,
                lang,
                Surface::Window,
            )],
        );
        return;
    }
    match app.card.clone() {
        Some(CardView::Reading { early, .. }) => {
            ui.vertical_centered(|ui| {
                ui.add_space(40.0 * s);
                ui.add(egui::Spinner::new().size(48.0 * s));
                ui.label(
                    RichText::new(Phrase::ReadingHoldStill.text(lang))
                        .size(30.0 * s)
                        .strong(),
                );
                // The date first: read from the certificate's first bytes, not yet checked.
                if let Some(d) = early {
                    ui.add_space(16.0 * s);
                    ui.label(RichText::new(Phrase::EarlyDateChecking.text(lang)).size(20.0 * s));
                    ui.label(
                        RichText::new(messages::date_with_wareki(d, lang))
                            .size(34.0 * s)
                            .strong(),
                    );
                }
            });
        }
        Some(CardView::Failed { error, removed, .. }) => {
            if removed {
                removed_note(ui, lang);
            }
            let pic =
                matches!(error, ReadError::NotMyNumberCard).then_some((Picture::NotMnc, lang));
            help_screen(
                ui,
                s,
                pic,
                Phrase::ReadFailed.text(lang),
                &[&messages::read_error(&error, lang, Surface::Window)],
            );
        }
        Some(CardView::Report {
            report, removed, ..
        }) => {
            if removed {
                removed_note(ui, lang);
            }
            answer(app, ui, lang, &report);
        }
        None if app.starting => {
            big_message(ui, s, Phrase::Starting.text(lang), None);
        }
        None if app.readers.is_empty() && app.unsupported_reader => {
            help_screen(
                ui,
                s,
                Some((Picture::WrongReader, lang)),
                Phrase::Rcs380Title.text(lang),
                &[Phrase::Rcs380Detail.text(lang)],
            );
        }
        None if app.readers.is_empty() => {
            help_screen(
                ui,
                s,
                Some((Picture::ReaderUnplugged, lang)),
                Phrase::ConnectReader.text(lang),
                &[&messages::read_error(
                    &ReadError::NoReader,
                    lang,
                    Surface::Window,
                )],
            );
        }
        None => {
            help_screen(
                ui,
                s,
                Some((Picture::CardOnReader, lang)),
                Phrase::PlaceCardOnReader.text(lang),
                &[
                    Phrase::ReadAutomatically.text(lang),
                    Phrase::ReadersThatWork.text(lang),
                ],
            );
        }
    }
}

fn removed_note(ui: &mut Ui, lang: Lang) {
    egui::Frame::new()
        .stroke(Stroke::new(2.0, INK_SOFT))
        .corner_radius(CornerRadius::same(4))
        .inner_margin(egui::Margin::symmetric(10, 6))
        .show(ui, |ui| {
            ui.label(RichText::new(Phrase::CardRemovedNote.text(lang)).strong());
        });
    ui.add_space(6.0);
}
