//! Drawing the window from the [`App`] state: the answer first and large, then the details.
//! Status is shown by text, an icon and a shape, never by colour alone.

use chrono::NaiveDate;
use eframe::egui::{self, Color32, CornerRadius, RichText, Stroke, Ui};

use super::{App, CardView};
use crate::card::PinState;
use crate::report::text;
use crate::report::{CardReport, CertReport, CertSlot, ExpirySource, Lang, NotRead, ReadError};
use crate::rules::{self, Item, Status};

/// Text colour: near black on white, for contrast.
const INK: Color32 = Color32::from_rgb(0x11, 0x11, 0x11);
/// Secondary text, still above 7:1 on white.
const INK_SOFT: Color32 = Color32::from_rgb(0x3a, 0x3a, 0x3a);
/// Warnings: a dark vermilion that reads as "alert" without relying on red/green.
const ALERT: Color32 = Color32::from_rgb(0xa3, 0x1d, 0x00);

fn tr(lang: Lang, ja: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Ja => ja,
        Lang::En => en,
    }
}

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
}

fn scale(app: &App) -> f32 {
    if app.settings.counter_mode { 1.4 } else { 1.0 }
}

fn top_bar(app: &mut App, ui: &mut Ui) {
    let lang = app.settings.lang;
    ui.add_space(4.0);
    ui.horizontal_wrapped(|ui| {
        ui.label(
            RichText::new(tr(
                lang,
                "マイナンバーカード 電子証明書の有効期限",
                "My Number Card: certificate expiry",
            ))
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
                    ui.label(RichText::new("デモ").strong());
                });
            ui.label(match lang {
                Lang::Ja => format!("模擬カード: {scenario}"),
                Lang::En => format!("demo, simulated card: {scenario}"),
            })
            .on_hover_text(scenario.description());
            let on_reader = app.readers.iter().any(|r| r.has_card);
            if on_reader {
                if ui
                    .button(tr(lang, "カードを取る", "Take the card off"))
                    .clicked()
                {
                    demo.remove_card();
                }
            } else if ui
                .button(tr(lang, "カードを置く", "Place the card"))
                .clicked()
            {
                demo.place_card();
            }
        }
    });
    ui.horizontal_wrapped(|ui| {
        let mut new_lang = lang;
        ui.selectable_value(&mut new_lang, Lang::Ja, "日本語");
        ui.selectable_value(&mut new_lang, Lang::En, "English");
        app.settings.lang = new_lang;
        ui.separator();
        let mut counter = app.settings.counter_mode;
        if ui
            .checkbox(&mut counter, tr(lang, "窓口モード", "Counter mode"))
            .on_hover_text(tr(
                lang,
                "大きな文字。カードを離すと画面を消去し、個人の情報は表示しません。",
                "Larger text; the screen clears when the card leaves; nothing personal is shown.",
            ))
            .changed()
        {
            app.set_counter_mode(counter);
        }
        if app.readers.len() > 1 {
            ui.separator();
            ui.label(tr(lang, "リーダー:", "Reader:"));
            let any = tr(lang, "どのリーダーでも", "Any reader");
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

fn bottom_bar(app: &App, ui: &mut Ui, lang: Lang) {
    ui.horizontal_wrapped(|ui| {
        if app.settings.counter_mode {
            ui.label(
                RichText::new(match lang {
                    Lang::Ja => format!("この起動で読み取ったカード: {}枚", app.cards_read),
                    Lang::En => format!("Cards read this session: {}", app.cards_read),
                })
                .size(22.0)
                .strong(),
            );
            ui.separator();
        }
        match app.readers.len() {
            0 => {}
            1 => {
                if let Some(r) = app.readers.first() {
                    ui.label(format!("{} {}", tr(lang, "リーダー:", "Reader:"), r.name));
                }
            }
            n => {
                ui.label(match lang {
                    Lang::Ja => format!("リーダー {n}台"),
                    Lang::En => format!("{n} readers"),
                });
            }
        }
    });
}

fn big_message(ui: &mut Ui, s: f32, title: &str, detail: Option<&str>) {
    ui.vertical_centered(|ui| {
        ui.add_space(40.0 * s);
        ui.label(RichText::new(title).size(34.0 * s).strong());
    });
    if let Some(d) = detail {
        ui.add_space(14.0);
        let width = (ui.available_width() - 40.0).clamp(200.0, 760.0 * s);
        let margin = ((ui.available_width() - width) / 2.0).max(0.0);
        ui.horizontal(|ui| {
            ui.add_space(margin);
            ui.vertical(|ui| {
                ui.set_max_width(width);
                ui.label(RichText::new(d).size(20.0 * s));
            });
        });
    }
}

fn body(app: &mut App, ui: &mut Ui, lang: Lang) {
    let s = scale(app);
    if app.service_down {
        big_message(
            ui,
            s,
            tr(
                lang,
                "！ カードリーダーのサービスが動いていません",
                "! The smart card service is not running",
            ),
            Some(&ReadError::ServiceUnavailable.message(lang)),
        );
        return;
    }
    match app.card.clone() {
        Some(CardView::Reading { .. }) => {
            ui.vertical_centered(|ui| {
                ui.add_space(40.0 * s);
                ui.add(egui::Spinner::new().size(48.0 * s));
                ui.label(
                    RichText::new(tr(
                        lang,
                        "読み取り中です。カードを動かさないでください。",
                        "Reading. Hold the card still.",
                    ))
                    .size(30.0 * s)
                    .strong(),
                );
            });
        }
        Some(CardView::Failed { error, removed, .. }) => {
            if removed {
                removed_note(ui, lang);
            }
            big_message(
                ui,
                s,
                tr(
                    lang,
                    "！ 読み取れませんでした",
                    "! The card could not be read",
                ),
                Some(&error.message(lang)),
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
            big_message(ui, s, tr(lang, "準備しています…", "Starting…"), None);
        }
        None if app.readers.is_empty() => {
            big_message(
                ui,
                s,
                tr(
                    lang,
                    "カードリーダーを接続してください",
                    "Connect a card reader",
                ),
                Some(&ReadError::NoReader.message(lang)),
            );
        }
        None => {
            big_message(
                ui,
                s,
                tr(
                    lang,
                    "カードをリーダーに置いてください",
                    "Place the card on the reader",
                ),
                Some(tr(
                    lang,
                    "置くと自動で読み取ります。暗証番号は要りません。",
                    "It is read automatically. No PIN is needed.",
                )),
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
            ui.label(
                RichText::new(tr(
                    lang,
                    "カードは取り外されました (最後に読み取った結果を表示しています)",
                    "Card removed (showing the last result)",
                ))
                .strong(),
            );
        });
    ui.add_space(6.0);
}

/// The status chip: icon, words and shape differ per status, and the colours stay apart for
/// colour-blind readers (blue / yellow / dark vermilion, with different lightness).
fn chip(ui: &mut Ui, cert: &CertReport, lang: Lang, s: f32) {
    let (icon, words, fill, ink, radius, border) = match cert.status {
        Status::Valid => (
            "○",
            match lang {
                Lang::Ja => "有効".to_owned(),
                Lang::En => "Valid".to_owned(),
            },
            Color32::from_rgb(0x0b, 0x4f, 0xa8),
            Color32::WHITE,
            255u8,
            1.0,
        ),
        Status::Renewable => (
            "△",
            match lang {
                Lang::Ja => format!("更新できます ({}から)", text::date(cert.renewal_from, lang)),
                Lang::En => format!(
                    "Renewal possible (from {})",
                    text::date(cert.renewal_from, lang)
                ),
            },
            Color32::from_rgb(0xff, 0xd2, 0x3f),
            INK,
            8,
            3.0,
        ),
        Status::Expired => (
            "×",
            tr(lang, "期限切れ", "Expired").to_owned(),
            ALERT,
            Color32::WHITE,
            0,
            4.0,
        ),
        Status::NotYetValid => (
            "－",
            tr(lang, "有効期間前", "Not yet valid").to_owned(),
            Color32::from_gray(0xdd),
            INK,
            0,
            1.0,
        ),
    };
    egui::Frame::new()
        .fill(fill)
        .stroke(Stroke::new(border, INK))
        .corner_radius(CornerRadius::same(radius))
        .inner_margin(egui::Margin::symmetric(14, 6))
        .show(ui, |ui| {
            ui.label(
                RichText::new(format!("{icon} {words}"))
                    .size(24.0 * s)
                    .strong()
                    .color(ink),
            );
        });
}

fn section(ui: &mut Ui, title: &str, s: f32) {
    ui.add_space(12.0);
    ui.label(RichText::new(title).size(22.0 * s).strong());
    ui.separator();
}

fn answer(app: &mut App, ui: &mut Ui, lang: Lang, report: &CardReport) {
    let s = scale(app);
    let counter = app.settings.counter_mode;
    egui::Frame::new()
        .stroke(Stroke::new(2.0, INK))
        .corner_radius(CornerRadius::same(6))
        .inner_margin(egui::Margin::same(16))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(
                RichText::new(tr(
                    lang,
                    "利用者証明用電子証明書の有効期限",
                    "User-authentication certificate (利用者証明用電子証明書) expires",
                ))
                .size(24.0 * s)
                .strong(),
            );
            match &report.auth {
                CertSlot::Read(c) => {
                    ui.label(
                        RichText::new(text::date(c.expiry, lang))
                            .size(52.0 * s)
                            .strong(),
                    );
                    ui.label(RichText::new(rules::wareki(c.expiry)).size(32.0 * s));
                    ui.label(
                        RichText::new(tr(
                            lang,
                            "券面の「電子証明書の有効期限」欄に書く日付です (この日の23:59まで有効)。",
                            "This is the date for the card face's 「電子証明書の有効期限」 field (valid until 23:59 JST that day).",
                        ))
                        .size(19.0 * s),
                    );
                    ui.add_space(6.0);
                    ui.horizontal_wrapped(|ui| {
                        chip(ui, c, lang, s);
                        ui.label(
                            RichText::new(text::days_left(c.days_left, lang))
                                .size(28.0 * s)
                                .strong(),
                        );
                    });
                    ui.add_space(6.0);
                    let row = |ui: &mut Ui, label: &str, d: NaiveDate| {
                        ui.horizontal_wrapped(|ui| {
                            ui.label(RichText::new(format!("{label}:")).size(19.0 * s));
                            ui.label(
                                RichText::new(text::date_with_wareki(d, lang))
                                    .size(19.0 * s)
                                    .strong(),
                            );
                        });
                    };
                    row(
                        ui,
                        tr(lang, "更新できる最初の日", "First day to renew"),
                        c.renewal_from,
                    );
                    if let Some(g) = c.insurance_grace_until {
                        row(
                            ui,
                            tr(
                                lang,
                                "マイナ保険証として使える最後の日 (期限後の猶予)",
                                "Last day as a health-insurance card (grace after expiry)",
                            ),
                            g,
                        );
                    }
                }
                CertSlot::NotRead(n) => {
                    ui.label(RichText::new(not_read(n, Item::Auth, lang)).size(28.0 * s));
                }
            }
        });

    locked_warning(ui, lang, report, s);

    if !counter {
        side_by_side(app, ui, lang, report);
        what_to_do(ui, lang, report, s);
        section(
            ui,
            tr(
                lang,
                "署名用電子証明書",
                "Signing certificate (署名用電子証明書)",
            ),
            s,
        );
        sign_state(ui, lang, report);
    }

    section(
        ui,
        tr(
            lang,
            "暗証番号の残り回数 (回数は減らしていません)",
            "PIN tries left (none was spent)",
        ),
        s,
    );
    pins(ui, lang, report, s);

    section(ui, tr(lang, "本物かどうか", "Genuineness"), s);
    match &report.auth {
        CertSlot::Read(c) => {
            let alert = matches!(c.genuine, crate::cert::Genuineness::Failed);
            let t = RichText::new(text::genuine(c.genuine, lang)).size(19.0 * s);
            ui.label(if alert { t.color(ALERT).strong() } else { t });
        }
        CertSlot::NotRead(_) => {
            ui.label(tr(lang, "確認できません", "Not checked"));
        }
    }

    if !counter {
        let warnings: Vec<&String> = report
            .warnings
            .iter()
            // The typed-expiry field is on screen; the CLI's hint would point elsewhere.
            .filter(|w| w.as_str() != "card_expiry_unknown" && w.as_str() != "pin_locked")
            .collect();
        if !warnings.is_empty() {
            section(ui, tr(lang, "注意", "Notes"), s);
            for w in warnings {
                ui.label(format!("・{}", text::warning(w, lang)));
            }
        }
        ui.add_space(12.0);
        ui.label(
            RichText::new(match lang {
                Lang::Ja => format!(
                    "リーダー: {}   基準日: {}   {}",
                    report.reader,
                    text::date(report.today, lang),
                    text::card_kind(report.card.kind, lang)
                ),
                Lang::En => format!(
                    "Reader: {}   Today: {}   {}",
                    report.reader,
                    text::date(report.today, lang),
                    text::card_kind(report.card.kind, lang)
                ),
            })
            .small()
            .color(INK_SOFT),
        );
        ui.horizontal(|ui| {
            if ui
                .button(tr(lang, "もう一度読み取る", "Read again"))
                .clicked()
            {
                app.reread();
            }
        });
    }
}

fn not_read(n: &NotRead, item: Item, lang: Lang) -> String {
    match (n.present, n.reason.as_str()) {
        (Some(false), _) => match (item, lang) {
            (Item::Auth, Lang::Ja) => "このカードには利用者証明用電子証明書がありません".to_owned(),
            (Item::Auth, Lang::En) => {
                "There is no user-authentication certificate on this card".to_owned()
            }
            (_, Lang::Ja) => "ありません (発行されていないか、失効しています)".to_owned(),
            (_, Lang::En) => "None on the card (not issued, or revoked)".to_owned(),
        },
        (present, "password_required") => {
            let state = match (present, lang) {
                (Some(true), Lang::Ja) => "あり",
                (Some(true), Lang::En) => "Present",
                (_, Lang::Ja) => "有無は不明",
                (_, Lang::En) => "Presence unknown",
            };
            match lang {
                Lang::Ja => {
                    format!("{state} — 期限を見るには署名用パスワード (6〜16桁の英数字) が必要です")
                }
                Lang::En => format!(
                    "{state}; its dates need the signing password (6–16 letters and digits)"
                ),
            }
        }
        (_, reason) => match lang {
            Lang::Ja => format!("読み取れませんでした ({reason})"),
            Lang::En => format!("Could not be read ({reason})"),
        },
    }
}

fn short_status(status: Status, lang: Lang) -> &'static str {
    match status {
        Status::Valid => tr(lang, "有効", "valid"),
        Status::Renewable => tr(lang, "更新できます", "renewable now"),
        Status::Expired => tr(lang, "期限切れ", "expired"),
        Status::NotYetValid => tr(lang, "有効期間前", "not yet valid"),
    }
}

fn short_not_read(n: &NotRead, lang: Lang) -> &'static str {
    match (n.present, n.reason.as_str()) {
        (Some(false), _) => tr(lang, "なし", "none"),
        (Some(true), "password_required") => {
            tr(lang, "あり (期限は下を参照)", "present (see below)")
        }
        (_, "password_required") => tr(lang, "有無は不明", "presence unknown"),
        _ => tr(lang, "読み取れませんでした", "not read"),
    }
}

fn expiry_of(slot: &CertSlot) -> Option<NaiveDate> {
    match slot {
        CertSlot::Read(c) => Some(c.expiry),
        CertSlot::NotRead(_) => None,
    }
}

/// The card's own expiry beside the two certificates, with where each date came from.
fn side_by_side(app: &mut App, ui: &mut Ui, lang: Lang, report: &CardReport) {
    let s = scale(app);
    section(ui, tr(lang, "3つの有効期限", "The three expiry dates"), s);
    egui::Grid::new("side-by-side")
        .num_columns(3)
        .striped(true)
        .spacing([18.0, 8.0])
        .show(ui, |ui| {
            ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
            ui.label(RichText::new(text::item_name(Item::Card, lang)).strong());
            match report.card.expiry {
                Some(d) => {
                    ui.label(text::date_with_wareki(d, lang));
                    ui.label(match report.card.expiry_source {
                        Some(ExpirySource::Card) => {
                            tr(lang, "カードから読み取り", "read from the card")
                        }
                        _ => tr(lang, "券面の記載から入力", "typed from the card face"),
                    });
                }
                None => {
                    ui.label(tr(lang, "不明", "unknown"));
                    ui.label(tr(
                        lang,
                        "カードが答えませんでした (下で入力できます)",
                        "the card did not tell (type it below)",
                    ));
                }
            }
            ui.end_row();
            for (item, slot) in [(Item::Auth, &report.auth), (Item::Sign, &report.sign)] {
                ui.label(RichText::new(text::item_name(item, lang)).strong());
                match slot {
                    CertSlot::Read(c) => {
                        ui.label(text::date_with_wareki(c.expiry, lang));
                        ui.label(format!(
                            "{} / {}",
                            short_status(c.status, lang),
                            text::days_left(c.days_left, lang)
                        ));
                    }
                    CertSlot::NotRead(n) => {
                        ui.label("—");
                        ui.label(short_not_read(n, lang));
                    }
                }
                ui.end_row();
            }
        });

    if report.card.expiry_source != Some(ExpirySource::Card) {
        ui.add_space(6.0);
        ui.horizontal_wrapped(|ui| {
            let label = ui.label(tr(
                lang,
                "カード本体の有効期限 (券面の日付):",
                "The card's expiry (as printed on it):",
            ));
            let edit = ui
                .add(
                    egui::TextEdit::singleline(&mut app.card_expiry_input)
                        .hint_text("2034-06-15")
                        .desired_width(160.0),
                )
                .labelled_by(label.id);
            let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if ui.button(tr(lang, "反映", "Apply")).clicked() || enter {
                app.apply_card_expiry_input();
            }
            if app.card_expiry_typed.is_some()
                && ui.button(tr(lang, "入力を消す", "Clear")).clicked()
            {
                app.card_expiry_input.clear();
                app.card_expiry_invalid = false;
                app.set_card_expiry(None);
            }
        });
        ui.label(
            RichText::new(tr(
                lang,
                "カード表面の「YYYY年MM月DD日まで有効」の日付を入力してください。",
                "Type the date printed on the card face (\"…まで有効\").",
            ))
            .small(),
        );
        if app.card_expiry_invalid {
            ui.label(
                RichText::new(tr(
                    lang,
                    "日付の形で入力してください (例: 2034-06-15)",
                    "Type a date such as 2034-06-15",
                ))
                .color(ALERT)
                .strong(),
            );
        }
    }
}

fn what_to_do(ui: &mut Ui, lang: Lang, report: &CardReport, s: f32) {
    let explanation = rules::explain(
        report.card.expiry,
        expiry_of(&report.auth),
        expiry_of(&report.sign),
        report.today,
    );
    if let Some(first) = explanation.first_expiry
        && !explanation.first_to_expire.is_empty()
    {
        section(ui, tr(lang, "最初に期限が来るもの", "Expires first"), s);
        let names: Vec<&str> = explanation
            .first_to_expire
            .iter()
            .map(|i| text::item_name(*i, lang))
            .collect();
        ui.label(
            RichText::new(format!(
                "{} — {}",
                names.join(tr(lang, "・", ", ")),
                text::date_with_wareki(first, lang)
            ))
            .strong(),
        );
    }
    if !explanation.findings.is_empty() {
        section(ui, tr(lang, "すること", "What to do"), s);
        for f in &explanation.findings {
            ui.label(format!("・{}", text::finding(f, lang)));
        }
    }
}

fn sign_state(ui: &mut Ui, lang: Lang, report: &CardReport) {
    match &report.sign {
        CertSlot::Read(c) => {
            ui.label(format!(
                "{} — {}",
                text::date_with_wareki(c.expiry, lang),
                text::status(c, lang)
            ));
        }
        CertSlot::NotRead(n) => {
            ui.label(not_read(n, Item::Sign, lang));
            if n.present != Some(false) {
                sign_password_slot(ui, lang);
            }
        }
    }
}

/// Where the signing-password entry goes (a later issue adds it: reading EF 0001 needs the
/// password, and a wrong one spends a try).
fn sign_password_slot(ui: &mut Ui, lang: Lang) {
    ui.label(
        RichText::new(tr(
            lang,
            "(署名用パスワードを入力して期限を読む機能は今後追加します)",
            "(Entering the signing password here to read its dates will come later.)",
        ))
        .small()
        .color(INK_SOFT),
    );
}

fn pins(ui: &mut Ui, lang: Lang, report: &CardReport, s: f32) {
    if report.pins.is_empty() {
        ui.label(tr(lang, "不明", "unknown"));
        return;
    }
    egui::Grid::new("pins")
        .num_columns(2)
        .spacing([16.0, 6.0])
        .show(ui, |ui| {
            ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
            for (key, p) in &report.pins {
                ui.label(RichText::new(text::pin_name(key, lang)).size(19.0 * s));
                if p.state == PinState::Locked {
                    // The box below says what to do.
                    ui.label(
                        RichText::new(tr(lang, "！ ロック中", "! LOCKED"))
                            .size(19.0 * s)
                            .strong()
                            .color(ALERT),
                    );
                } else {
                    ui.label(RichText::new(text::pin(p, lang)).size(19.0 * s).strong());
                }
                ui.end_row();
            }
        });
}

/// A plain warning right under the answer when a PIN is locked.
fn locked_warning(ui: &mut Ui, lang: Lang, report: &CardReport, s: f32) {
    let locked: Vec<String> = report
        .pins
        .iter()
        .filter(|(_, p)| p.state == PinState::Locked)
        .map(|(key, _)| text::pin_name(key, lang))
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
            let names = locked.join(tr(lang, "・", ", "));
            ui.label(
                RichText::new(match lang {
                    Lang::Ja => format!(
                        "！ {names}がロックされています。ロックは自然には解除されません。本人確認書類を持って市区町村の窓口で再設定してください。"
                    ),
                    Lang::En => format!(
                        "! Locked: {names}. A lock never clears by itself: have it reset at your municipal office (bring photo ID)."
                    ),
                })
                .size(20.0 * s)
                .strong()
                .color(ALERT),
            );
        });
}
