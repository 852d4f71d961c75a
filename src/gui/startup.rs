//! Why the window could not open, as one sentence in Japanese and English that names what to do:
//! no display, a missing X11/Wayland library, no OpenGL driver. The window's toolkit reports
//! these as errors or panics carrying its own source paths; a resident needs the Debian package
//! to install or the command line (`myna-kigen read`) instead.
//!
//! The sentences are in the catalogue ([`crate::messages::startup`]).

use std::any::Any;
use std::error::Error;
use std::ffi::OsString;
use std::fmt;
use std::panic::{AssertUnwindSafe, PanicHookInfo};
use std::sync::Arc;

use crate::messages::Lang;
pub use crate::messages::startup::{GL_PACKAGES, Problem, WINDOW_PACKAGES, sentence};

/// The libraries the window loads at run time on Linux, with the Debian package of each.
/// The so-name prefix is matched against the loader's message.
const LIBRARIES: &[(&str, &str)] = &[
    ("libxkbcommon-x11", "libxkbcommon-x11-0"),
    ("libxkbcommon", "libxkbcommon0"),
    ("libXcursor", "libxcursor1"),
    ("libXrandr", "libxrandr2"),
    ("libXi.", "libxi6"),
    ("libX11-xcb", "libx11-xcb1"),
    ("libX11", "libx11-6"),
    ("libxcb", "libxcb1"),
    ("libwayland-client", "libwayland-client0"),
    ("libwayland-egl", "libwayland-egl1"),
    ("libwayland-cursor", "libwayland-cursor0"),
    ("libEGL", "libegl1"),
    ("libGLX", "libglx0"),
    ("libGL.", "libgl1"),
];

/// The start-up failure: one the person can act on, or any other error (e.g. an unknown demo
/// scenario), passed on as it was.
#[derive(Debug)]
pub enum Failure {
    /// A recognised start-up problem.
    Known(Problem),
    /// Anything else.
    Other(Box<dyn Error>),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Known(p) => write!(f, "{}\n{}", sentence(p, Lang::Ja), sentence(p, Lang::En)),
            Failure::Other(e) => write!(f, "{e}"),
        }
    }
}

/// `Some(NoDisplay)` when, on a system whose windows go through X11 or Wayland, none of
/// `WAYLAND_DISPLAY`, `WAYLAND_SOCKET` and `DISPLAY` is set (read through `var`).
pub fn display_missing(var: impl Fn(&str) -> Option<OsString>) -> Option<Problem> {
    if !cfg!(all(unix, not(target_os = "macos"), not(target_os = "ios"))) {
        return None;
    }
    let set = |k: &str| var(k).is_some_and(|v| !v.is_empty());
    if set("WAYLAND_DISPLAY") || set("WAYLAND_SOCKET") || set("DISPLAY") {
        None
    } else {
        Some(Problem::NoDisplay)
    }
}

/// The problem an error or panic message from the window's toolkit describes, if it is one
/// of the start-up problems.
pub fn classify(message: &str) -> Option<Problem> {
    let lower = message.to_lowercase();
    if lower.contains("neither wayland_display nor wayland_socket nor display")
        || lower.contains("failed to open connection to x server")
        || lower.contains("could not find wayland compositor")
        || lower.contains("xopendisplay")
    {
        return Some(Problem::NoDisplay);
    }
    let library_failure = lower.contains("shared librar")
        || lower.contains("cannot open shared object")
        || lower.contains("could not be loaded")
        || lower.contains("failed loading")
        || lower.contains("libraryopenerror")
        || lower.contains("opening library failed");
    if library_failure {
        let package = LIBRARIES
            .iter()
            .find(|(soname, _)| message.contains(soname))
            .map(|(_, package)| *package);
        // A GL library that is missing is a driver problem, with the same advice.
        if matches!(package, Some("libgl1" | "libegl1" | "libglx0")) {
            return Some(Problem::NoGraphicsDriver);
        }
        return Some(Problem::MissingLibrary(package));
    }
    if lower.contains("glutin")
        || lower.contains("opengl")
        || lower.contains("libegl")
        || lower.contains(" egl")
        || lower.contains("glx")
    {
        return Some(Problem::NoGraphicsDriver);
    }
    None
}

fn panic_text(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        String::new()
    }
}

