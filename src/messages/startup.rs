//! Why the window could not open, in words that name what to do (`gui::startup` recognises the
//! problem).

use super::Lang;

/// Every package the window needs on Debian and Ubuntu, for a message that cannot tell which
/// one is missing (also the `.deb`'s `Depends`, see `Cargo.toml`).
pub const WINDOW_PACKAGES: &str = "libx11-6 libxcursor1 libxi6 libxrandr2 libxkbcommon-x11-0 \
libgl1 libegl1 libgl1-mesa-dri";

/// The software OpenGL driver and its loaders.
pub const GL_PACKAGES: &str = "libgl1 libegl1 libgl1-mesa-dri";

/// Why the window could not open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// No X11 or Wayland display is set, or the one set cannot be reached.
    NoDisplay,
    /// A shared library the window loads is missing; the Debian package when it is known.
    MissingLibrary(Option<&'static str>),
    /// The display works but no OpenGL driver gives the window a context.
    NoGraphicsDriver,
}

/// The sentence for `problem` in `lang`.
pub fn sentence(problem: &Problem, lang: Lang) -> String {
    match (problem, lang) {
        (Problem::NoDisplay, Lang::Ja) => {
            "ウィンドウを開けません：画面（X11 または Wayland のデスクトップ）に\
            つながりません。デスクトップから起動するか、端末で `myna-kigen read` を使ってください。"
                .to_owned()
        }
        (Problem::NoDisplay, Lang::En) => "Cannot open the window: no display (X11 or Wayland \
            desktop) can be reached. Start it from a desktop session, or use `myna-kigen read` in \
            a terminal."
            .to_owned(),
        (Problem::MissingLibrary(package), Lang::Ja) => format!(
            "ウィンドウを開けません：画面表示のライブラリが足りません。`apt-get install {}` で\
             インストールするか（Debian・Ubuntu）、端末で `myna-kigen read` を使ってください。",
            package.unwrap_or(WINDOW_PACKAGES)
        ),
        (Problem::MissingLibrary(package), Lang::En) => format!(
            "Cannot open the window: a display library is missing. Install it with `apt-get \
             install {}` (Debian, Ubuntu), or use `myna-kigen read` in a terminal.",
            package.unwrap_or(WINDOW_PACKAGES)
        ),
        (Problem::NoGraphicsDriver, Lang::Ja) => format!(
            "ウィンドウを開けません：OpenGL のドライバーが見つかりません。`apt-get install \
             {GL_PACKAGES}` でインストールするか（Debian・Ubuntu）、端末で `myna-kigen read` を\
             使ってください。"
        ),
        (Problem::NoGraphicsDriver, Lang::En) => format!(
            "Cannot open the window: no OpenGL driver was found. Install one with `apt-get \
             install {GL_PACKAGES}` (Debian, Ubuntu), or use `myna-kigen read` in a terminal."
        ),
    }
}
