//! The report as text for a person, in Japanese or English. It leads with the answer: the date
//! to write in the card face's blank 「電子証明書の有効期限」 field.

use std::fmt::Write as _;

use chrono::NaiveDate;

use super::{CardReport, CertReport, CertSlot, ExpirySource, Lang, NotRead, PinReport};
use crate::card::{CardKind, PinState};
use crate::cert::Genuineness;
use crate::rules::{self, Finding, Item, Status};

/// A Gregorian date as a person reads it: `2029年6月15日` / `15 Jun 2029`.
pub fn date(d: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Ja => d.format("%Y年%-m月%-d日").to_string(),
        Lang::En => d.format("%-d %b %Y").to_string(),
    }
}

/// A date with its 和暦 beside it: `2029年6月15日 (令和11年6月15日)`.
pub fn date_with_wareki(d: NaiveDate, lang: Lang) -> String {
    format!("{} ({})", date(d, lang), rules::wareki(d))
}

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
        (Item::Card, Lang::Ja) => "本人確認書類 (写真付き)",
        (Item::Card, Lang::En) => "photo ID",
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

/// The status as a word, with the renewal day where it matters.
pub fn status(cert: &CertReport, lang: Lang) -> String {
    match (cert.status, lang) {
        (Status::Valid, Lang::Ja) => format!("有効 (更新は{}から)", date(cert.renewal_from, lang)),
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
        (Genuineness::Verified, Lang::Ja) => "本物 (J-LIS のルート証明書で確認)",
        (Genuineness::Verified, Lang::En) => "genuine (checked against the J-LIS roots)",
        (Genuineness::UnknownRoot, Lang::Ja) => {
            "署名は正しいが、発行元が既知の J-LIS ルート証明書ではありません"
        }
        (Genuineness::UnknownRoot, Lang::En) => {
            "signature correct, but the issuer is not a known J-LIS root"
        }
        (Genuineness::Failed, Lang::Ja) => "署名の検証に失敗しました (本物でない可能性があります)",
        (Genuineness::Failed, Lang::En) => "signature check FAILED (may not be genuine)",
        (Genuineness::NotChecked, Lang::Ja) => "未確認 (発行元の証明書を読めませんでした)",
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
            "{}はカード本体と同時に期限を迎えます。カードの更新 (再交付) を申請してください。新しいカードには新しい証明書が入ります。",
            item_name(*item, lang)
        ),
        (Finding::RenewCard { item }, Lang::En) => format!(
            "{} expires with the card: apply for a new card, which comes with new certificates.",
            capitalise(item_name(*item, lang))
        ),
        (Finding::RenewCertificateAtCounter { item, from }, Lang::Ja) => format!(
            "{}は{}から、市区町村の窓口で無料で更新できます (オンラインでは更新できません)。",
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

fn capitalise(s: &str) -> String {
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

/// A certificate that was not read, as a phrase.
pub fn not_read(n: &NotRead, lang: Lang) -> String {
    match (n.present, n.reason.as_str(), lang) {
        (Some(false), _, Lang::Ja) => "ありません (発行されていないか、失効しています)".to_owned(),
        (Some(false), _, Lang::En) => "none on the card (not issued, or revoked)".to_owned(),
        (_, "password_required", Lang::Ja) => format!(
            "{} — 期限を見るには署名用パスワード (6〜16桁の英数字) が必要です: myna-kigen read --sign",
            if n.present == Some(true) {
                "あり"
            } else {
                "有無は不明"
            }
        ),
        (_, "password_required", Lang::En) => format!(
            "{}; its dates need the signing password (6–16 letters and digits): myna-kigen read --sign",
            if n.present == Some(true) {
                "present"
            } else {
                "presence unknown"
            }
        ),
        (_, reason, Lang::Ja) => format!("読み取れませんでした ({reason})"),
        (_, reason, Lang::En) => format!("could not be read ({reason})"),
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
        (PinState::Verified, _, Lang::Ja) => "入力済み (このカードの接続中)".to_owned(),
        (PinState::Verified, _, Lang::En) => "already verified in this session".to_owned(),
        (PinState::Ok, Some(t), Lang::Ja) => format!("残り{t}回 / {}回", p.max),
        (PinState::Ok, Some(t), Lang::En) => format!("{t} of {} tries left", p.max),
        (_, _, Lang::Ja) => "不明".to_owned(),
        (_, _, Lang::En) => "unknown".to_owned(),
    }
}

/// The name of a PIN as listed in the report's `pins` map.
pub fn pin_name(key: &str, lang: Lang) -> String {
    let known = match (key, lang) {
        ("auth", Lang::Ja) => "利用者証明用暗証番号 (4桁)",
        ("auth", Lang::En) => "user-authentication PIN (4 digits)",
        ("sign", Lang::Ja) => "署名用パスワード (6〜16桁)",
        ("sign", Lang::En) => "signing password (6–16 characters)",
        ("kenmen_hojo", Lang::Ja) => "券面事項入力補助用暗証番号 (4桁)",
        ("kenmen_hojo", Lang::En) => "card-face data input PIN (4 digits)",
        ("kenmen_hojo_a", Lang::Ja) => "券面事項入力補助 照合番号A",
        ("kenmen_hojo_a", Lang::En) => "card-face data input, check number A",
        ("kenmen_hojo_b", Lang::Ja) => "券面事項入力補助 照合番号B",
        ("kenmen_hojo_b", Lang::En) => "card-face data input, check number B",
        ("kenmen_kakunin_a", Lang::Ja) => "券面事項確認 照合番号A",
        ("kenmen_kakunin_a", Lang::En) => "card-face check, check number A",
        ("kenmen_kakunin_b", Lang::Ja) => "券面事項確認 照合番号B",
        ("kenmen_kakunin_b", Lang::En) => "card-face check, check number B",
        ("juki", Lang::Ja) => "住民基本台帳用暗証番号 (4桁)",
        ("juki", Lang::En) => "resident registry PIN (4 digits)",
        _ => "",
    };
    if known.is_empty() {
        key.to_owned()
    } else {
        known.to_owned()
    }
}

/// A warning code as a sentence.
pub fn warning(code: &str, lang: Lang) -> String {
    match (code, lang) {
        ("card_expiry_mismatch", Lang::Ja) => "入力されたカードの有効期限が、カードから読み取った日付と違います。カードから読み取った日付を使いました。".to_owned(),
        ("card_expiry_mismatch", Lang::En) => "The card expiry you typed differs from the one read from the card; the card's date is used.".to_owned(),
        ("card_expiry_unknown", Lang::Ja) => "カード本体の有効期限をカードから読み取れませんでした。券面の「有効期限」を --card-expiry で入力すると比較できます。".to_owned(),
        ("card_expiry_unknown", Lang::En) => "The card did not tell its own expiry. Type the date printed on the card with --card-expiry to compare.".to_owned(),
        ("not_genuine", Lang::Ja) => "証明書の署名を検証できませんでした。このカードの証明書は本物でない可能性があります。".to_owned(),
        ("not_genuine", Lang::En) => "A certificate's signature did not verify: it may not be genuine.".to_owned(),
        ("unknown_root", Lang::Ja) => "証明書の発行元が、既知の J-LIS ルート証明書ではありません (新しい世代のルートか、テスト用のカードです)。".to_owned(),
        ("unknown_root", Lang::En) => "The certificate's issuer is not a known J-LIS root (a newer root generation, or a test card).".to_owned(),
        ("pin_locked", Lang::Ja) => "ロックされた暗証番号があります。市区町村の窓口で再設定してください。".to_owned(),
        ("pin_locked", Lang::En) => "A PIN is locked: have it reset at your municipal office.".to_owned(),
        ("no_auth_certificate", Lang::Ja) => "利用者証明用電子証明書がありません。".to_owned(),
        ("no_auth_certificate", Lang::En) => "There is no user-authentication certificate on this card.".to_owned(),
        ("sign_state_not_cleared", Lang::Ja) => "読み取り後にカードの電源を入れ直せませんでした。署名用パスワードの入力状態を消すため、カードをリーダーから外してください。".to_owned(),
        ("sign_state_not_cleared", Lang::En) => "The card could not be powered off after reading: remove it from the reader so the signing password's verified state is cleared.".to_owned(),
        ("revocation_not_checked", Lang::Ja) => "失効しているかどうかはオフラインでは確認できません。ここで言えるのは「期限切れではない」ことだけです。".to_owned(),
        ("revocation_not_checked", Lang::En) => "Revocation cannot be checked offline: this tool can only say a certificate has not expired.".to_owned(),
        (other, _) => other.to_owned(),
    }
}

/// The whole report as text.
pub fn render(report: &CardReport, lang: Lang) -> String {
    let mut s = String::new();
    let ja = lang == Lang::Ja;

    // The answer first.
    match &report.auth {
        CertSlot::Read(auth) => {
            let _ = writeln!(
                s,
                "{}",
                if ja {
                    "券面の「電子証明書の有効期限」欄に書く日付:"
                } else {
                    "The date for the card face's 「電子証明書の有効期限」 field:"
                }
            );
            let _ = writeln!(s, "    {}", date_with_wareki(auth.expiry, lang));
            let _ = writeln!(
                s,
                "    ({}, {})",
                if ja {
                    "利用者証明用電子証明書の有効期限"
                } else {
                    "the user-authentication certificate's expiry"
                },
                days_left(auth.days_left, lang)
            );
        }
        CertSlot::NotRead(n) => {
            let _ = writeln!(
                s,
                "{}: {}",
                if ja {
                    "利用者証明用電子証明書"
                } else {
                    "User-authentication certificate"
                },
                not_read(n, lang)
            );
        }
    }
    s.push('\n');

    for (item, slot) in [(Item::Auth, &report.auth), (Item::Sign, &report.sign)] {
        let _ = writeln!(
            s,
            "■ {} ({})",
            if ja {
                item_name(item, lang).to_owned()
            } else {
                capitalise(item_name(item, lang))
            },
            item_use(item, lang)
        );
        match slot {
            CertSlot::Read(c) => cert_block(&mut s, c, lang),
            CertSlot::NotRead(n) => {
                let _ = writeln!(s, "    {}", not_read(n, lang));
            }
        }
    }

    s.push_str(&super::signing::render_sign_extra(report, lang));

    let _ = writeln!(
        s,
        "■ {}",
        if ja {
            "カード本体の有効期限"
        } else {
            "The card's own expiry"
        }
    );
    match (report.card.expiry, report.card.expiry_source) {
        (Some(d), source) => {
            let src = match (source, lang) {
                (Some(ExpirySource::Card), Lang::Ja) => "カードから読み取り",
                (Some(ExpirySource::Card), Lang::En) => "read from the card",
                (_, Lang::Ja) => "入力された日付",
                (_, Lang::En) => "as you typed it",
            };
            let left = (d - report.today).num_days();
            let _ = writeln!(
                s,
                "    {} — {} ({src})",
                date_with_wareki(d, lang),
                days_left(left, lang)
            );
        }
        (None, _) => {
            let _ = writeln!(
                s,
                "    {}",
                if ja {
                    "不明 (カードが答えませんでした。券面の日付を --card-expiry YYYY-MM-DD で入力できます)"
                } else {
                    "unknown (the card did not tell; type the date printed on it with --card-expiry YYYY-MM-DD)"
                }
            );
        }
    }
    let _ = writeln!(s, "    {}", card_kind(report.card.kind, lang));

    let explanation = rules::explain(
        report.card.expiry,
        cert_expiry(&report.auth),
        cert_expiry(&report.sign),
        report.today,
    );
    if let Some(first) = explanation.first_expiry
        && !explanation.first_to_expire.is_empty()
    {
        let names: Vec<&str> = explanation
            .first_to_expire
            .iter()
            .map(|i| item_name(*i, lang))
            .collect();
        let _ = writeln!(
            s,
            "■ {}",
            if ja {
                "最初に期限が来るもの"
            } else {
                "Expires first"
            }
        );
        let _ = writeln!(
            s,
            "    {} — {}",
            names.join(if ja { "・" } else { ", " }),
            date(first, lang)
        );
    }
    if !explanation.findings.is_empty() {
        let _ = writeln!(s, "■ {}", if ja { "すること" } else { "What to do" });
        for f in &explanation.findings {
            let _ = writeln!(s, "    - {}", finding(f, lang));
        }
    }

    if !report.pins.is_empty() {
        let _ = writeln!(
            s,
            "■ {}",
            if ja {
                "暗証番号の残り回数 (回数は減らしていません)"
            } else {
                "PIN tries left (none was spent)"
            }
        );
        for (key, p) in &report.pins {
            let _ = writeln!(s, "    {}: {}", pin_name(key, lang), pin(p, lang));
        }
    }

    if !report.warnings.is_empty() {
        let _ = writeln!(s, "■ {}", if ja { "注意" } else { "Warnings" });
        for w in &report.warnings {
            let _ = writeln!(s, "    ! {}", warning(w, lang));
        }
    }

    let _ = writeln!(
        s,
        "\n{}",
        if ja {
            format!(
                "リーダー: {}  基準日: {}  APDU: {}",
                report.reader,
                report.today.format("%Y-%m-%d"),
                report.apdus
            )
        } else {
            format!(
                "Reader: {}  Today: {}  APDUs: {}",
                report.reader,
                report.today.format("%Y-%m-%d"),
                report.apdus
            )
        }
    );
    s
}

fn cert_block(s: &mut String, c: &CertReport, lang: Lang) {
    let ja = lang == Lang::Ja;
    let rows: Vec<(&str, String)> = vec![
        (
            if ja { "有効期限" } else { "Expires" },
            format!(
                "{} {} — {}",
                date_with_wareki(c.expiry, lang),
                if ja {
                    "23:59:59 まで"
                } else {
                    "at 23:59:59 JST"
                },
                days_left(c.days_left, lang)
            ),
        ),
        (if ja { "状態" } else { "Status" }, status(c, lang)),
        (
            if ja { "更新受付" } else { "Renewal from" },
            date(c.renewal_from, lang),
        ),
        (
            if ja {
                "有効期間の開始"
            } else {
                "Valid from"
            },
            c.not_before.format("%Y-%m-%d %H:%M:%S %:z").to_string(),
        ),
        (
            if ja { "真正性" } else { "Genuine" },
            genuine(c.genuine, lang).to_owned(),
        ),
    ];
    for (k, v) in rows {
        let _ = writeln!(s, "    {k}: {v}");
    }
    if let Some(g) = c.insurance_grace_until {
        let _ = writeln!(
            s,
            "    {}: {}",
            if ja {
                "マイナ保険証の猶予"
            } else {
                "Health-insurance grace"
            },
            if ja {
                format!("期限切れ後も{}まで保険証として使えます", date(g, lang))
            } else {
                format!(
                    "works as a health-insurance card until {} after expiry",
                    date(g, lang)
                )
            }
        );
    }
}

fn cert_expiry(slot: &CertSlot) -> Option<NaiveDate> {
    match slot {
        CertSlot::Read(c) => Some(c.expiry),
        CertSlot::NotRead(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pin_file_has_a_name_in_both_languages() {
        for file in crate::card::PIN_FILES {
            for lang in [Lang::Ja, Lang::En] {
                let name = pin_name(file.key, lang);
                assert_ne!(name, file.key, "{} has no {lang:?} name", file.key);
            }
        }
    }

    #[test]
    fn every_read_error_has_two_different_sentences() {
        use crate::report::ReadError;
        for e in [
            ReadError::ServiceUnavailable,
            ReadError::NoReader,
            ReadError::ReaderNotFound("x".to_owned()),
            ReadError::NoCard,
            ReadError::NotMyNumberCard,
            ReadError::CardRemoved,
            ReadError::SharingViolation,
            ReadError::Certificate("bad".to_owned()),
            ReadError::Io("io".to_owned()),
        ] {
            let (ja, en) = (e.message(Lang::Ja), e.message(Lang::En));
            assert!(ja.chars().any(|c| c > '\u{3000}'), "{ja}");
            assert!(en.is_ascii(), "{en}");
            assert_ne!(ja, en);
        }
    }
}
