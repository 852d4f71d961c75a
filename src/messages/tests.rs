//! Every entry of the catalogue renders in both languages: not empty, the two different, the
//! Japanese in Japanese and the English without kana; and no sentence on the window's surface
//! names a command-line flag.

use chrono::NaiveDate;

use super::punctuation::{ascii_punctuation_in_japanese, japanese_char};
use super::*;
use crate::card::{CardError, CardKind, PIN_FILES, PinId, PinState};
use crate::cert::{CertError, Genuineness};
use crate::reading::{ReadError, Refusal, SignError};
use crate::report::{NotRead, NotReadReason, PinReport, Warning};
use crate::rules::{Finding, Item};
use crate::secret::SecretError;

fn japanese(s: &str) -> bool {
    s.chars().any(japanese_char)
}

/// Kana outside the quoted names an English sentence may carry: 「…」 and a gloss in (…).
fn kana(s: &str) -> bool {
    let mut depth = 0i32;
    s.chars().any(|c| {
        match c {
            '「' | '(' => depth += 1,
            '」' | ')' => depth -= 1,
            _ => {}
        }
        depth == 0 && ('\u{3040}'..='\u{30ff}').contains(&c)
    })
}

#[test]
fn the_punctuation_check_finds_what_it_should() {
    assert!(ascii_punctuation_in_japanese("有効期限: 2029年").is_some());
    assert!(ascii_punctuation_in_japanese("本物 (J-LIS で確認)").is_some());
    assert!(ascii_punctuation_in_japanese("pcscd)、もう一度").is_some());
    assert!(ascii_punctuation_in_japanese("有効期限：2029年6月15日（令和11年6月15日）").is_none());
    assert!(ascii_punctuation_in_japanese("この日の23:59まで").is_none());
    assert!(ascii_punctuation_in_japanese("15 Jun 2029 (令和11年6月15日)").is_some());
}

/// Checks one entry given as (Japanese, English); `window` entries must not name a flag.
fn check(what: &str, ja: &str, en: &str, window: bool, problems: &mut Vec<String>) {
    if let Some(at) = ascii_punctuation_in_japanese(ja) {
        problems.push(format!(
            "{what}: ASCII punctuation in Japanese near {at:?}: {ja}"
        ));
    }
    if ja.trim().is_empty() || en.trim().is_empty() {
        problems.push(format!("{what}: empty"));
    }
    if ja == en {
        problems.push(format!("{what}: not translated: {ja}"));
    }
    if !japanese(ja) {
        problems.push(format!("{what}: Japanese text without Japanese: {ja}"));
    }
    if kana(en) {
        problems.push(format!("{what}: English text with kana: {en}"));
    }
    if window && (ja.contains("--") || en.contains("--") || en.contains("myna-kigen ")) {
        problems.push(format!(
            "{what}: names a command-line flag on the window: {en}"
        ));
    }
}

fn both(f: impl Fn(Lang) -> String) -> (String, String) {
    (f(Lang::Ja), f(Lang::En))
}

