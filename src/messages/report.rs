//! The report's codes as words: certificates, statuses, genuineness, findings (advice), PINs,
//! warnings, the signing certificate's comparison and the holder's details.

use super::{Lang, Surface, date, tr};
use crate::card::{CardKind, PinId, PinState};
use crate::cert::Genuineness;
use crate::report::{
    CertReport, Comparison, ExpirySource, NotRead, NotReadReason, PersonalReport, PinReport,
    SexReport, Warning,
};
use crate::rules::{Finding, Item, Status};

/// The name of a certificate or the card.
pub fn item_name(item: Item, lang: Lang) -> &'static str {
    match (item, lang) {
        (Item::Card, Lang::Ja) => "カード本体",
        (Item::Card, Lang::En) => "the card itself",
        (Item::Auth, Lang::Ja) => "利用者証明用電子証明書",
        (Item::Auth, Lang::En) => "the user-authentication certificate",
        (Item::Sign, Lang::Ja) => "署名用電子証明書",
        (Item::Sign, Lang::En) => "the signing certificate",
    }
}

/// What a certificate is used for.
pub fn item_use(item: Item, lang: Lang) -> &'static str {
    match (item, lang) {
        (Item::Auth, Lang::Ja) => "マイナポータルへのログイン、コンビニ交付、マイナ保険証",
        (Item::Auth, Lang::En) => {
            "Mynaportal login, convenience-store certificates, health insurance"
        }
        (Item::Sign, Lang::Ja) => "e-Tax などの電子申請",
        (Item::Sign, Lang::En) => "e-Tax and other signed applications",
        (Item::Card, Lang::Ja) => "本人確認書類（写真付き）",
        (Item::Card, Lang::En) => "photo ID",
    }
}

/// The status as a word, with the renewal day where it matters.
pub fn status(cert: &CertReport, lang: Lang) -> String {
    match (cert.status, lang) {
        (Status::Valid, Lang::Ja) => format!("有効（更新は{}から）", date(cert.renewal_from, lang)),
        (Status::Valid, Lang::En) => format!(
            "valid (renewal possible from {})",
            date(cert.renewal_from, lang)
        ),
        (Status::Renewable, Lang::Ja) => "有効・更新できます".to_owned(),
        (Status::Renewable, Lang::En) => "valid, renewal possible now".to_owned(),
        (Status::Expired, Lang::Ja) => "期限切れ".to_owned(),
        (Status::Expired, Lang::En) => "expired".to_owned(),
        (Status::NotYetValid, Lang::Ja) => "まだ有効期間前".to_owned(),
        (Status::NotYetValid, Lang::En) => "not yet valid".to_owned(),
    }
}

/// The genuineness result as a phrase.
pub fn genuine(g: Genuineness, lang: Lang) -> &'static str {
    match (g, lang) {
        (Genuineness::Verified, Lang::Ja) => "本物（J-LIS のルート証明書で確認）",
        (Genuineness::Verified, Lang::En) => "genuine (checked against the J-LIS roots)",
        (Genuineness::VerifiedSimulated, Lang::Ja) => {
            "模擬カードとして正しい（模擬カードのルートで確認。本物のカードではありません）"
        }
        (Genuineness::VerifiedSimulated, Lang::En) => {
            "checks out as the simulated card (its own simulated root; not a real card)"
        }
        (Genuineness::UnknownRoot, Lang::Ja) => {
            "署名は正しいが、発行元が既知の J-LIS ルート証明書ではありません"
        }
        (Genuineness::UnknownRoot, Lang::En) => {
            "signature correct, but the issuer is not a known J-LIS root"
        }
        (Genuineness::Failed, Lang::Ja) => "署名の検証に失敗しました（本物でない可能性があります）",
        (Genuineness::Failed, Lang::En) => "signature check FAILED (may not be genuine)",
        (Genuineness::NotChecked, Lang::Ja) => "未確認（発行元の証明書を読めませんでした）",
        (Genuineness::NotChecked, Lang::En) => {
            "not checked (the issuing CA certificate could not be read)"
        }
    }
}

