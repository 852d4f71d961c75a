//! What the signing flow says before and after the password: the tries left, the prompt, the
//! power cycle.

use super::{Lang, tries};
use crate::reading::is_locked;
use crate::report::PinReport;

/// The line shown before asking for the password: tries left, and what a lock means.
pub fn tries_before_asking(pin: Option<&PinReport>, lang: Lang) -> String {
    if is_locked(pin) {
        return match lang {
            Lang::Ja => "署名用パスワード：ロック中".to_owned(),
            Lang::En => "Signing password: LOCKED".to_owned(),
        };
    }
    match (pin.and_then(|p| p.tries_left), lang) {
        (Some(t), Lang::Ja) => format!(
            "署名用パスワードの残り回数：{t}回（5回続けて間違えるとロックされ、市区町村の窓口でしか解除できません）"
        ),
        (Some(t), Lang::En) => format!(
            "Signing password: {} left (5 wrong tries in a row lock it until your municipal office resets it)",
            tries(t, lang)
        ),
        (None, Lang::Ja) => "署名用パスワードの残り回数：不明".to_owned(),
        (None, Lang::En) => "Signing password: tries left unknown".to_owned(),
    }
}

/// The prompt for the password (typed without echo).
pub fn prompt(lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => "署名用パスワード（6〜16桁の英数字、画面には表示されません）：",
        Lang::En => "Signing password (6–16 letters and digits, not shown): ",
    }
}

/// The line saying the card's verified state was cleared after the reading.
pub fn state_cleared(lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => "読み取り後にカードの電源を入れ直し、パスワードの入力状態を消しました。",
        Lang::En => {
            "After reading, the card was powered off and on so the password's verified state is cleared."
        }
    }
}