type Hook = Box<dyn Fn(&PanicHookInfo<'_>) + Sync + Send + 'static>;

/// Runs `open_window` (which opens the window and returns when it closes) and turns the
/// start-up problems it meets into [`Failure::Known`]: an error it returns, or a panic of the
/// toolkit. A recognised panic's raw message is not printed; any other panic is printed as
/// usual and goes on unwinding. `var` reads the environment (for the display check).
pub fn open<F>(var: impl Fn(&str) -> Option<OsString>, open_window: F) -> Result<(), Failure>
where
    F: FnOnce() -> Result<(), Box<dyn Error>>,
{
    if let Some(problem) = display_missing(var) {
        return Err(Failure::Known(problem));
    }
    let previous: Arc<Hook> = Arc::new(std::panic::take_hook());
    {
        let previous = Arc::clone(&previous);
        std::panic::set_hook(Box::new(move |info| {
            // A recognised problem is said as a sentence below, not as a raw panic.
            if classify(&panic_text(info.payload())).is_none() {
                previous(info);
            }
        }));
    }
    let outcome = std::panic::catch_unwind(AssertUnwindSafe(open_window));
    // Panics after this point are printed by the hook that was there before.
    std::panic::set_hook(Box::new(move |info| previous(info)));
    match outcome {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => match classify(&e.to_string()) {
            Some(problem) => Err(Failure::Known(problem)),
            None => Err(Failure::Other(e)),
        },
        Err(payload) => match classify(&panic_text(payload.as_ref())) {
            Some(problem) => Err(Failure::Known(problem)),
            None => std::panic::resume_unwind(payload),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<OsString> {
        move |k| {
            pairs
                .iter()
                .find(|(name, _)| *name == k)
                .map(|(_, v)| OsString::from(v))
        }
    }

    // The messages below are the ones the toolkit gave on Debian 12.

    #[test]
    fn no_display_set_is_found_before_opening() {
        let problem = display_missing(env(&[]));
        assert_eq!(problem, Some(Problem::NoDisplay));
        assert_eq!(display_missing(env(&[("DISPLAY", "")])), problem);
        assert_eq!(display_missing(env(&[("DISPLAY", ":0")])), None);
        assert_eq!(
            display_missing(env(&[("WAYLAND_DISPLAY", "wayland-0")])),
            None
        );
        let mut called = false;
        let r = open(env(&[]), || {
            called = true;
            Ok(())
        });
        assert!(matches!(r, Err(Failure::Known(Problem::NoDisplay))));
        assert!(!called, "the window is not tried without a display");
    }

    #[test]
    fn toolkit_messages_are_classified() {
        let cases: &[(&str, Option<Problem>)] = &[
            (
                "winit EventLoopError: os error at /x/winit/src/platform_impl/linux/mod.rs:765: \
                 neither WAYLAND_DISPLAY nor WAYLAND_SOCKET nor DISPLAY is set.",
                Some(Problem::NoDisplay),
            ),
            (
                "winit EventLoopError: os error at /x/mod.rs:788: Failed to open connection to X server",
                Some(Problem::NoDisplay),
            ),
            (
                "winit EventLoopError: os error at /x/mod.rs:89: Could not find wayland compositor",
                Some(Problem::NoDisplay),
            ),
            (
                "glutin error: [a7] GLXBadFBConfig",
                Some(Problem::NoGraphicsDriver),
            ),
            (
                "Failed to load one of xlib's shared libraries -> attempted to load libXcursor.so.1",
                Some(Problem::MissingLibrary(Some("libxcursor1"))),
            ),
            (
                "Library libxkbcommon-x11.so could not be loaded.",
                Some(Problem::MissingLibrary(Some("libxkbcommon-x11-0"))),
            ),
            (
                "Failed to load one of xlib's shared libraries",
                Some(Problem::MissingLibrary(None)),
            ),
            (
                "libEGL.so.1: cannot open shared object file",
                Some(Problem::NoGraphicsDriver),
            ),
            ("unknown scenario: nope", None),
            ("", None),
        ];
        for (message, expected) in cases {
            assert_eq!(&classify(message), expected, "{message}");
        }
    }

    #[test]
    fn sentences_name_what_to_do_in_both_languages_without_paths() {
        let problems = [
            Problem::NoDisplay,
            Problem::MissingLibrary(Some("libxkbcommon-x11-0")),
            Problem::MissingLibrary(None),
            Problem::NoGraphicsDriver,
        ];
        for p in &problems {
            let ja = sentence(p, Lang::Ja);
            let en = sentence(p, Lang::En);
            assert!(ja.contains("ウィンドウを開けません"), "{ja}");
            assert!(en.starts_with("Cannot open the window"), "{en}");
            for s in [&ja, &en] {
                assert!(s.contains("myna-kigen read"), "{s}");
                assert!(!s.contains(".rs"), "{s}");
                assert!(!s.contains('\n'), "one sentence each: {s}");
            }
        }
        assert!(sentence(&problems[1], Lang::En).contains("apt-get install libxkbcommon-x11-0`"));
        assert!(sentence(&problems[2], Lang::Ja).contains(WINDOW_PACKAGES));
        assert!(sentence(&problems[3], Lang::En).contains("libgl1-mesa-dri"));
        let both = Failure::Known(Problem::NoDisplay).to_string();
        assert_eq!(both.lines().count(), 2);
    }

    #[test]
    fn a_toolkit_panic_becomes_the_sentence_and_an_error_passes_through() {
        let with_display = env(&[("DISPLAY", ":0")]);
        let r = open(&with_display, || {
            panic!("Library libxkbcommon-x11.so could not be loaded.")
        });
        assert!(matches!(
            r,
            Err(Failure::Known(Problem::MissingLibrary(Some(
                "libxkbcommon-x11-0"
            ))))
        ));
        let r = open(&with_display, || {
            Err("glutin error: [a7] GLXBadFBConfig".into())
        });
        assert!(matches!(r, Err(Failure::Known(Problem::NoGraphicsDriver))));
        let r = open(&with_display, || Err("unknown scenario: nope".into()));
        assert!(matches!(&r, Err(Failure::Other(e)) if e.to_string() == "unknown scenario: nope"));
        assert!(open(&with_display, || Ok(())).is_ok());
    }

    #[test]
    fn any_other_panic_goes_on_unwinding() {
        let caught = std::panic::catch_unwind(|| {
            let _ = open(env(&[("DISPLAY", ":0")]), || panic!("a bug"));
        });
        let payload = caught.err().map(|p| panic_text(p.as_ref()));
        assert_eq!(payload.as_deref(), Some("a bug"));
    }
}
