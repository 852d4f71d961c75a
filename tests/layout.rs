//! The code's layout as rules a test can hold (docs/architecture.md): layers import only
//! downwards, every sentence a person reads lives in `src/messages/`, and no source file grows
//! past what one can hold in one's head. Reads only this repository's `src/`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every `.rs` file under `src/`, as (path relative to `src/`, text).
fn all() -> Vec<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let rel = p
                .strip_prefix(&src)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read_to_string(&p).unwrap())
        })
        .collect()
}

/// The file's text before its test module, without comment lines.
fn code(text: &str) -> Vec<&str> {
    let end = text
        .find("#[cfg(test)]\nmod tests {")
        .or_else(|| text.find("#[cfg(test)]\npub(crate) mod tests {"))
        .unwrap_or(text.len());
    text[..end]
        .lines()
        .filter(|l| {
            let t = l.trim();
            !t.is_empty() && !t.starts_with("//")
        })
        .collect()
}

fn is_test_file(rel: &str) -> bool {
    rel.ends_with("tests.rs") || rel.contains("/tests/")
}

/// The module a file belongs to (`card`, `gui`, ...).
fn module(rel: &str) -> &str {
    rel.split(['/', '.']).next().unwrap_or(rel)
}

#[test]
fn layers_import_only_downwards() {
    // What each module may not name: everything above it.
    let above: &[(&str, &[&str])] = &[
        (
            "transport",
            &[
                "apdu", "card", "cert", "rules", "report", "reading", "messages", "cli", "gui",
                "monitor", "clock",
            ],
        ),
        (
            "apdu",
            &[
                "card", "cert", "rules", "report", "reading", "messages", "cli", "gui", "monitor",
                "clock",
            ],
        ),
        (
            "card",
            &[
                "cert", "rules", "report", "reading", "messages", "cli", "gui", "monitor", "clock",
            ],
        ),
        (
            "cert",
            &[
                "sim", "rules", "report", "reading", "messages", "cli", "gui", "monitor", "clock",
            ],
        ),
        (
            "rules",
            &[
                "report", "reading", "messages", "cli", "gui", "monitor", "clock",
            ],
        ),
        (
            "report",
            &["reading", "messages", "cli", "gui", "monitor", "clock"],
        ),
        ("reading", &["messages", "cli", "gui", "monitor", "clock"]),
        ("messages", &["cli", "gui", "monitor", "clock"]),
        ("monitor", &["cli", "gui"]),
        ("cli", &["gui"]),
        ("gui", &["cli"]),
    ];
    let mut problems = Vec::new();
    for (rel, text) in all() {
        if is_test_file(&rel) {
            continue;
        }
        let Some((_, banned)) = above.iter().find(|(m, _)| *m == module(&rel)) else {
            continue;
        };
        for line in code(&text) {
            for b in *banned {
                if line.contains(&format!("crate::{b}::"))
                    || line.contains(&format!("crate::{b}}}"))
                    || line.contains(&format!("crate::{b};"))
                    || line.contains(&format!("crate::{{{b}"))
                {
                    problems.push(format!("{rel} names {b}: {}", line.trim()));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Outside `src/messages/` (and the simulated card's own data, and tests), no string literal
/// holds Japanese, except the era names and date pattern of 和暦 in `rules.rs`, which are
/// calendar data (the JSON's `expiry_wareki`), not sentences.
#[test]
fn every_sentence_lives_in_messages() {
    let mut problems = Vec::new();
    for (rel, text) in all() {
        if rel.starts_with("messages/")
            || rel.starts_with("sim")
            || rel == "rules.rs"
            || is_test_file(&rel)
        {
            continue;
        }
        for line in code(&text) {
            let without_comment = line.split("//").next().unwrap_or(line);
            let mut in_string = false;
            let mut literal = String::new();
            let mut prev = ' ';
            for c in without_comment.chars() {
                if c == '"' && prev != '\\' {
                    if in_string && literal.chars().any(japanese) {
                        problems.push(format!("{rel}: \"{literal}\""));
                    }
                    in_string = !in_string;
                    literal.clear();
                } else if in_string {
                    literal.push(c);
                }
                prev = c;
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn japanese(c: char) -> bool {
    ('\u{3040}'..='\u{30ff}').contains(&c) || ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// No file of the product's code is longer than one can hold in one's head (about 600 lines of
/// code, comments and tests aside).
#[test]
fn files_stay_small() {
    let mut problems = Vec::new();
    for (rel, text) in all() {
        if is_test_file(&rel) {
            continue;
        }
        let n = code(&text).len();
        if n > 620 {
            problems.push(format!("{rel}: {n} lines of code"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every test file that uses the window (the library's gui module, or eframe) is built only with the
/// `gui` feature (a `[[test]]` entry with `required-features = ["gui"]`), so the library
/// without the window (`--no-default-features`, what the fuzz crate builds) still checks.
#[test]
fn window_tests_need_the_gui_feature() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let entries: Vec<&str> = manifest.split("[[").collect();
    for entry in std::fs::read_dir(root.join("tests")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        // Spelt in two pieces so that this file does not match itself.
        let uses_gui = text.contains(concat!("myna_kigen::", "gui"))
            || text.contains(concat!("use ", "eframe"));
        if !uses_gui {
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let rel = format!("path = \"tests/{name}\"");
        assert!(
            entries.iter().any(|e| e.starts_with("test]")
                && e.contains(&rel)
                && e.contains("required-features = [\"gui\"]")),
            "tests/{name} uses the window: give it a [[test]] entry with required-features = [\"gui\"]"
        );
    }
}
