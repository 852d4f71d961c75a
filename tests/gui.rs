//! The window, driven through egui_kittest on the real app with injected readers and reading:
//! the answer, the reader and card flow, counter mode, error sentences, the language switch and
//! a typed card expiry, and the signing certificate behind its password dialog (tries left
//! first, format check, last-try confirmation, wrong and locked passwords, the holder's details
//! behind a reveal). Widgets are found by label and role, as a screen reader would.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use eframe::egui;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

mod support;
use support::{d as day, step_until, today};

use myna_kigen::card::EF_SIGN_PIN;
use myna_kigen::cert::Genuineness;
use myna_kigen::gui::{App, AppConfig, Settings};
use myna_kigen::messages::{self, Lang, Surface};
use myna_kigen::monitor::{self, ReadFn, SignFn};
use myna_kigen::reading::{ReadError, Reader};
use myna_kigen::sim::{Scenario, SimCard, SimReaders, SimReadersHandle};
use myna_kigen::transport::Deadlines;

// ---- the simulated readers, read by the product's own reading ----

/// Simulated readers, changed from the test through their handle.
#[derive(Clone)]
struct Rig {
    handle: SimReadersHandle,
    readers: Arc<Mutex<Option<SimReaders>>>,
}

impl Rig {
    fn new() -> Self {
        Self::of(SimReaders::new())
    }
    /// Readers whose cards run behind deadlines, as PC/SC cards do.
    fn with_deadlines(deadlines: Deadlines) -> Self {
        Self::of(SimReaders::new().with_deadlines(deadlines))
    }
    fn of(readers: SimReaders) -> Self {
        Rig {
            handle: readers.handle(),
            readers: Arc::new(Mutex::new(Some(readers))),
        }
    }
    fn plug(&self, name: &str) {
        self.handle.plug(name);
    }
    fn place(&self, reader: &str, scenario: Scenario) {
        self.handle.place(reader, scenario.card(today()).unwrap());
    }
    fn remove(&self, reader: &str) {
        self.handle.remove_card(reader);
    }
    /// Places a card and keeps a handle on it, to look at its log and counters.
    fn place_card(&self, reader: &str, card: SimCard) -> Arc<Mutex<SimCard>> {
        self.handle.place(reader, card)
    }
}

/// The product's reading: its trust store anchors the simulated card's roots.
fn reading() -> ReadFn {
    monitor::read_fn(Reader::jlis())
}

/// The product's signing reading.
fn signing() -> SignFn {
    monitor::sign_fn(Reader::jlis())
}

fn app(rig: &Rig, settings: Settings) -> Harness<'static, App> {
    let readers = rig.readers.lock().unwrap().take().unwrap();
    let config = AppConfig {
        readers: Box::new(readers),
        read: reading(),
        sign: signing(),
        today: Some(today()),
        demo: None,
        timing: None,
        files_dir: std::env::temp_dir(),
        open_file: Arc::new(|_: &std::path::Path| Ok(())),
        unsupported_reader: || false,
    };
    Harness::builder()
        .with_size(egui::vec2(1000.0, 1600.0))
        .build_ui_state(|ui, app: &mut App| app.show(ui), App::new(config, settings))
}

/// Steps the window until a widget whose label contains `text` appears (the worker thread
/// delivers events in the background) and no date is shown as still being checked (the date
/// read first shows before the rest of the answer).
fn wait_for(h: &mut Harness<'static, App>, text: &str) {
    let checking =
        [Lang::Ja, Lang::En].map(|l| messages::window::Phrase::EarlyDateChecking.text(l));
    step_until(h, 5, &format!("{text:?} to appear"), |h| {
        h.query_all_by_label_contains(text).next().is_some()
            && checking
                .iter()
                .all(|c| h.query_all_by_label_contains(c).next().is_none())
    });
}

fn settle(h: &mut Harness<'static, App>) {
    for _ in 0..20 {
        h.step();
        std::thread::sleep(Duration::from_millis(5));
    }
}

// ---- the tests ----

