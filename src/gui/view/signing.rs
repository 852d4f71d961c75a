//! The signing certificate's part of the window: its state, the password dialog (tries left
//! first, masked entry, format check, last-try confirmation) and the holder's details behind a
//! reveal.

use eframe::egui::{self, RichText, Stroke, Ui};

use super::{ALERT, INK, INK_SOFT};
use crate::gui::App;
use crate::messages::window::{self, Phrase};
use crate::messages::{self, Lang, Surface};
use crate::reading::{SignError, is_locked, needs_last_try_confirmation};
use crate::report::{self, CardReport, CertSlot, PinReport};
use crate::rules::Item;
use crate::secret::SigningPassword;

pub(super) fn sign_state(app: &mut App, ui: &mut Ui, lang: Lang, report: &CardReport, s: f32) {
    match &report.sign {
        CertSlot::Read(c) => {
            ui.label(
                RichText::new(format!(
                    "{} — {}",
                    messages::date_with_wareki(c.expiry, lang),
                    messages::status(c, lang)
                ))
                .size(19.0 * s),
            );
            for comparison in report::compare(report) {
                ui.label(format!(
                    "{}{}",
                    messages::BULLET,
                    messages::comparison(&comparison, lang)
                ));
            }
            ui.label(
                RichText::new(messages::state_cleared(lang))
                    .small()
                    .color(INK_SOFT),
            );
            personal_reveal(app, ui, lang);
        }
        CertSlot::NotRead(n) => {
            ui.label(
                RichText::new(messages::not_read(n, Item::Sign, lang, Surface::Window))
                    .size(19.0 * s),
            );
            if let Some(e) = app.sign_error() {
                sign_error_box(ui, lang, e, s);
            }
            if app.signing_in_progress() {
                ui.horizontal(|ui| {
                    ui.add(egui::Spinner::new().size(24.0 * s));
                    ui.label(
                        RichText::new(Phrase::ReadingSigning.text(lang))
                            .size(19.0 * s)
                            .strong(),
                    );
                });
            } else if app.can_read_signing()
                && ui
                    .button(RichText::new(Phrase::ReadSigningButton.text(lang)).size(19.0 * s))
                    .clicked()
            {
                app.open_sign_dialog();
            }
        }
    }
}

fn sign_error_box(ui: &mut Ui, lang: Lang, e: &SignError, s: f32) {
    egui::Frame::new()
        .stroke(Stroke::new(3.0, ALERT))
        .inner_margin(egui::Margin::symmetric(12, 8))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(
                RichText::new(format!(
                    "！ {}",
                    messages::sign_error(e, lang, Surface::Window)
                ))
                .size(19.0 * s)
                .strong()
                .color(ALERT),
            );
        });
}

/// The holder's details, behind an explicit button; never in counter mode.
fn personal_reveal(app: &mut App, ui: &mut Ui, lang: Lang) {
    if app.settings.counter_mode || app.personal().is_none() {
        return;
    }
    ui.add_space(6.0);
    let label = if app.personal_shown() {
        Phrase::HideTheHolderS.text(lang)
    } else {
        Phrase::ShowTheHolderS.text(lang)
    };
    if ui
        .button(label)
        .on_hover_text(Phrase::PersonalRevealHint.text(lang))
        .clicked()
    {
        app.toggle_personal();
    }
    if app.personal_shown()
        && let Some(p) = app.personal()
    {
        egui::Frame::new()
            .stroke(Stroke::new(2.0, INK_SOFT))
            .inner_margin(egui::Margin::symmetric(12, 8))
            .show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.label(
                    RichText::new(Phrase::PersonalHeading.text(lang))
                        .small()
                        .color(INK_SOFT),
                );
                for line in messages::personal_lines(p, lang) {
                    ui.label(RichText::new(line).size(20.0));
                }
            });
    }
}

