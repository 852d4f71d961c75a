//! The end-to-end rig: the one pcscd with vpcd's two virtual readers, simulated cards served on
//! them from a thread of the test process, and the `myna-kigen` binary run as a subprocess.

#![allow(dead_code)]

use std::ffi::CString;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Mutex, MutexGuard, Once, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use myna_kigen::sim::SimCard;
use myna_kigen::vpcd::{self, ServeEnd};

/// vpcd's first reader, and where its card side connects.
pub const READER0: &str = "Virtual PCD 00 00";
/// vpcd's first reader's card port.
pub const ADDR0: &str = "127.0.0.1:35963";
/// vpcd's second reader.
pub const READER1: &str = "Virtual PCD 00 01";
/// vpcd's second reader's card port.
pub const ADDR1: &str = "127.0.0.1:35964";
/// The fixed JST day every scenario and every reading is judged on.
pub const TODAY: &str = myna_kigen::sim::TEST_DAY;
/// pcscd's socket (the pcsc-lite default).
pub const PCSCD_SOCKET: &str = "/run/pcscd/pcscd.comm";
/// How long pcscd may take to notice a card placed or removed (it polls about every 400 ms).
pub const NOTICE: Duration = Duration::from_secs(4);

/// How long after a card left mid-reading before the next may be placed (pcscd polls the
/// virtual reader every 400 ms; see [`Placed::remove`]).
pub const SETTLE: Duration = Duration::from_millis(1500);

/// [`TODAY`] as a date.
pub fn today() -> NaiveDate {
    myna_kigen::sim::test_day()
}

/// The readers are shared: one test at a time.
static TURN: Mutex<()> = Mutex::new(());

/// How many tests in `tests/e2e_pcscd.rs` take the rig (a test there counts them).
pub const E2E_TESTS: usize = 13;

const HOW_TO_ENABLE: &str = "To run them: install the Debian packages `pcscd vsmartcard-vpcd`, \
start `pcscd -f &` as root (no systemd needed), and run `cargo test` again (or `.ci/run`, which \
does all of this). Under CI=true these tests fail instead of skipping.";

/// Said once per test run, the first time a test finds the rig missing.
static SKIP_NOTICE: Once = Once::new();

/// Tells the person running `cargo test` that the end-to-end tests were skipped. libtest
/// captures the output of a passing test's `print!`/`eprint!`, so a plain `cargo test` would
/// show nothing; a write to the standard error handle itself is not captured, so this line is
/// shown without `--nocapture`.
fn say_skipped(why: &str) {
    SKIP_NOTICE.call_once(|| {
        let line = format!(
            "\ne2e: {E2E_TESTS} end-to-end tests skipped (they pass without running): pcscd with \
             vsmartcard's virtual readers is not reachable ({why}). {HOW_TO_ENABLE}\n"
        );
        let _ = std::io::stderr().lock().write_all(line.as_bytes());
    });
}

/// This test's turn at pcscd's readers.
pub struct Rig {
    _turn: MutexGuard<'static, ()>,
    _machine_turn: Option<std::fs::File>,
}

/// The readers are shared with every other test process on the machine too (another checkout's
/// `cargo test`): one at a time, through an exclusive lock on this file in the temporary
/// directory, released when the process lets go of it (also when it dies).
const MACHINE_LOCK: &str = "myna-kigen-pcscd-rig.lock";

/// How long a test waits for another process's tests to leave the readers.
const MACHINE_PATIENCE: Duration = Duration::from_secs(900);

/// Takes the machine-wide turn; `None` when the lock file cannot be made (then only this
/// process's tests are kept apart).
fn machine_turn() -> Option<std::fs::File> {
    let path = std::env::temp_dir().join(MACHINE_LOCK);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .ok()?;
    let deadline = Instant::now() + MACHINE_PATIENCE;
    loop {
        match file.try_lock() {
            Ok(()) => return Some(file),
            Err(std::fs::TryLockError::WouldBlock) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                panic!("another process kept pcscd's readers for {MACHINE_PATIENCE:?}")
            }
            Err(std::fs::TryLockError::Error(_)) => return None,
        }
    }
}

impl Rig {
    /// Waits for this test's turn and checks pcscd and both virtual readers are there. `None`
    /// (after printing how to enable the tests) when they are not and CI is not set; under
    /// `CI=true` a missing rig fails the test.
    pub fn take() -> Option<Rig> {
        let turn = TURN.lock().unwrap_or_else(PoisonError::into_inner);
        let machine_turn = machine_turn();
        let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
        // On a developer machine without pcscd, don't wait for it.
        let patience = if ci || Path::new(PCSCD_SOCKET).exists() {
            Duration::from_secs(8)
        } else {
            Duration::ZERO
        };
        match wait_for_rig(patience) {
            Ok(()) => Some(Rig {
                _turn: turn,
                _machine_turn: machine_turn,
            }),
            Err(why) if ci => panic!("CI=true but the PC/SC rig is not usable: {why}"),
            Err(why) => {
                say_skipped(&why);
                None
            }
        }
    }

