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

/// `read --sign` on the command line: the process is not dumpable while the password is being
/// typed (the no-echo prompt) or read from standard input, nor while it is used, and dumpable
/// again once the command is done.
#[cfg(target_os = "linux")]
#[test]
fn the_cli_is_not_dumpable_while_the_signing_password_is_typed() {
    use std::io::{BufRead, Read};

    use myna_kigen::cli::{Io, run_with};
    use myna_kigen::secret::process_dumpable;

    /// Standard input that notes whether the process was dumpable when it was read.
    struct Noting {
        text: std::io::Cursor<Vec<u8>>,
        seen: Vec<Option<bool>>,
    }
    impl Read for Noting {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            self.seen.push(process_dumpable());
            self.text.read(buf)
        }
    }
    impl BufRead for Noting {
        fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
            self.seen.push(process_dumpable());
            self.text.fill_buf()
        }
        fn consume(&mut self, n: usize) {
            self.text.consume(n);
        }
    }

    if in_child() {
        let today = myna_kigen::sim::TEST_DAY;
        assert_eq!(process_dumpable(), Some(true), "dumpable at the start");
        // The prompt.
        let mut asked = Vec::new();
        let mut ask = |_: &str| {
            asked.push(process_dumpable());
            Ok("abc123".to_owned())
        };
        let mut stdin = std::io::Cursor::new(Vec::new());
        let mut io = Io {
            stdin: &mut stdin,
            ask_hidden: &mut ask,
            transport: None,
        };
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let args = [
            "myna-kigen",
            "read",
            "--demo",
            "--sign",
            "--json",
            "--today",
            today,
        ];
        let code = run_with(args, &mut out, &mut err, &mut io);
        assert_eq!(code, 0, "{}", String::from_utf8_lossy(&err));
        assert_eq!(asked, [Some(false)], "while the password was typed");
        assert_eq!(process_dumpable(), Some(true), "after the prompted reading");
        // Standard input.
        let mut stdin = Noting {
            text: std::io::Cursor::new(b"ABC123\n".to_vec()),
            seen: Vec::new(),
        };
        let mut never = |_: &str| -> std::io::Result<String> { panic!("asked") };
        let mut io = Io {
            stdin: &mut stdin,
            ask_hidden: &mut never,
            transport: None,
        };
        let args = [
            "myna-kigen",
            "read",
            "--demo",
            "--sign",
            "--password-stdin",
            "--json",
            "--today",
            today,
        ];
        let code = run_with(args, &mut out, &mut err, &mut io);
        assert_eq!(code, 0, "{}", String::from_utf8_lossy(&err));
        assert!(!stdin.seen.is_empty());
        assert!(
            stdin.seen.iter().all(|d| *d == Some(false)),
            "while standard input was read: {:?}",
            stdin.seen
        );
        assert_eq!(
            process_dumpable(),
            Some(true),
            "after the reading from stdin"
        );
        return;
    }
    let (ok, output) = child("the_cli_is_not_dumpable_while_the_signing_password_is_typed");
    assert!(ok, "{output}");
    assert!(output.contains("1 passed"), "{output}");
}
