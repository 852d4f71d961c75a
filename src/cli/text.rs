//! The report as the command line's text, in Japanese or English. It leads with the answer:
//! the date to write in the card face's blank 「電子証明書の有効期限」 field. Every phrase comes
//! from [`crate::messages`].

use std::fmt::Write as _;

use crate::messages::{self, Lang, Surface, Text, words};
use crate::report::{self, CardReport, CertReport, CertSlot};
use crate::rules::Item;

/// The whole report as text.
pub fn render(report: &CardReport, lang: Lang) -> String {
    let mut s = String::new();

    // The answer first.
    match &report.auth {
        CertSlot::Read(auth) => {
            let _ = writeln!(s, "{}", Text::DateForTheCardFace.text(lang));
            let _ = writeln!(s, "    {}", messages::date_with_wareki(auth.expiry, lang));
            let note = format!(
                "{}{}{}",
                Text::AuthExpiryNote.text(lang),
                Text::Comma.text(lang),
                messages::days_left(auth.days_left, lang)
            );
            let _ = writeln!(s, "    {}", messages::aside(&note, lang).trim_start());
        }
        CertSlot::NotRead(n) => {
            let _ = writeln!(
                s,
                "{}",
                messages::labelled(
                    Text::AuthCertificate.text(lang),
                    &messages::not_read(n, Item::Auth, lang, Surface::CommandLine),
                    lang
                )
            );
        }
    }
    s.push('\n');

    for (item, slot) in [(Item::Auth, &report.auth), (Item::Sign, &report.sign)] {
        let _ = writeln!(
            s,
            "■ {}{}",
            messages::capitalise(messages::item_name(item, lang)),
            messages::aside(messages::item_use(item, lang), lang)
        );
        match slot {
            CertSlot::Read(c) => cert_block(&mut s, c, lang),
            CertSlot::NotRead(n) => {
                let _ = writeln!(
                    s,
                    "    {}",
                    messages::not_read(n, item, lang, Surface::CommandLine)
                );
            }
        }
    }

    s.push_str(&render_sign_extra(report, lang));

    let _ = writeln!(s, "■ {}", Text::CardOwnExpiry.text(lang));
    match (report.card.expiry, report.card.expiry_source) {
        (Some(d), source) => {
            let src = messages::expiry_source(source, lang);
            let left = (d - report.today).num_days();
            let _ = writeln!(
                s,
                "    {} — {}{}",
                messages::date_with_wareki(d, lang),
                messages::days_left(left, lang),
                messages::aside(src, lang)
            );
        }
        (None, _) => {
            let _ = writeln!(s, "    {}", Text::CardExpiryUnknownCli.text(lang));
        }
    }
    let _ = writeln!(s, "    {}", messages::card_kind(report.card.kind, lang));

    let explanation = &report.advice;
    if let Some(first) = explanation.first_expiry
        && !explanation.first_to_expire.is_empty()
    {
        let names: Vec<&str> = explanation
            .first_to_expire
            .iter()
            .map(|i| messages::item_name(*i, lang))
            .collect();
        let _ = writeln!(s, "■ {}", Text::ExpiresFirst.text(lang));
        let _ = writeln!(
            s,
            "    {} — {}",
            names.join(Text::ListSeparator.text(lang)),
            messages::date(first, lang)
        );
    }
    if !explanation.findings.is_empty() {
        let _ = writeln!(s, "■ {}", Text::WhatToDo.text(lang));
        for f in &explanation.findings {
            let _ = writeln!(s, "    - {}", messages::finding(f, lang));
        }
    }

    if !report.pins.is_empty() {
        let _ = writeln!(s, "■ {}", Text::PinTriesHeading.text(lang));
        for (key, p) in &report.pins {
            let _ = writeln!(
                s,
                "    {}",
                messages::labelled(
                    messages::pin_name(*key, lang),
                    &messages::pin(p, lang),
                    lang
                )
            );
        }
    }

    if !report.warnings.is_empty() {
        let _ = writeln!(s, "■ {}", Text::Warnings.text(lang));
        for w in &report.warnings {
            let _ = writeln!(
                s,
                "    ! {}",
                messages::warning(*w, lang, Surface::CommandLine)
            );
        }
    }

    let _ = writeln!(
        s,
        "\n{}",
        words::footer(
            &report.reader,
            &messages::date(report.today, lang),
            report.apdus,
            lang
        )
    );
    s
}

fn cert_block(s: &mut String, c: &CertReport, lang: Lang) {
    let rows: Vec<(&str, String)> = vec![
        (
            Text::Expires.text(lang),
            format!(
                "{} — {}",
                words::until_end_of(c.expiry, lang),
                messages::days_left(c.days_left, lang)
            ),
        ),
        (Text::Status.text(lang), messages::status(c, lang)),
        (
            Text::RenewalFrom.text(lang),
            messages::date(c.renewal_from, lang),
        ),
        (
            Text::ValidFrom.text(lang),
            messages::date(c.not_before.date_naive(), lang),
        ),
        (
            Text::Genuine.text(lang),
            messages::genuine(c.genuine, lang).to_owned(),
        ),
    ];
    for (k, v) in rows {
        let _ = writeln!(s, "    {}", messages::labelled(k, &v, lang));
    }
    if let Some(g) = c.insurance_grace_until {
        let _ = writeln!(
            s,
            "    {}",
            messages::labelled(
                Text::HealthInsuranceGrace.text(lang),
                &words::grace_after_expiry(g, lang),
                lang
            )
        );
    }
}

/// The signing certificate's extra text: the comparison with the other dates, and the personal
/// data when it was asked for. Empty when the signing certificate was not read.
pub fn render_sign_extra(report: &CardReport, lang: Lang) -> String {
    let CertSlot::Read(sign) = &report.sign else {
        return String::new();
    };
    let mut s = String::new();
    s.push_str(Text::SignBesideHeading.text(lang));
    for c in report::compare(report) {
        s.push_str("    - ");
        s.push_str(&messages::comparison(&c, lang));
        s.push('\n');
    }
    if let Some(p) = &sign.personal {
        s.push_str(Text::PersonalHeading.text(lang));
        for line in messages::personal_lines(p, lang) {
            s.push_str("    ");
            s.push_str(&line);
            s.push('\n');
        }
    }
    s
}
