//! The window, driven through egui_kittest on the real app with injected readers and reading:
//! the answer, the reader and card flow, counter mode, error sentences, the language switch and
//! a typed card expiry. Widgets are found by label and role, as a screen reader would.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use chrono::{NaiveDate, TimeZone};
use eframe::egui;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

use myna_kigen::card::{CardKind, PinState};
use myna_kigen::cert::Genuineness;
use myna_kigen::gui::{App, AppConfig, Settings};
use myna_kigen::monitor::ReadFn;
use myna_kigen::report::{
    CardInfo, CardReport, CertReport, CertSlot, ExpirySource, Lang, NotRead, PinReport, ReadError,
    ReadOptions,
};
use myna_kigen::rules;
use myna_kigen::transport::{ReaderInfo, Readers, Transaction, Transport, TransportError, Waker};

// ---- a small set of readers and cards, controlled from the test ----

#[derive(Debug, Clone)]
enum Card {
    Mnc {
        auth: NaiveDate,
        card: Option<NaiveDate>,
        locked: bool,
    },
    NotMnc,
}

#[derive(Default)]
struct State {
    readers: Vec<ReaderInfo>,
    cards: HashMap<String, Card>,
    down: bool,
    woken: bool,
}

#[derive(Clone, Default)]
struct Rig(Arc<(Mutex<State>, Condvar)>);

impl Rig {
    fn change(&self, f: impl FnOnce(&mut State)) {
        f(&mut self.0.0.lock().unwrap());
        self.0.1.notify_all();
    }
    fn plug(&self, name: &str) {
        self.change(|s| {
            s.readers.push(ReaderInfo {
                name: name.into(),
                has_card: false,
            })
        });
    }
    fn place(&self, reader: &str, card: Card) {
        self.change(|s| {
            s.cards.insert(reader.into(), card);
            for r in s.readers.iter_mut().filter(|r| r.name == reader) {
                r.has_card = true;
            }
        });
    }
    fn remove(&self, reader: &str) {
        self.change(|s| {
            s.cards.remove(reader);
            for r in s.readers.iter_mut().filter(|r| r.name == reader) {
                r.has_card = false;
            }
        });
    }
}

struct RigReaders(Rig);

fn listing(s: &State) -> Result<Vec<ReaderInfo>, TransportError> {
    if s.down {
        Err(TransportError::ServiceUnavailable)
    } else {
        Ok(s.readers.clone())
    }
}

impl Readers for RigReaders {
    fn list(&mut self) -> Result<Vec<ReaderInfo>, TransportError> {
        listing(&self.0.0.0.lock().unwrap())
    }
    fn connect(&mut self, reader: &str) -> Result<Box<dyn Transport>, TransportError> {
        let s = self.0.0.0.lock().unwrap();
        if s.cards.contains_key(reader) {
            Ok(Box::new(RigTransport(reader.into())))
        } else {
            Err(TransportError::NoCard)
        }
    }
    fn wait_for_change(
        &mut self,
        known: &[ReaderInfo],
        timeout: Duration,
    ) -> Result<Vec<ReaderInfo>, TransportError> {
        let deadline = Instant::now() + timeout;
        let (m, cv) = &*self.0.0;
        let mut s = m.lock().unwrap();
        while !s.down && !s.woken && s.readers == known && Instant::now() < deadline {
            s = cv.wait_timeout(s, deadline - Instant::now()).unwrap().0;
        }
        s.woken = false;
        listing(&s)
    }
    fn waker(&self) -> Waker {
        let rig = self.0.clone();
        Arc::new(move || rig.change(|s| s.woken = true))
    }
}

struct RigTransport(String);

impl Transport for RigTransport {
    fn reader_name(&self) -> &str {
        &self.0
    }
    fn transaction(&mut self) -> Result<Box<dyn Transaction + '_>, TransportError> {
        Err(TransportError::Other("not used".into()))
    }
    fn reconnect(&mut self, _: bool) -> Result<(), TransportError> {
        Ok(())
    }
    fn supports_extended_length(&self) -> bool {
        false
    }
    fn disable_extended_length(&mut self) {}
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

const TODAY: (i32, u32, u32) = (2026, 4, 1);