    /// A fresh PC/SC context (the test's own view of pcscd).
    pub fn context(&self) -> pcsc::Context {
        pcsc::Context::establish(pcsc::Scope::User).unwrap()
    }

    /// [`Rig::place`], giving the error instead of failing the test when pcscd does not notice
    /// the card (the card is taken out again then).
    pub fn try_place(
        &self,
        addr: &str,
        reader: &'static str,
        card: SimCard,
    ) -> Result<Placed, String> {
        let placed = Placed::serve(addr, reader, card);
        match wait_present(reader, true, NOTICE) {
            Ok(()) => Ok(placed),
            Err(e) => {
                drop(placed);
                Err(format!("pcscd did not notice the card on {reader}: {e}"))
            }
        }
    }

    /// Serves `card` on the virtual reader at `addr` (named `reader`) from a thread, and waits
    /// until pcscd sees it present.
    pub fn place(&self, addr: &str, reader: &'static str, card: SimCard) -> Placed {
        let placed = Placed::serve(addr, reader, card);
        wait_present(reader, true, NOTICE)
            .unwrap_or_else(|e| panic!("pcscd did not notice the card on {reader}: {e}"));
        placed
    }
}

/// Waits until pcscd answers and lists both virtual readers, both empty (the previous test's
/// cards gone).
fn wait_for_rig(patience: Duration) -> Result<(), String> {
    let deadline = Instant::now() + patience;
    let mut last;
    loop {
        last = match rig_state() {
            Ok(states) => {
                let listed = |r: &str| states.iter().any(|(n, _)| n == r);
                if !listed(READER0) || !listed(READER1) {
                    format!(
                        "pcscd runs but does not list {READER0:?} and {READER1:?} (vpcd driver \
                         missing?): {states:?}"
                    )
                } else if states.iter().any(|(_, present)| *present) {
                    format!("a card from an earlier run is still on a reader: {states:?}")
                } else {
                    return Ok(());
                }
            }
            Err(e) => e,
        };
        if Instant::now() >= deadline {
            return Err(last);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn rig_state() -> Result<Vec<(String, bool)>, String> {
    let ctx = pcsc::Context::establish(pcsc::Scope::User)
        .map_err(|e| format!("no PC/SC service ({e})"))?;
    try_reader_states(&ctx, Duration::ZERO).map_err(|e| format!("listing readers: {e}"))
}

/// Every reader with whether it holds a card, as pcscd says within `timeout`.
pub fn reader_states(ctx: &pcsc::Context, timeout: Duration) -> Vec<(String, bool)> {
    try_reader_states(ctx, timeout).unwrap()
}

fn try_reader_states(
    ctx: &pcsc::Context,
    timeout: Duration,
) -> Result<Vec<(String, bool)>, pcsc::Error> {
    let names = match ctx.list_readers_owned() {
        Ok(n) => n,
        Err(pcsc::Error::NoReadersAvailable) => Vec::new(),
        Err(e) => return Err(e),
    };
    let mut states: Vec<pcsc::ReaderState> = names
        .into_iter()
        .map(|n| pcsc::ReaderState::new(n, pcsc::State::UNAWARE))
        .collect();
    if !states.is_empty() {
        match ctx.get_status_change(timeout, &mut states) {
            Ok(()) | Err(pcsc::Error::Timeout) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(states
        .iter()
        .map(|s| {
            (
                s.name().to_string_lossy().into_owned(),
                s.event_state().contains(pcsc::State::PRESENT),
            )
        })
        .collect())
}

/// Waits until pcscd says the card in `reader` is present (`true`) or gone (`false`).
pub fn wait_present(reader: &str, present: bool, timeout: Duration) -> Result<(), String> {
    let ctx = pcsc::Context::establish(pcsc::Scope::User).map_err(|e| e.to_string())?;
    let name = CString::new(reader).map_err(|e| e.to_string())?;
    let mut state = [pcsc::ReaderState::new(name, pcsc::State::UNAWARE)];
    let deadline = Instant::now() + timeout;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match ctx.get_status_change(left.min(Duration::from_millis(500)), &mut state) {
            Ok(()) | Err(pcsc::Error::Timeout) => {}
            Err(e) => return Err(e.to_string()),
        }
        let now = state[0].event_state();
        if now.contains(pcsc::State::PRESENT) == present
            && !now.intersects(pcsc::State::UNKNOWN | pcsc::State::UNAVAILABLE)
        {
            return Ok(());
        }
        state[0].sync_current_state();
        if Instant::now() >= deadline {
            return Err(format!("still {now:?} after {timeout:?}"));
        }
    }
}

/// A simulated card on a virtual reader, served by a thread of this process. Dropping it takes
/// the card out (closes the connection) and waits until pcscd noticed.
pub struct Placed {
    reader: &'static str,
    socket: Option<TcpStream>,
    thread: Option<JoinHandle<(SimCard, Result<ServeEnd, String>)>>,
}

impl Placed {
    /// Connects to vpcd at `addr` and serves `card` there from a thread, without waiting for
    /// pcscd to notice.
    pub fn serve(addr: &str, reader: &'static str, mut card: SimCard) -> Placed {
        let mut stream = vpcd::connect(addr, Duration::from_secs(3))
            .unwrap_or_else(|e| panic!("cannot reach vpcd at {addr}: {e}"));
        let socket = stream.try_clone().unwrap();
        let thread = std::thread::spawn(move || {
            let end = vpcd::serve(&mut stream, &mut card).map_err(|e| e.to_string());
            // The card left by itself (or vpcd went away): close our side, so vpcd sees an
            // empty reader even though the test still holds a clone of the socket.
            let _ = stream.shutdown(Shutdown::Both);
            (card, end)
        });
        Placed {
            reader,
            socket: Some(socket),
            thread: Some(thread),
        }
    }

    /// Whether the card left by itself (its removal point) or vpcd went away.
    pub fn ended(&self) -> bool {
        self.thread.as_ref().is_none_or(JoinHandle::is_finished)
    }

    /// Waits for the serving thread to end by itself (the card's removal point, or vpcd closing).
    pub fn wait_ended(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while !self.ended() {
            if Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        true
    }

    /// Takes the card out, waits until pcscd noticed, and gives the card back (with its log).
    pub fn remove(mut self) -> SimCard {
        self.take_out().0
    }

    /// Takes the card out and says how serving ended.
    pub fn remove_with_end(mut self) -> (SimCard, Result<ServeEnd, String>) {
        self.take_out()
    }

    fn take_out(&mut self) -> (SimCard, Result<ServeEnd, String>) {
        if let Some(s) = self.socket.take() {
            let _ = s.shutdown(Shutdown::Both);
        }
        let out = self
            .thread
            .take()
            .expect("card already taken out")
            .join()
            .expect("serving thread panicked");
        // Fails fast when pcscd itself is gone.
        let _ = wait_present(self.reader, false, NOTICE);
        if matches!(out.1, Ok(ServeEnd::CardRemoved)) {
            // The card left while a program had it connected: pcscd may already say the reader
            // is empty (its failed reset on disconnect says so) before its presence poll has
            // seen the card go. A card placed before that poll is taken for the old one and
            // never announced, so give the poll (every 400 ms) time to run.
            std::thread::sleep(SETTLE);
        }
        out
    }
}

impl Drop for Placed {
    fn drop(&mut self) {
        if self.thread.is_some() {
            let _ = self.take_out();
        }
    }
}

/// What a finished `myna-kigen` run gave.
#[derive(Debug)]
pub struct Run {
    /// Exit code (`None`: killed by a signal).
    pub code: Option<i32>,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
    /// Wall time of the whole process.
    pub took: Duration,
}

impl Run {
    /// Standard output parsed as one JSON value.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not one JSON value ({e}): {self:?}"))
    }
}

/// The binary under test.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_myna-kigen")
}

/// A cache folder of its own for each run of the binary, so a reader one test's card made
/// remembered as short-APDU-only does not change another test's counts (a test of the cache
/// passes its own `MYNA_KIGEN_CACHE_DIR`).
pub fn fresh_cache_dir() -> std::path::PathBuf {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    std::env::temp_dir().join(format!("myna-kigen-cache-{}-{n}", std::process::id()))
}

/// Runs `myna-kigen args…` with extra environment, killing it after 20 s (a hang fails).
pub fn run_env(args: &[&str], env: &[(&str, &str)]) -> Run {
    let started = Instant::now();
    let mut cmd = Command::new(bin());
    cmd.args(args)
        .env("LANG", "C.UTF-8")
        .env("MYNA_KIGEN_CACHE_DIR", fresh_cache_dir())
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let stdout = drain(child.stdout.take().unwrap());
    let stderr = drain(child.stderr.take().unwrap());
    let deadline = started + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("myna-kigen {args:?} still running after 20 s");
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let took = started.elapsed();
    Run {
        code: status.code(),
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
        took,
    }
}

/// Runs `myna-kigen args…`.
pub fn run(args: &[&str]) -> Run {
    run_env(args, &[])
}

fn drain<R: Read + Send + 'static>(mut r: R) -> JoinHandle<String> {
    std::thread::spawn(move || {
        let mut s = String::new();
        let _ = r.read_to_string(&mut s);
        s
    })
}

/// A long-running `myna-kigen` (watch, simulate) whose stdout lines arrive on a channel.
/// Dropping it kills it.
pub struct Running {
    child: Child,
    lines: mpsc::Receiver<String>,
    stderr: Option<JoinHandle<String>>,
}

impl Running {
    /// Starts `myna-kigen args…`.
    pub fn start(args: &[&str]) -> Running {
        Self::start_env(args, &[])
    }

    /// Starts `myna-kigen args…` with extra environment.
    pub fn start_env(args: &[&str], env: &[(&str, &str)]) -> Running {
        let mut child = Command::new(bin())
            .args(args)
            .envs(env.iter().copied())
            .env("LANG", "C.UTF-8")
            .env("MYNA_KIGEN_CACHE_DIR", fresh_cache_dir())
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let out = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = Some(drain(child.stderr.take().unwrap()));
        Running {
            child,
            lines,
            stderr,
        }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The next stdout line within `timeout`.
    pub fn line(&self, timeout: Duration) -> Option<String> {
        self.lines.recv_timeout(timeout).ok()
    }

    /// The next stdout line that is a JSON object whose `"event"` is `event`, within `timeout`;
    /// other lines are returned in the second value.
    pub fn event(
        &self,
        event: &str,
        timeout: Duration,
    ) -> (Option<serde_json::Value>, Vec<String>) {
        self.event_of(&[event], timeout)
    }

    /// The next stdout line that is a JSON object whose `"event"` is one of `events`, within
    /// `timeout`; other lines are returned in the second value.
    pub fn event_of(
        &self,
        events: &[&str],
        timeout: Duration,
    ) -> (Option<serde_json::Value>, Vec<String>) {
        let deadline = Instant::now() + timeout;
        let mut others = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let Some(line) = self.line(left) else {
                return (None, others);
            };
            let value: serde_json::Value = serde_json::from_str(&line)
                .unwrap_or_else(|e| panic!("watch printed a line that is not JSON ({e}): {line}"));
            if events.iter().any(|e| value["event"] == *e) {
                return (Some(value), others);
            }
            others.push(line);
        }
    }

    /// Sends SIGINT (as Ctrl-C does) and waits up to `timeout` for the exit code.
    pub fn interrupt(&mut self, timeout: Duration) -> Option<i32> {
        signal(self.child.id(), "INT");
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Whether it has exited.
    pub fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().unwrap()
    }

    /// Kills it (if still running) and returns its standard error.
    pub fn stop(&mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.stderr
            .take()
            .map(|h| h.join().unwrap_or_default())
            .unwrap_or_default()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends a signal to a process this test started (by its id).
pub fn signal(pid: u32, sig: &str) {
    let status = Command::new("kill")
        .arg(format!("-{sig}"))
        .arg(pid.to_string())
        .status()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run `kill` to signal process {pid} ({e}): install the Debian package \
                 `procps` (.ci/run does)"
            )
        });
    assert!(status.success(), "kill -{sig} {pid} failed");
}

/// The running pcscd's process id (from its pid file).
pub fn pcscd_pid() -> Option<u32> {
    std::fs::read_to_string("/run/pcscd/pcscd.pid")
        .ok()
        // pcscd writes the number, a newline and a NUL byte.
        .and_then(|s| {
            s.trim_matches(|c: char| c.is_whitespace() || c == '\0')
                .parse()
                .ok()
        })
        .filter(|pid: &u32| Path::new(&format!("/proc/{pid}")).exists())
}

/// Stops the running pcscd (SIGTERM, by the id in its pid file) and waits until it is gone.
pub fn stop_pcscd() {
    let pid = pcscd_pid().expect("no pcscd pid file: who started pcscd?");
    signal(pid, "TERM");
    let deadline = Instant::now() + Duration::from_secs(5);
    while process_alive(pid) {
        assert!(Instant::now() < deadline, "pcscd {pid} did not stop");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Starts pcscd again (in the foreground mode, detached from this test), logging to
/// `/tmp/myna-kigen-pcscd.log`, and waits until it lists the virtual readers.
pub fn start_pcscd() {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open("/tmp/myna-kigen-pcscd.log")
        .unwrap();
    let _ = std::fs::create_dir_all("/run/pcscd");
    let child = Command::new("pcscd")
        .arg("--foreground")
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .expect("cannot start pcscd");
    // Not waited for: it outlives this test and is stopped by whoever runs the suite.
    drop(child);
    wait_for_rig(Duration::from_secs(8)).unwrap_or_else(|e| panic!("pcscd did not come back: {e}"));
}

fn process_alive(pid: u32) -> bool {
    // A zombie (ended, not yet reaped by its parent) counts as gone.
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| {
            s.rsplit_once(") ")
                .is_some_and(|(_, rest)| !rest.starts_with('Z'))
        })
        .unwrap_or(false)
}
