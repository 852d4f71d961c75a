//! The window's own words: titles, buttons, hints and the sentences built around them.

use chrono::NaiveDate;

use super::{Lang, date};
use crate::secret::SecretError;

super::phrases! {
    /// A fixed phrase of the window.
    pub enum Phrase {
        /// My Number Card: certificate expiry
        WindowTitle => ("マイナンバーカード 電子証明書の有効期限", "My Number Card: certificate expiry"),
        /// Take the card off
        TakeTheCardOff => ("カードを取る", "Take the card off"),
        /// Place the card
        PlaceTheCard => ("カードを置く", "Place the card"),
        /// Counter mode
        CounterMode => ("窓口モード", "Counter mode"),
        /// Larger text; the screen clears when the card leaves; nothing personal is shown.
        CounterModeHint => ("大きな文字。カードを離すと画面を消去し、個人の情報は表示しません。", "Larger text; the screen clears when the card leaves; nothing personal is shown."),
        /// Reader:
        Reader => ("リーダー", "Reader"),
        /// Any reader
        AnyReader => ("どのリーダーでも", "Any reader"),
        /// ! The smart card service is not running
        ServiceDown => ("！ カードリーダーのサービスが動いていません", "! The smart card service is not running"),
        /// Reading. Hold the card still.
        ReadingHoldStill => ("読み取り中です。カードを動かさないでください。", "Reading. Hold the card still."),
        /// ! The card could not be read
        ReadFailed => ("！ 読み取れませんでした", "! The card could not be read"),
        /// Starting…
        Starting => ("準備しています…", "Starting…"),
        /// Connect a card reader
        ConnectReader => ("カードリーダーを接続してください", "Connect a card reader"),
        /// Place the card on the reader
        PlaceCardOnReader => ("カードをリーダーに置いてください", "Place the card on the reader"),
        /// It is read automatically. No PIN is needed.
        ReadAutomatically => ("置くと自動で読み取ります。暗証番号は要りません。", "It is read automatically. No PIN is needed."),
        /// Card removed (showing the last result)
        CardRemovedNote => ("カードは取り外されました（最後に読み取った結果を表示しています）", "Card removed (showing the last result)"),
        /// Expired
        Expired => ("期限切れ", "Expired"),
        /// Not yet valid
        NotYetValid => ("有効期間前", "Not yet valid"),
        /// Signing certificate (署名用電子証明書)
        SigningCertificateHeading => ("署名用電子証明書", "Signing certificate (署名用電子証明書)"),
        /// Genuineness
        Genuineness => ("本物かどうか", "Genuineness"),
        /// Not checked
        NotChecked => ("確認できません", "Not checked"),
        /// Notes
        Notes => ("注意", "Notes"),
        /// Read again
        ReadAgain => ("もう一度読み取る", "Read again"),
        /// The three expiry dates
        ThreeDates => ("3つの有効期限", "The three expiry dates"),
        /// read from the card
        ReadFromTheCard => ("カードから読み取り", "read from the card"),
        /// typed from the card face
        TypedFromTheCard => ("券面の記載から入力", "typed from the card face"),
        /// unknown
        Unknown => ("不明", "unknown"),
        /// the card did not tell (type it below)
        CardExpiryNotTold => ("カードが答えませんでした（下で入力できます）", "the card did not tell (type it below)"),
        /// The card's expiry (as printed on it):
        CardExpiryFieldLabel => ("カード本体の有効期限（券面の日付）：", "The card's expiry (as printed on it):"),
        /// Apply
        Apply => ("反映", "Apply"),
        /// Clear
        Clear => ("入力を消す", "Clear"),
        /// Type the date printed on the card face ("…まで有効").
        CardExpiryFieldHint => ("カード表面の「YYYY年MM月DD日まで有効」の日付を入力してください。", "Type the date printed on the card face (\"…まで有効\")."),
        /// Type a date such as 2034-06-15
        CardExpiryFieldInvalid => ("日付の形で入力してください（例：2034-06-15）", "Type a date such as 2034-06-15"),
        /// Signing certificate (署名用電子証明書) expires
        SignExpiresHeading => ("署名用電子証明書の有効期限", "Signing certificate (署名用電子証明書) expires"),
        /// User-authentication certificate (利用者証明用電子証明書) expires
        AuthExpiresHeading => ("利用者証明用電子証明書の有効期限", "User-authentication certificate (利用者証明用電子証明書) expires"),
        /// This is the date for the card face's 「電子証明書の有効期限」 field (valid until 23:59 JST that day).
        CardFaceDateNote => ("券面の「電子証明書の有効期限」欄に書く日付です（この日の23:59まで有効）。", "This is the date for the card face's 「電子証明書の有効期限」 field (valid until 23:59 JST that day)."),
        /// First day to renew
        FirstDayToRenew => ("更新できる最初の日", "First day to renew"),
        /// Last day as a health-insurance card (grace after expiry)
        InsuranceGraceLabel => ("マイナ保険証として使える最後の日（期限後の猶予）", "Last day as a health-insurance card (grace after expiry)"),
        /// The certificate's expiry, read first and still being checked.
        EarlyDateChecking => ("利用者証明用電子証明書の有効期限（確認中）", "User-authentication certificate expires (being checked)"),
        /// Reading the signing certificate. Hold the card still.
        ReadingSigning => ("署名用電子証明書を読み取り中です。カードを動かさないでください。", "Reading the signing certificate. Hold the card still."),
        /// Read the signing certificate (needs the password)
        ReadSigningButton => ("署名用電子証明書の期限を読む（パスワードが必要）", "Read the signing certificate (needs the password)"),
        /// Hide the holder's details
        HideTheHolderS => ("本人情報を隠す", "Hide the holder's details"),
        /// Show the holder's details
        ShowTheHolderS => ("本人情報を表示", "Show the holder's details"),
        /// Name, date of birth, sex and address from the signing certificate. Never logged or stored; gone when the card leaves.
        PersonalRevealHint => ("署名用電子証明書に記録された氏名・生年月日・性別・住所。記録・保存はせず、カードを離すと消えます。", "Name, date of birth, sex and address from the signing certificate. Never logged or stored; gone when the card leaves."),
        /// Holder's details in the signing certificate (never logged or stored; gone when the card leaves)
        PersonalHeading => ("署名用電子証明書の本人情報（記録・保存はしません。カードを離すと消えます）", "Holder's details in the signing certificate (never logged or stored; gone when the card leaves)"),
        /// Read the signing certificate
        SignDialogTitle => ("署名用電子証明書の期限を読む", "Read the signing certificate"),
        /// The signing password is locked, so it cannot be entered here. A lock never clears by itself: have it reset at your municipal office, bringing the card.
        SignLockedNoEntry => ("署名用パスワードはロックされているため、入力できません。ロックは自然には解除されません。お住まいの市区町村の窓口で、カードを持参して再設定してください。", "The signing password is locked, so it cannot be entered here. A lock never clears by itself: have it reset at your municipal office, bringing the card."),
        /// Close
        Close => ("閉じる", "Close"),
        /// The card did not tell the tries left; this may be the last one. 5 wrong tries in a row lock it until your municipal office resets it.
        SignTriesUnknown => ("カードが残り回数を答えませんでした。最後の1回かもしれません。5回続けて間違えるとロックされ、市区町村の窓口でしか解除できません。", "The card did not tell the tries left; this may be the last one. 5 wrong tries in a row lock it until your municipal office resets it."),
        /// Signing password (6–16 letters and digits; not shown)
        PasswordFieldLabel => ("署名用パスワード（6〜16桁の英数字。画面には表示されません）", "Signing password (6–16 letters and digits; not shown)"),
        /// Lower case is sent as upper case.
        LowerCaseNote => ("小文字で入力しても大文字にして送ります。", "Lower case is sent as upper case."),
        /// The format is right (only the card can tell whether the password is).
        FormatOk => ("形式は正しいです（正しいパスワードかどうかはカードだけが判断します）。", "The format is right (only the card can tell whether the password is)."),
        /// A wrong password locks the signing password until your municipal office resets it.
        LastTryWarning => ("間違えると署名用パスワードはロックされ、市区町村の窓口でしか解除できません。", "A wrong password locks the signing password until your municipal office resets it."),
        /// I understand this may be the last try
        ConfirmMaybeLastTry => ("最後の1回かもしれないことを理解しました", "I understand this may be the last try"),
        /// I understand this is the last try
        ConfirmLastTry => ("最後の1回であることを理解しました", "I understand this is the last try"),
        /// Send and read
        SendAndRead => ("パスワードを送って読む", "Send and read"),
        /// Cancel
        Cancel => ("やめる", "Cancel"),
        /// ! LOCKED
        Locked => ("！ ロック中", "! LOCKED"),
        /// The reminder block's heading.
        ReminderHeading => ("忘れないように", "So you don't forget"),
        /// What the QR code does.
        ReminderCaption => ("スマートフォンのカメラで左のQRコードを読み取ると、更新できる最初の日の予定をカレンダーに登録できます。", "Scan the QR code with a phone's camera to add the first renewal day to its calendar."),
        /// The QR code for a screen reader.
        ReminderQrAlt => ("更新できる最初の日の予定のQRコード", "QR code of the first renewal day"),
        /// Saves the calendar file.
        SaveCalendar => ("カレンダーのファイルを保存（.ics）", "Save a calendar file (.ics)"),
        /// Opens the counter slip to print.
        PrintSlip => ("印刷（お知らせの紙）", "Print (a slip to take home)"),
        /// The demo badge.
        DemoBadge => ("デモ", "DEMO"),
        /// The status chip of a valid certificate.
        Valid => ("有効", "Valid"),
        /// Counter mode: the button that fills the screen (F11 does the same).
        FullScreen => ("全画面（F11）", "Full screen (F11)"),
        /// Counter mode: starts the count of cards again.
        ResetCount => ("数を0に戻す", "Reset the count"),
        /// Which readers work, under the request to place the card.
        ReadersThatWork => ("使えるリーダー：Sony RC-S300、ACS ACR1251・ACR1252 などの NFC リーダーと、接触型の IC カードリーダーです。読み終わるまでカードを動かさないでください。", "Readers that work: NFC readers such as the Sony RC-S300 and the ACS ACR1251 or ACR1252, and contact card readers. Keep the card still until it has been read."),
        /// An RC-S380 is plugged in on Linux, where it cannot work.
        Rcs380Title => ("このリーダー（Sony RC-S380）は Linux では使えません", "This reader (Sony RC-S380) does not work on Linux"),
        /// What to do about the RC-S380.
        Rcs380Detail => ("RC-S380 は Linux のカードリーダーの仕組み（PC/SC の CCID）に対応していません。RC-S300 や ACR1251・ACR1252 など、CCID に対応したリーダーをつないでください。Windows では Sony の NFC ポートソフトウェアを入れると使えます。", "The RC-S380 does not speak the CCID protocol that Linux's smart card service uses. Plug in a CCID reader such as the Sony RC-S300 or the ACS ACR1251 or ACR1252. On Windows it works once Sony's NFC Port Software is installed."),
        /// The picture of a card on a reader, for a screen reader.
        PictureCardOnReader => ("カードリーダーにカードを置いた絵", "Picture: a card placed on a card reader"),
        /// The picture of a reader whose cable is not plugged in.
        PictureReaderUnplugged => ("ケーブルがつながっていないカードリーダーの絵", "Picture: a card reader with its cable unplugged"),
        /// The picture of a stopped service.
        PictureServiceStopped => ("止まっているカードリーダーのサービスの絵", "Picture: the card reader service, stopped"),
        /// The picture of a reader that does not work here.
        PictureWrongReader => ("使えないカードリーダーの絵", "Picture: a card reader that does not work here"),
        /// The picture of a card that is not a My Number Card.
        PictureNotMnc => ("マイナンバーカードではないカードの絵", "Picture: a card that is not a My Number Card"),
    }
}