/// One finding of [`rules::explain`] as a sentence.
pub fn finding(f: &Finding, lang: Lang) -> String {
    match (f, lang) {
        (Finding::CapViolated { item, cap }, Lang::Ja) => format!(
            "{}の期限が{}より後になっています。規則上ありえないため、入力した日付を確かめてください。",
            item_name(*item, lang),
            item_name(*cap, lang)
        ),
        (Finding::CapViolated { item, cap }, Lang::En) => format!(
            "{} expires after {}, which the rules do not allow: check the dates you typed.",
            capitalise(item_name(*item, lang)),
            item_name(*cap, lang)
        ),
        (Finding::RenewCard { item }, Lang::Ja) => format!(
            "{}はカード本体と同時に期限を迎えます。カードの更新（再交付）を申請してください。新しいカードには新しい証明書が入ります。",
            item_name(*item, lang)
        ),
        (Finding::RenewCard { item }, Lang::En) => format!(
            "{} expires with the card: apply for a new card, which comes with new certificates.",
            capitalise(item_name(*item, lang))
        ),
        (Finding::RenewCertificateAtCounter { item, from }, Lang::Ja) => format!(
            "{}は{}から、市区町村の窓口で無料で更新できます（オンラインでは更新できません）。",
            item_name(*item, lang),
            date(*from, lang)
        ),
        (Finding::RenewCertificateAtCounter { item, from }, Lang::En) => format!(
            "Renew {} at your municipal office from {}; it is free (not possible online).",
            item_name(*item, lang),
            date(*from, lang)
        ),
        (Finding::NewIssueAtCounter { item }, Lang::Ja) => format!(
            "{}は期限切れです。市区町村の窓口で無料で新しく発行できます。",
            item_name(*item, lang)
        ),
        (Finding::NewIssueAtCounter { item }, Lang::En) => format!(
            "{} has expired: a new one can be issued free of charge at your municipal office.",
            capitalise(item_name(*item, lang))
        ),
        (Finding::CardExpired, Lang::Ja) => {
            "カード本体が期限切れです。新しいカードを申請してください。".to_owned()
        }
        (Finding::CardExpired, Lang::En) => {
            "The card itself has expired: apply for a new card.".to_owned()
        }
        (Finding::InsuranceGrace { until }, Lang::Ja) => format!(
            "マイナ保険証としては{}まで使えます。",
            date(*until, lang)
        ),
        (Finding::InsuranceGrace { until }, Lang::En) => format!(
            "The card still works as a health-insurance card until {}.",
            date(*until, lang)
        ),
        (Finding::InsuranceRegistrationBlocked, Lang::Ja) => {
            "利用者証明用電子証明書の残りが5日以下のため、マイナ保険証の利用登録は受け付けられません。先に更新してください。".to_owned()
        }
        (Finding::InsuranceRegistrationBlocked, Lang::En) => {
            "With 5 days or fewer left, registering the card for health insurance is not accepted: renew the certificate first.".to_owned()
        }
    }
}

/// The first letter in upper case (English sentences that start with a name).
pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The card's kind as a phrase.
pub fn card_kind(kind: CardKind, lang: Lang) -> &'static str {
    match (kind, lang) {
        (CardKind::MyNumberCard, Lang::Ja) => "マイナンバーカード",
        (CardKind::MyNumberCard, Lang::En) => "My Number Card",
        (CardKind::JukiCard, Lang::Ja) => "住民基本台帳カード",
        (CardKind::JukiCard, Lang::En) => "Basic Resident Registration Card (住基カード)",
        (CardKind::Smartphone, Lang::Ja) => "スマートフォン用電子証明書",
        (CardKind::Smartphone, Lang::En) => "smartphone certificate",
        (CardKind::Unknown, Lang::Ja) => "不明なカード",
        (CardKind::Unknown, Lang::En) => "unknown card",
    }
}