#[test]
fn answer_shows_the_scenario_date_first_in_gregorian_and_wareki() {
    let rig = Rig::new();
    rig.plug("Reader A");
    let mut h = app(&rig, Settings::default());
    wait_for(&mut h, "カードをリーダーに置いてください");
    rig.place("Reader A", Scenario::Valid);
    // The valid scenario: the certificates end 3 years and 10 days after today.
    let expiry = Scenario::Valid.dates(today()).unwrap().cert_expiry;
    assert_eq!(expiry, day(2029, 12, 8));
    wait_for(&mut h, "2029年12月8日");
    h.get_by_label("利用者証明用電子証明書の有効期限");
    h.get_by_label("令和11年12月8日");
    h.get_by_label_contains("券面の「電子証明書の有効期限」欄に書く日付です");
    h.get_by_label("あと1106日");
    h.get_by_label("○ 有効");
    // First renewal day and the insurance grace end.
    h.get_by_label("2029年9月9日（令和11年9月9日）");
    h.get_by_label("2030年3月31日（令和12年3月31日）");
    // The card's own expiry beside the certificates, with its source.
    // In the answer and in the table of the three dates.
    assert_eq!(
        h.get_all_by_label("2034年12月8日（令和16年12月8日）")
            .count(),
        2
    );
    h.get_by_label("カードから読み取り");
    assert!(
        h.get_all_by_label_contains("期限を見るには署名用パスワード")
            .next()
            .is_some()
    );
    h.get_by_label("残り3回 / 3回");
    // The simulated card is named for what it is, not as an unknown root.
    h.get_by_label(messages::genuine(Genuineness::VerifiedSimulated, Lang::Ja));
    assert!(h.query_by_label("デモ").is_none());
}

#[test]
fn renewable_and_expired_chips_say_so_in_words() {
    let rig = Rig::new();
    rig.plug("R");
    let mut h = app(&rig, Settings::default());
    rig.place("R", Scenario::Renewable);
    // Expires 2027-01-12: renewal from 2026-10-13.
    wait_for(&mut h, "△ 更新できます（2026年10月13日から）");
    h.get_by_label("あと45日");
    rig.remove("R");
    wait_for(&mut h, "カードは取り外されました");
    rig.place("R", Scenario::Expired);
    wait_for(&mut h, "× 期限切れ");
    h.get_by_label("20日前に期限切れ");
    assert!(
        h.query_by_label_contains("カードは取り外されました")
            .is_none()
    );
}

#[test]
fn resident_mode_keeps_the_result_with_a_removed_note() {
    let rig = Rig::new();
    rig.plug("R");
    let mut h = app(&rig, Settings::default());
    rig.place("R", Scenario::Valid);
    wait_for(&mut h, "2029年12月8日");
    rig.remove("R");
    wait_for(&mut h, "カードは取り外されました");
    h.get_by_label("2029年12月8日");
}

#[test]
fn counter_mode_clears_the_moment_the_card_leaves_and_counts() {
    let rig = Rig::new();
    rig.plug("R");
    let settings = Settings {
        counter_mode: true,
        ..Settings::default()
    };
    let mut h = app(&rig, settings);
    wait_for(&mut h, "この起動で読み取ったカード：0枚");
    rig.place("R", Scenario::Valid);
    wait_for(&mut h, "2029年12月8日");
    h.get_by_label("この起動で読み取ったカード：1枚");
    // Counter mode shows the answer and the PINs, not the details.
    h.get_by_label("残り3回 / 3回");
    assert!(h.query_by_label("カードから読み取り").is_none());
    rig.remove("R");
    wait_for(&mut h, "カードをリーダーに置いてください");
    assert!(h.query_all_by_label_contains("2029年").next().is_none());
    assert!(h.query_all_by_label_contains("残り3回").next().is_none());
    rig.place("R", Scenario::Renewable);
    wait_for(&mut h, "この起動で読み取ったカード：2枚");
}

#[test]
fn counter_mode_is_a_toggle() {
    let rig = Rig::new();
    rig.plug("R");
    let mut h = app(&rig, Settings::default());
    wait_for(&mut h, "カードをリーダーに置いてください");
    assert!(!h.state().settings.counter_mode);
    h.get_by_role_and_label(Role::CheckBox, "窓口モード")
        .click();
    settle(&mut h);
    assert!(h.state().settings.counter_mode);
    h.get_by_label("この起動で読み取ったカード：0枚");
}

#[test]
fn no_reader_asks_for_one_with_the_rc_s380_hint() {
    let rig = Rig::new();
    let mut h = app(&rig, Settings::default());
    wait_for(&mut h, "カードリーダーを接続してください");
    h.get_by_label(&messages::read_error(
        &ReadError::NoReader,
        Lang::Ja,
        Surface::Window,
    ));
    h.get_by_label_contains("RC-S380");
    rig.plug("R");
    wait_for(&mut h, "カードをリーダーに置いてください");
}

