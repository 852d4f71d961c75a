//! The reminder block under the answer: the phone reminder's QR code, a button that saves the
//! same calendar file as `read --ics`, and one that opens the counter slip to print.

use eframe::egui::{self, RichText, Ui};

use super::{ALERT, INK_SOFT};
use crate::gui::App;
use crate::gui::files::{FileJob, FileNote};
use crate::messages::Lang;
use crate::messages::window::{self, Phrase};
use crate::report::CardReport;

/// The QR code's texture for `report`, drawn once per card (one texel a module).
fn qr_texture(
    app: &mut App,
    ui: &Ui,
    report: &CardReport,
    lang: Lang,
) -> Option<egui::TextureHandle> {
    let text = crate::reminder::vevent(report, lang).ok()?;
    if let Some((key, tex)) = &app.qr
        && *key == text
    {
        return Some(tex.clone());
    }
    let code = crate::reminder::code(report, lang).ok()?;
    let (side, cells) = crate::reminder::modules(&code);
    let pixels: Vec<egui::Color32> = cells
        .iter()
        .map(|&d| {
            if d {
                egui::Color32::BLACK
            } else {
                egui::Color32::WHITE
            }
        })
        .collect();
    let image = egui::ColorImage::new([side, side], pixels);
    let tex = ui
        .ctx()
        .load_texture("phone-reminder", image, egui::TextureOptions::NEAREST);
    app.qr = Some((text, tex.clone()));
    Some(tex)
}

/// The block: QR on the left, what it does and the two buttons beside it.
pub(super) fn reminder(app: &mut App, ui: &mut Ui, lang: Lang, report: &CardReport, s: f32) {
    let Some(tex) = qr_texture(app, ui, report, lang) else {
        return;
    };
    super::answer::section(ui, Phrase::ReminderHeading.text(lang), s);
    let side = 170.0 * s;
    let qr = |ui: &mut Ui| {
        ui.add(
            egui::Image::new((tex.id(), egui::vec2(side, side)))
                .alt_text(Phrase::ReminderQrAlt.text(lang)),
        );
    };
    // The words and buttons beside the code when there is room (a wide column), else under it.
    if ui.available_width() >= side + 300.0 * s {
        ui.horizontal(|ui| {
            qr(ui);
            ui.vertical(|ui| {
                ui.set_max_width(ui.available_width().min(420.0 * s));
                caption_and_buttons(app, ui, lang, s);
            });
        });
    } else {
        qr(ui);
        caption_and_buttons(app, ui, lang, s);
    }
}

fn caption_and_buttons(app: &mut App, ui: &mut Ui, lang: Lang, s: f32) {
    ui.label(RichText::new(Phrase::ReminderCaption.text(lang)).size(17.0 * s));
    ui.add_space(6.0);
    if ui.button(Phrase::SaveCalendar.text(lang)).clicked() {
        app.save_file(FileJob::Calendar);
    }
    if ui
        .button(RichText::new(Phrase::PrintSlip.text(lang)).strong())
        .clicked()
    {
        app.save_file(FileJob::Slip);
    }
    match app.file_note() {
        Some(FileNote::Saved { job, path }) => {
            ui.label(
                RichText::new(window::file_saved(job == FileJob::Slip, &path, lang))
                    .color(INK_SOFT),
            );
        }
        Some(FileNote::Failed { reason, .. }) => {
            ui.label(
                RichText::new(window::file_failed(&reason, lang))
                    .color(ALERT)
                    .strong(),
            );
        }
        None => {}
    }
}
