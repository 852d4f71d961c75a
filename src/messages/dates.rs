//! Dates and counts as a person reads them: one style everywhere.

use chrono::NaiveDate;

use super::Lang;
use crate::rules;

/// A Gregorian date as a person reads it: `2029年6月15日` / `15 Jun 2029`.
pub fn date(d: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Ja => d.format("%Y年%-m月%-d日").to_string(),
        Lang::En => d.format("%-d %b %Y").to_string(),
    }
}

/// A date with its 和暦 beside it: `2029年6月15日（令和11年6月15日）` / `15 Jun 2029 (令和11年6月15日)`.
pub fn date_with_wareki(d: NaiveDate, lang: Lang) -> String {
    format!("{}{}", date(d, lang), aside(&rules::wareki(d), lang))
}

/// A remark in brackets after what it explains: full-width brackets in Japanese
/// (`有効（更新は…から）`), a space and ASCII brackets in English (`valid (from …)`).
pub fn aside(text: &str, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!("（{text}）"),
        Lang::En => format!(" ({text})"),
    }
}

/// A label and its value: `有効期限：2029年6月15日` / `Expires: 15 Jun 2029`.
pub fn labelled(label: &str, value: &str, lang: Lang) -> String {
    format!("{label}{}{value}", colon(lang))
}

/// The colon after a label: full-width in Japanese, `": "` in English.
pub fn colon(lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => "：",
        Lang::En => ": ",
    }
}

/// Days left, as a phrase.
pub fn days_left(days: i64, lang: Lang) -> String {
    match lang {
        Lang::Ja if days > 0 => format!("あと{days}日"),
        Lang::Ja if days == 0 => "今日が最終日".to_owned(),
        Lang::Ja => format!("{}日前に期限切れ", -days),
        Lang::En if days == 1 => "1 day left".to_owned(),
        Lang::En if days > 0 => format!("{days} days left"),
        Lang::En if days == 0 => "today is the last day".to_owned(),
        Lang::En if days == -1 => "expired 1 day ago".to_owned(),
        Lang::En => format!("expired {} days ago", -days),
    }
}

/// A number of tries: `3回` / `3 tries`, `1 try`.
pub fn tries(n: u8, lang: Lang) -> String {
    match (n, lang) {
        (_, Lang::Ja) => format!("{n}回"),
        (1, Lang::En) => "1 try".to_owned(),
        (_, Lang::En) => format!("{n} tries"),
    }
}