#[test]
fn service_down_says_so_and_recovers() {
    let rig = Rig::new();
    rig.handle.stop_service();
    let mut h = app(&rig, Settings::default());
    wait_for(&mut h, "サービスが動いていません");
    h.get_by_label(&messages::read_error(
        &ReadError::ServiceUnavailable,
        Lang::Ja,
        Surface::Window,
    ));
    rig.plug("R");
    rig.handle.start_service();
    // The monitor asks again about once a second.
    step_until(&mut h, 4, "recovery", |h| {
        h.query_by_label("カードをリーダーに置いてください")
            .is_some()
    });
}

#[test]
fn failures_in_plain_words() {
    let rig = Rig::new();
    rig.plug("R");
    let mut h = app(&rig, Settings::default());
    rig.place("R", Scenario::NotMnc);
    wait_for(&mut h, "読み取れませんでした");
    h.get_by_label(&messages::read_error(
        &ReadError::NotMyNumberCard,
        Lang::Ja,
        Surface::Window,
    ));
    h.get_by_label("English").click();
    wait_for(&mut h, "The card could not be read");
    h.get_by_label(&messages::read_error(
        &ReadError::NotMyNumberCard,
        Lang::En,
        Surface::Window,
    ));
}

/// A card that goes mute in the middle of a reading (issue 14): the worker gives it up at the
/// deadline and the window says so in words; frames keep coming meanwhile (the UI thread never
/// waits on the card) and the window answers clicks; taken off and replaced by a good card, the
/// window reads that one.
#[test]
fn a_card_that_goes_mute_mid_reading_is_said_and_the_window_recovers() {
    let rig = Rig::with_deadlines(Deadlines::scaled(Duration::from_millis(400)));
    rig.plug("R");
    let mut h = app(&rig, Settings::default());
    wait_for(&mut h, "カードをリーダーに置いてください");
    let card = rig.place_card(
        "R",
        Scenario::Valid.builder(today()).unwrap().mute_at(3).build(),
    );
    let sentence = messages::read_error(&ReadError::NotAnswering, Lang::Ja, Surface::Window);
    let mut frames_while_mute = 0;
    step_until(&mut h, 15, "the not-answering sentence", |h| {
        let shown = h.query_by_label(&sentence).is_some();
        if !shown && card.lock().unwrap().is_mute() {
            frames_while_mute += 1;
        }
        shown
    });
    assert!(
        frames_while_mute >= 3,
        "{frames_while_mute} frames while the card was mute"
    );
    assert_eq!(
        card.lock().unwrap().apdu_count(),
        3,
        "nothing sent after it went mute"
    );
    // The window answers input while the mute card is still on the reader.
    h.get_by_label("English").click();
    wait_for(
        &mut h,
        &messages::read_error(&ReadError::NotAnswering, Lang::En, Surface::Window),
    );
    h.get_by_label(messages::language_name(Lang::Ja)).click();
    wait_for(&mut h, &sentence);
    rig.remove("R");
    wait_for(&mut h, "カードは取り外されました");
    rig.place("R", Scenario::Valid);
    wait_for(&mut h, "2029年12月8日");
    assert!(h.query_by_label(&sentence).is_none());
}

#[test]
fn locked_pin_gets_a_plain_warning() {
    let rig = Rig::new();
    rig.plug("R");
    let mut h = app(&rig, Settings::default());
    rig.place("R", Scenario::Locked);
    wait_for(&mut h, "ロック中");
    h.get_by_label("残り1回 / 3回");
    h.get_by_label_contains("ロックは自然には解除されません");
}

#[test]
fn the_date_shows_first_as_being_checked_then_the_answer_completes_it() {
    let rig = Rig::new();
    rig.plug("Reader A");
    let mut h = app(&rig, Settings::default());
    wait_for(&mut h, "カードをリーダーに置いてください");
    // A slow card: every answer takes 150 ms, so the reading is seen half-way.
    let card = Scenario::Valid
        .builder(today())
        .unwrap()
        .latency(Duration::from_millis(150))
        .build();
    rig.place_card("Reader A", card);
    let checking = messages::window::Phrase::EarlyDateChecking.text(Lang::Ja);
    step_until(&mut h, 5, "the early date", |h| {
        h.query_all_by_label_contains(checking).next().is_some()
    });
    h.get_by_label_contains("2029年12月8日");
    assert!(
        h.query_all_by_label("○ 有効").next().is_none(),
        "no verdict before the report"
    );
    wait_for(&mut h, "○ 有効");
    h.get_by_label("令和11年12月8日");
}

