//! `read --sign` through the simulated card: the password is sent only when the person asked,
//! at most once, never in the wrong format, never on a locked card or an unconfirmed last try;
//! the signing certificate is read and the card's verified state is cleared afterwards.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::cell::RefCell;
use std::io::{Cursor, Write};
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use myna_kigen::card::EF_SIGN_PIN;
use myna_kigen::cert::Genuineness;
use myna_kigen::cli::exit;
use myna_kigen::cli::{Io, run_with};
use myna_kigen::reading::{Reader, Refusal, SignError, SignRequest};
use myna_kigen::report::{CertSlot, Warning};
use myna_kigen::report::{Comparison, compare};
use myna_kigen::secret::SigningPassword;
use myna_kigen::sim::{Scenario, SimCard, SimCardBuilder, SimTransport};

mod support;
use support::{hex, options, sim_store as sim_trust, today};

const EF_AUTH_PIN: [u8; 2] = [0x00, 0x18];

fn card(scenario: Scenario, tweak: fn(SimCardBuilder) -> SimCardBuilder) -> Arc<Mutex<SimCard>> {
    Arc::new(Mutex::new(
        tweak(scenario.builder(today()).unwrap()).build(),
    ))
}

fn valid() -> Arc<Mutex<SimCard>> {
    card(Scenario::Valid, |b| b)
}

/// A writer tests can read while the CLI still holds it.
#[derive(Clone, Default)]
struct Shared(Rc<RefCell<Vec<u8>>>);

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Shared {
    fn text(&self) -> String {
        String::from_utf8(self.0.borrow().clone()).unwrap()
    }
}

struct Outcome {
    code: i32,
    out: String,
    err: String,
    /// For each prompt: the prompt, and what stderr held when it was shown.
    prompts: Vec<(String, String)>,
}

/// Runs `myna-kigen read --today TODAY <args>` on `card`, with `stdin` as standard input
/// and `typed` as what the person types at the no-echo prompt (`None`: no terminal).
fn cli(card: &Arc<Mutex<SimCard>>, args: &[&str], stdin: &str, typed: Option<&str>) -> Outcome {
    let out = Shared::default();
    let err = Shared::default();
    let prompts = RefCell::new(Vec::new());
    let err_seen = err.clone();
    let mut ask = |prompt: &str| {
        prompts
            .borrow_mut()
            .push((prompt.to_owned(), err_seen.text()));
        typed
            .map(str::to_owned)
            .ok_or_else(|| std::io::Error::other("no terminal"))
    };
    let mut input = Cursor::new(stdin.as_bytes().to_vec());
    let mut transport = SimTransport::shared(card.clone());
    let mut io = Io {
        stdin: &mut input,
        ask_hidden: &mut ask,
        transport: Some(&mut transport),
    };
    let mut all = vec!["myna-kigen", "read", "--today", support::TODAY];
    all.extend_from_slice(args);
    let code = run_with(all, &mut out.clone(), &mut err.clone(), &mut io);
    Outcome {
        code,
        out: out.text(),
        err: err.text(),
        prompts: prompts.into_inner(),
    }
}

fn verifies_with_data(card: &Arc<Mutex<SimCard>>) -> usize {
    card.lock().unwrap().verifies_with_data()
}

/// After a reading: nothing is verified any more, and EF 0001 without VERIFY answers 6982.
fn assert_state_cleared(card: &Arc<Mutex<SimCard>>) {
    let mut c = card.lock().unwrap();
    assert!(!c.is_verified(EF_SIGN_PIN));
    let select = hex("00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01");
    let mut answer = c.process(&select);
    if answer == hex("6F 00") {
        // Powered off and on by the reading: the first command after power-up (domain.md §2b).
        answer = c.process(&select);
    }
    assert_eq!(answer, hex("90 00"));
    assert_eq!(c.process(&hex("00 B0 81 00 00")), hex("69 82"));
}

fn json(o: &Outcome) -> serde_json::Value {
    serde_json::from_str(&o.out).unwrap_or_else(|e| panic!("{e}: {}", o.out))
}

