//! The calendar file's event titles and descriptions.

use chrono::NaiveDate;

use super::{Lang, tr};
use crate::rules::Item;

/// The calendar's name.
pub fn name(lang: Lang) -> &'static str {
    tr(
        lang,
        "マイナンバーカード 電子証明書の期限",
        "My Number Card certificate dates",
    )
}

/// A certificate's two days: the renewal window's first day (title, description) and its last
/// valid day (title, description).
pub fn certificate_days(item: Item, expiry: NaiveDate, lang: Lang) -> [String; 4] {
    let (which_ja, which_en) = match item {
        Item::Sign => ("署名用電子証明書", "signing certificate"),
        Item::Auth | Item::Card => ("利用者証明用電子証明書", "user-authentication certificate"),
    };
    let expiry = super::date(expiry, lang);
    match lang {
        Lang::Ja => [
            format!("{which_ja}の更新受付開始"),
            format!(
                "マイナンバーカードの{which_ja}は今日から更新できます（有効期限は{expiry}）。市区町村の窓口で無料で手続きできます。"
            ),
            format!("{which_ja}の有効期限"),
            format!(
                "{which_ja}は今日の23時59分59秒（日本時間）で期限が切れます。更新は市区町村の窓口で無料です。"
            ),
        ],
        Lang::En => [
            format!("My Number Card {which_en}: renewal opens"),
            format!(
                "The {which_en} on your My Number Card can be renewed from today (it expires on {expiry}). Renewal is free at your municipal office."
            ),
            format!("My Number Card {which_en} expires"),
            format!(
                "The {which_en} expires today at 23:59:59 JST. Renewal is free at your municipal office."
            ),
        ],
    }
}

/// The last day of the マイナ保険証 grace (title, description).
pub fn grace_day(lang: Lang) -> [String; 2] {
    match lang {
        Lang::Ja => [
            "マイナ保険証として使える最終日".to_owned(),
            "利用者証明用電子証明書の期限切れ後も、今日まではマイナンバーカードを健康保険証として使えます。".to_owned(),
        ],
        Lang::En => [
            "Last day as a health-insurance card".to_owned(),
            "After the user-authentication certificate expired, the card still works as a health-insurance card until today.".to_owned(),
        ],
    }
}

/// The phone reminder's title and description: the renewal window opens today, the expiry, and
/// where to renew.
pub fn phone_event(expiry: NaiveDate, lang: Lang) -> [String; 2] {
    match lang {
        Lang::Ja => [
            "マイナンバーカード 電子証明書の更新受付開始".to_owned(),
            format!(
                "利用者証明用電子証明書の有効期限は{}です。今日から市区町村の窓口で更新できます（無料）。",
                super::date(expiry, lang)
            ),
        ],
        Lang::En => [
            "My Number Card: certificate renewal opens".to_owned(),
            format!(
                "The user-authentication certificate expires on {}. From today it can be renewed at your municipal office (free).",
                super::date(expiry, lang)
            ),
        ],
    }
}