#[test]
fn language_switch() {
    let rig = Rig::new();
    rig.plug("R");
    let mut h = app(&rig, Settings::default());
    wait_for(&mut h, "カードをリーダーに置いてください");
    h.get_by_label("English").click();
    wait_for(&mut h, "Place the card on the reader");
    assert_eq!(h.state().settings.lang, Lang::En);
    rig.place("R", Scenario::Valid);
    wait_for(&mut h, "8 Dec 2029");
    h.get_by_label("令和11年12月8日");
    h.get_by_label_contains("「電子証明書の有効期限」 field");
    h.get_by_label("○ Valid");
    h.get_by_label("1106 days left");
    h.get_by_label("日本語").click();
    wait_for(&mut h, "あと1106日");
}

#[test]
fn typed_card_expiry_appears_beside_the_certificates() {
    let rig = Rig::new();
    rig.plug("R");
    let mut h = app(&rig, Settings::default());
    // A smartphone certificate: the "card" does not tell its expiry.
    rig.place("R", Scenario::Smartphone);
    wait_for(&mut h, "2029年12月8日");
    // Unknown in the answer and in the table of the three dates.
    assert_eq!(h.get_all_by_label("不明").count(), 2);
    // A wrong entry is refused in words.
    let field = h.get_by_role(Role::TextInput);
    field.focus();
    field.type_text("2034-13-01");
    h.step();
    h.get_by_role_and_label(Role::Button, "反映").click();
    wait_for(&mut h, "日付の形で入力してください");
    h.state_mut().card_expiry_input.clear();
    h.step();
    let field = h.get_by_role(Role::TextInput);
    field.focus();
    field.type_text("2034年6月15日");
    h.step();
    h.get_by_role_and_label(Role::Button, "反映").click();
    wait_for(&mut h, "2034年6月15日（令和16年6月15日）");
    h.get_by_label("券面の記載から入力");
    assert!(
        h.query_by_label("日付の形で入力してください（例：2034-06-15）")
            .is_none()
    );
    assert_eq!(h.state().card_expiry_typed, Some(day(2034, 6, 15)));
    // The typed date belongs to that card: the next card starts without it.
    rig.remove("R");
    wait_for(&mut h, "カードは取り外されました");
    assert_eq!(h.state().card_expiry_typed, None);
    rig.place("R", Scenario::Smartphone);
    wait_for(&mut h, "不明");
    assert!(h.query_by_label("券面の記載から入力").is_none());
}

#[test]
fn reader_picker_when_there_are_several() {
    let rig = Rig::new();
    rig.plug("ACS ACR1252");
    let mut h = app(&rig, Settings::default());
    wait_for(&mut h, "カードをリーダーに置いてください");
    assert!(h.query_by_role(Role::ComboBox).is_none());
    rig.plug("Sony RC-S300");
    step_until(&mut h, 4, "the reader picker", |h| {
        h.query_by_role(Role::ComboBox).is_some()
    });
    h.get_by_role(Role::ComboBox).click();
    settle(&mut h);
    h.get_by_label("Sony RC-S300").click();
    settle(&mut h);
    assert_eq!(h.state().picked_reader.as_deref(), Some("Sony RC-S300"));
    // A card on the other reader is not read now.
    rig.place("ACS ACR1252", Scenario::Valid);
    settle(&mut h);
    assert!(h.query_all_by_label_contains("2029年").next().is_none());
    rig.place("Sony RC-S300", Scenario::Renewable);
    wait_for(&mut h, "2027年1月12日");
}

