//! Every failure as one plain sentence (or two) saying what happened and what to do.

use super::{Lang, Surface, tries};
use crate::reading::{ReadError, Refusal, SignError};
use crate::secret::SecretError;

/// A reading that gave no report.
pub fn read_error(e: &ReadError, lang: Lang, surface: Surface) -> String {
    match (e, lang) {
        (ReadError::ServiceUnavailable, Lang::Ja) => "カードリーダーのサービス（PC/SC）が動いていません。Windows ではカードリーダーを USB につなぐと自動で始まります（つないでも始まらないときは「Smart Card」サービスを開始してください）。Linux では pcscd を起動してから（例：sudo systemctl start pcscd）、もう一度お試しください。".to_owned(),
        (ReadError::ServiceUnavailable, Lang::En) => "The smart card service (PC/SC) is not running. On Windows it starts by itself when a card reader is plugged in (if it does not, start the \"Smart Card\" service); on Linux start pcscd (e.g. sudo systemctl start pcscd), then try again.".to_owned(),
        (ReadError::NoReader, Lang::Ja) => "カードリーダーが見つかりません。リーダーを USB に接続してください。（Linux の Sony RC-S380 は使えません。RC-S300 や ACR1251/1252 などの CCID 対応リーダーをお使いください。）".to_owned(),
        (ReadError::NoReader, Lang::En) => "No card reader found. Connect a reader by USB. (A Sony RC-S380 does not work on Linux; use a CCID reader such as the RC-S300 or ACR1251/1252.)".to_owned(),
        (ReadError::ReaderNotFound(name), Lang::Ja) if surface == Surface::Window => format!("「{name}」という名前を含むカードリーダーがありません。上の一覧からリーダーを選んでください。"),
        (ReadError::ReaderNotFound(name), Lang::En) if surface == Surface::Window => format!("No reader's name contains \"{name}\". Pick a reader from the list at the top."),
        (ReadError::ReaderNotFound(name), Lang::Ja) => format!("「{name}」という名前を含むカードリーダーがありません。myna-kigen readers で名前を確かめてください。"),
        (ReadError::ReaderNotFound(name), Lang::En) => format!("No reader's name contains \"{name}\". Run `myna-kigen readers` to see the names."),
        (ReadError::NoCard, Lang::Ja) => "カードがありません。マイナンバーカードをリーダーに置いてください。".to_owned(),
        (ReadError::NoCard, Lang::En) => "No card on the reader. Place your My Number Card on the reader.".to_owned(),
        (ReadError::NotMyNumberCard, Lang::Ja) => "このカードはマイナンバーカードではありません（公的個人認証のアプリがありません）。マイナンバーカードを置いてください。".to_owned(),
        (ReadError::NotMyNumberCard, Lang::En) => "This card is not a My Number Card (it has no JPKI application). Place a My Number Card on the reader.".to_owned(),
        (ReadError::CardRemoved, Lang::Ja) => "読み取り中にカードが動きました。カードを置き直し、読み取りが終わるまで動かさないでください。".to_owned(),
        (ReadError::CardRemoved, Lang::En) => "The card moved during reading. Place it again and hold it still until reading finishes.".to_owned(),
        (ReadError::NotAnswering, Lang::Ja) => "カードが応答しません。カードをリーダーから取り、置き直してください。".to_owned(),
        (ReadError::NotAnswering, Lang::En) => "The card does not answer: take it off the reader and place it again.".to_owned(),
        (ReadError::SharingViolation, Lang::Ja) => "ほかのプログラムがカードを使っています。そのプログラムを閉じてから、もう一度お試しください。".to_owned(),
        (ReadError::SharingViolation, Lang::En) => "Another program is using the card. Close it and try again.".to_owned(),
        (ReadError::Certificate(detail), Lang::Ja) => format!("カードの証明書を解釈できませんでした（{detail}）。カードが傷んでいるか、マイナンバーカードではない可能性があります。市区町村の窓口でご相談ください。"),
        (ReadError::Certificate(detail), Lang::En) => format!("The certificate on the card could not be understood ({detail}). The card may be damaged or not a My Number Card; ask at your municipal office."),
        (ReadError::Io(detail), Lang::Ja) => format!("カードを読み取れませんでした（{detail}）。カードを置き直して、もう一度お試しください。"),
        (ReadError::Io(detail), Lang::En) => format!("The card could not be read ({detail}). Place it again and retry."),
    }
}