#[test]
fn right_password_from_stdin_reads_the_signing_certificate() {
    let c = valid();
    let o = cli(
        &c,
        &["--sign", "--password-stdin", "--json", "--lang", "en"],
        "ABC123\n",
        None,
    );
    assert_eq!(o.code, exit::OK, "{}", o.err);
    let v = json(&o);
    assert_eq!(v["sign"]["read"], true);
    assert_eq!(v["sign"]["expiry"], v["auth"]["expiry"]);
    assert!(v["sign"]["days_left"].as_i64().unwrap() > 0);
    assert!(v["sign"].get("insurance_grace_until").is_none());
    assert!(
        v["sign"]["issuer"]
            .as_str()
            .unwrap()
            .contains("digital signature")
    );
    assert_eq!(v["pins"]["sign"]["tries_left"], 5);
    // No personal data unless asked.
    assert!(v["sign"].get("personal").is_none());
    assert!(!o.out.contains("公的"));
    assert!(o.err.contains("5 tries left"));
    assert!(o.prompts.is_empty(), "stdin given: no prompt");
    assert_eq!(verifies_with_data(&c), 1);
    assert_eq!(c.lock().unwrap().pin_tries(EF_SIGN_PIN), Some(5));
    // `apdus` is every command the card received, in both transactions: the no-PIN reading (9,
    // and its first command once more: the card answered it 6F 00 after power-up),
    // then SELECT JPKI, SELECT EF 001B, its counter checked again in the transaction that sends
    // the password, the VERIFY, and EF 0001 in two READs (6). Nothing of the first is read again.
    let log = c.lock().unwrap().log().to_vec();
    assert_eq!(v["apdus"], log.len());
    assert_eq!(log.len(), 16);
    // Answered, that is (the 6F 00 to the first command is not an answer).
    let count = |cmd: &[u8]| {
        log.iter()
            .filter(|l| l.command == cmd && l.sw != 0x6F00)
            .count()
    };
    assert_eq!(count(&hex("00 CA 00 F2 00")), 1, "GET DATA once");
    assert_eq!(count(&hex("00 B0 88 00 03")), 1, "EF 0008 once");
    assert_eq!(count(&hex("00 B0 8A 00 00")), 1, "EF 000A once");
    assert!(
        !log.iter()
            .any(|l| l.command.starts_with(&hex("00 A4 04 0C 0A D3 92 10")))
    );
    assert_state_cleared(&c);
}

#[test]
fn prompt_shows_the_tries_left_first_and_converts_lower_case() {
    let c = valid();
    let o = cli(&c, &["--sign", "--lang", "en"], "", Some("abc123"));
    assert_eq!(o.code, exit::OK, "{}", o.err);
    assert_eq!(o.prompts.len(), 1);
    let (prompt, err_before) = &o.prompts[0];
    assert!(prompt.contains("not shown"));
    assert!(
        err_before.contains("Signing password: 5 tries left"),
        "{err_before}"
    );
    assert!(o.out.contains("The signing certificate"));
    assert!(o.out.contains("Revocation cannot be checked offline"));
    assert!(o.out.contains("powered off and on"));
    assert!(!o.out.contains("abc123") && !o.err.contains("abc123"));
    assert_eq!(verifies_with_data(&c), 1);
    assert_state_cleared(&c);
}

#[test]
fn wrong_password_is_reported_once_and_never_retried() {
    let c = valid();
    let o = cli(
        &c,
        &["--sign", "--password-stdin", "--lang", "en"],
        "WRONG1\n",
        None,
    );
    assert_eq!(o.code, exit::WRONG_PASSWORD);
    assert!(o.err.contains("4 tries left"), "{}", o.err);
    assert!(!o.err.contains("WRONG1"));
    assert_eq!(verifies_with_data(&c), 1);
    assert_eq!(c.lock().unwrap().pin_tries(EF_SIGN_PIN), Some(4));

    let o = cli(
        &c,
        &["--sign", "--password-stdin", "--json", "--lang", "ja"],
        "wrong2",
        None,
    );
    assert_eq!(o.code, exit::WRONG_PASSWORD);
    let v = json(&o);
    assert_eq!(v["error"]["code"], "wrong_password");
    assert_eq!(v["error"]["tries_left"], 3);
    assert!(o.err.contains("あと3回"));
    assert_eq!(verifies_with_data(&c), 2);
    assert_eq!(c.lock().unwrap().pin_tries(EF_SIGN_PIN), Some(3));
    assert_state_cleared(&c);
}