#[test]
fn demo_is_labelled_and_its_card_can_be_taken_off_and_put_back() {
    let (readers, demo) = myna_kigen::gui::demo_readers("renewable", today()).unwrap();
    let config = AppConfig {
        readers,
        read: reading(),
        sign: signing(),
        today: Some(today()),
        demo: Some(demo),
        timing: None,
        files_dir: std::env::temp_dir(),
        open_file: Arc::new(|_: &std::path::Path| Ok(())),
        unsupported_reader: || false,
    };
    let mut h = Harness::builder()
        .with_size(egui::vec2(1000.0, 1600.0))
        .build_ui_state(
            |ui, app: &mut App| app.show(ui),
            App::new(config, Settings::default()),
        );
    wait_for(&mut h, "2027年1月12日");
    h.get_by_label("デモ");
    h.get_by_label("模擬カード：renewable");
    h.get_by_role_and_label(Role::Button, "カードを取る")
        .click();
    wait_for(&mut h, "カードは取り外されました");
    h.get_by_role_and_label(Role::Button, "カードを置く")
        .click();
    step_until(&mut h, 5, "the card read again", |h| {
        h.query_by_label_contains("カードは取り外されました")
            .is_none()
    });
    wait_for(&mut h, "2027年1月12日");
    assert!(myna_kigen::gui::demo_readers("no-such-card", today()).is_err());
}

// ---- the signing certificate behind its password ----

const READ_SIGN: &str = "署名用電子証明書の期限を読む（パスワードが必要）";
const SEND: &str = "パスワードを送って読む";
const SIGN_BLOCK: &str = "署名用電子証明書の有効期限";

fn verifies_with_data(card: &Arc<Mutex<SimCard>>) -> usize {
    card.lock().unwrap().verifies_with_data()
}

fn log_len(card: &Arc<Mutex<SimCard>>) -> usize {
    card.lock().unwrap().log().len()
}

/// A window with `card` read on reader "R".
fn with_card(settings: Settings, card: SimCard) -> (Harness<'static, App>, Arc<Mutex<SimCard>>) {
    let rig = Rig::new();
    rig.plug("R");
    let mut h = app(&rig, settings);
    let card = rig.place_card("R", card);
    wait_for(&mut h, "2029年12月8日");
    // The rig goes with the window: its handle is kept alive by the readers.
    std::mem::forget(rig);
    (h, card)
}

fn valid_card() -> SimCard {
    Scenario::Valid.card(today()).unwrap()
}

fn open_dialog(h: &mut Harness<'static, App>) {
    h.get_by_role_and_label(Role::Button, READ_SIGN).click();
    settle(h);
    assert!(h.state().sign_dialog().is_some(), "dialog not open");
}

fn type_password(h: &mut Harness<'static, App>, text: &str) {
    let field = h.get_by_role(Role::PasswordInput);
    field.focus();
    field.type_text(text);
    settle(h);
}

fn ok_enabled(h: &Harness<'static, App>) -> bool {
    !h.get_by_role_and_label(Role::Button, SEND)
        .accesskit_node()
        .is_disabled()
}

#[test]
fn dialog_shows_tries_left_first_then_the_right_password_shows_the_signing_block() {
    let (mut h, card) = with_card(Settings::default(), valid_card());
    // Before: the signing certificate is present, its dates need the password.
    assert!(h.query_by_label(SIGN_BLOCK).is_none());
    let before = log_len(&card);
    open_dialog(&mut h);
    // Tries left, and the lock warning, above the entry.
    let tries = h.get_by_label_contains("署名用パスワードの残り回数：5回");
    h.get_by_label_contains("5回続けて間違えるとロックされ、市区町村の窓口でしか解除できません");
    let tries_top = tries.rect().top();
    assert!(tries_top < h.get_by_role(Role::PasswordInput).rect().top());
    assert!(!ok_enabled(&h));
    // Lower case is accepted (and sent as upper case); the entry is masked.
    type_password(&mut h, "abc123");
    let shown = h
        .get_by_role(Role::PasswordInput)
        .value()
        .unwrap_or_default();
    assert!(!shown.to_ascii_uppercase().contains("ABC"), "{shown:?}");
    assert!(ok_enabled(&h));
    // Nothing was sent while typing.
    assert_eq!(log_len(&card), before);
    h.get_by_role_and_label(Role::Button, SEND).click();
    wait_for(&mut h, SIGN_BLOCK);
    assert!(h.state().sign_dialog().is_none());
    // Beside the user-authentication block, with the same rows.
    assert_eq!(h.query_all_by_label("2029年12月8日").count(), 2);
    assert_eq!(h.query_all_by_label("令和11年12月8日").count(), 2);
    assert_eq!(h.query_all_by_label("あと1106日").count(), 2);
    assert_eq!(h.query_all_by_label("○ 有効").count(), 2);
    assert_eq!(
        h.query_all_by_label("2029年9月9日（令和11年9月9日）")
            .count(),
        2
    );
    h.get_by_label(&format!(
        "本物かどうか：{}",
        messages::genuine(Genuineness::VerifiedSimulated, Lang::Ja)
    ));
    // The comparison, and what the tool may not claim.
    h.get_by_label_contains("署名用電子証明書と利用者証明用電子証明書の有効期限は同じ日です");
    h.get_by_label_contains("オフラインでは確認できない");
    // The card: one VERIFY with data, the counter untouched, the verified state cleared.
    assert_eq!(verifies_with_data(&card), 1);
    let c = card.lock().unwrap();
    assert_eq!(c.pin_tries(EF_SIGN_PIN), Some(5));
    assert!(!c.is_verified(EF_SIGN_PIN));
    drop(c);
    // Nothing personal without the reveal; no second offer to read.
    assert!(h.query_all_by_label_contains("公的").next().is_none());
    assert!(h.query_by_label(READ_SIGN).is_none());
    // The answer still counts one card.
    settle(&mut h);
    assert_eq!(verifies_with_data(&card), 1);
}

