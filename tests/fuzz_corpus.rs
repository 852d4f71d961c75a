//! The committed fuzz corpus, replayed on the stable toolchain: every file of
//! `tests/fuzz-corpus/<target>/` goes through that target's body (`myna_kigen::fuzzing`), the
//! same code `cargo +nightly fuzz run <target>` drives (docs/testing.md, "Fuzzing"). An input
//! a fuzz run found crashing is saved there and stays a regression test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};

use myna_kigen::fuzzing::TARGETS;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-corpus")
}

/// The files of one target's corpus, sorted.
fn inputs(target: &str) -> Vec<PathBuf> {
    let dir = corpus().join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

#[test]
fn every_corpus_file_passes_its_target() {
    let mut replayed = 0;
    for (target, body) in TARGETS {
        let files = inputs(target);
        assert!(!files.is_empty(), "no corpus for {target}");
        for file in files {
            let data = std::fs::read(&file).unwrap();
            let outcome = std::panic::catch_unwind(|| body(&data));
            assert!(outcome.is_ok(), "{target}: {} fails", file.display());
            replayed += 1;
        }
    }
    println!(
        "{replayed} corpus files replayed through {} targets",
        TARGETS.len()
    );
}

#[test]
fn every_corpus_directory_is_a_target() {
    for entry in std::fs::read_dir(corpus()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            TARGETS.iter().any(|(t, _)| *t == name),
            "tests/fuzz-corpus/{name} belongs to no target"
        );
    }
}

/// The cargo-fuzz crate has one binary per target, and no other (read only when the fuzz crate
/// is there: the published crate leaves it out).
#[test]
fn the_fuzz_crate_has_exactly_these_targets() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/Cargo.toml");
    let Ok(text) = std::fs::read_to_string(&manifest) else {
        assert!(
            !Path::new(env!("CARGO_MANIFEST_DIR")).join(".git").exists(),
            "a checkout without fuzz/Cargo.toml"
        );
        return;
    };
    let mut bins: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("name = \""))
        .filter_map(|l| l.strip_suffix('"'))
        .filter(|n| *n != "myna-kigen-fuzz")
        .collect();
    bins.sort_unstable();
    let mut targets: Vec<&str> = TARGETS.iter().map(|(t, _)| *t).collect();
    targets.sort_unstable();
    assert_eq!(bins, targets);
    for target in targets {
        let source = manifest.with_file_name(format!("fuzz_targets/{target}.rs"));
        let text = std::fs::read_to_string(&source).unwrap();
        assert!(
            text.contains(&format!("myna_kigen::fuzzing::{target}(data)")),
            "{} does not run fuzzing::{target}",
            source.display()
        );
    }
}