#[test]
fn every_message_in_both_languages() {
    let mut p = Vec::new();
    let day = NaiveDate::from_ymd_opt(2029, 6, 15).unwrap_or_default();
    let surfaces = [(Surface::CommandLine, false), (Surface::Window, true)];

    for (surface, window) in surfaces {
        for w in Warning::ALL {
            let (ja, en) = both(|l| warning(w, l, surface));
            check(&format!("warning {w:?}"), &ja, &en, window, &mut p);
        }
        let read_errors = [
            ReadError::ServiceUnavailable,
            ReadError::NoReader,
            ReadError::ReaderNotFound("ACR".to_owned()),
            ReadError::NoCard,
            ReadError::NotMyNumberCard,
            ReadError::CardRemoved,
            ReadError::SharingViolation,
            ReadError::NotAnswering,
            ReadError::Certificate(CertError::Empty),
            ReadError::Io(CardError::BadDer),
        ];
        let mut sign_errors = vec![
            SignError::Format(SecretError::TooShort { len: 3, min: 6 }),
            SignError::Format(SecretError::TooLong { len: 17, max: 16 }),
            SignError::Format(SecretError::BadCharacter { position: 2 }),
            SignError::NoPassword,
            SignError::CardChanged,
            SignError::WrongPassword { tries_left: 4 },
            SignError::WrongPassword { tries_left: 1 },
            SignError::WrongPassword { tries_left: 0 },
            SignError::Blocked,
            SignError::NotReadable,
        ];
        for r in [
            Refusal::Locked,
            Refusal::LastTryNotConfirmed,
            Refusal::TriesUnknown,
            Refusal::NoSigningCertificate,
        ] {
            sign_errors.push(SignError::Refused(r));
            // The window asks for the last try with its own tick box, never with a flag.
            let (ja, en) = both(|l| refusal(r, l, surface));
            check(&format!("refusal {r:?}"), &ja, &en, window, &mut p);
        }
        for e in &read_errors {
            let (ja, en) = both(|l| read_error(e, l, surface));
            check(&format!("read error {e:?}"), &ja, &en, window, &mut p);
        }
        for e in &sign_errors {
            let (ja, en) = both(|l| sign_error(e, l, surface));
            check(&format!("sign error {e:?}"), &ja, &en, window, &mut p);
        }
        for item in [Item::Auth, Item::Sign] {
            for (present, reason) in [
                (Some(true), NotReadReason::PasswordRequired),
                (None, NotReadReason::PasswordRequired),
                (Some(false), NotReadReason::Absent),
            ] {
                let n = NotRead {
                    present,
                    read: false,
                    reason,
                };
                let (ja, en) = both(|l| not_read(&n, item, l, surface));
                check(&format!("not read {n:?}"), &ja, &en, window, &mut p);
            }
        }
    }
    for t in window::Phrase::ALL {
        check(
            &format!("window {t:?}"),
            t.text(Lang::Ja),
            t.text(Lang::En),
            true,
            &mut p,
        );
    }
    other_entries(day, &mut p);
    for t in Text::ALL {
        check(
            &format!("{t:?}"),
            t.text(Lang::Ja),
            t.text(Lang::En),
            false,
            &mut p,
        );
    }
    for file in PIN_FILES {
        check(
            &format!("pin name {:?}", file.id),
            pin_name(file.id, Lang::Ja),
            pin_name(file.id, Lang::En),
            true,
            &mut p,
        );
    }
    check(
        "pin name other",
        pin_name(PinId::Other, Lang::Ja),
        pin_name(PinId::Other, Lang::En),
        true,
        &mut p,
    );
    for state in [
        PinState::Ok,
        PinState::Locked,
        PinState::Verified,
        PinState::Unavailable,
    ] {
        let r = PinReport {
            tries_left: Some(2),
            max: Some(3),
            state,
        };
        let (ja, en) = both(|l| pin(&r, l));
        check(&format!("pin {state:?}"), &ja, &en, true, &mut p);
    }
    for g in [
        Genuineness::Verified,
        Genuineness::UnknownRoot,
        Genuineness::Failed,
        Genuineness::NotChecked,
    ] {
        check(
            &format!("{g:?}"),
            genuine(g, Lang::Ja),
            genuine(g, Lang::En),
            true,
            &mut p,
        );
    }
    for k in [
        CardKind::MyNumberCard,
        CardKind::JukiCard,
        CardKind::Smartphone,
        CardKind::Unknown,
    ] {
        check(
            &format!("{k:?}"),
            card_kind(k, Lang::Ja),
            card_kind(k, Lang::En),
            true,
            &mut p,
        );
    }
    for item in [Item::Card, Item::Auth, Item::Sign] {
        check(
            "item",
            item_name(item, Lang::Ja),
            item_name(item, Lang::En),
            true,
            &mut p,
        );
        check(
            "use",
            item_use(item, Lang::Ja),
            item_use(item, Lang::En),
            true,
            &mut p,
        );
        for f in [
            Finding::CapViolated {
                item,
                cap: Item::Card,
            },
            Finding::RenewCard { item },
            Finding::RenewCertificateAtCounter { item, from: day },
            Finding::NewIssueAtCounter { item },
        ] {
            let (ja, en) = both(|l| finding(&f, l));
            check(&format!("{f:?}"), &ja, &en, true, &mut p);
        }
    }
    for f in [
        Finding::CardExpired,
        Finding::InsuranceGrace { until: day },
        Finding::InsuranceRegistrationBlocked,
    ] {
        let (ja, en) = both(|l| finding(&f, l));
        check(&format!("{f:?}"), &ja, &en, true, &mut p);
    }
    for c in [
        crate::report::Comparison::SameExpiry,
        crate::report::Comparison::SignEndsFirst { days: 3 },
        crate::report::Comparison::SignReissued { issued: day },
        crate::report::Comparison::SignEndsWithCard,
        crate::report::Comparison::RevocationNotChecked,
    ] {
        let (ja, en) = both(|l| comparison(&c, l));
        check(&format!("{c:?}"), &ja, &en, true, &mut p);
    }
    let (ja, en) = both(|l| tries_before_asking(None, l));
    check("tries unknown", &ja, &en, true, &mut p);
    check("prompt", prompt(Lang::Ja), prompt(Lang::En), false, &mut p);
    check(
        "state cleared",
        state_cleared(Lang::Ja),
        state_cleared(Lang::En),
        true,
        &mut p,
    );
    assert!(p.is_empty(), "{}", p.join("\n"));
}