/// A certificate that was not read, as a phrase. On the command line it names the command that
/// reads it; in the window, the button.
pub fn not_read(n: &NotRead, item: Item, lang: Lang, surface: Surface) -> String {
    match (n.present, n.reason, surface) {
        (Some(false), _, Surface::Window) if item == Item::Auth => tr(
            lang,
            "このカードには利用者証明用電子証明書がありません",
            "There is no user-authentication certificate on this card",
        )
        .to_owned(),
        (Some(false), _, Surface::Window) => tr(
            lang,
            "ありません（発行されていないか、失効しています）",
            "None on the card (not issued, or revoked)",
        )
        .to_owned(),
        (Some(false), _, Surface::CommandLine) => tr(
            lang,
            "ありません（発行されていないか、失効しています）",
            "none on the card (not issued, or revoked)",
        )
        .to_owned(),
        (present, NotReadReason::PasswordRequired, Surface::CommandLine) => match lang {
            Lang::Ja => format!(
                "{} — 期限を見るには署名用パスワード（6〜16桁の英数字）が必要です：myna-kigen read --sign",
                if present == Some(true) {
                    "あり"
                } else {
                    "有無は不明"
                }
            ),
            Lang::En => format!(
                "{}; its dates need the signing password (6–16 letters and digits): myna-kigen read --sign",
                if present == Some(true) {
                    "present"
                } else {
                    "presence unknown"
                }
            ),
        },
        (present, NotReadReason::PasswordRequired, Surface::Window) => match lang {
            Lang::Ja => format!(
                "{} — 期限を見るには署名用パスワード（6〜16桁の英数字）が必要です",
                if present == Some(true) {
                    "あり"
                } else {
                    "有無は不明"
                }
            ),
            Lang::En => format!(
                "{}; its dates need the signing password (6–16 letters and digits)",
                if present == Some(true) {
                    "Present"
                } else {
                    "Presence unknown"
                }
            ),
        },
        (_, NotReadReason::Absent, _) => tr(lang, "ありません", "none").to_owned(),
    }
}

/// A certificate that was not read, in a word or two (the window's table of dates).
pub fn not_read_short(n: &NotRead, lang: Lang) -> &'static str {
    match (n.present, n.reason) {
        (Some(false), _) | (_, NotReadReason::Absent) => tr(lang, "なし", "none"),
        (Some(true), NotReadReason::PasswordRequired) => {
            tr(lang, "あり（期限は下を参照）", "present (see below)")
        }
        (_, NotReadReason::PasswordRequired) => tr(lang, "有無は不明", "presence unknown"),
    }
}

/// A status in a word (the window's table of dates).
pub fn status_short(status: Status, lang: Lang) -> &'static str {
    match status {
        Status::Valid => tr(lang, "有効", "valid"),
        Status::Renewable => tr(lang, "更新できます", "renewable now"),
        Status::Expired => tr(lang, "期限切れ", "expired"),
        Status::NotYetValid => tr(lang, "有効期間前", "not yet valid"),
    }
}

/// One PIN counter as a phrase.
pub fn pin(p: &PinReport, lang: Lang) -> String {
    match (p.state, p.tries_left, lang) {
        (PinState::Locked, _, Lang::Ja) => {
            "ロック中 — 市区町村の窓口で再設定してください".to_owned()
        }
        (PinState::Locked, _, Lang::En) => {
            "LOCKED: have it reset at your municipal office".to_owned()
        }
        (PinState::Verified, _, Lang::Ja) => "入力済み（このカードの接続中）".to_owned(),
        (PinState::Verified, _, Lang::En) => "already verified in this session".to_owned(),
        (PinState::Ok, Some(t), Lang::Ja) => match p.max {
            Some(max) => format!("残り{t}回 / {max}回"),
            None => format!("残り{t}回"),
        },
        (PinState::Ok, Some(t), Lang::En) => match p.max {
            Some(max) => format!("{t} of {max} tries left"),
            None => format!("{t} tries left"),
        },
        (_, _, Lang::Ja) => "不明".to_owned(),
        (_, _, Lang::En) => "unknown".to_owned(),
    }
}

