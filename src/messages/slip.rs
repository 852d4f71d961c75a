//! The counter slip's words: one page a clerk hands over.

use chrono::NaiveDate;

use super::{Lang, date, date_with_wareki, days_left, tr};

/// The slip's title.
pub fn title(lang: Lang) -> &'static str {
    tr(
        lang,
        "マイナンバーカード 電子証明書の有効期限のお知らせ",
        "My Number Card: when your certificates expire",
    )
}

/// The heading over the date for the card face.
pub fn card_face_heading(lang: Lang) -> &'static str {
    tr(
        lang,
        "券面の「電子証明書の有効期限」欄に書く日付",
        "The date for the card face's 「電子証明書の有効期限」 field",
    )
}

/// The user-authentication certificate's lines: expiry, days left, renewal window.
pub fn auth_lines(
    expiry: NaiveDate,
    days: i64,
    renewal_from: NaiveDate,
    lang: Lang,
) -> Vec<String> {
    match lang {
        Lang::Ja => vec![
            "利用者証明用電子証明書（マイナポータル、コンビニ交付、マイナ保険証）".to_owned(),
            format!("有効期限：{}の23時59分まで（{}）", date_with_wareki(expiry, lang), days_left(days, lang)),
            format!("更新できる期間：{}から（期限が切れた後も窓口で新しく発行できます）", date(renewal_from, lang)),
        ],
        Lang::En => vec![
            "User-authentication certificate (Mynaportal, convenience-store certificates, health insurance)".to_owned(),
            format!("Expires: {} at 23:59 JST ({})", date_with_wareki(expiry, lang), days_left(days, lang)),
            format!("Renewal possible from {} (after expiry, a new one can still be issued at the office)", date(renewal_from, lang)),
        ],
    }
}

/// The signing certificate's line, when it was read.
pub fn sign_line(expiry: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!(
            "署名用電子証明書（e-Tax などの電子申請）の有効期限：{}",
            date_with_wareki(expiry, lang)
        ),
        Lang::En => format!(
            "Signing certificate (e-Tax and other signed applications) expires: {}",
            date_with_wareki(expiry, lang)
        ),
    }
}

/// The signing certificate's line when it was not read.
pub fn sign_not_read(present: Option<bool>, lang: Lang) -> &'static str {
    match present {
        Some(false) => tr(
            lang,
            "署名用電子証明書（e-Tax などの電子申請）：このカードにはありません",
            "Signing certificate (e-Tax and other signed applications): none on this card",
        ),
        _ => tr(
            lang,
            "署名用電子証明書（e-Tax などの電子申請）の期限は、署名用パスワードを入力すると確認できます",
            "Signing certificate (e-Tax and other signed applications): its dates need the signing password",
        ),
    }
}

/// The マイナ保険証 grace line.
pub fn grace_line(until: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!(
            "マイナ保険証：期限が切れた後も{}まで健康保険証として使えます",
            date(until, lang)
        ),
        Lang::En => format!(
            "Health insurance: after expiry the card still works as a health-insurance card until {}",
            date(until, lang)
        ),
    }
}

/// The card's own expiry line.
pub fn card_line(expiry: Option<NaiveDate>, lang: Lang) -> String {
    match (expiry, lang) {
        (Some(d), Lang::Ja) => format!(
            "カード本体の有効期限：{}（写真付きの本人確認書類としては、この日まで使えます）",
            date_with_wareki(d, lang)
        ),
        (Some(d), Lang::En) => format!(
            "The card itself expires: {} (it stays a photo ID until then)",
            date_with_wareki(d, lang)
        ),
        (None, Lang::Ja) => {
            "カード本体の有効期限：カードの表面に印刷された日付をご確認ください".to_owned()
        }
        (None, Lang::En) => {
            "The card itself expires: see the date printed on the card face".to_owned()
        }
    }
}

/// The heading over what to bring.
pub fn bring_heading(lang: Lang) -> &'static str {
    tr(
        lang,
        "更新の手続き（市区町村の窓口・無料）",
        "Renewing (at your municipal office, free)",
    )
}

/// What to bring to the counter.
pub fn bring_lines(lang: Lang) -> [&'static str; 3] {
    match lang {
        Lang::Ja => [
            "・マイナンバーカード",
            "・手続きでは暗証番号（数字4桁）と署名用パスワード（英数字6〜16桁）を入力します",
            "・暗証番号を忘れたときは、運転免許証などの本人確認書類もお持ちください",
        ],
        Lang::En => [
            "- Your My Number Card",
            "- You will type the 4-digit PIN and the signing password (6–16 letters and digits)",
            "- If you have forgotten them, also bring another photo ID such as a driving licence",
        ],
    }
}

/// The caption beside the QR code.
pub fn qr_caption(lang: Lang) -> &'static str {
    tr(
        lang,
        "スマートフォンのカメラで読み取ると、更新できる最初の日の予定をカレンダーに登録できます。",
        "Scan with a phone's camera to add the first renewal day to your calendar.",
    )
}

/// The small print at the bottom: the day it was judged on, and what is not on the slip.
pub fn footer(today: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!(
            "{}時点の内容です。氏名・住所・証明書の番号は記載していません。myna-kigen",
            date(today, lang)
        ),
        Lang::En => format!(
            "As of {}. No name, address or certificate number is printed here. myna-kigen",
            date(today, lang)
        ),
    }
}