fn cert(expiry: NaiveDate, today: NaiveDate, auth: bool) -> CertReport {
    let jst = chrono::FixedOffset::east_opt(9 * 3600).unwrap();
    let not_before = day(2024, 6, 1);
    CertReport {
        present: true,
        read: true,
        not_before: jst
            .from_local_datetime(&not_before.and_hms_opt(10, 0, 0).unwrap())
            .unwrap(),
        not_after: jst
            .from_local_datetime(&expiry.and_hms_opt(23, 59, 59).unwrap())
            .unwrap(),
        expiry,
        expiry_wareki: rules::wareki(expiry),
        days_left: rules::days_left(expiry, today),
        status: rules::status(not_before, expiry, today),
        renewal_from: rules::renewal_from(expiry),
        insurance_grace_until: auth.then(|| rules::insurance_grace_until(expiry)),
        issuer: "C=JP, O=JPKI".into(),
        subject: "C=JP, CN=opaque".into(),
        serial: "01".into(),
        genuine: Genuineness::Verified,
    }
}

/// The reading: what the card in that reader holds, with the rules applied as the report layer
/// does.
fn rig_read(rig: &Rig) -> ReadFn {
    let rig = rig.clone();
    Arc::new(move |t: &mut dyn Transport, o: &ReadOptions| {
        let card = rig.0.0.lock().unwrap().cards.get(t.reader_name()).cloned();
        let Some(Card::Mnc { auth, card, locked }) = card else {
            return Err(match card {
                Some(Card::NotMnc) => ReadError::NotMyNumberCard,
                _ => ReadError::CardRemoved,
            });
        };
        let (expiry, source) = match (card, o.card_expiry_typed) {
            (Some(d), _) => (Some(d), Some(ExpirySource::Card)),
            (None, Some(d)) => (Some(d), Some(ExpirySource::User)),
            (None, None) => (None, None),
        };
        let mut pins = BTreeMap::new();
        pins.insert(
            "auth".to_owned(),
            PinReport {
                tries_left: Some(if locked { 0 } else { 3 }),
                max: 3,
                state: if locked {
                    PinState::Locked
                } else {
                    PinState::Ok
                },
            },
        );
        Ok(CardReport {
            schema: 1,
            reader: t.reader_name().into(),
            today: o.today,
            apdus: 9,
            card: CardInfo {
                kind: CardKind::MyNumberCard,
                expiry,
                expiry_source: source,
            },
            auth: CertSlot::Read(Box::new(cert(auth, o.today, true))),
            sign: CertSlot::NotRead(NotRead {
                present: Some(true),
                read: false,
                reason: "password_required".into(),
            }),
            pins,
            warnings: vec![],
        })
    })
}

