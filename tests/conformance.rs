//! Conformance scripts: the simulated card against what public sources report from real cards
//! (`shared/docs/domain.md` §2b), command by command. Each file of `tests/conformance/` is a
//! plain-text script run against a fresh simulated card with the default (reported) manners,
//! unless its header says otherwise. The format is in `tests/conformance/README.md`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

mod support;

use std::path::{Path, PathBuf};

use myna_kigen::sim::{AtrProfile, Manners, Scenario, SimCard};

/// One byte of an expected answer: `value` where `mask` has bits set.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Pat {
    Byte {
        value: u8,
        mask: u8,
    },
    /// `*`: any number of bytes, none included.
    Any,
}

/// One step of a script.
#[derive(Debug)]
enum Step {
    /// `> command`, `< expected`.
    Exchange {
        command: Vec<u8>,
        expected: Vec<Pat>,
    },
    /// `= atr pattern`.
    Atr(Vec<Pat>),
    /// `! power-cycle`: the card powered off and on.
    PowerCycle,
    /// `! reset`: a warm reset.
    Reset,
}

/// A parsed script: how to build the card, then the steps with their line numbers.
struct Script {
    scenario: Scenario,
    manners: Manners,
    atr: Option<AtrProfile>,
    left_selected: Option<Vec<u8>>,
    no_extended: bool,
    rows: Vec<String>,
    steps: Vec<(usize, Step)>,
}

/// Splits a line into tokens: whitespace separates, `"..."` is one token (spaces kept).
fn tokens(text: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut token = String::new();
        if c == '"' {
            token.push(chars.next().unwrap());
            loop {
                match chars.next() {
                    Some('"') => break,
                    Some(ch) => token.push(ch),
                    None => return Err(format!("unclosed string in {text:?}")),
                }
            }
            token.push('"');
            // A repetition may follow the closing quote.
            while let Some(&ch) = chars.peek() {
                if ch.is_whitespace() {
                    break;
                }
                token.push(ch);
                chars.next();
            }
        } else {
            while let Some(&ch) = chars.peek() {
                if ch.is_whitespace() {
                    break;
                }
                token.push(ch);
                chars.next();
            }
        }
        out.push(token);
    }
    Ok(out)
}

/// `body{n}` → (`body`, n); without braces n is 1.
fn repetition(token: &str) -> Result<(&str, usize), String> {
    match token.strip_suffix('}').and_then(|t| t.rsplit_once('{')) {
        Some((body, n)) => Ok((
            body,
            n.parse()
                .map_err(|_| format!("bad repetition in {token:?}"))?,
        )),
        None => Ok((token, 1)),
    }
}

fn nibble(c: char) -> Result<(u8, u8), String> {
    if c == '?' || c == '.' {
        return Ok((0, 0));
    }
    let v = c
        .to_digit(16)
        .ok_or_else(|| format!("not a hex digit: {c:?}"))?;
    Ok((u8::try_from(v).unwrap(), 0xF))
}

/// Parses an expected answer or ATR: hex bytes (`?` a wildcard nibble, `..` any byte),
/// `"ASCII"`, each optionally repeated `{n}`, and `*` for any number of bytes.
fn patterns(text: &str) -> Result<Vec<Pat>, String> {
    let mut out = Vec::new();
    for token in tokens(text)? {
        if token == "*" {
            out.push(Pat::Any);
            continue;
        }
        let (body, n) = repetition(&token)?;
        let one: Vec<Pat> = if let Some(ascii) = body.strip_prefix('"') {
            let ascii = ascii.strip_suffix('"').ok_or("bad string")?;
            ascii
                .bytes()
                .map(|value| Pat::Byte { value, mask: 0xFF })
                .collect()
        } else {
            let chars: Vec<char> = body.chars().collect();
            let [hi, lo] = chars.as_slice() else {
                return Err(format!("not one byte: {token:?}"));
            };
            let (hv, hm) = nibble(*hi)?;
            let (lv, lm) = nibble(*lo)?;
            vec![Pat::Byte {
                value: hv << 4 | lv,
                mask: hm << 4 | lm,
            }]
        };
        for _ in 0..n {
            out.extend(one.iter().copied());
        }
    }
    Ok(out)
}