#[test]
fn tries_and_days_in_words() {
    assert_eq!(tries(1, Lang::En), "1 try");
    assert_eq!(tries(3, Lang::En), "3 tries");
    assert_eq!(tries(3, Lang::Ja), "3回");
    assert_eq!(days_left(0, Lang::En), "today is the last day");
    assert_eq!(days_left(-1, Lang::En), "expired 1 day ago");
    let locked = PinReport {
        tries_left: Some(0),
        max: Some(5),
        state: PinState::Locked,
    };
    assert!(tries_before_asking(Some(&locked), Lang::En).contains("LOCKED"));
    let three = PinReport {
        tries_left: Some(3),
        max: Some(5),
        state: PinState::Ok,
    };
    assert!(tries_before_asking(Some(&three), Lang::En).contains("3 tries left"));
    // A maximum nobody documents is not shown.
    let unknown_max = PinReport {
        tries_left: Some(3),
        max: None,
        state: PinState::Ok,
    };
    assert_eq!(pin(&unknown_max, Lang::En), "3 tries left");
    assert_eq!(pin(&unknown_max, Lang::Ja), "残り3回");
    assert_eq!(pin(&three, Lang::En), "3 of 5 tries left");
    assert!(
        sign_error(
            &SignError::WrongPassword { tries_left: 4 },
            Lang::Ja,
            Surface::CommandLine
        )
        .contains("あと4回")
    );
}