#[test]
fn locked_card_gets_no_verify_even_with_last_try() {
    let c = card(Scenario::Locked, |b| b);
    for args in [
        &["--sign", "--lang", "en"][..],
        &["--sign", "--last-try", "--lang", "en"][..],
    ] {
        let o = cli(&c, args, "", Some("ABC123"));
        assert_eq!(o.code, exit::PASSWORD_NOT_SENT);
        assert!(o.err.contains("locked") && o.err.contains("municipal office"));
        assert!(o.prompts.is_empty(), "no need to ask on a locked card");
    }
    let o = cli(
        &c,
        &["--sign", "--password-stdin", "--json", "--lang", "ja"],
        "ABC123\n",
        None,
    );
    assert_eq!(o.code, exit::PASSWORD_NOT_SENT);
    assert_eq!(json(&o)["error"]["code"], "password_locked");
    assert!(o.err.contains("窓口"));
    assert_eq!(verifies_with_data(&c), 0);
    assert_eq!(c.lock().unwrap().pin_tries(EF_SIGN_PIN), Some(0));
    // The no-PIN reading asked the counters (VERIFY without data), nothing else.
    assert!(
        c.lock()
            .unwrap()
            .log()
            .iter()
            .any(|l| l.command.starts_with(&[0x00, 0x20]) && !l.verify_with_data)
    );
}

fn last_try(b: SimCardBuilder) -> SimCardBuilder {
    b.pin_tries(EF_SIGN_PIN, 1)
}

#[test]
fn last_try_needs_confirmation() {
    let c = card(Scenario::Valid, last_try);
    let o = cli(&c, &["--sign", "--lang", "en"], "", Some("ABC123"));
    assert_eq!(o.code, exit::PASSWORD_NOT_SENT);
    assert!(o.err.contains("1 try left") && o.err.contains("--last-try"));
    assert!(o.prompts.is_empty());
    let o = cli(&c, &["--sign", "--password-stdin"], "ABC123", None);
    assert_eq!(o.code, exit::PASSWORD_NOT_SENT);
    assert_eq!(verifies_with_data(&c), 0);
    assert_eq!(c.lock().unwrap().pin_tries(EF_SIGN_PIN), Some(1));

    // Confirmed and right: read, and the counter is full again.
    let o = cli(&c, &["--sign", "--last-try", "--json"], "", Some("ABC123"));
    assert_eq!(o.code, exit::OK, "{}", o.err);
    assert_eq!(json(&o)["sign"]["read"], true);
    assert_eq!(json(&o)["pins"]["sign"]["tries_left"], 5);
    assert_eq!(verifies_with_data(&c), 1);
    assert_eq!(c.lock().unwrap().pin_tries(EF_SIGN_PIN), Some(5));
    assert_state_cleared(&c);
}

#[test]
fn confirmed_wrong_last_try_locks_and_says_where_to_go() {
    let c = card(Scenario::Valid, last_try);
    let o = cli(
        &c,
        &["--sign", "--last-try", "--lang", "en"],
        "",
        Some("NOTIT1"),
    );
    assert_eq!(o.code, exit::WRONG_PASSWORD);
    assert!(o.err.contains("now locked") && o.err.contains("municipal office"));
    assert_eq!(verifies_with_data(&c), 1);
    assert_eq!(c.lock().unwrap().pin_tries(EF_SIGN_PIN), Some(0));
}

#[test]
fn malformed_passwords_are_never_sent() {
    for bad in [
        "ABC12",
        "ABC-123",
        "A234567890123456Z",
        "ＡBC123",
        "abc 123",
        "\tABC123",
    ] {
        // From stdin: refused before the card is touched at all.
        let c = valid();
        let o = cli(
            &c,
            &["--sign", "--password-stdin", "--lang", "en"],
            bad,
            None,
        );
        assert_eq!(o.code, exit::PASSWORD_NOT_SENT, "{bad:?}");
        assert!(o.err.contains("6–16 letters"), "{}", o.err);
        assert!(o.err.contains("no try was spent"));
        assert!(c.lock().unwrap().log().is_empty(), "{bad:?}: card touched");
        // Typed at the prompt: the counters are read, the password is not sent.
        let o = cli(&c, &["--sign", "--lang", "ja"], "", Some(bad));
        assert_eq!(o.code, exit::PASSWORD_NOT_SENT, "{bad:?}");
        assert!(o.err.contains("6〜16桁"));
        assert_eq!(verifies_with_data(&c), 0);
        assert_eq!(c.lock().unwrap().pin_tries(EF_SIGN_PIN), Some(5));
    }
}