/// Parses a command: hex bytes and `"ASCII"`, each optionally repeated `{n}`; no wildcards.
fn command(text: &str) -> Result<Vec<u8>, String> {
    patterns(text)?
        .into_iter()
        .map(|p| match p {
            Pat::Byte { value, mask: 0xFF } => Ok(value),
            _ => Err(format!("a wildcard in a command: {text:?}")),
        })
        .collect()
}

fn matches(pats: &[Pat], bytes: &[u8]) -> bool {
    match pats.split_first() {
        None => bytes.is_empty(),
        Some((Pat::Any, rest)) => (0..=bytes.len()).any(|skip| matches(rest, &bytes[skip..])),
        Some((Pat::Byte { value, mask }, rest)) => match bytes.split_first() {
            Some((b, more)) => b & mask == *value && matches(rest, more),
            None => false,
        },
    }
}

fn parse(text: &str) -> Result<Script, String> {
    let mut script = Script {
        scenario: Scenario::Valid,
        manners: Manners::REPORTED,
        atr: None,
        left_selected: None,
        no_extended: false,
        rows: Vec::new(),
        steps: Vec::new(),
    };
    let mut pending: Option<(usize, Vec<u8>)> = None;
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim();
        let at = |e: String| format!("line {n}: {e}");
        if let Some(row) = line.strip_prefix("# §2b:") {
            script.rows.push(row.trim().to_owned());
            continue;
        }
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (head, rest) = line.split_at(1);
        let rest = rest.trim();
        if pending.is_some() && head != "<" {
            return Err(at("a command without its expected answer".into()));
        }
        match head {
            "@" => {
                if !script.steps.is_empty() {
                    return Err(at("headers come before the first step".into()));
                }
                let (key, value) = rest.split_once(' ').unwrap_or((rest, ""));
                let value = value.trim();
                match key {
                    "scenario" => {
                        script.scenario = value.parse().map_err(|e| at(format!("{e}")))?
                    }
                    "manners" if value == "plain" => script.manners = Manners::PLAIN,
                    "manners" if value == "reported" => script.manners = Manners::REPORTED,
                    "on" | "off" => {
                        script.manners = script
                            .manners
                            .with(value, key == "on")
                            .ok_or_else(|| at(format!("unknown manner {value:?}")))?;
                    }
                    "atr" => script.atr = Some(value.parse().map_err(at)?),
                    "left-selected" => script.left_selected = Some(command(value).map_err(at)?),
                    "no-extended" => script.no_extended = true,
                    _ => return Err(at(format!("unknown header {key:?}"))),
                }
            }
            ">" => pending = Some((n, command(rest).map_err(at)?)),
            "<" => {
                let (cn, cmd) = pending
                    .take()
                    .ok_or_else(|| at("an answer without a command".into()))?;
                script.steps.push((
                    cn,
                    Step::Exchange {
                        command: cmd,
                        expected: patterns(rest).map_err(at)?,
                    },
                ));
            }
            "=" => {
                let pats = rest
                    .strip_prefix("atr")
                    .ok_or_else(|| at("only `= atr` is known".into()))?;
                script
                    .steps
                    .push((n, Step::Atr(patterns(pats).map_err(at)?)));
            }
            "!" => match rest {
                "power-cycle" => script.steps.push((n, Step::PowerCycle)),
                "reset" => script.steps.push((n, Step::Reset)),
                _ => return Err(at(format!("unknown action {rest:?}"))),
            },
            _ => return Err(at(format!("unknown line {line:?}"))),
        }
    }
    if pending.is_some() {
        return Err("the last command has no expected answer".into());
    }
    if script.steps.is_empty() {
        return Err("no steps".into());
    }
    Ok(script)
}

fn card(script: &Script) -> SimCard {
    let mut b = support::builder(script.scenario).manners(script.manners);
    if let Some(atr) = script.atr {
        b = b.atr(atr);
    }
    if let Some(aid) = &script.left_selected {
        b = b.left_selected_by_another_program(aid);
    }
    if script.no_extended {
        b = b.no_extended_length();
    }
    b.build()
}