#[test]
fn malformed_password_keeps_ok_disabled_and_sends_nothing() {
    let (mut h, card) = with_card(Settings::default(), valid_card());
    let before = log_len(&card);
    open_dialog(&mut h);
    type_password(&mut h, "abc");
    h.get_by_label_contains("短すぎます（6〜16桁、いま3文字）");
    assert!(!ok_enabled(&h));
    // Neither a click on the disabled button nor Enter sends it.
    h.get_by_role_and_label(Role::Button, SEND).click();
    settle(&mut h);
    h.key_press(egui::Key::Enter);
    settle(&mut h);
    type_password(&mut h, "12!");
    h.get_by_label_contains("6文字目が使えない文字です");
    assert!(!ok_enabled(&h));
    type_password(&mut h, "４");
    assert!(!ok_enabled(&h));
    h.state_mut().cancel_sign_dialog();
    settle(&mut h);
    open_dialog(&mut h);
    type_password(&mut h, "ABCDEFGHIJ12345678");
    h.get_by_label_contains("長すぎます（6〜16桁、いま18文字）");
    assert!(!ok_enabled(&h));
    h.get_by_role_and_label(Role::Button, "やめる").click();
    settle(&mut h);
    assert!(h.state().sign_dialog().is_none());
    assert_eq!(log_len(&card), before, "something was sent");
    assert_eq!(verifies_with_data(&card), 0);
    assert_eq!(card.lock().unwrap().pin_tries(EF_SIGN_PIN), Some(5));
}

#[test]
fn wrong_password_says_how_many_tries_remain_and_spends_exactly_one() {
    let (mut h, card) = with_card(Settings::default(), valid_card());
    open_dialog(&mut h);
    type_password(&mut h, "WRONG1");
    h.get_by_role_and_label(Role::Button, SEND).click();
    wait_for(&mut h, "残りはあと4回です");
    h.get_by_label_contains("自動で再試行はしていません");
    assert_eq!(verifies_with_data(&card), 1);
    assert_eq!(card.lock().unwrap().pin_tries(EF_SIGN_PIN), Some(4));
    assert!(!card.lock().unwrap().is_verified(EF_SIGN_PIN));
    // Never retried by itself.
    settle(&mut h);
    assert_eq!(verifies_with_data(&card), 1);
    assert!(h.query_by_label(SIGN_BLOCK).is_none());
    // The counter shown follows the card, and the next dialog starts from it.
    h.get_by_label("残り4回 / 5回");
    open_dialog(&mut h);
    h.get_by_label_contains("署名用パスワードの残り回数：4回");
    h.key_press(egui::Key::Escape);
    settle(&mut h);
    assert!(h.state().sign_dialog().is_none());
    assert_eq!(verifies_with_data(&card), 1);
}