/// The name of a PIN.
pub fn pin_name(id: PinId, lang: Lang) -> &'static str {
    match (id, lang) {
        (PinId::Auth, Lang::Ja) => "利用者証明用暗証番号（4桁）",
        (PinId::Auth, Lang::En) => "user-authentication PIN (4 digits)",
        (PinId::Sign, Lang::Ja) => "署名用パスワード（6〜16桁）",
        (PinId::Sign, Lang::En) => "signing password (6–16 characters)",
        (PinId::KenmenHojo, Lang::Ja) => "券面事項入力補助用暗証番号（4桁）",
        (PinId::KenmenHojo, Lang::En) => "card-face data input PIN (4 digits)",
        (PinId::KenmenHojoA, Lang::Ja) => "券面事項入力補助 照合番号A",
        (PinId::KenmenHojoA, Lang::En) => "card-face data input, check number A",
        (PinId::KenmenHojoB, Lang::Ja) => "券面事項入力補助 照合番号B",
        (PinId::KenmenHojoB, Lang::En) => "card-face data input, check number B",
        (PinId::KenmenKakuninA, Lang::Ja) => "券面事項確認 照合番号A",
        (PinId::KenmenKakuninA, Lang::En) => "card-face check, check number A",
        (PinId::KenmenKakuninB, Lang::Ja) => "券面事項確認 照合番号B",
        (PinId::KenmenKakuninB, Lang::En) => "card-face check, check number B",
        (PinId::Juki, Lang::Ja) => "住民基本台帳用暗証番号（4桁）",
        (PinId::Juki, Lang::En) => "resident registry PIN (4 digits)",
        (PinId::Other, Lang::Ja) => "その他の暗証番号",
        (PinId::Other, Lang::En) => "other PIN",
    }
}

/// A warning code as a sentence.
pub fn warning(w: Warning, lang: Lang, surface: Surface) -> String {
    match (w, lang) {
        (Warning::CardExpiryMismatch, Lang::Ja) => "入力されたカードの有効期限が、カードから読み取った日付と違います。カードから読み取った日付を使いました。".to_owned(),
        (Warning::CardExpiryMismatch, Lang::En) => "The card expiry you typed differs from the one read from the card; the card's date is used.".to_owned(),
        (Warning::CardExpiryUnknown, Lang::Ja) if surface == Surface::Window => "カード本体の有効期限をカードから読み取れませんでした。券面の「有効期限」を下の欄に入力すると比較できます。".to_owned(),
        (Warning::CardExpiryUnknown, Lang::En) if surface == Surface::Window => "The card did not tell its own expiry. Type the date printed on the card in the field below to compare.".to_owned(),
        (Warning::CardExpiryUnknown, Lang::Ja) => "カード本体の有効期限をカードから読み取れませんでした。券面の「有効期限」を --card-expiry で入力すると比較できます。".to_owned(),
        (Warning::CardExpiryUnknown, Lang::En) => "The card did not tell its own expiry. Type the date printed on the card with --card-expiry to compare.".to_owned(),
        (Warning::NotGenuine, Lang::Ja) => "証明書の署名を検証できませんでした。このカードの証明書は本物でない可能性があります。".to_owned(),
        (Warning::NotGenuine, Lang::En) => "A certificate's signature did not verify: it may not be genuine.".to_owned(),
        (Warning::UnknownRoot, Lang::Ja) => "証明書の発行元が、既知の J-LIS ルート証明書ではありません（新しい世代のルートか、テスト用のカードです）。".to_owned(),
        (Warning::UnknownRoot, Lang::En) => "The certificate's issuer is not a known J-LIS root (a newer root generation, or a test card).".to_owned(),
        (Warning::PinLocked, Lang::Ja) => "ロックされた暗証番号があります。市区町村の窓口で再設定してください。".to_owned(),
        (Warning::PinLocked, Lang::En) => "A PIN is locked: have it reset at your municipal office.".to_owned(),
        (Warning::NoAuthCertificate, Lang::Ja) => "利用者証明用電子証明書がありません。".to_owned(),
        (Warning::NoAuthCertificate, Lang::En) => "There is no user-authentication certificate on this card.".to_owned(),
        (Warning::SignStateNotCleared, Lang::Ja) => "読み取り後にカードの電源を入れ直せませんでした。署名用パスワードの入力状態を消すため、カードをリーダーから外してください。".to_owned(),
        (Warning::SignStateNotCleared, Lang::En) => "The card could not be powered off after reading: remove it from the reader so the signing password's verified state is cleared.".to_owned(),
        (Warning::RevocationNotChecked, Lang::Ja) => "失効しているかどうかはオフラインでは確認できません。ここで言えるのは「期限切れではない」ことだけです。".to_owned(),
        (Warning::RevocationNotChecked, Lang::En) => "Revocation cannot be checked offline: this tool can only say a certificate has not expired.".to_owned(),
    }
}

