//! Counter mode's answer, readable from two metres: one huge status word and date across the
//! window, the 和暦 and days left under them, then the first renewal day and the card's own
//! expiry. Nothing personal; cleared when the card leaves (`state.rs`).

use eframe::egui::{RichText, Ui};

use super::answer::{announce, cert_frame, chip, date_row, spoken};
use crate::gui::App;
use crate::messages::window::Phrase;
use crate::messages::{self, Lang, Surface, Text};
use crate::report::{CardReport, CertSlot};
use crate::rules::{self, Item};

/// How much larger than resident mode's the status word and the date are.
const HUGE: f32 = 1.9;

pub(super) fn big_answer(app: &mut App, ui: &mut Ui, lang: Lang, report: &CardReport) {
    let s = super::scale(app);
    let c = match &report.auth {
        CertSlot::Read(c) => c,
        CertSlot::NotRead(n) => {
            ui.label(
                RichText::new(messages::not_read(n, Item::Auth, lang, Surface::Window))
                    .size(40.0)
                    .strong(),
            );
            return;
        }
    };
    let rect = cert_frame(ui, |ui| {
        ui.label(RichText::new(Phrase::AuthExpiresHeading.text(lang)).size(26.0));
        ui.horizontal_wrapped(|ui| {
            chip(ui, c, lang, HUGE, true);
        });
        ui.label(
            RichText::new(messages::date(c.expiry, lang))
                .size(52.0 * HUGE)
                .strong(),
        );
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(rules::wareki(c.expiry)).size(40.0));
            ui.add_space(16.0);
            ui.label(
                RichText::new(messages::days_left(c.days_left, lang))
                    .size(40.0)
                    .strong(),
            );
        });
        date_row(
            ui,
            lang,
            s,
            Phrase::FirstDayToRenew.text(lang),
            Some(c.renewal_from),
        );
        date_row(
            ui,
            lang,
            s,
            Text::CardOwnExpiry.text(lang),
            report.card.expiry,
        );
    });
    announce(app, ui, rect, &spoken(report, c, lang));
}