/// The catalogue's functions outside the report's codes: dates, the window's sentences, the
/// command line's phrases, the calendar, the slip and the start-up failures.
fn other_entries(day: NaiveDate, p: &mut Vec<String>) {
    use std::path::Path;
    let mut entries: Vec<(String, (String, String))> = vec![
        ("date".into(), both(|l| date(day, l))),
        (
            "date with wareki".into(),
            both(|l| date_with_wareki(day, l)),
        ),
        (
            "labelled".into(),
            both(|l| labelled(item_name(Item::Card, l), &date(day, l), l)),
        ),
        (
            "aside".into(),
            both(|l| {
                format!(
                    "{}{}",
                    status_short(crate::rules::Status::Valid, l),
                    aside(&date(day, l), l)
                )
            }),
        ),
        (
            "file saved".into(),
            both(|l| window::file_saved(true, Path::new("/tmp/s.pdf"), l)),
        ),
        (
            "file saved (calendar)".into(),
            both(|l| window::file_saved(false, Path::new("/tmp/c.ics"), l)),
        ),
        (
            "file failed".into(),
            both(|l| window::file_failed("disk full", l)),
        ),
        (
            "demo scenario".into(),
            both(|l| window::demo_scenario("valid", l)),
        ),
        ("cards read".into(), both(|l| window::cards_read(3, l))),
        ("readers".into(), both(|l| window::readers_count(2, l))),
        (
            "renewable from".into(),
            both(|l| window::renewable_from(day, l)),
        ),
        (
            "window footer".into(),
            both(|l| window::footer("R", &date(day, l), card_kind(CardKind::MyNumberCard, l), l)),
        ),
        (
            "pins locked".into(),
            both(|l| window::pins_locked(pin_name(PinId::Auth, l), l)),
        ),
        (
            "cli footer".into(),
            both(|l| words::footer("R", &date(day, l), 9, l)),
        ),
        ("grace".into(), both(|l| words::grace_after_expiry(day, l))),
        ("until".into(), both(|l| words::until_end_of(day, l))),
        (
            "spoken".into(),
            both(|l| {
                window::spoken_answer(
                    window::Phrase::AuthExpiresHeading.text(l),
                    day,
                    window::Phrase::Valid.text(l),
                    &days_left(3, l),
                    day,
                    Some(day),
                    l,
                )
            }),
        ),
        (
            "watch header".into(),
            both(|l| words::watch_card_header("R", l)),
        ),
        (
            "watch removed".into(),
            both(|l| words::watch_removed("R", l)),
        ),
        (
            "watch waiting".into(),
            both(|l| words::watch_waiting(l).to_owned()),
        ),
        ("calendar".into(), both(|l| calendar::name(l).to_owned())),
        (
            "grace day".into(),
            both(|l| calendar::grace_day(l).join("\n")),
        ),
        (
            "phone event".into(),
            both(|l| calendar::phone_event(day, l).join("\n")),
        ),
        ("slip title".into(), both(|l| slip::title(l).to_owned())),
        (
            "slip auth".into(),
            both(|l| slip::auth_lines(day, 3, day, l).join("\n")),
        ),
        ("slip sign".into(), both(|l| slip::sign_line(day, l))),
        ("slip grace".into(), both(|l| slip::grace_line(day, l))),
        ("slip card".into(), both(|l| slip::card_line(Some(day), l))),
        ("slip no card".into(), both(|l| slip::card_line(None, l))),
        (
            "slip bring".into(),
            both(|l| {
                format!(
                    "{}\n{}",
                    slip::bring_heading(l),
                    slip::bring_lines(l).join("\n")
                )
            }),
        ),
        ("slip qr".into(), both(|l| slip::qr_caption(l).to_owned())),
        ("slip footer".into(), both(|l| slip::footer(day, l))),
    ];
    for present in [Some(true), Some(false), None] {
        entries.push((
            format!("slip sign {present:?}"),
            both(|l| slip::sign_not_read(present, l).to_owned()),
        ));
    }
    for item in [Item::Auth, Item::Sign] {
        entries.push((
            format!("calendar {item:?}"),
            both(|l| calendar::certificate_days(item, day, l).join("\n")),
        ));
    }
    for problem in [
        startup::Problem::NoDisplay,
        startup::Problem::MissingLibrary(None),
        startup::Problem::MissingLibrary(Some("libxi6")),
        startup::Problem::NoGraphicsDriver,
    ] {
        entries.push((
            format!("start-up {problem:?}"),
            both(|l| startup::sentence(&problem, l)),
        ));
    }
    for e in [
        SecretError::TooShort { len: 3, min: 6 },
        SecretError::TooLong { len: 17, max: 16 },
        SecretError::BadCharacter { position: 2 },
    ] {
        entries.push((
            format!("format hint {e:?}"),
            both(|l| window::format_hint(&e, l)),
        ));
        entries.push((
            format!("format problem {e:?}"),
            both(|l| format_problem(&e, l)),
        ));
    }
    let personal = crate::report::PersonalReport {
        name: Some("山田　太郎".to_owned()),
        birth_date: NaiveDate::from_ymd_opt(1980, 12, 31),
        birth_wareki: Some("昭和55年12月31日".to_owned()),
        sex: Some(crate::report::SexReport::Female),
        address: Some("東京都千代田区千代田１－１".to_owned()),
    };
    entries.push((
        "personal".into(),
        both(|l| personal_lines(&personal, l).join("\n")),
    ));
    for (what, (ja, en)) in entries {
        check(&what, &ja, &en, false, p);
    }
}
