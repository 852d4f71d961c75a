//! Whether the signing password may be sent, decided from the signing PIN's counter before
//! anything is sent: the one place this rule lives (the CLI and the window both ask it).

use crate::card::PinState;
use crate::report::PinReport;

/// What to do with a password, decided from the signing PIN's counter before anything is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Send the password (once).
    Verify {
        /// Tries left before sending, when the card told.
        tries_left: Option<u8>,
        /// This is the last try, or the card did not tell and the person confirmed.
        last_try: bool,
    },
    /// The password is already verified in this card session: read without sending it again.
    AlreadyVerified,
    /// Do not send the password.
    Refuse(Refusal),
}

/// Why the password was not sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The signing password is locked: only the municipal counter can reset it.
    Locked,
    /// One try is left and the person did not confirm it (`--last-try`).
    LastTryNotConfirmed,
    /// The card did not tell the tries left (it may be the last one) and the person did not
    /// confirm.
    TriesUnknown,
    /// The card has no signing certificate (not issued, or revoked): a try would be spent for
    /// nothing.
    NoSigningCertificate,
}

/// Decides whether the password may be sent, from the signing PIN's counter (`None`: the card
/// did not answer for it), whether the card says it has a signing certificate, and whether the
/// person confirmed a last try. Pure: sends nothing.
pub fn decide(
    pin: Option<&PinReport>,
    sign_present: Option<bool>,
    confirm_last_try: bool,
) -> Decision {
    if sign_present == Some(false) {
        return Decision::Refuse(Refusal::NoSigningCertificate);
    }
    let (state, tries_left) = match pin {
        Some(p) => (p.state, p.tries_left),
        None => (PinState::Unavailable, None),
    };
    match (state, tries_left) {
        (PinState::Locked, _) | (_, Some(0)) => Decision::Refuse(Refusal::Locked),
        (PinState::Verified, _) => Decision::AlreadyVerified,
        (PinState::Ok, Some(1)) if !confirm_last_try => {
            Decision::Refuse(Refusal::LastTryNotConfirmed)
        }
        (PinState::Ok, Some(t)) => Decision::Verify {
            tries_left: Some(t),
            last_try: t == 1,
        },
        (PinState::Ok | PinState::Unavailable, None) if !confirm_last_try => {
            Decision::Refuse(Refusal::TriesUnknown)
        }
        (PinState::Ok | PinState::Unavailable, _) => Decision::Verify {
            tries_left: None,
            last_try: true,
        },
    }
}

/// Whether the signing PIN is locked (nothing may be sent; no entry is offered).
pub fn is_locked(pin: Option<&PinReport>) -> bool {
    decide(pin, None, false) == Decision::Refuse(Refusal::Locked)
}

/// Whether the password may only be sent with the person's explicit last-try confirmation:
/// one try left, or the card did not tell.
pub fn needs_last_try_confirmation(pin: Option<&PinReport>) -> bool {
    matches!(
        decide(pin, None, false),
        Decision::Refuse(Refusal::LastTryNotConfirmed | Refusal::TriesUnknown)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pin(state: PinState, tries_left: Option<u8>) -> PinReport {
        PinReport {
            tries_left,
            max: Some(5),
            state,
        }
    }

    #[test]
    fn decisions() {
        let ok = |t| pin(PinState::Ok, Some(t));
        for confirm in [false, true] {
            assert_eq!(
                decide(Some(&pin(PinState::Locked, Some(0))), Some(true), confirm),
                Decision::Refuse(Refusal::Locked)
            );
            assert_eq!(
                decide(Some(&pin(PinState::Locked, None)), None, confirm),
                Decision::Refuse(Refusal::Locked)
            );
            assert_eq!(
                decide(Some(&ok(0)), None, confirm),
                Decision::Refuse(Refusal::Locked)
            );
            assert_eq!(
                decide(Some(&ok(5)), Some(false), confirm),
                Decision::Refuse(Refusal::NoSigningCertificate)
            );
            assert_eq!(
                decide(Some(&pin(PinState::Verified, None)), Some(true), confirm),
                Decision::AlreadyVerified
            );
            for t in 2..=5 {
                assert_eq!(
                    decide(Some(&ok(t)), None, confirm),
                    Decision::Verify {
                        tries_left: Some(t),
                        last_try: false
                    }
                );
            }
        }
        assert_eq!(
            decide(Some(&ok(1)), Some(true), false),
            Decision::Refuse(Refusal::LastTryNotConfirmed)
        );
        assert_eq!(
            decide(Some(&ok(1)), Some(true), true),
            Decision::Verify {
                tries_left: Some(1),
                last_try: true
            }
        );
        for unknown in [None, Some(pin(PinState::Unavailable, None))] {
            assert_eq!(
                decide(unknown.as_ref(), None, false),
                Decision::Refuse(Refusal::TriesUnknown)
            );
            assert_eq!(
                decide(unknown.as_ref(), None, true),
                Decision::Verify {
                    tries_left: None,
                    last_try: true
                }
            );
        }
    }

    #[test]
    fn locked_and_last_try_follow_the_decision() {
        assert!(is_locked(Some(&pin(PinState::Locked, None))));
        assert!(is_locked(Some(&pin(PinState::Ok, Some(0)))));
        assert!(!is_locked(Some(&pin(PinState::Ok, Some(1)))));
        assert!(!is_locked(None));
        assert!(needs_last_try_confirmation(Some(&pin(
            PinState::Ok,
            Some(1)
        ))));
        assert!(needs_last_try_confirmation(Some(&pin(PinState::Ok, None))));
        assert!(needs_last_try_confirmation(None));
        assert!(!needs_last_try_confirmation(Some(&pin(
            PinState::Ok,
            Some(2)
        ))));
        assert!(!needs_last_try_confirmation(Some(&pin(
            PinState::Locked,
            Some(0)
        ))));
        assert!(!needs_last_try_confirmation(Some(&pin(
            PinState::Verified,
            None
        ))));
    }
}