fn app(rig: &Rig, settings: Settings) -> Harness<'static, App> {
    let config = AppConfig {
        readers: Box::new(RigReaders(rig.clone())),
        read: rig_read(rig),
        today: Some(day(TODAY.0, TODAY.1, TODAY.2)),
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

fn valid_card() -> Card {
    Card::Mnc {
        auth: day(2029, 6, 15),
        card: Some(day(2034, 6, 15)),
        locked: false,
    }
}

// ---- the tests ----

#[test]
fn answer_shows_the_date_first_in_gregorian_and_wareki() {
    let rig = Rig::default();
    rig.plug("Reader A");
    let mut h = app(&rig, Settings::default());
    wait_for(&mut h, "カードをリーダーに置いてください");
    rig.place("Reader A", valid_card());
    wait_for(&mut h, "2029年6月15日");
    h.get_by_label("利用者証明用電子証明書の有効期限");
    h.get_by_label("令和11年6月15日");
    h.get_by_label_contains("券面の「電子証明書の有効期限」欄に書く日付です");
    h.get_by_label("あと1171日");
    h.get_by_label("○ 有効");
    // First renewal day and the insurance grace end.
    h.get_by_label("2029年3月16日 (令和11年3月16日)");
    h.get_by_label("2029年9月30日 (令和11年9月30日)");
    // The card's own expiry beside the certificates, with its source.
    h.get_by_label("2034年6月15日 (令和16年6月15日)");
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
    let rig = Rig::default();
    rig.plug("R");
    let mut h = app(&rig, Settings::default());
    rig.place(
        "R",
        Card::Mnc {
            auth: day(2026, 5, 31),
            card: None,
            locked: false,
        },
    );
    wait_for(&mut h, "△ 更新できます (2026年3月1日から)");
    rig.remove("R");
    wait_for(&mut h, "カードは取り外されました");
    rig.place(
        "R",
        Card::Mnc {
            auth: day(2026, 2, 1),
            card: None,
            locked: false,
        },
    );
    wait_for(&mut h, "× 期限切れ");
    h.get_by_label("59日前に期限切れ");
    assert!(
        h.query_by_label_contains("カードは取り外されました")
            .is_none()
    );
}

#[test]
fn resident_mode_keeps_the_result_with_a_removed_note() {
    let rig = Rig::default();
    rig.plug("R");
    let mut h = app(&rig, Settings::default());
    rig.place("R", valid_card());
    wait_for(&mut h, "2029年6月15日");
    rig.remove("R");
    wait_for(&mut h, "カードは取り外されました");
    h.get_by_label("2029年6月15日");
}

#[test]
fn counter_mode_clears_the_moment_the_card_leaves_and_counts() {
    let rig = Rig::default();
    rig.plug("R");
    let settings = Settings {
        counter_mode: true,
        ..Settings::default()
    };
    let mut h = app(&rig, settings);
    wait_for(&mut h, "この起動で読み取ったカード: 0枚");
    rig.place("R", valid_card());
    wait_for(&mut h, "2029年6月15日");
    h.get_by_label("この起動で読み取ったカード: 1枚");
    // Counter mode shows the answer and the PINs, not the details.
    h.get_by_label("残り3回 / 3回");
    assert!(h.query_by_label("カードから読み取り").is_none());
    rig.remove("R");
    wait_for(&mut h, "カードをリーダーに置いてください");
    assert!(h.query_all_by_label_contains("2029年").next().is_none());
    assert!(h.query_by_label_contains("残り3回").is_none());
    rig.place("R", valid_card());
    wait_for(&mut h, "この起動で読み取ったカード: 2枚");
}

#[test]
fn counter_mode_is_a_toggle() {
    let rig = Rig::default();
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
    let rig = Rig::default();
    let mut h = app(&rig, Settings::default());
    wait_for(&mut h, "カードリーダーを接続してください");
    h.get_by_label(&ReadError::NoReader.message(Lang::Ja));
    h.get_by_label_contains("RC-S380");
    rig.plug("R");
    wait_for(&mut h, "カードをリーダーに置いてください");
}

#[test]
fn service_down_says_so_and_recovers() {
    let rig = Rig::default();
    rig.change(|s| s.down = true);
    let mut h = app(&rig, Settings::default());
    wait_for(&mut h, "サービスが動いていません");
    h.get_by_label(&ReadError::ServiceUnavailable.message(Lang::Ja));
    rig.plug("R");
    rig.change(|s| s.down = false);
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
    let rig = Rig::default();
    rig.plug("R");
    let mut h = app(&rig, Settings::default());
    rig.place("R", Card::NotMnc);
    wait_for(&mut h, "読み取れませんでした");
    h.get_by_label(&ReadError::NotMyNumberCard.message(Lang::Ja));
}

#[test]
fn locked_pin_gets_a_plain_warning() {
    let rig = Rig::default();
    rig.plug("R");
    let mut h = app(&rig, Settings::default());
    rig.place(
        "R",
        Card::Mnc {
            auth: day(2029, 6, 15),
            card: None,
            locked: true,
        },
    );
    wait_for(&mut h, "ロック中");
    h.get_by_label_contains("ロックは自然には解除されません");
}

#[test]
fn language_switch() {
    let rig = Rig::default();
    rig.plug("R");
    let mut h = app(&rig, Settings::default());
    wait_for(&mut h, "カードをリーダーに置いてください");
    h.get_by_label("English").click();
    wait_for(&mut h, "Place the card on the reader");
    assert_eq!(h.state().settings.lang, Lang::En);
    rig.place("R", valid_card());
    wait_for(&mut h, "15 Jun 2029");
    h.get_by_label("令和11年6月15日");
    h.get_by_label_contains("「電子証明書の有効期限」 field");
    h.get_by_label("○ Valid");
    h.get_by_label("1171 days left");
    h.get_by_label("日本語").click();
    wait_for(&mut h, "あと1171日");
}

#[test]
fn typed_card_expiry_appears_beside_the_certificates() {
    let rig = Rig::default();
    rig.plug("R");
    let mut h = app(&rig, Settings::default());
    rig.place(
        "R",
        Card::Mnc {
            auth: day(2029, 6, 15),
            card: None,
            locked: false,
        },
    );
    wait_for(&mut h, "2029年6月15日");
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
}

#[test]
fn reader_picker_when_there_are_several() {
    let rig = Rig::default();
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
    rig.place("ACS ACR1252", valid_card());
    settle(&mut h);
    assert!(
        h.query_all_by_label_contains("2029年6月15日")
            .next()
            .is_none()
    );
    rig.place("Sony RC-S300", valid_card());
    wait_for(&mut h, "2029年6月15日");
}