#[test]
fn only_one_line_ending_is_forgiven_at_the_prompt() {
    let c = valid();
    let o = cli(&c, &["--sign"], "", Some("ABC123\n\n"));
    assert_eq!(o.code, exit::PASSWORD_NOT_SENT);
    assert_eq!(verifies_with_data(&c), 0);
    // Standard input is read one line at a time: the first line is the password.
    let o = cli(&c, &["--sign", "--password-stdin"], "ABC123\nMORE\n", None);
    assert_eq!(o.code, exit::OK, "{}", o.err);
    assert_eq!(verifies_with_data(&c), 1);
}

#[test]
fn no_password_given_sends_nothing() {
    let c = valid();
    for (args, stdin, typed) in [
        (&["--sign", "--password-stdin"][..], "", None),
        (&["--sign", "--password-stdin"][..], "\n", None),
        (&["--sign"][..], "", None),
        (&["--sign"][..], "", Some("")),
    ] {
        let o = cli(&c, args, stdin, typed);
        assert_eq!(o.code, exit::PASSWORD_NOT_SENT);
    }
    assert_eq!(verifies_with_data(&c), 0);
}

#[test]
fn no_signing_certificate_sends_nothing() {
    let c = card(Scenario::NoSign, |b| b);
    let o = cli(
        &c,
        &["--sign", "--password-stdin", "--lang", "en"],
        "ABC123",
        None,
    );
    assert_eq!(o.code, exit::PASSWORD_NOT_SENT);
    assert!(o.err.contains("no signing certificate"));
    assert_eq!(verifies_with_data(&c), 0);
}

#[test]
fn tries_unknown_needs_confirmation() {
    let c = card(Scenario::Valid, |b| {
        b.without_file(&myna_kigen::card::JPKI_AID, EF_SIGN_PIN)
    });
    let o = cli(&c, &["--sign", "--lang", "en"], "", Some("ABC123"));
    assert_eq!(o.code, exit::PASSWORD_NOT_SENT);
    assert!(o.err.contains("tries left unknown"));
    assert!(o.err.contains("did not tell"));
    assert_eq!(verifies_with_data(&c), 0);
}

#[test]
fn without_sign_no_password_is_ever_sent() {
    let c = valid();
    let o = cli(&c, &["--json"], "ABC123\n", Some("ABC123"));
    assert_eq!(o.code, exit::OK);
    assert_eq!(json(&o)["sign"]["read"], false);
    assert!(o.prompts.is_empty());
    assert_eq!(verifies_with_data(&c), 0);
}

