//! Files the window hands to the person: the `.ics` calendar and the counter slip (PDF), written
//! off the UI thread into a folder of theirs, the slip then opened with the system's viewer
//! (which prints it). What happened comes back as a [`FileNote`] the window shows.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::messages::Lang;
use crate::report::CardReport;

/// Opens a file with the system's viewer.
pub type OpenFn = Arc<dyn Fn(&Path) -> std::io::Result<()> + Send + Sync>;

/// What the window asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileJob {
    /// The calendar file, saved.
    Calendar,
    /// The counter slip, saved and opened to print.
    Slip,
}

/// How a file job ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileNote {
    /// Written (and, for the slip, handed to the viewer).
    Saved {
        /// What.
        job: FileJob,
        /// Where.
        path: PathBuf,
    },
    /// It could not be written or opened.
    Failed {
        /// What.
        job: FileJob,
        /// Why, in the words of the system.
        reason: String,
    },
}

/// The folder files go to: the person's Downloads folder when there is one, else their home,
/// else the temporary folder.
pub fn default_dir() -> PathBuf {
    let home = std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .map(PathBuf::from);
    match home {
        Some(h) if h.join("Downloads").is_dir() => h.join("Downloads"),
        Some(h) if h.is_dir() => h,
        _ => std::env::temp_dir(),
    }
}

/// Opens `path` with the system's viewer: `xdg-open` on Linux and the BSDs, `open` on macOS,
/// `explorer` on Windows. The viewer runs on its own; this does not wait for it.
pub fn system_open() -> OpenFn {
    Arc::new(|path: &Path| {
        #[cfg(target_os = "macos")]
        let program = "open";
        #[cfg(target_os = "windows")]
        let program = "explorer";
        #[cfg(not(any(target_os = "macos", target_os = "windows")))]
        let program = "xdg-open";
        std::process::Command::new(program)
            .arg(path)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .map(|_| ())
    })
}

/// Where one job's file goes: named by the renewal day, so a second card does not overwrite
/// the first one's slip on a counter's machine (nothing personal in the name).
fn file_name(job: FileJob, report: &CardReport) -> String {
    let day = report
        .auth
        .read()
        .map(|c| c.renewal_from.format("%Y%m%d").to_string())
        .unwrap_or_else(|| "unknown".to_owned());
    match job {
        FileJob::Calendar => format!("myna-kigen-{day}.ics"),
        FileJob::Slip => format!("myna-kigen-slip-{day}.pdf"),
    }
}

/// Writes the job's file for `report` into `dir` (and opens the slip) on a thread of its own;
/// the note lands in `note` and `done` is called (the window's repaint).
#[allow(clippy::too_many_arguments)]
pub fn start(
    job: FileJob,
    report: CardReport,
    lang: Lang,
    demo: bool,
    dir: PathBuf,
    open: OpenFn,
    note: Arc<Mutex<Option<FileNote>>>,
    done: impl Fn() + Send + 'static,
) {
    let work = move || {
        let path = dir.join(file_name(job, &report));
        let bytes = match job {
            FileJob::Calendar => Ok(crate::ics::calendar(&report, lang).into_bytes()),
            FileJob::Slip => crate::slip::pdf(&report, lang, demo).map_err(|e| e.to_string()),
        };
        let written = bytes.and_then(|b| std::fs::write(&path, b).map_err(|e| e.to_string()));
        let result = written.and_then(|()| match job {
            FileJob::Slip => open(&path).map_err(|e| e.to_string()),
            FileJob::Calendar => Ok(()),
        });
        let outcome = match result {
            Ok(()) => FileNote::Saved { job, path },
            Err(reason) => FileNote::Failed { job, reason },
        };
        if let Ok(mut n) = note.lock() {
            *n = Some(outcome);
        }
        done();
    };
    if std::thread::Builder::new()
        .name("myna-kigen-file".to_owned())
        .spawn(work)
        .is_err()
    {
        log::warn!("could not start the thread that writes the file");
    }
}