/// A signing reading that gave no certificate.
pub fn sign_error(e: &SignError, lang: Lang, surface: Surface) -> String {
    match e {
        SignError::Format(e) => format_problem(e, lang),
        SignError::NoPassword => match lang {
            Lang::Ja => "パスワードが入力されませんでした。カードには何も送っていません。".to_owned(),
            Lang::En => "No password was given; nothing was sent to the card.".to_owned(),
        },
        SignError::Refused(r) => refusal(*r, lang, surface),
        SignError::WrongPassword { tries_left: 0 } | SignError::Blocked => match lang {
            Lang::Ja => "署名用パスワードが違いました。署名用パスワードはロックされました。お住まいの市区町村の窓口で、カードを持参して再設定してください（利用者証明用の暗証番号が使えれば、コンビニのキオスク端末で初期化できる場合もあります）。".to_owned(),
            Lang::En => "The signing password was wrong, and it is now locked. Have it reset at your municipal office, bringing the card (where the user-authentication PIN still works, a convenience-store kiosk may also reset it).".to_owned(),
        },
        SignError::WrongPassword { tries_left } if surface == Surface::Window => match lang {
            Lang::Ja => format!(
                "署名用パスワードが違いました。残りはあと{tries_left}回です（5回続けて間違えるとロックされます）。自動で再試行はしていません。パスワードを確かめてから、もう一度お試しください。"
            ),
            Lang::En => format!(
                "Wrong signing password: {} left (it locks after 5 wrong tries in a row). Nothing was retried; check the password before trying again.",
                tries(*tries_left, lang)
            ),
        },
        SignError::WrongPassword { tries_left } => match lang {
            Lang::Ja => format!(
                "署名用パスワードが違います。残りはあと{tries_left}回です（5回続けて間違えるとロックされます）。自動で再試行はしていません。パスワードを確かめてから、もう一度実行してください。"
            ),
            Lang::En => format!(
                "Wrong signing password: {} left (it locks after 5 wrong tries in a row). Nothing was retried; check the password before running again.",
                tries(*tries_left, lang)
            ),
        },
        SignError::NotReadable => match lang {
            Lang::Ja => "パスワードは受け付けられましたが、カードが署名用電子証明書を渡しませんでした。カードを置き直して、もう一度お試しください。".to_owned(),
            Lang::En => "The password was accepted, but the card did not give the signing certificate. Place the card again and retry.".to_owned(),
        },
        SignError::CardChanged => match lang {
            Lang::Ja => "表示していたカードが取り外されたか、別のカードに替わっています。パスワードは送っていません。カードを置き直して、もう一度お試しください。".to_owned(),
            Lang::En => "The card that was shown has left the reader or was replaced, so the password was not sent. Place the card again and retry.".to_owned(),
        },
        SignError::Read(e) => read_error(e, lang, surface),
    }
}

/// The sentence for a format refusal; it says what is wrong, never what was typed.
pub fn format_problem(e: &SecretError, lang: Lang) -> String {
    let what = match (e, lang) {
        (SecretError::TooShort { len, .. }, Lang::Ja) => format!("{len}文字で、短すぎます"),
        (SecretError::TooShort { len, .. }, Lang::En) => format!("{len} characters is too short"),
        (SecretError::TooLong { len, .. }, Lang::Ja) => format!("{len}文字で、長すぎます"),
        (SecretError::TooLong { len, .. }, Lang::En) => format!("{len} characters is too long"),
        (SecretError::BadCharacter { position }, Lang::Ja) => {
            format!(
                "{position}文字目が英字・数字ではありません（記号・空白・全角文字は使えません）"
            )
        }
        (SecretError::BadCharacter { position }, Lang::En) => format!(
            "character {position} is not a letter or digit (no symbols, spaces or full-width characters)"
        ),
    };
    match lang {
        Lang::Ja => format!(
            "署名用パスワードは6〜16桁の英字（A〜Z）と数字（0〜9）です。入力されたものは{what}。カードには何も送っていないので、残り回数は減っていません。"
        ),
        Lang::En => format!(
            "The signing password is 6–16 letters (A–Z) and digits (0–9); what you typed: {what}. Nothing was sent to the card, so no try was spent."
        ),
    }
}

/// The sentence for a refusal; each says the password was not sent.
pub fn refusal(r: Refusal, lang: Lang, surface: Surface) -> String {
    match (r, lang) {
        (Refusal::Locked, Lang::Ja) => "署名用パスワードはロックされています。パスワードは送っていません。ロックは自然には解除されません。お住まいの市区町村の窓口で、カードを持参して再設定してください。".to_owned(),
        (Refusal::Locked, Lang::En) => "The signing password is locked, so it was not sent. A lock never clears by itself: have it reset at your municipal office, bringing the card.".to_owned(),
        (Refusal::LastTryNotConfirmed | Refusal::TriesUnknown, Lang::Ja) if surface == Surface::Window => "カードの残り回数が表示と違っていた（最後の1回かもしれない）ため、パスワードは送っていません。もう一度開いて、確認の上でお試しください。".to_owned(),
        (Refusal::LastTryNotConfirmed | Refusal::TriesUnknown, Lang::En) if surface == Surface::Window => "The card's counter differed from the one shown (this may be the last try), so the password was not sent. Open the dialog again and confirm.".to_owned(),
        (Refusal::LastTryNotConfirmed, Lang::Ja) => "署名用パスワードの残りはあと1回です。間違えるとロックされ、市区町村の窓口でしか解除できません。パスワードは送っていません。正しいと確かな場合だけ、--last-try を付けてもう一度実行してください。".to_owned(),
        (Refusal::LastTryNotConfirmed, Lang::En) => "Only 1 try is left on the signing password: a wrong one locks it until your municipal office resets it. The password was not sent. Only if you are sure of it, run again with --last-try.".to_owned(),
        (Refusal::TriesUnknown, Lang::Ja) => "カードが署名用パスワードの残り回数を答えませんでした。最後の1回かもしれないため、パスワードは送っていません。正しいと確かな場合だけ、--last-try を付けてもう一度実行してください。".to_owned(),
        (Refusal::TriesUnknown, Lang::En) => "The card did not tell how many signing-password tries are left; it may be the last one, so the password was not sent. Only if you are sure of it, run again with --last-try.".to_owned(),
        (Refusal::NoSigningCertificate, Lang::Ja) => "このカードには署名用電子証明書がありません（発行されていないか、氏名・住所などの変更で失効しています）。パスワードは送っていません。必要なら市区町村の窓口で発行を申請してください。".to_owned(),
        (Refusal::NoSigningCertificate, Lang::En) => "This card has no signing certificate (never issued, or revoked by a change of name or address), so the password was not sent. Your municipal office can issue one.".to_owned(),
    }
}
