//! Fixed phrases of the command line's text (headings, labels, banners), and the headings the
//! window shares with it.

use super::{Lang, date};

super::phrases! {
    /// A fixed phrase of the command line's text (some shared with the window).
    pub enum Text {
        /// The date for the card face's 「電子証明書の有効期限」 field:
        DateForTheCardFace => ("券面の「電子証明書の有効期限」欄に書く日付：", "The date for the card face's 「電子証明書の有効期限」 field:"),
        /// the user-authentication certificate's expiry
        AuthExpiryNote => ("利用者証明用電子証明書の有効期限", "the user-authentication certificate's expiry"),
        /// User-authentication certificate
        AuthCertificate => ("利用者証明用電子証明書", "User-authentication certificate"),
        /// The card's own expiry
        CardOwnExpiry => ("カード本体の有効期限", "The card's own expiry"),
        /// unknown (the card did not tell; type the date printed on it with --card-expiry YYYY-MM-DD)
        CardExpiryUnknownCli => ("不明（カードが答えませんでした。券面の日付を --card-expiry YYYY-MM-DD で入力できます）", "unknown (the card did not tell; type the date printed on it with --card-expiry YYYY-MM-DD)"),
        /// Expires first
        ExpiresFirst => ("最初に期限が来るもの", "Expires first"),
        /// ,
        ListSeparator => ("・", ", "),
        /// The comma between two parts of a remark.
        Comma => ("、", ", "),
        /// What to do
        WhatToDo => ("すること", "What to do"),
        /// PIN tries left (none was spent)
        PinTriesHeading => ("暗証番号の残り回数（回数は減らしていません）", "PIN tries left (none was spent)"),
        /// Warnings
        Warnings => ("注意", "Warnings"),
        /// Expires
        Expires => ("有効期限", "Expires"),
        /// Status
        Status => ("状態", "Status"),
        /// Renewal from
        RenewalFrom => ("更新受付", "Renewal from"),
        /// Valid from
        ValidFrom => ("有効期間の開始", "Valid from"),
        /// Genuine
        Genuine => ("真正性", "Genuine"),
        /// Health-insurance grace
        HealthInsuranceGrace => ("マイナ保険証の猶予", "Health-insurance grace"),
        /// ■ The signing certificate beside the other dates
        SignBesideHeading => ("■ 署名用電子証明書と、ほかの期限\n", "■ The signing certificate beside the other dates\n"),
        /// ■ Holder's details in the signing certificate (shown only on request; never logged or stored)
        PersonalHeading => ("■ 署名用電子証明書の本人情報（求められたときだけ表示。記録・保存はしません）\n", "■ Holder's details in the signing certificate (shown only on request; never logged or stored)\n"),
        /// [DEMO] This is the built-in simulated card, not your card.
        DemoBanner => ("【デモ】これは内蔵の模擬カードの結果です。あなたのカードではありません。", "[DEMO] This is the built-in simulated card, not your card."),
        /// card present
        CardPresent => ("カードあり", "card present"),
        /// no card
        NoCardPresent => ("カードなし", "no card"),
        /// unknown scenario
        UnknownScenario => ("不明なシナリオです", "unknown scenario"),
        /// vpcd runs inside pcscd: install pcscd and vsmartcard-vpcd and start pcscd.
        VpcdNeedsPcscd => ("vpcd は pcscd の中で動きます：pcscd と vsmartcard-vpcd を入れて pcscd を起動してください。", "vpcd runs inside pcscd: install pcscd and vsmartcard-vpcd and start pcscd."),
    }
}

/// The last line of a report: the reader, the day it was judged on, the APDUs sent.
pub fn footer(reader: &str, today: &str, apdus: u32, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!("リーダー：{reader}  基準日：{today}  APDU：{apdus}"),
        Lang::En => format!("Reader: {reader}  Today: {today}  APDUs: {apdus}"),
    }
}

/// A certificate's last valid moment: the end of its expiry day in JST.
pub fn until_end_of(day: chrono::NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!("{}の23時59分59秒まで", super::date_with_wareki(day, lang)),
        Lang::En => format!("{} at 23:59:59 JST", super::date_with_wareki(day, lang)),
    }
}

/// The マイナ保険証 grace after expiry, as the command line's certificate block says it.
pub fn grace_after_expiry(until: chrono::NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!("期限切れ後も{}まで保険証として使えます", date(until, lang)),
        Lang::En => format!(
            "works as a health-insurance card until {} after expiry",
            date(until, lang)
        ),
    }
}

/// A file `read` writes besides its report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `--ics`.
    Calendar,
    /// `--qr`.
    Qr,
    /// `--slip`.
    Slip,
}

/// A file could not be written.
pub fn file_not_written(kind: FileKind, path: &std::path::Path, lang: Lang) -> String {
    let path = path.display();
    match (kind, lang) {
        (FileKind::Calendar, Lang::Ja) => format!("カレンダーファイル {path} を書けませんでした"),
        (FileKind::Calendar, Lang::En) => format!("could not write the calendar file {path}"),
        (FileKind::Qr, Lang::Ja) => format!("QRコードの画像 {path} を書けませんでした"),
        (FileKind::Qr, Lang::En) => format!("could not write the QR code image {path}"),
        (FileKind::Slip, Lang::Ja) => format!("窓口用のお知らせ {path} を書けませんでした"),
        (FileKind::Slip, Lang::En) => format!("could not write the counter slip {path}"),
    }
}

/// `watch`: the heading over one card's report.
pub fn watch_card_header(reader: &str, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!("── {reader} のカード ──"),
        Lang::En => format!("── card on {reader} ──"),
    }
}

/// `watch`: a card left a reader.
pub fn watch_removed(reader: &str, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!("{reader} からカードが離れました。"),
        Lang::En => format!("The card left {reader}."),
    }
}

/// `watch`: waiting for cards.
pub fn watch_waiting(lang: Lang) -> &'static str {
    super::tr(
        lang,
        "カードを待っています（Ctrl-C で終了）",
        "Waiting for cards (Ctrl-C to stop)",
    )
}