/// A file was written (and the slip handed to the viewer).
pub fn file_saved(printed: bool, path: &std::path::Path, lang: Lang) -> String {
    let path = path.display();
    match (printed, lang) {
        (true, Lang::Ja) => {
            format!("{path} を作り、表示用のアプリで開きました。そこから印刷してください。")
        }
        (true, Lang::En) => {
            format!("Made {path} and opened it in the viewer: print it from there.")
        }
        (false, Lang::Ja) => format!("{path} に保存しました。"),
        (false, Lang::En) => format!("Saved to {path}."),
    }
}

/// A file could not be written or opened.
pub fn file_failed(reason: &str, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!("！ ファイルを作れませんでした（{reason}）。"),
        Lang::En => format!("! The file could not be made ({reason})."),
    }
}

/// The demo's label: which simulated card is shown.
pub fn demo_scenario(scenario: &str, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!("模擬カード：{scenario}"),
        Lang::En => format!("demo, simulated card: {scenario}"),
    }
}

/// Counter mode's count of cards read since the window opened.
pub fn cards_read(n: u32, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!("この起動で読み取ったカード：{n}枚"),
        Lang::En => format!("Cards read this session: {n}"),
    }
}

/// How many readers are connected.
pub fn readers_count(n: usize, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!("リーダー {n}台"),
        Lang::En => format!("{n} readers"),
    }
}

