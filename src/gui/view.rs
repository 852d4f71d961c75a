//! Drawing the window from the [`App`] state: the answer first and large, then the details.
//! Status is shown by text, an icon and a shape, never by colour alone.

use chrono::NaiveDate;
use eframe::egui::{self, Color32, CornerRadius, RichText, Stroke, Ui};

use super::{App, CardView};
use crate::card::PinState;
use crate::messages::{self, Lang, Surface};
use crate::reading::{ReadError, SignError, is_locked, needs_last_try_confirmation};
use crate::report::{self, CardReport, CertReport, CertSlot, ExpirySource, PinReport, Warning};
use crate::rules::{self, Item, Status};
use crate::secret::{SecretError, SigningPassword};

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
    if app.sign_dialog.is_some() {
        sign_dialog(app, ui, lang);
    }
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
            Some(&messages::read_error(
                &ReadError::ServiceUnavailable,
                lang,
                Surface::Window,
            )),
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
                Some(&messages::read_error(&error, lang, Surface::Window)),
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
                Some(&messages::read_error(
                    &ReadError::NoReader,
                    lang,
                    Surface::Window,
                )),
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
                Lang::Ja => format!(
                    "更新できます ({}から)",
                    messages::date(cert.renewal_from, lang)
                ),
                Lang::En => format!(
                    "Renewal possible (from {})",
                    messages::date(cert.renewal_from, lang)
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
    let auth_block = |ui: &mut Ui| {
        cert_frame(ui, |ui| match &report.auth {
            CertSlot::Read(c) => cert_block(ui, lang, s, Item::Auth, c),
            CertSlot::NotRead(n) => {
                block_title(ui, lang, s, Item::Auth);
                ui.label(
                    RichText::new(messages::not_read(n, Item::Auth, lang, Surface::Window))
                        .size(28.0 * s),
                );
            }
        });
    };
    match &report.sign {
        // The signing certificate, once read with its password, beside the other one.
        CertSlot::Read(sign) => {
            let sign_block = |ui: &mut Ui| {
                cert_frame(ui, |ui| cert_block(ui, lang, s, Item::Sign, sign));
            };
            if ui.available_width() >= 900.0 * s {
                ui.columns_const(|[left, right]: &mut [Ui; 2]| {
                    auth_block(left);
                    sign_block(right);
                });
            } else {
                auth_block(ui);
                ui.add_space(8.0);
                sign_block(ui);
            }
        }
        CertSlot::NotRead(_) => auth_block(ui),
    }

    locked_warning(ui, lang, report, s);

    if !counter {
        side_by_side(app, ui, lang, report);
        what_to_do(ui, lang, report, s);
    }
    // Counter mode too: a clerk may read the signing certificate's dates for the resident
    // (never the holder's details).
    section(
        ui,
        tr(
            lang,
            "署名用電子証明書",
            "Signing certificate (署名用電子証明書)",
        ),
        s,
    );
    sign_state(app, ui, lang, report, s);

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
            let t = RichText::new(messages::genuine(c.genuine, lang)).size(19.0 * s);
            ui.label(if alert { t.color(ALERT).strong() } else { t });
        }
        CertSlot::NotRead(_) => {
            ui.label(tr(lang, "確認できません", "Not checked"));
        }
    }

    if !counter {
        let warnings: Vec<&Warning> = report
            .warnings
            .iter()
            // The typed-expiry field and the locked-PIN box are on screen already.
            .filter(|w| !matches!(w, Warning::CardExpiryUnknown | Warning::PinLocked))
            .collect();
        if !warnings.is_empty() {
            section(ui, tr(lang, "注意", "Notes"), s);
            for w in warnings {
                ui.label(format!(
                    "・{}",
                    messages::warning(*w, lang, Surface::Window)
                ));
            }
        }
        ui.add_space(12.0);
        ui.label(
            RichText::new(match lang {
                Lang::Ja => format!(
                    "リーダー: {}   基準日: {}   {}",
                    report.reader,
                    messages::date(report.today, lang),
                    messages::card_kind(report.card.kind, lang)
                ),
                Lang::En => format!(
                    "Reader: {}   Today: {}   {}",
                    report.reader,
                    messages::date(report.today, lang),
                    messages::card_kind(report.card.kind, lang)
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

fn side_by_side(app: &mut App, ui: &mut Ui, lang: Lang, report: &CardReport) {
    let s = scale(app);
    section(ui, tr(lang, "3つの有効期限", "The three expiry dates"), s);
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
    let explanation = &report.advice;
    if let Some(first) = explanation.first_expiry
        && !explanation.first_to_expire.is_empty()
    {
        section(ui, tr(lang, "最初に期限が来るもの", "Expires first"), s);
        let names: Vec<&str> = explanation
            .first_to_expire
            .iter()
            .map(|i| messages::item_name(*i, lang))
            .collect();
        ui.label(
            RichText::new(format!(
                "{} — {}",
                names.join(tr(lang, "・", ", ")),
                messages::date_with_wareki(first, lang)
            ))
            .strong(),
        );
    }
    if !explanation.findings.is_empty() {
        section(ui, tr(lang, "すること", "What to do"), s);
        for f in &explanation.findings {
            ui.label(format!("・{}", messages::finding(f, lang)));
        }
    }
}

fn cert_frame(ui: &mut Ui, add: impl FnOnce(&mut Ui)) {
    egui::Frame::new()
        .stroke(Stroke::new(2.0, INK))
        .corner_radius(CornerRadius::same(6))
        .inner_margin(egui::Margin::same(16))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            add(ui);
        });
}

fn block_title(ui: &mut Ui, lang: Lang, s: f32, item: Item) {
    let title = match item {
        Item::Sign => tr(
            lang,
            "署名用電子証明書の有効期限",
            "Signing certificate (署名用電子証明書) expires",
        ),
        _ => tr(
            lang,
            "利用者証明用電子証明書の有効期限",
            "User-authentication certificate (利用者証明用電子証明書) expires",
        ),
    };
    ui.label(RichText::new(title).size(24.0 * s).strong());
}

/// One certificate's dates: the day in Gregorian and 和暦, days left, the status chip, the first
/// renewal day (and for the user-authentication one, the card-face line and the insurance
/// grace; for the signing one, its genuineness).
fn cert_block(ui: &mut Ui, lang: Lang, s: f32, item: Item, c: &CertReport) {
    block_title(ui, lang, s, item);
    ui.label(
        RichText::new(messages::date(c.expiry, lang))
            .size(52.0 * s)
            .strong(),
    );
    ui.label(RichText::new(rules::wareki(c.expiry)).size(32.0 * s));
    if item == Item::Auth {
        ui.label(
            RichText::new(tr(
                lang,
                "券面の「電子証明書の有効期限」欄に書く日付です (この日の23:59まで有効)。",
                "This is the date for the card face's 「電子証明書の有効期限」 field (valid until 23:59 JST that day).",
            ))
            .size(19.0 * s),
        );
    }
    ui.add_space(6.0);
    ui.horizontal_wrapped(|ui| {
        chip(ui, c, lang, s);
        ui.label(
            RichText::new(messages::days_left(c.days_left, lang))
                .size(28.0 * s)
                .strong(),
        );
    });
    ui.add_space(6.0);
    let row = |ui: &mut Ui, label: &str, d: NaiveDate| {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(format!("{label}:")).size(19.0 * s));
            ui.label(
                RichText::new(messages::date_with_wareki(d, lang))
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
    if item == Item::Sign {
        let alert = matches!(c.genuine, crate::cert::Genuineness::Failed);
        let t = RichText::new(format!(
            "{}: {}",
            tr(lang, "本物かどうか", "Genuineness"),
            messages::genuine(c.genuine, lang)
        ))
        .size(19.0 * s);
        ui.label(if alert { t.color(ALERT).strong() } else { t });
    }
}

fn sign_state(app: &mut App, ui: &mut Ui, lang: Lang, report: &CardReport, s: f32) {
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
                ui.label(format!("・{}", messages::comparison(&comparison, lang)));
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
            if let Some(e) = &app.sign_error {
                sign_error_box(ui, lang, e, s);
            }
            if app.signing.is_some() {
                ui.horizontal(|ui| {
                    ui.add(egui::Spinner::new().size(24.0 * s));
                    ui.label(
                        RichText::new(tr(
                            lang,
                            "署名用電子証明書を読み取り中です。カードを動かさないでください。",
                            "Reading the signing certificate. Hold the card still.",
                        ))
                        .size(19.0 * s)
                        .strong(),
                    );
                });
            } else if app.can_read_signing()
                && ui
                    .button(
                        RichText::new(tr(
                            lang,
                            "署名用電子証明書の期限を読む (パスワードが必要)",
                            "Read the signing certificate (needs the password)",
                        ))
                        .size(19.0 * s),
                    )
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
    let label = if app.personal_shown {
        tr(lang, "本人情報を隠す", "Hide the holder's details")
    } else {
        tr(lang, "本人情報を表示", "Show the holder's details")
    };
    if ui
        .button(label)
        .on_hover_text(tr(
            lang,
            "署名用電子証明書に記録された氏名・生年月日・性別・住所。記録・保存はせず、カードを離すと消えます。",
            "Name, date of birth, sex and address from the signing certificate. Never logged or stored; gone when the card leaves.",
        ))
        .clicked()
    {
        app.toggle_personal();
    }
    if app.personal_shown
        && let Some(p) = app.personal()
    {
        egui::Frame::new()
            .stroke(Stroke::new(2.0, INK_SOFT))
            .inner_margin(egui::Margin::symmetric(12, 8))
            .show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.label(
                    RichText::new(tr(
                        lang,
                        "署名用電子証明書の本人情報 (記録・保存はしません。カードを離すと消えます)",
                        "Holder's details in the signing certificate (never logged or stored; gone when the card leaves)",
                    ))
                    .small()
                    .color(INK_SOFT),
                );
                for line in messages::personal_lines(p, lang) {
                    ui.label(RichText::new(line).size(20.0));
                }
            });
    }
}

/// What is wrong with a password being typed, in a short sentence (never the text itself).
fn format_hint(e: &SecretError, lang: Lang) -> String {
    match (e, lang) {
        (SecretError::TooShort { len, min }, Lang::Ja) => {
            format!("短すぎます ({min}〜16桁、いま{len}文字)。")
        }
        (SecretError::TooShort { len, min }, Lang::En) => {
            format!("Too short: {min}–16 characters (now {len}).")
        }
        (SecretError::TooLong { len, max }, Lang::Ja) => {
            format!("長すぎます (6〜{max}桁、いま{len}文字)。")
        }
        (SecretError::TooLong { len, max }, Lang::En) => {
            format!("Too long: 6–{max} characters (now {len}).")
        }
        (SecretError::BadCharacter { position }, Lang::Ja) => format!(
            "{position}文字目が使えない文字です。英字 (A〜Z) と数字 (0〜9) だけが使えます (記号・空白・全角文字は使えません)。"
        ),
        (SecretError::BadCharacter { position }, Lang::En) => format!(
            "Character {position} is not allowed: only letters (A–Z) and digits (0–9), no symbols, spaces or full-width characters."
        ),
    }
}

/// The signing-password dialog: the tries left first, then (unless locked) the masked entry
/// with its format check, the last-try confirmation when asked for, and OK / Cancel.
fn sign_dialog(app: &mut App, ui: &mut Ui, lang: Lang) {
    let ctx = ui.ctx().clone();
    let pin: Option<PinReport> = app.sign_pin();
    let locked = is_locked(pin.as_ref());
    let confirm_needed = needs_last_try_confirmation(pin.as_ref());
    let unknown = pin.and_then(|p| p.tries_left).is_none();
    let mut submit = false;
    let mut cancel = false;
    let frame = egui::Frame::popup(&ctx.global_style())
        .inner_margin(egui::Margin::same(20))
        .stroke(Stroke::new(2.0, INK));
    let modal = egui::Modal::new(egui::Id::unique("sign-password-dialog"))
        .frame(frame)
        .show(&ctx, |ui| {
        ui.set_max_width(620.0);
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Wrap);
        ui.label(
            RichText::new(tr(
                lang,
                "署名用電子証明書の期限を読む",
                "Read the signing certificate",
            ))
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
            ui.label(RichText::new(tr(
                lang,
                "署名用パスワードはロックされているため、入力できません。ロックは自然には解除されません。お住まいの市区町村の窓口で、カードを持参して再設定してください。",
                "The signing password is locked, so it cannot be entered here. A lock never clears by itself: have it reset at your municipal office, bringing the card.",
            )).size(19.0));
            ui.add_space(10.0);
            if ui.button(tr(lang, "閉じる", "Close")).clicked() {
                cancel = true;
            }
            return;
        }
        if unknown {
            ui.label(tr(
                lang,
                "カードが残り回数を答えませんでした。最後の1回かもしれません。5回続けて間違えるとロックされ、市区町村の窓口でしか解除できません。",
                "The card did not tell the tries left; this may be the last one. 5 wrong tries in a row lock it until your municipal office resets it.",
            ));
        }
        ui.add_space(8.0);
        let Some(dialog) = app.sign_dialog.as_mut() else {
            return;
        };
        let label = ui.label(tr(
            lang,
            "署名用パスワード (6〜16桁の英数字。画面には表示されません)",
            "Signing password (6–16 letters and digits; not shown)",
        ));
        let mut output = egui::TextEdit::singleline(&mut *dialog.password)
            .password(true)
            .char_limit(super::PASSWORD_FIELD_LIMIT)
            .desired_width(320.0)
            .show(ui);
        // No undo history of a password is kept.
        output.state.clear_undoer();
        let field = output.response.response.labelled_by(label.id);
        output.state.store(ui.ctx(), field.id);
        app.sign_field_id = Some(field.id);
        if !dialog.focus_requested {
            dialog.focus_requested = true;
            field.request_focus();
        }
        let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        let parsed = SigningPassword::parse(&dialog.password).map(|_| ());
        match (&parsed, dialog.password.is_empty()) {
            (_, true) => {
                ui.label(
                    RichText::new(tr(
                        lang,
                        "小文字で入力しても大文字にして送ります。",
                        "Lower case is sent as upper case.",
                    ))
                    .small()
                    .color(INK_SOFT),
                );
            }
            (Err(e), false) => {
                ui.label(RichText::new(format_hint(e, lang)).color(ALERT).strong());
            }
            (Ok(()), false) => {
                ui.label(
                    RichText::new(tr(
                        lang,
                        "形式は正しいです (正しいパスワードかどうかはカードだけが判断します)。",
                        "The format is right (only the card can tell whether the password is).",
                    ))
                    .small()
                    .color(INK_SOFT),
                );
            }
        }
        if confirm_needed {
            ui.add_space(6.0);
            ui.label(
                RichText::new(tr(
                    lang,
                    "間違えると署名用パスワードはロックされ、市区町村の窓口でしか解除できません。",
                    "A wrong password locks the signing password until your municipal office resets it.",
                ))
                .color(ALERT)
                .strong(),
            );
            let text = if unknown {
                tr(
                    lang,
                    "最後の1回かもしれないことを理解しました",
                    "I understand this may be the last try",
                )
            } else {
                tr(
                    lang,
                    "最後の1回であることを理解しました",
                    "I understand this is the last try",
                )
            };
            ui.checkbox(&mut dialog.confirm_last_try, text);
        }
        let ready = parsed.is_ok() && (!confirm_needed || dialog.confirm_last_try);
        ui.add_space(10.0);
        ui.horizontal(|ui| {
            let ok = ui.add_enabled(
                ready,
                egui::Button::new(
                    RichText::new(tr(lang, "パスワードを送って読む", "Send and read")).strong(),
                ),
            );
            if ok.clicked() || (enter && ready) {
                submit = true;
            } else if enter {
                // Enter on a password that cannot be sent yet: keep typing where it was.
                field.request_focus();
            }
            if ui.button(tr(lang, "やめる", "Cancel")).clicked() {
                cancel = true;
            }
        });
    });
    if submit {
        app.submit_sign_dialog();
    } else if cancel || modal.should_close() {
        app.cancel_sign_dialog();
    }
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
                ui.label(RichText::new(messages::pin_name(*key, lang)).size(19.0 * s));
                if p.state == PinState::Locked {
                    // The box below says what to do.
                    ui.label(
                        RichText::new(tr(lang, "！ ロック中", "! LOCKED"))
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
                ui.end_row();
            }
        });
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