/// Where the card's own expiry came from.
pub fn expiry_source(source: Option<ExpirySource>, lang: Lang) -> &'static str {
    match source {
        Some(ExpirySource::Card) => tr(lang, "カードから読み取り", "read from the card"),
        _ => tr(lang, "入力された日付", "as you typed it"),
    }
}

/// One comparison as a sentence.
pub fn comparison(c: &Comparison, lang: Lang) -> String {
    match (c, lang) {
        (Comparison::SameExpiry, Lang::Ja) => "署名用電子証明書と利用者証明用電子証明書の有効期限は同じ日です。".to_owned(),
        (Comparison::SameExpiry, Lang::En) => "The signing and user-authentication certificates expire on the same day.".to_owned(),
        (Comparison::SignEndsFirst { days }, Lang::Ja) => format!(
            "署名用電子証明書は利用者証明用電子証明書より{days}日早く期限を迎えます。e-Tax などに使う場合は、署名用だけ先に更新が必要です。"
        ),
        (Comparison::SignEndsFirst { days }, Lang::En) => format!(
            "The signing certificate expires {days} days before the user-authentication one; for e-Tax and other signed applications it needs renewing first."
        ),
        (Comparison::SignReissued { issued }, Lang::Ja) => format!(
            "署名用電子証明書は{}に発行し直されています。引っ越しや氏名の変更で古いものが失効し、新しく発行されたときに起こる、ふつうのことです。",
            date(*issued, lang)
        ),
        (Comparison::SignReissued { issued }, Lang::En) => format!(
            "The signing certificate was re-issued on {}: a move or a change of name revokes the old one, and a new one is issued. This is normal.",
            date(*issued, lang)
        ),
        (Comparison::SignEndsWithCard, Lang::Ja) => "署名用電子証明書はカード本体と同じ日に期限を迎えます。カードの更新で新しい証明書になります。".to_owned(),
        (Comparison::SignEndsWithCard, Lang::En) => "The signing certificate expires with the card; a new card brings a new one.".to_owned(),
        (Comparison::RevocationNotChecked, Lang::Ja) => "署名用電子証明書は、氏名・住所・生年月日・性別の変更で失効します。失効しているかどうかはオフラインでは確認できないため、ここで言えるのは「期限切れではない」ことだけです。".to_owned(),
        (Comparison::RevocationNotChecked, Lang::En) => "A change of name, address, date of birth or sex revokes the signing certificate. Revocation cannot be checked offline, so this tool can only say it has not expired.".to_owned(),
    }
}

/// The personal data as text lines (shown only when asked).
pub fn personal_lines(p: &PersonalReport, lang: Lang) -> Vec<String> {
    let ja = lang == Lang::Ja;
    let unknown = if ja { "不明" } else { "unknown" };
    let sex = match (p.sex, lang) {
        (Some(SexReport::Male), Lang::Ja) => "男",
        (Some(SexReport::Male), Lang::En) => "male",
        (Some(SexReport::Female), Lang::Ja) => "女",
        (Some(SexReport::Female), Lang::En) => "female",
        (_, _) => unknown,
    };
    let birth = match (p.birth_date, &p.birth_wareki) {
        (Some(d), Some(w)) => format!("{}{}", date(d, lang), super::aside(w, lang)),
        (Some(d), None) => date(d, lang),
        _ => unknown.to_owned(),
    };
    vec![
        super::labelled(
            if ja { "氏名" } else { "Name" },
            p.name.as_deref().unwrap_or(unknown),
            lang,
        ),
        super::labelled(if ja { "生年月日" } else { "Date of birth" }, &birth, lang),
        super::labelled(if ja { "性別" } else { "Sex" }, sex, lang),
        super::labelled(
            if ja { "住所" } else { "Address" },
            p.address.as_deref().unwrap_or(unknown),
            lang,
        ),
    ]
}
