//! Secrets under faults (issue 14): a panic while the signing password or the PIN is in memory
//! prints nothing of it, and on Linux the process is not dumpable while one is held. Each case
//! runs in a child process (this test binary started again with one test and a marker in the
//! environment), so the panic and the process-wide setting are its own.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::process::Command;

use myna_kigen::secret::{AuthPin, SigningPassword};

const CHILD: &str = "MYNA_KIGEN_SECRETS_CHILD";
const PASSWORD: &str = "Zq7Wx3Kp9Lm2";
const PIN: &str = "8264";

/// Runs this test binary again with only `test` and the child marker; its whole output.
fn child(test: &str) -> (bool, String) {
    let out = Command::new(std::env::current_exe().unwrap())
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .env("RUST_BACKTRACE", "full")
        .output()
        .unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), all)
}

fn in_child() -> bool {
    std::env::var_os(CHILD).is_some()
}

/// Every way the secret could show up in the output.
fn leaks(output: &str) -> bool {
    let upper = PASSWORD.to_ascii_uppercase();
    let hex_of = |s: &str| {
        s.bytes()
            .map(|b| format!("{b:02X}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    output.contains(PASSWORD)
        || output.contains(&upper)
        || output.contains(&hex_of(&upper))
        || output.contains(&format!("{:?}", upper.as_bytes()))
        || output.contains(PIN)
}

#[test]
fn a_panic_while_the_password_is_held_prints_nothing_of_it() {
    if in_child() {
        let password = SigningPassword::parse(PASSWORD).unwrap();
        let pin = AuthPin::parse(PIN).unwrap();
        // A panic whose message formats both, the way a careless message would.
        panic!("fault while holding {password:?} {password} {pin:?} {pin}");
    }
    let (ok, output) = child("a_panic_while_the_password_is_held_prints_nothing_of_it");
    assert!(!ok, "the child was to panic: {output}");
    assert!(
        output.contains("fault while holding SigningPassword(REDACTED) REDACTED"),
        "{output}"
    );
    assert!(!leaks(&output), "{output}");
}

#[test]
fn a_panic_in_another_thread_while_the_password_is_held_prints_nothing_of_it() {
    if in_child() {
        let password = SigningPassword::parse(PASSWORD).unwrap();
        let worker = std::thread::spawn(move || {
            let held = password.clone();
            let v: Vec<u8> = held.as_bytes().iter().map(|_| 0).collect();
            // An index out of bounds while the password is alive in this thread.
            let i = v.len() + usize::from(held.as_bytes().first().copied().unwrap_or(0));
            v[i]
        });
        let _ = worker.join();
        panic!("the worker failed");
    }
    let (ok, output) =
        child("a_panic_in_another_thread_while_the_password_is_held_prints_nothing_of_it");
    assert!(!ok);
    assert!(output.contains("index out of bounds"), "{output}");
    assert!(!leaks(&output), "{output}");
}

#[cfg(target_os = "linux")]
#[test]
fn the_process_is_not_dumpable_while_a_secret_is_held() {
    use myna_kigen::secret::{NoCoreDump, process_dumpable};
    if in_child() {
        assert_eq!(process_dumpable(), Some(true), "dumpable at the start");
        let password = SigningPassword::parse(PASSWORD).unwrap();
        assert_eq!(
            process_dumpable(),
            Some(false),
            "while the password is held"
        );
        let copy = password.clone();
        drop(password);
        assert_eq!(process_dumpable(), Some(false), "while a copy is held");
        drop(copy);
        assert_eq!(process_dumpable(), Some(true), "after the last one is gone");
        let pin = AuthPin::parse(PIN).unwrap();
        assert_eq!(process_dumpable(), Some(false), "while the PIN is held");
        drop(pin);
        let typing = NoCoreDump::hold();
        assert_eq!(
            process_dumpable(),
            Some(false),
            "while a secret is being typed"
        );
        drop(typing);
        assert_eq!(process_dumpable(), Some(true));
        // A refused password never held anything.
        assert!(SigningPassword::parse("ab").is_err());
        assert_eq!(process_dumpable(), Some(true));
        return;
    }
    let (ok, output) = child("the_process_is_not_dumpable_while_a_secret_is_held");
    assert!(ok, "{output}");
    assert!(output.contains("1 passed"), "{output}");
}
