//! Golden outputs of the CLI: for every demo scenario, `read --json`, `read` as text in both
//! languages, `pins --json`, the signing outcomes, and every error object, compared byte for
//! byte with the files in `tests/golden/`. They pin the contract while the code under it moves;
//! a deliberate change is re-recorded with `MYNA_KIGEN_BLESS=1 cargo test --test golden` and
//! reviewed in the diff.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod support;

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use myna_kigen::messages::punctuation::ascii_punctuation_in_japanese;
use myna_kigen::sim::Scenario;
use support::TODAY;

/// Runs the built `myna-kigen` (a fresh process each time, as a person or a script runs it)
/// with `stdin` as standard input: exit code, stdout and stderr as one text.
fn cli(args: &[&str], stdin: &str) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_myna-kigen"))
        .args(args)
        .env_remove("RUST_LOG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = support::within(60, "myna-kigen", move || child.wait_with_output().unwrap());
    format!(
        "exit {}\n--- stdout\n{}--- stderr\n{}",
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap()
    )
}

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// Compares `actual` with the golden file `name` (or records it when blessing).
fn check(name: &str, actual: &str) -> Option<String> {
    let path = golden_dir().join(name);
    if std::env::var_os("MYNA_KIGEN_BLESS").is_some() {
        std::fs::create_dir_all(golden_dir()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return None;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (record with MYNA_KIGEN_BLESS=1)", path.display()));
    (expected != actual).then(|| {
        let first = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        format!(
            "{name}: differs from the golden file at line {}:\n  golden: {:?}\n  now:    {:?}",
            first + 1,
            expected.lines().nth(first).unwrap_or(""),
            actual.lines().nth(first).unwrap_or("")
        )
    })
}

fn assert_all(diffs: Vec<Option<String>>) {
    let diffs: Vec<String> = diffs.into_iter().flatten().collect();
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}

#[test]
fn read_and_pins_for_every_scenario() {
    let mut diffs = Vec::new();
    for scenario in Scenario::ALL {
        let s = scenario.to_string();
        diffs.push(check(
            &format!("read-{s}.json.txt"),
            &cli(&["read", "--demo", &s, "--json", "--today", TODAY], ""),
        ));
        for lang in ["ja", "en"] {
            diffs.push(check(
                &format!("read-{s}.{lang}.txt"),
                &cli(
                    &["read", "--demo", &s, "--today", TODAY, "--lang", lang],
                    "",
                ),
            ));
        }
        diffs.push(check(
            &format!("pins-{s}.json.txt"),
            &cli(&["pins", "--demo", &s, "--json"], ""),
        ));
        diffs.push(check(
            &format!("pins-{s}.en.txt"),
            &cli(&["pins", "--demo", &s, "--lang", "en"], ""),
        ));
    }
    assert_all(diffs);
}

#[test]
fn signing_outcomes() {
    let cases: [(&str, &str, &str, &[&str]); 8] = [
        ("sign-read", "valid", "ABC123\n", &[]),
        ("sign-personal", "valid", "abc123\n", &["--show-personal"]),
        ("sign-format", "valid", "abc\n", &[]),
        ("sign-empty", "valid", "\n", &[]),
        ("sign-wrong", "valid", "WRONG1\n", &[]),
        ("sign-locked", "locked", "ABC123\n", &[]),
        ("sign-absent", "no-sign", "ABC123\n", &[]),
        ("sign-juki", "juki", "ABC123\n", &[]),
    ];
    let mut diffs = Vec::new();
    for (name, scenario, stdin, extra) in cases {
        for (suffix, format) in [("json", "--json"), ("en", "--lang=en"), ("ja", "--lang=ja")] {
            let mut args = vec![
                "read",
                "--demo",
                scenario,
                "--today",
                TODAY,
                "--sign",
                "--password-stdin",
                format,
            ];
            args.extend_from_slice(extra);
            diffs.push(check(&format!("{name}.{suffix}.txt"), &cli(&args, stdin)));
        }
    }
    assert_all(diffs);
}

#[test]
fn card_expiry_typed_and_usage() {
    let mut diffs = Vec::new();
    for (name, args) in [
        (
            "expiry-typed",
            vec!["read", "--demo", "juki", "--json", "--today", TODAY],
        ),
        (
            "expiry-mismatch",
            vec![
                "read",
                "--demo",
                "valid",
                "--json",
                "--today",
                TODAY,
                "--card-expiry",
                "2030-01-01",
            ],
        ),
        (
            "expiry-user",
            vec![
                "read",
                "--demo",
                "smartphone",
                "--lang",
                "en",
                "--today",
                TODAY,
                "--card-expiry",
                "2030-01-01",
            ],
        ),
        (
            "unknown-scenario",
            vec!["read", "--demo", "nosuch", "--json"],
        ),
    ] {
        diffs.push(check(&format!("{name}.txt"), &cli(&args, "")));
    }
    assert_all(diffs);
}

/// Every failure as the CLI prints it with `--json`: code, sentence in both languages, tries
/// left (signing) and exit code.
#[test]
fn every_error_object() {
    use myna_kigen::card::CardError;
    use myna_kigen::cert::CertError;
    use myna_kigen::cli::exit;
    use myna_kigen::messages::{self, Lang, Surface};
    use myna_kigen::reading::{ReadError, Refusal, SignError};
    use myna_kigen::secret::SecretError;
    use myna_kigen::transport::TransportError;

    let read_errors = [
        ReadError::ServiceUnavailable,
        ReadError::NoReader,
        ReadError::ReaderNotFound("ACR".to_owned()),
        ReadError::NoCard,
        ReadError::NotMyNumberCard,
        ReadError::CardRemoved,
        ReadError::SharingViolation,
        ReadError::Certificate(CertError::Empty),
        ReadError::Io(CardError::BadDer),
        ReadError::from(TransportError::Timeout),
        ReadError::NotAnswering,
    ];
    let mut sign_errors: Vec<SignError> = vec![
        SignError::Format(SecretError::TooShort { len: 3, min: 6 }),
        SignError::Format(SecretError::TooLong { len: 17, max: 16 }),
        SignError::Format(SecretError::BadCharacter { position: 2 }),
        SignError::NoPassword,
        SignError::Refused(Refusal::Locked),
        SignError::Refused(Refusal::LastTryNotConfirmed),
        SignError::Refused(Refusal::TriesUnknown),
        SignError::Refused(Refusal::NoSigningCertificate),
        SignError::CardChanged,
        SignError::WrongPassword { tries_left: 4 },
        SignError::WrongPassword { tries_left: 1 },
        SignError::WrongPassword { tries_left: 0 },
        SignError::Blocked,
        SignError::NotReadable,
    ];
    sign_errors.extend(read_errors.iter().cloned().map(SignError::Read));
    let mut out = String::new();
    for lang in [Lang::Ja, Lang::En] {
        for e in &read_errors {
            let v = serde_json::json!({
                "exit": exit::of_read_error(e), "code": e.code(),
                "message": messages::read_error(e, lang, Surface::CommandLine)
            });
            out.push_str(&format!("{v}\n"));
        }
        for e in &sign_errors {
            let v = serde_json::json!({
                "exit": exit::of_sign_error(e), "code": e.code(),
                "message": messages::sign_error(e, lang, Surface::CommandLine),
                "tries_left": e.tries_left(),
            });
            out.push_str(&format!("{v}\n"));
        }
    }
    assert_all(vec![check("errors.jsonl", &out)]);
}

/// The command line's Japanese text (the golden files above, which the tests hold equal to
/// the output) uses （） and ： inside Japanese: no ASCII bracket or colon whose nearest
/// neighbour (spaces skipped) is Japanese.
#[test]
fn japanese_text_uses_japanese_punctuation() {
    let mut problems = Vec::new();
    let mut files = 0;
    for entry in std::fs::read_dir(golden_dir()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.ends_with(".ja.txt") {
            continue;
        }
        files += 1;
        for line in std::fs::read_to_string(&path).unwrap().lines() {
            if ascii_punctuation_in_japanese(line).is_some() {
                problems.push(format!("{name}: {line}"));
            }
        }
    }
    assert!(files >= 16, "only {files} Japanese golden files");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