/// The status chip of a certificate whose renewal window is open.
pub fn renewable_from(from: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!("更新できます（{}から）", date(from, lang)),
        Lang::En => format!("Renewal possible (from {})", date(from, lang)),
    }
}

/// The small line under a reading: reader, the day it was judged on, the kind of card.
pub fn footer(reader: &str, today: &str, kind: &str, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!("リーダー：{reader}   基準日：{today}   {kind}"),
        Lang::En => format!("Reader: {reader}   Today: {today}   {kind}"),
    }
}

/// The box under the answer when PINs are locked.
pub fn pins_locked(names: &str, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!(
            "！ {names}がロックされています。ロックは自然には解除されません。本人確認書類を持って市区町村の窓口で再設定してください。"
        ),
        Lang::En => format!(
            "! Locked: {names}. A lock never clears by itself: have it reset at your municipal office (bring photo ID)."
        ),
    }
}

/// What is wrong with a password being typed, in a short sentence (never the text itself).
pub fn format_hint(e: &SecretError, lang: Lang) -> String {
    match (e, lang) {
        (SecretError::TooShort { len, min }, Lang::Ja) => {
            format!("短すぎます（{min}〜16桁、いま{len}文字）。")
        }
        (SecretError::TooShort { len, min }, Lang::En) => {
            format!("Too short: {min}–16 characters (now {len}).")
        }
        (SecretError::TooLong { len, max }, Lang::Ja) => {
            format!("長すぎます（6〜{max}桁、いま{len}文字）。")
        }
        (SecretError::TooLong { len, max }, Lang::En) => {
            format!("Too long: 6–{max} characters (now {len}).")
        }
        (SecretError::BadCharacter { position }, Lang::Ja) => format!(
            "{position}文字目が使えない文字です。英字（A〜Z）と数字（0〜9）だけが使えます（記号・空白・全角文字は使えません）。"
        ),
        (SecretError::BadCharacter { position }, Lang::En) => format!(
            "Character {position} is not allowed: only letters (A–Z) and digits (0–9), no symbols, spaces or full-width characters."
        ),
    }
}

/// The answer as one sentence for a screen reader: which certificate, the date in Gregorian and
/// 和暦, the status, days left, the first renewal day and the card's own expiry.
pub fn spoken_answer(
    heading: &str,
    expiry: NaiveDate,
    status: &str,
    days_left: &str,
    renewal_from: NaiveDate,
    card_expiry: Option<NaiveDate>,
    lang: Lang,
) -> String {
    let sep = super::Text::Comma.text(lang);
    let mut s = format!(
        "{}{sep}{status}{sep}{days_left}{sep}{}",
        super::labelled(heading, &super::date_with_wareki(expiry, lang), lang),
        super::labelled(
            Phrase::FirstDayToRenew.text(lang),
            &super::date_with_wareki(renewal_from, lang),
            lang
        ),
    );
    if let Some(d) = card_expiry {
        s.push_str(sep);
        s.push_str(&super::labelled(
            super::Text::CardOwnExpiry.text(lang),
            &super::date_with_wareki(d, lang),
            lang,
        ));
    }
    s
}
