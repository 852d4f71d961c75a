//! The window, driven through egui_kittest on the real app with injected readers and reading:
//! the answer, the reader and card flow, counter mode, error sentences, the language switch and
//! a typed card expiry. Widgets are found by label and role, as a screen reader would.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use eframe::egui;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

use myna_kigen::cert::{CertRole, TrustStore};
use myna_kigen::gui::{App, AppConfig, Settings};
use myna_kigen::monitor::ReadFn;
use myna_kigen::report::{Lang, ReadError, ReadOptions, read_card_with};
use myna_kigen::sim::certs::ca_cert_der;
use myna_kigen::sim::{CertKind, Scenario, SimReaders, SimReadersHandle};
use myna_kigen::transport::Transport;

// ---- the simulated readers, read by the product's own reading ----

/// Simulated readers, changed from the test through their handle.
#[derive(Clone)]
struct Rig {
    handle: SimReadersHandle,
    readers: Arc<Mutex<Option<SimReaders>>>,
}

impl Rig {
    fn new() -> Self {
        let readers = SimReaders::new();
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
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn today() -> NaiveDate {
    day(2026, 4, 1)
}

/// The product's reading ([`read_card_with`]), trusting the J-LIS roots and, so genuineness can
/// be shown as verified, the simulated card's root.
fn reading() -> ReadFn {
    let store = TrustStore::jlis().with_root_der(
        "simulated user-authentication root",
        CertRole::UserAuthentication,
        &ca_cert_der(CertKind::UserAuthentication).unwrap(),
    );
    Arc::new(move |t: &mut dyn Transport, o: &ReadOptions| read_card_with(t, o, &store))
}

fn app(rig: &Rig, settings: Settings) -> Harness<'static, App> {
    let readers = rig.readers.lock().unwrap().take().unwrap();
    let config = AppConfig {
        readers: Box::new(readers),
        read: reading(),
        today: Some(today()),
        demo: None,
        timing: None,
    };
    Harness::builder()
        .with_size(egui::vec2(1000.0, 1600.0))
        .build_ui_state(|ui, app: &mut App| app.show(ui), App::new(config, settings))
}

/// Steps the window until a widget whose label contains `text` appears (the worker thread
/// delivers events in the background).
fn wait_for(h: &mut Harness<'static, App>, text: &str) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(5) {
        h.step();
        if h.query_all_by_label_contains(text).next().is_some() {
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    panic!("{text:?} did not appear");
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
    assert_eq!(expiry, day(2029, 4, 11));
    wait_for(&mut h, "2029年4月11日");
    h.get_by_label("利用者証明用電子証明書の有効期限");
    h.get_by_label("令和11年4月11日");
    h.get_by_label_contains("券面の「電子証明書の有効期限」欄に書く日付です");
    h.get_by_label("あと1106日");
    h.get_by_label("○ 有効");
    // First renewal day and the insurance grace end.
    h.get_by_label("2029年1月12日 (令和11年1月12日)");
    h.get_by_label("2029年7月31日 (令和11年7月31日)");
    // The card's own expiry beside the certificates, with its source.
    h.get_by_label("2034年4月11日 (令和16年4月11日)");
    h.get_by_label("カードから読み取り");
    assert!(
        h.get_all_by_label_contains("期限を見るには署名用パスワード")
            .next()
            .is_some()
    );
    h.get_by_label("残り3回 / 3回");
    h.get_by_label("本物 (J-LIS のルート証明書で確認)");
    assert!(h.query_by_label("デモ").is_none());
}

#[test]
fn renewable_and_expired_chips_say_so_in_words() {
    let rig = Rig::new();
    rig.plug("R");
    let mut h = app(&rig, Settings::default());
    rig.place("R", Scenario::Renewable);
    // Expires 2026-05-16: renewal from 2026-02-17.
    wait_for(&mut h, "△ 更新できます (2026年2月17日から)");
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
    wait_for(&mut h, "2029年4月11日");
    rig.remove("R");
    wait_for(&mut h, "カードは取り外されました");
    h.get_by_label("2029年4月11日");
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
    wait_for(&mut h, "この起動で読み取ったカード: 0枚");
    rig.place("R", Scenario::Valid);
    wait_for(&mut h, "2029年4月11日");
    h.get_by_label("この起動で読み取ったカード: 1枚");
    // Counter mode shows the answer and the PINs, not the details.
    h.get_by_label("残り3回 / 3回");
    assert!(h.query_by_label("カードから読み取り").is_none());
    rig.remove("R");
    wait_for(&mut h, "カードをリーダーに置いてください");
    assert!(h.query_all_by_label_contains("2029年").next().is_none());
    assert!(h.query_all_by_label_contains("残り3回").next().is_none());
    rig.place("R", Scenario::Renewable);
    wait_for(&mut h, "この起動で読み取ったカード: 2枚");
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
    h.get_by_label("この起動で読み取ったカード: 0枚");
}

#[test]
fn no_reader_asks_for_one_with_the_rc_s380_hint() {
    let rig = Rig::new();
    let mut h = app(&rig, Settings::default());
    wait_for(&mut h, "カードリーダーを接続してください");
    h.get_by_label(&ReadError::NoReader.message(Lang::Ja));
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
    h.get_by_label(&ReadError::ServiceUnavailable.message(Lang::Ja));
    rig.plug("R");
    rig.handle.start_service();
    // The monitor asks again about once a second.
    let start = Instant::now();
    while h
        .query_by_label("カードをリーダーに置いてください")
        .is_none()
    {
        assert!(start.elapsed() < Duration::from_secs(4), "not recovered");
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn failures_in_plain_words() {
    let rig = Rig::new();
    rig.plug("R");
    let mut h = app(&rig, Settings::default());
    rig.place("R", Scenario::NotMnc);
    wait_for(&mut h, "読み取れませんでした");
    h.get_by_label(&ReadError::NotMyNumberCard.message(Lang::Ja));
    h.get_by_label("English").click();
    wait_for(&mut h, "The card could not be read");
    h.get_by_label(&ReadError::NotMyNumberCard.message(Lang::En));
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
fn language_switch() {
    let rig = Rig::new();
    rig.plug("R");
    let mut h = app(&rig, Settings::default());
    wait_for(&mut h, "カードをリーダーに置いてください");
    h.get_by_label("English").click();
    wait_for(&mut h, "Place the card on the reader");
    assert_eq!(h.state().settings.lang, Lang::En);
    rig.place("R", Scenario::Valid);
    wait_for(&mut h, "11 Apr 2029");
    h.get_by_label("令和11年4月11日");
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
    wait_for(&mut h, "2029年4月11日");
    h.get_by_label("不明");
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
    wait_for(&mut h, "2034年6月15日 (令和16年6月15日)");
    h.get_by_label("券面の記載から入力");
    assert!(
        h.query_by_label("日付の形で入力してください (例: 2034-06-15)")
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
    let start = Instant::now();
    while h.query_by_role(Role::ComboBox).is_none() {
        assert!(start.elapsed() < Duration::from_secs(4), "no reader picker");
        h.step();
        std::thread::sleep(Duration::from_millis(5));
    }
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
    wait_for(&mut h, "2026年5月16日");
}

#[test]
fn demo_is_labelled_and_its_card_can_be_taken_off_and_put_back() {
    let (readers, demo) = myna_kigen::gui::demo_readers("renewable", today()).unwrap();
    let config = AppConfig {
        readers,
        read: reading(),
        today: Some(today()),
        demo: Some(demo),
        timing: None,
    };
    let mut h = Harness::builder()
        .with_size(egui::vec2(1000.0, 1600.0))
        .build_ui_state(
            |ui, app: &mut App| app.show(ui),
            App::new(config, Settings::default()),
        );
    wait_for(&mut h, "2026年5月16日");
    h.get_by_label("デモ");
    h.get_by_label("模擬カード: renewable");
    h.get_by_role_and_label(Role::Button, "カードを取る")
        .click();
    wait_for(&mut h, "カードは取り外されました");
    h.get_by_role_and_label(Role::Button, "カードを置く")
        .click();
    let start = Instant::now();
    while h
        .query_by_label_contains("カードは取り外されました")
        .is_some()
    {
        assert!(start.elapsed() < Duration::from_secs(5), "not read again");
        h.step();
        std::thread::sleep(Duration::from_millis(5));
    }
    wait_for(&mut h, "2026年5月16日");
    assert!(myna_kigen::gui::demo_readers("no-such-card", today()).is_err());
}