/// The signing-password dialog: the tries left first, then (unless locked) the masked entry
/// with its format check, the last-try confirmation when asked for, and OK / Cancel.
pub(super) fn sign_dialog(app: &mut App, ui: &mut Ui, lang: Lang) {
    let ctx = ui.ctx().clone();
    let pin: Option<PinReport> = app.sign_pin();
    let locked = is_locked(pin.as_ref());
    let confirm_needed = needs_last_try_confirmation(pin.as_ref());
    let unknown = pin.and_then(|p| p.tries_left).is_none();
    let mut submit = false;
    let mut cancel = false;
    let mut field_id = None;
    let frame = egui::Frame::popup(&ctx.global_style())
        .inner_margin(egui::Margin::same(20))
        .stroke(Stroke::new(2.0, INK));
    let modal = egui::Modal::new(egui::Id::unique("sign-password-dialog"))
        .frame(frame)
        .show(&ctx, |ui| {
            ui.set_max_width(620.0);
            ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Wrap);
            ui.label(
                RichText::new(Phrase::SignDialogTitle.text(lang))
                    .size(24.0)
                    .strong(),
            );
            ui.add_space(6.0);
            // The tries left come first, before any entry.
            let tries = messages::tries_before_asking(pin.as_ref(), lang);
            ui.label(
                RichText::new(tries)
                    .size(21.0)
                    .strong()
                    .color(if locked || confirm_needed { ALERT } else { INK }),
            );
            if locked {
                ui.add_space(6.0);
                ui.label(RichText::new(Phrase::SignLockedNoEntry.text(lang)).size(19.0));
                ui.add_space(10.0);
                if ui.button(Phrase::Close.text(lang)).clicked() {
                    cancel = true;
                }
                return;
            }
            if unknown {
                ui.label(Phrase::SignTriesUnknown.text(lang));
            }
            ui.add_space(8.0);
            let Some(dialog) = app.sign_dialog_mut() else {
                return;
            };
            let label = ui.label(Phrase::PasswordFieldLabel.text(lang));
            let mut output = egui::TextEdit::singleline(&mut *dialog.password)
                .password(true)
                .char_limit(crate::gui::state::PASSWORD_FIELD_LIMIT)
                .desired_width(320.0)
                .show(ui);
            // No undo history of a password is kept.
            output.state.clear_undoer();
            let field = output.response.response.labelled_by(label.id);
            output.state.store(ui.ctx(), field.id);
            field_id = Some(field.id);
            if !dialog.focus_requested {
                dialog.focus_requested = true;
                field.request_focus();
            }
            let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            let parsed = SigningPassword::parse(&dialog.password).map(|_| ());
            match (&parsed, dialog.password.is_empty()) {
                (_, true) => {
                    ui.label(
                        RichText::new(Phrase::LowerCaseNote.text(lang))
                            .small()
                            .color(INK_SOFT),
                    );
                }
                (Err(e), false) => {
                    ui.label(
                        RichText::new(window::format_hint(e, lang))
                            .color(ALERT)
                            .strong(),
                    );
                }
                (Ok(()), false) => {
                    ui.label(
                        RichText::new(Phrase::FormatOk.text(lang))
                            .small()
                            .color(INK_SOFT),
                    );
                }
            }
            if confirm_needed {
                ui.add_space(6.0);
                ui.label(
                    RichText::new(Phrase::LastTryWarning.text(lang))
                        .color(ALERT)
                        .strong(),
                );
                let text = if unknown {
                    Phrase::ConfirmMaybeLastTry.text(lang)
                } else {
                    Phrase::ConfirmLastTry.text(lang)
                };
                ui.checkbox(&mut dialog.confirm_last_try, text);
            }
            let ready = parsed.is_ok() && (!confirm_needed || dialog.confirm_last_try);
            ui.add_space(10.0);
            ui.horizontal(|ui| {
                let ok = ui.add_enabled(
                    ready,
                    egui::Button::new(RichText::new(Phrase::SendAndRead.text(lang)).strong()),
                );
                if ok.clicked() || (enter && ready) {
                    submit = true;
                } else if enter {
                    // Enter on a password that cannot be sent yet: keep typing where it was.
                    field.request_focus();
                }
                if ui.button(Phrase::Cancel.text(lang)).clicked() {
                    cancel = true;
                }
            });
        });
    if field_id.is_some() {
        app.sign_field_id = field_id;
    }
    if submit {
        app.submit_sign_dialog();
    } else if cancel || modal.should_close() {
        app.cancel_sign_dialog();
    }
}