#[test]
fn locked_signing_password_offers_no_entry_and_sends_nothing() {
    let (mut h, card) = with_card(Settings::default(), Scenario::Locked.card(today()).unwrap());
    let before = log_len(&card);
    open_dialog(&mut h);
    h.get_by_label("署名用パスワード：ロック中");
    h.get_by_label_contains("ロックされているため、入力できません");
    assert!(
        h.get_all_by_label_contains("市区町村の窓口で、カードを持参して再設定")
            .next()
            .is_some()
    );
    assert!(h.query_by_role(Role::PasswordInput).is_none());
    assert!(h.query_by_label(SEND).is_none());
    h.get_by_role_and_label(Role::Button, "閉じる").click();
    settle(&mut h);
    assert!(h.state().sign_dialog().is_none());
    assert_eq!(log_len(&card), before);
    assert_eq!(verifies_with_data(&card), 0);
}

#[test]
fn one_try_left_needs_the_confirmation_before_ok() {
    let card = Scenario::Valid
        .builder(today())
        .unwrap()
        .pin_tries(EF_SIGN_PIN, 1)
        .build();
    let (mut h, card) = with_card(Settings::default(), card);
    open_dialog(&mut h);
    h.get_by_label_contains("署名用パスワードの残り回数：1回");
    type_password(&mut h, "ABC123");
    assert!(!ok_enabled(&h), "the last try went without confirmation");
    h.key_press(egui::Key::Enter);
    settle(&mut h);
    assert_eq!(verifies_with_data(&card), 0);
    h.get_by_role_and_label(Role::CheckBox, "最後の1回であることを理解しました")
        .click();
    settle(&mut h);
    assert!(ok_enabled(&h));
    h.get_by_role_and_label(Role::Button, SEND).click();
    wait_for(&mut h, SIGN_BLOCK);
    assert_eq!(verifies_with_data(&card), 1);
    // A right password resets the counter.
    assert_eq!(card.lock().unwrap().pin_tries(EF_SIGN_PIN), Some(5));
    assert!(!card.lock().unwrap().is_verified(EF_SIGN_PIN));
}

#[test]
fn cancel_and_escape_send_nothing() {
    let (mut h, card) = with_card(Settings::default(), valid_card());
    let before = log_len(&card);
    open_dialog(&mut h);
    type_password(&mut h, "ABC123");
    h.get_by_role_and_label(Role::Button, "やめる").click();
    settle(&mut h);
    assert!(h.state().sign_dialog().is_none());
    open_dialog(&mut h);
    // The field starts empty again.
    assert!(!ok_enabled(&h));
    type_password(&mut h, "ABC123");
    h.key_press(egui::Key::Escape);
    settle(&mut h);
    assert!(h.state().sign_dialog().is_none());
    assert_eq!(log_len(&card), before);
    // A card leaving closes the dialog too.
    open_dialog(&mut h);
    h.state_mut()
        .apply(myna_kigen::monitor::MonitorEvent::Removed { reader: "R".into() });
    assert!(h.state().sign_dialog().is_none());
    assert_eq!(log_len(&card), before);
}

#[test]
fn holder_details_only_on_reveal_and_gone_when_the_card_leaves() {
    let rig = Rig::new();
    rig.plug("R");
    let mut h = app(&rig, Settings::default());
    let card = rig.place_card("R", valid_card());
    wait_for(&mut h, "2029年12月8日");
    open_dialog(&mut h);
    type_password(&mut h, "ABC123");
    h.get_by_role_and_label(Role::Button, SEND).click();
    wait_for(&mut h, SIGN_BLOCK);
    assert!(h.query_all_by_label_contains("公的").next().is_none());
    h.get_by_role_and_label(Role::Button, "本人情報を表示")
        .click();
    settle(&mut h);
    h.get_by_label("氏名：公的　太郎");
    h.get_by_label("性別：男");
    h.get_by_label_contains("住所：東京都千代田区模擬町");
    let birth = h.get_by_label_contains("生年月日：");
    let birth = birth
        .accesskit_node()
        .label()
        .or_else(|| birth.value())
        .unwrap_or_default();
    assert!(
        birth.contains('年') && (birth.contains("昭和") || birth.contains("平成")),
        "{birth}"
    );
    // Hidden again by the same button.
    h.get_by_role_and_label(Role::Button, "本人情報を隠す")
        .click();
    settle(&mut h);
    assert!(h.query_all_by_label_contains("公的").next().is_none());
    h.get_by_role_and_label(Role::Button, "本人情報を表示")
        .click();
    settle(&mut h);
    h.get_by_label("氏名：公的　太郎");
    // The card leaves: hidden, forgotten, and not offered again.
    rig.remove("R");
    wait_for(&mut h, "カードは取り外されました");
    assert!(h.query_all_by_label_contains("公的").next().is_none());
    assert!(h.query_by_label("本人情報を表示").is_none());
    assert!(h.state().personal().is_none());
    assert!(!h.state().personal_shown());
    assert_eq!(verifies_with_data(&card), 1);
    assert!(!card.lock().unwrap().is_verified(EF_SIGN_PIN));
}

