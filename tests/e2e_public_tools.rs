//! Public tools on the simulated card, through the real PC/SC stack (pcscd with vpcd, the rig
//! of `tests/support/rig.rs`): OpenSC's `pkcs15-tool` lists and reads the certificates of the
//! simulated card, also after another program verified the signing password and left the card
//! powered (real cards then still answer an empty VERIFY with `63 Cx`, domain.md §2b; OpenSC's
//! JPKI driver relies on it).
//!
//! Without `pkcs15-tool` (Debian package `opensc`) or without the rig the test says so in one
//! line and passes without checking; under `CI=true` it fails instead.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

mod support;
use support::rig;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use myna_kigen::sim::Scenario;
use rig::{ADDR0, READER0, today};

fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// `pkcs15-tool` on the PATH.
fn pkcs15_tool() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("pkcs15-tool"))
        .find(|p| p.is_file())
}

/// One line on the standard error handle itself, which libtest does not capture (see
/// `tests/support/rig.rs`), so a plain `cargo test` shows it.
fn say(line: &str) {
    let _ = std::io::stderr()
        .lock()
        .write_all(format!("\n{line}\n").as_bytes());
}

/// What one run of `pkcs15-tool` gave.
struct Out {
    ok: bool,
    stdout: String,
    stderr: String,
}

impl std::fmt::Debug for Out {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "success: {}\n--- stdout\n{}\n--- stderr\n{}",
            self.ok, self.stdout, self.stderr
        )
    }
}

/// Runs `pkcs15-tool` on the first virtual reader, killing it after 30 s (a hang fails).
fn pkcs15(tool: &Path, args: &[&str]) -> Out {
    let mut child = Command::new(tool)
        .arg("--reader")
        .arg(READER0)
        .args(args)
        .env("LANG", "C")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("pkcs15-tool {args:?} still running after 30 s");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let output = child.wait_with_output().unwrap();
    Out {
        ok: output.status.success(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The certificates `--list-certificates` names: (label, ID).
fn certificates(listing: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut label = None;
    for line in listing.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("X.509 Certificate [") {
            label = Some(rest.trim_end_matches(']').to_owned());
        } else if let Some(id) = line.strip_prefix("ID") {
            let id = id.trim_start().trim_start_matches(':').trim();
            if let Some(l) = label.take() {
                out.push((l, id.to_owned()));
            }
        }
    }
    out
}

/// The DER inside a PEM `CERTIFICATE` block.
fn pem_der(pem: &str) -> Option<Vec<u8>> {
    let body: String = pem
        .lines()
        .skip_while(|l| !l.starts_with("-----BEGIN CERTIFICATE-----"))
        .skip(1)
        .take_while(|l| !l.starts_with("-----END CERTIFICATE-----"))
        .collect();
    base64_decode(body.trim())
}

fn base64_decode(text: &str) -> Option<Vec<u8>> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let mut acc = 0u32;
    let mut bits = 0;
    for c in text
        .bytes()
        .filter(|c| !c.is_ascii_whitespace() && *c != b'=')
    {
        let v = ALPHABET.iter().position(|a| *a == c)? as u32;
        acc = acc << 6 | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// Lists the certificates and reads the user-authentication one; it must be the card's.
fn list_and_read(tool: &Path, when: &str, expected: &[u8]) {
    let listed = pkcs15(tool, &["--list-certificates"]);
    assert!(listed.ok, "{when}: --list-certificates failed: {listed:?}");
    let certs = certificates(&listed.stdout);
    assert!(
        certs.len() >= 2,
        "{when}: both certificates should be listed: {certs:?}\n{listed:?}"
    );
    let (label, id) = certs
        .iter()
        .find(|(label, _)| label.to_lowercase().contains("auth"))
        .unwrap_or_else(|| panic!("{when}: no user-authentication certificate: {certs:?}"));
    let read = pkcs15(tool, &["--read-certificate", id]);
    assert!(
        read.ok,
        "{when}: --read-certificate {id} ({label}) failed: {read:?}"
    );
    let der = pem_der(&read.stdout).unwrap_or_else(|| panic!("{when}: no PEM: {read:?}"));
    assert_eq!(
        der, expected,
        "{when}: pkcs15-tool read another certificate than the card's EF 000A"
    );
}

/// Another program verifies the signing password and leaves the card powered (no reset).
fn another_program_verifies_the_signing_password(ctx: &pcsc::Context) {
    let reader = std::ffi::CString::new(READER0).unwrap();
    let card = ctx
        .connect(&reader, pcsc::ShareMode::Shared, pcsc::Protocols::ANY)
        .unwrap();
    let mut buf = [0u8; 258];
    let mut send = |apdu: &[u8]| card.transmit(apdu, &mut buf).unwrap().to_vec();
    let select = support::hex("00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01");
    let mut answer = send(&select);
    if answer == [0x6F, 0x00] {
        // The first command after power-up (domain.md §2b): once more.
        answer = send(&select);
    }
    assert_eq!(answer, [0x90, 0x00]);
    assert_eq!(send(&support::hex("00 A4 02 0C 02 00 1B")), [0x90, 0x00]);
    let verify = [support::hex("00 20 00 80 06"), b"ABC123".to_vec()].concat();
    assert_eq!(send(&verify), [0x90, 0x00], "the signing password verifies");
    // The signing certificate is readable now: the card is in the verified state.
    assert_eq!(
        send(&support::hex("00 B0 81 00 02")),
        [0x30, 0x82, 0x90, 0x00]
    );
    card.disconnect(pcsc::Disposition::LeaveCard)
        .map_err(|(_, e)| e)
        .unwrap();
}

#[test]
fn pkcs15_tool_reads_the_simulated_card_also_after_a_signing_password_was_verified() {
    let Some(tool) = pkcs15_tool() else {
        let why = "pkcs15-tool is not installed (Debian package `opensc`; `.ci/run` installs it)";
        assert!(!ci(), "CI=true but {why}");
        say(&format!(
            "e2e_public_tools: 1 test skipped (passes without running): {why}."
        ));
        return;
    };
    let Some(rig) = rig::Rig::take() else { return };
    let card = Scenario::Valid.card(today()).unwrap();
    let expected = support::scenario_auth_cert(Scenario::Valid);
    let placed = rig.place(ADDR0, READER0, card);

    list_and_read(&tool, "a card nobody used", &expected);
    another_program_verifies_the_signing_password(&rig.context());
    list_and_read(
        &tool,
        "after another program verified the password",
        &expected,
    );

    let card = placed.remove();
    assert!(
        card.is_verified([0x00, 0x1B]),
        "the password stayed verified while pkcs15-tool read the card (nothing reset it)"
    );
}
