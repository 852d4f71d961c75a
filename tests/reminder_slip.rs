//! The phone reminder and the counter slip as a person gets them from `myna-kigen read`:
//! `--qr` writes a PNG that a QR reader (`zbarimg`, Debian `zbar-tools`) decodes to a VEVENT on
//! the first renewal day, and `--slip` writes a one-page PDF whose text (`pdftotext`, Debian
//! `poppler-utils`) holds the expiry, the renewal day and the grace end, and nothing that names
//! the holder or the certificate. Without those tools the test says so and stops; under
//! `CI=true` it fails instead.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::Path;
use std::process::Command;

mod support;
use support::TODAY;

fn tool(name: &str) -> bool {
    let found = Command::new(name).arg("--version").output().is_ok();
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{name} is missing (Debian: zbar-tools, poppler-utils); CI must have it"
        );
        eprintln!("{name} not found: install zbar-tools and poppler-utils to run this test");
    }
    found
}

fn myna(args: &[&str]) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_myna-kigen"))
        .args(args)
        .env("LANG", "C")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn ja_date(ymd: &str) -> String {
    let d = chrono::NaiveDate::parse_from_str(ymd, "%Y-%m-%d").unwrap();
    myna_kigen::messages::date(d, myna_kigen::messages::Lang::Ja)
}

#[test]
fn qr_decodes_to_the_renewal_day_and_the_slip_says_the_dates() {
    if !tool("zbarimg") || !tool("pdftotext") {
        return;
    }
    let dir = std::env::temp_dir().join(format!("myna-kigen-slip-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (qr, slip) = (dir.join("q.png"), dir.join("s.pdf"));
    for scenario in ["valid", "renewable", "expired"] {
        let report = myna(&[
            "read",
            "--demo",
            scenario,
            "--json",
            "--today",
            TODAY,
            "--lang",
            "ja",
            "--qr",
            qr.to_str().unwrap(),
            "--slip",
            slip.to_str().unwrap(),
        ]);
        let auth = &report["auth"];
        let decoded = Command::new("zbarimg")
            .args(["--raw", "-q"])
            .arg(&qr)
            .output()
            .unwrap();
        let text = String::from_utf8(decoded.stdout).unwrap();
        let start = auth["renewal_from"].as_str().unwrap().replace('-', "");
        assert!(text.starts_with("BEGIN:VEVENT"), "{scenario}: {text}");
        assert!(
            text.contains(&format!("DTSTART;VALUE=DATE:{start}")),
            "{scenario}: {text}"
        );
        assert!(text.contains(&ja_date(auth["expiry"].as_str().unwrap())));

        let pages = pdf_pages(&slip);
        assert_eq!(pages, 1, "{scenario}");
        let out = Command::new("pdftotext")
            .arg(&slip)
            .arg("-")
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        for field in ["expiry", "renewal_from", "insurance_grace_until"] {
            let date = ja_date(auth[field].as_str().unwrap());
            assert!(
                text.contains(&date),
                "{scenario}: no {field} {date} in\n{text}"
            );
        }
        assert!(
            text.contains("【デモ】"),
            "{scenario}: the demo is not marked"
        );
        let serial = auth["serial"].as_str().unwrap();
        let holder_id = auth["subject"]
            .as_str()
            .unwrap()
            .split(',')
            .find_map(|part| part.strip_prefix("CN="))
            .unwrap();
        assert!(!text.contains(serial), "{scenario}: serial printed");
        assert!(
            !text.contains(holder_id),
            "{scenario}: the subject's CN printed"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

fn pdf_pages(path: &Path) -> u32 {
    let out = Command::new("pdfinfo").arg(path).output().unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap()
}