fn hex(bytes: &[u8]) -> String {
    let all: Vec<String> = bytes.iter().map(|b| format!("{b:02X}")).collect();
    if all.len() > 40 {
        format!(
            "{} … ({} bytes) … {}",
            all[..20].join(" "),
            all.len(),
            all[all.len() - 4..].join(" ")
        )
    } else {
        all.join(" ")
    }
}

/// Runs one script; the failures, each with its line.
fn run(script: &Script) -> Vec<String> {
    let mut card = card(script);
    let mut failures = Vec::new();
    for (line, step) in &script.steps {
        match step {
            Step::Exchange { command, expected } => {
                let answer = card.process(command);
                if !matches(expected, &answer) {
                    failures.push(format!(
                        "line {line}: > {}\n    got      {}",
                        hex(command),
                        hex(&answer)
                    ));
                }
            }
            Step::Atr(expected) => {
                let atr = card.atr();
                if !matches(expected, &atr) {
                    failures.push(format!("line {line}: ATR {}", hex(&atr)));
                }
            }
            Step::PowerCycle => {
                card.power_off();
                card.power_on();
            }
            Step::Reset => card.reset_warm(),
        }
    }
    failures
}

fn scripts() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "apdu"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_conformance_script_passes_on_the_simulated_card() {
    let files = scripts();
    assert!(!files.is_empty(), "no scripts in tests/conformance/");
    let mut problems = Vec::new();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(path).unwrap();
        match parse(&text) {
            Err(e) => problems.push(format!("{name}: {e}")),
            Ok(script) => {
                if script.rows.is_empty() {
                    problems.push(format!("{name}: names no §2b row (`# §2b: <row>`)"));
                }
                for f in run(&script) {
                    problems.push(format!("{name} {f}"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

/// The rows of domain.md §2b that are about a card (the reader rows and the J-LIS roots' sizes
/// are not): each is checked by at least one script.
#[test]
fn the_scripts_cover_every_row_of_2b_about_a_card() {
    let rows = [
        "contact ATRs",
        "contactless ATRs",
        "first command after power-up",
        "SELECT",
        "token info EF 0006",
        "EF 0008",
        "empty VERIFY",
        "reading past the end",
        "card expiry without PIN",
        "extended length",
        "Windows",
    ];
    let mut named = Vec::new();
    for path in scripts() {
        let script = parse(&std::fs::read_to_string(&path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for row in script.rows {
            assert!(
                rows.contains(&row.as_str()),
                "{}: unknown §2b row {row:?}",
                path.display()
            );
            named.push(row);
        }
    }
    let missing: Vec<&&str> = rows
        .iter()
        .filter(|r| !named.iter().any(|n| n == *r))
        .collect();
    assert!(missing.is_empty(), "no script checks {missing:?}");
}

/// The runner itself: a script that expects the wrong answer fails, with its line.
#[test]
fn a_wrong_expectation_fails_with_its_line() {
    let script = parse(
        "# §2b: SELECT\n\
         > 00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01\n\
         < 90 00\n",
    )
    .unwrap();
    let failures = run(&script);
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert!(failures[0].starts_with("line 2:"), "{failures:?}");
    assert!(failures[0].contains("6F 00"), "{failures:?}");
}

#[test]
fn patterns_parse_and_match() {
    let p = patterns(r#"3? .. "AB"{2} 20{3} * 90 00"#).unwrap();
    assert!(matches(
        &p,
        &[
            0x31, 0xFF, b'A', b'B', b'A', b'B', 0x20, 0x20, 0x20, 0x90, 0x00
        ]
    ));
    assert!(matches(
        &p,
        &[
            0x39, 0, b'A', b'B', b'A', b'B', 0x20, 0x20, 0x20, 1, 2, 3, 0x90, 0x00
        ]
    ));
    assert!(!matches(
        &p,
        &[
            0x41, 0, b'A', b'B', b'A', b'B', 0x20, 0x20, 0x20, 0x90, 0x00
        ]
    ));
    assert!(!matches(&p, &[0x31, 0xFF, b'A', b'B']));
    assert_eq!(command(r#"00 20 00 80 06 "ABC123""#).unwrap().len(), 11);
    assert!(command("00 ?0").is_err());
    assert!(
        parse("> 00 A4 00 00\n").is_err(),
        "a command needs its answer"
    );
    assert!(parse("@ scenario nope\n> 00\n< 6F 00\n").is_err());
}