#[test]
fn counter_mode_reads_the_signing_dates_but_offers_no_reveal() {
    let settings = Settings {
        counter_mode: true,
        ..Settings::default()
    };
    let (mut h, card) = with_card(settings, valid_card());
    open_dialog(&mut h);
    type_password(&mut h, "ABC123");
    h.get_by_role_and_label(Role::Button, SEND).click();
    wait_for(&mut h, SIGN_BLOCK);
    assert!(h.query_by_label("本人情報を表示").is_none());
    assert!(h.query_all_by_label_contains("公的").next().is_none());
    // Nothing personal even in memory.
    assert!(h.state().personal().is_none());
    h.state_mut().toggle_personal();
    assert!(!h.state().personal_shown());
    assert_eq!(verifies_with_data(&card), 1);
    // A signing reading is not another card read.
    h.get_by_label("この起動で読み取ったカード：1枚");
}

#[test]
fn keyboard_reaches_the_read_button_and_sends_with_enter() {
    let (mut h, card) = with_card(Settings::default(), valid_card());
    let mut presses = 0;
    while !h
        .get_by_role_and_label(Role::Button, READ_SIGN)
        .is_focused()
    {
        presses += 1;
        assert!(presses < 40, "Tab never reached the button");
        h.key_press(egui::Key::Tab);
        h.step();
    }
    h.key_press(egui::Key::Enter);
    settle(&mut h);
    assert!(h.state().sign_dialog().is_some());
    // The entry has the focus at once: type and press Enter.
    assert!(h.get_by_role(Role::PasswordInput).is_focused());
    h.get_by_role(Role::PasswordInput).type_text("ABC123");
    h.step();
    h.key_press(egui::Key::Enter);
    wait_for(&mut h, SIGN_BLOCK);
    assert_eq!(verifies_with_data(&card), 1);
}

#[test]
fn reminder_qr_calendar_file_and_slip_to_print() {
    let rig = Rig::new();
    rig.plug("R");
    let dir = std::env::temp_dir().join(format!("myna-kigen-gui-files-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let opened: Arc<Mutex<Vec<std::path::PathBuf>>> = Arc::default();
    let seen = Arc::clone(&opened);
    let readers = rig.readers.lock().unwrap().take().unwrap();
    let config = AppConfig {
        readers: Box::new(readers),
        read: reading(),
        sign: signing(),
        today: Some(today()),
        demo: None,
        timing: None,
        files_dir: dir.clone(),
        open_file: Arc::new(move |p: &std::path::Path| {
            seen.lock().unwrap().push(p.to_owned());
            Ok(())
        }),
        unsupported_reader: || false,
    };
    let mut h = Harness::builder()
        .with_size(egui::vec2(1000.0, 2200.0))
        .build_ui_state(
            |ui, app: &mut App| app.show(ui),
            App::new(config, Settings::default()),
        );
    rig.place("R", Scenario::Valid);
    wait_for(&mut h, "2029年12月8日");
    // The QR code is there for a screen reader too.
    h.get_by_label("更新できる最初の日の予定のQRコード");
    h.get_by_role_and_label(Role::Button, "カレンダーのファイルを保存（.ics）")
        .click();
    wait_for(&mut h, "に保存しました。");
    let ics = std::fs::read_to_string(dir.join("myna-kigen-20290909.ics")).unwrap();
    assert!(
        ics.contains("BEGIN:VCALENDAR") && ics.contains("20290909"),
        "{ics}"
    );
    h.get_by_role_and_label(Role::Button, "印刷（お知らせの紙）")
        .click();
    wait_for(&mut h, "表示用のアプリで開きました");
    let slip = dir.join("myna-kigen-slip-20290909.pdf");
    assert!(std::fs::read(&slip).unwrap().starts_with(b"%PDF-"));
    assert_eq!(*opened.lock().unwrap(), vec![slip]);
    std::fs::remove_dir_all(&dir).unwrap();
}
