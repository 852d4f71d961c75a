//! The My Number Card's applications: JPKI files, PIN counters and the card's own expiry.

use serde::Serialize;

/// What the JPKI token info (EF 0006) says this card is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CardKind {
    /// `JPKIAPICCTOKEN2`: a My Number Card.
    MyNumberCard,
    /// `JPKIAPICCTOKEN`: the old 住基カード.
    JukiCard,
    /// `JPKIAPGPSETOKEN` (Android) or `JPKIAPIOSTOKEN` (iPhone).
    Smartphone,
    /// Anything else.
    Unknown,
}

/// The state of one PIN's retry counter, read without spending a try.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PinState {
    /// Tries remain.
    Ok,
    /// No tries remain: only the municipal counter can reset it.
    Locked,
    /// Already verified in this card session.
    Verified,
    /// The card did not tell (file missing, or an answer we do not understand).
    Unavailable,
}
