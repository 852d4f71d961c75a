//! The one ja/en catalogue: every sentence a person reads (the command line's text, the
//! window, errors, advice, the calendar file) comes from here, keyed by typed values. Where the
//! next step differs between the command line and the window, the sentence takes the
//! [`Surface`]; no sentence names a command-line flag on the window's surface.
//!
//! A new warning, reason or error needs its enum variant and its entry here, nothing else; the
//! test at the bottom renders every entry in both languages.

use serde::{Deserialize, Serialize};

pub mod calendar;
mod dates;
mod errors;
pub mod punctuation;
mod report;
mod signing;
pub mod slip;
pub mod startup;
pub mod window;

pub mod words;

pub use dates::{aside, colon, date, date_with_wareki, days_left, labelled, tries};
pub use errors::{format_problem, read_error, refusal, sign_error};
pub use report::{
    capitalise, card_kind, comparison, expiry_source, finding, genuine, item_name, item_use,
    not_read, not_read_short, personal_lines, pin, pin_name, status, status_short, warning,
};
pub use signing::{prompt, state_cleared, tries_before_asking};

pub use words::Text;

/// The language of everything a person reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    /// 日本語 (the default).
    #[default]
    Ja,
    /// English.
    En,
}

impl Lang {
    /// Both languages.
    pub const ALL: [Lang; 2] = [Lang::Ja, Lang::En];

    /// `ja` or `en`, as the command line and the window's `--lang` take it.
    pub fn parse(s: &str) -> Option<Lang> {
        match s.to_ascii_lowercase().as_str() {
            "ja" => Some(Lang::Ja),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

/// Where a sentence is read: its "what to do next" differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Surface {
    /// The command line: options and commands may be named.
    CommandLine,
    /// The window: buttons and fields are named, never command-line flags.
    Window,
}

/// The command line's one-line description (both languages: `--help` is read before any
/// language is chosen).
pub const CLI_ABOUT: &str = "マイナンバーカードの電子証明書の有効期限を読み取ります / Reads when the certificates on a My Number Card expire";

/// The window program's one-line description for `--help`.
pub const GUI_ABOUT: &str =
    "マイナンバーカードの電子証明書の有効期限 / My Number Card certificate expiry";

/// The window's title bar.
pub const WINDOW_TITLE: &str = "myna-kigen — 電子証明書の有効期限";

/// The bullet before an item of a list.
pub const BULLET: &str = "・";

/// A language's name in itself, for the language switch.
pub fn language_name(lang: Lang) -> &'static str {
    tr(lang, "日本語", "English")
}

/// A fixed phrase in both languages.
pub(crate) fn tr(lang: Lang, ja: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Ja => ja,
        Lang::En => en,
    }
}

/// Declares an enum of fixed phrases, each with its Japanese and English text, an `ALL` list and
/// a `text(lang)` method.
macro_rules! phrases {
    ($(#[$m:meta])* $vis:vis enum $name:ident { $($(#[$vm:meta])* $v:ident => ($ja:expr, $en:expr)),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis enum $name { $($(#[$vm])* $v),* }
        impl $name {
            /// Every phrase.
            pub const ALL: &'static [$name] = &[$($name::$v),*];
            /// The phrase in `lang`.
            pub fn text(self, lang: $crate::messages::Lang) -> &'static str {
                match self { $($name::$v => $crate::messages::tr(lang, $ja, $en)),* }
            }
        }
    };
}
pub(crate) use phrases;

#[cfg(test)]
mod tests;