#[test]
fn personal_data_only_when_asked() {
    let c = valid();
    let o = cli(
        &c,
        &["--sign", "--password-stdin", "--show-personal", "--json"],
        "ABC123",
        None,
    );
    assert_eq!(o.code, exit::OK, "{}", o.err);
    let v = json(&o);
    let p = &v["sign"]["personal"];
    assert_eq!(p["name"], "公的　太郎");
    assert_eq!(p["sex"], "male");
    assert!(p["address"].as_str().unwrap().contains("模擬町"));
    let birth = NaiveDate::parse_from_str(p["birth_date"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    assert_eq!(p["birth_wareki"], myna_kigen::rules::wareki(birth));
    assert!(v["auth"].get("personal").is_none());

    let o = cli(
        &c,
        &[
            "--sign",
            "--password-stdin",
            "--show-personal",
            "--lang",
            "ja",
        ],
        "ABC123",
        None,
    );
    assert_eq!(o.code, exit::OK);
    assert!(o.out.contains("氏名：公的　太郎"));
    assert!(o.out.contains(&myna_kigen::rules::wareki(birth)));

    let o = cli(
        &c,
        &["--sign", "--password-stdin", "--lang", "ja"],
        "ABC123",
        None,
    );
    assert_eq!(o.code, exit::OK);
    assert!(!o.out.contains("公的") && !o.out.contains("模擬町"));
    assert!(!o.err.contains("公的"));
}

#[test]
fn personal_flags_need_sign() {
    let c = valid();
    let o = cli(&c, &["--show-personal"], "", None);
    assert_eq!(o.code, exit::USAGE);
    assert!(c.lock().unwrap().log().is_empty());
}

#[test]
fn password_debug_output_is_redacted() {
    let p = SigningPassword::parse("abc123").unwrap();
    let request = SignRequest {
        password: &p,
        confirm_last_try: false,
        show_personal: false,
        same_card: None,
    };
    for shown in [format!("{p:?}"), format!("{p}"), format!("{request:?}")] {
        assert!(shown.contains("REDACTED"), "{shown}");
        assert!(!shown.to_ascii_uppercase().contains("ABC123"), "{shown}");
    }
}

#[test]
fn library_call_for_the_gui_reads_checks_and_clears() {
    let c = valid();
    let mut t = SimTransport::shared(c.clone());
    let p = SigningPassword::parse("ABC123").unwrap();
    let request = SignRequest {
        password: &p,
        confirm_last_try: false,
        show_personal: true,
        same_card: None,
    };
    let report = Reader::new(&sim_trust())
        .read_signing(&mut t, &options(), &request)
        .unwrap();
    let CertSlot::Read(sign) = &report.sign else {
        panic!("signing certificate not read")
    };
    assert_eq!(sign.genuine, Genuineness::VerifiedSimulated);
    assert!(sign.personal.is_some());
    assert!(
        !format!("{report:?}").contains("公的"),
        "Debug leaks personal data"
    );
    assert!(report.warnings.contains(&Warning::RevocationNotChecked));
    let comparisons = compare(&report);
    assert_eq!(comparisons.first(), Some(&Comparison::SameExpiry));
    assert_eq!(comparisons.last(), Some(&Comparison::RevocationNotChecked));
    // The whole reading, VERIFY included, in one session: its count is in the report. The
    // default reading's 9 (which ends on the password's EF, its counter just read), then the
    // VERIFY with no second SELECT, and EF 0001 in two READs; its CA's key is anchored. One
    // more: the card answered the first command after power-up 6F 00 (domain.md §2b).
    let log_len = c.lock().unwrap().log().len() as u32;
    assert_eq!(report.apdus, log_len);
    assert_eq!(report.apdus, 13);
    let log = c.lock().unwrap().log().to_vec();
    let selects_of_001b = log
        .iter()
        .filter(|l| l.command == [0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x1B])
        .count();
    assert_eq!(selects_of_001b, 1, "nothing repeated");
    assert_state_cleared(&c);

    // The same call refuses a locked card without sending anything.
    let c = card(Scenario::Locked, |b| b);
    let mut t = SimTransport::shared(c.clone());
    let e = Reader::new(&sim_trust())
        .read_signing(&mut t, &options(), &request)
        .unwrap_err();
    assert_eq!(e, SignError::Refused(Refusal::Locked));
    assert_eq!(verifies_with_data(&c), 0);
    // The user-authentication PIN was left alone too.
    assert_eq!(c.lock().unwrap().pin_tries(EF_AUTH_PIN), Some(1));
}

#[test]
fn already_verified_card_is_read_without_sending_the_password() {
    // A card that says it is verified (90 00 to an empty VERIFY). Real cards are reported not
    // to (domain.md §2b): the manner is off for this path.
    let c = card(Scenario::Valid, |b| {
        b.with_manners(|m| m.empty_verify_hides_verified = false)
    });
    {
        let mut card = c.lock().unwrap();
        let select = hex("00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01");
        assert_eq!(card.process(&select), hex("6F 00"));
        card.process(&select);
        card.process(&hex("00 A4 02 0C 02 00 1B"));
        assert_eq!(
            card.process(&hex("00 20 00 80 06 41 42 43 31 32 33")),
            hex("90 00")
        );
        // A warm reset keeps the verified state (domain.md §2).
        card.reset_warm();
        assert!(card.is_verified(EF_SIGN_PIN));
    }
    let before = verifies_with_data(&c);
    let mut t = SimTransport::shared(c.clone());
    let p = SigningPassword::parse("NOTUSED1").unwrap();
    let request = SignRequest {
        password: &p,
        confirm_last_try: false,
        show_personal: false,
        same_card: None,
    };
    let report = Reader::new(&sim_trust())
        .read_signing(&mut t, &options(), &request)
        .unwrap();
    assert!(matches!(report.sign, CertSlot::Read(_)));
    assert_eq!(verifies_with_data(&c), before, "no password sent");
    assert_eq!(c.lock().unwrap().pin_tries(EF_SIGN_PIN), Some(5));
    assert_state_cleared(&c);
}
