//! Secrets a person types: the signing password (6–16 of A–Z, 0–9) and the 4-digit
//! user-authentication PIN (domain.md §2). Each lives in a type that checks its format before
//! anything can be sent, wipes its bytes on drop and prints as `REDACTED`. On Linux the process
//! is not dumpable while one is held ([`NoCoreDump`]): no core file, and no other process of the
//! same user can read its memory through `/proc` or ptrace.

use std::fmt;

use zeroize::{Zeroize, Zeroizing};

/// Why a typed secret was refused. Never holds the secret itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    /// Fewer characters than allowed.
    #[error("too short: {len} characters, at least {min} needed")]
    TooShort {
        /// Characters typed.
        len: usize,
        /// The minimum.
        min: usize,
    },
    /// More characters than allowed.
    #[error("too long: {len} characters, at most {max} allowed")]
    TooLong {
        /// Characters typed.
        len: usize,
        /// The maximum.
        max: usize,
    },
    /// A character outside the allowed set, at this 1-based position (the character itself is
    /// not kept: it is part of the secret).
    #[error("character {position} is not allowed")]
    BadCharacter {
        /// 1-based position of the first character refused.
        position: usize,
    },
}

/// The 署名用パスワード: 6–16 characters of A–Z and 0–9, lower case converted to upper.
#[derive(Clone)]
pub struct SigningPassword(Vec<u8>, NoCoreDump);

/// The 利用者証明用暗証番号: exactly 4 digits.
#[derive(Clone)]
pub struct AuthPin([u8; 4], NoCoreDump);

/// While at least one value of this type is alive the process is not dumpable (Linux:
/// `prctl(PR_SET_DUMPABLE, 0)`): a crash leaves no core file with the secret in it, and other
/// processes of the same user cannot attach to it or read its memory. When the last one is
/// dropped the setting the process had before comes back. Elsewhere it does nothing.
///
/// Every [`SigningPassword`] and [`AuthPin`] holds one; a front end can hold one itself while a
/// secret is still being typed, before it is parsed.
#[derive(Debug)]
pub struct NoCoreDump(());

impl NoCoreDump {
    /// Makes the process non-dumpable until this value (and every other one) is dropped.
    pub fn hold() -> Self {
        dump::hold();
        NoCoreDump(())
    }
}

impl Clone for NoCoreDump {
    fn clone(&self) -> Self {
        Self::hold()
    }
}

impl Drop for NoCoreDump {
    fn drop(&mut self) {
        dump::release();
    }
}

/// Whether the process may be dumped now: `Some(false)` while a secret is held on Linux, `None`
/// where the system does not tell.
pub fn process_dumpable() -> Option<bool> {
    dump::dumpable()
}

#[cfg(target_os = "linux")]
mod dump {
    use std::sync::{Mutex, PoisonError};

    use rustix::process::{DumpableBehavior, dumpable_behavior, set_dumpable_behavior};

    /// How many holders, and the setting to restore when the last one goes.
    static STATE: Mutex<(usize, Option<DumpableBehavior>)> = Mutex::new((0, None));

    pub fn hold() {
        let mut state = STATE.lock().unwrap_or_else(PoisonError::into_inner);
        if state.0 == 0 {
            state.1 = dumpable_behavior().ok();
            if let Err(e) = set_dumpable_behavior(DumpableBehavior::NotDumpable) {
                log::warn!("could not make the process non-dumpable: {e}");
            }
        }
        state.0 = state.0.saturating_add(1);
    }

    pub fn release() {
        let mut state = STATE.lock().unwrap_or_else(PoisonError::into_inner);
        state.0 = state.0.saturating_sub(1);
        if state.0 == 0
            && let Some(before) = state.1.take()
        {
            let _ = set_dumpable_behavior(before);
        }
    }

    pub fn dumpable() -> Option<bool> {
        dumpable_behavior()
            .ok()
            .map(|b| b != DumpableBehavior::NotDumpable)
    }
}

#[cfg(not(target_os = "linux"))]
mod dump {
    pub fn hold() {}
    pub fn release() {}
    pub fn dumpable() -> Option<bool> {
        None
    }
}

impl SigningPassword {
    /// Shortest signing password.
    pub const MIN: usize = 6;
    /// Longest signing password.
    pub const MAX: usize = 16;

    /// Checks and normalises a typed password. A single trailing line ending (from a terminal or
    /// a pipe) is ignored; anything else outside A–Z, a–z, 0–9 is refused.
    pub fn parse(typed: &str) -> Result<Self, SecretError> {
        let typed = strip_line_ending(typed);
        let len = typed.chars().count();
        if let Some(position) = typed
            .chars()
            .position(|c| !c.is_ascii_alphanumeric())
            .map(|p| p + 1)
        {
            return Err(SecretError::BadCharacter { position });
        }
        if len < Self::MIN {
            return Err(SecretError::TooShort {
                len,
                min: Self::MIN,
            });
        }
        if len > Self::MAX {
            return Err(SecretError::TooLong {
                len,
                max: Self::MAX,
            });
        }
        let guard = NoCoreDump::hold();
        let mut bytes = Vec::with_capacity(Self::MAX);
        bytes.extend(typed.bytes().map(|b| b.to_ascii_uppercase()));
        Ok(SigningPassword(bytes, guard))
    }

    /// Like [`SigningPassword::parse`], wiping the typed string whatever the outcome.
    pub fn parse_owned(typed: String) -> Result<Self, SecretError> {
        let typed = Zeroizing::new(typed);
        Self::parse(&typed)
    }

    /// The bytes for the VERIFY command's data field, and for nothing else.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl AuthPin {
    /// Checks a typed PIN: exactly 4 digits (a single trailing line ending is ignored).
    pub fn parse(typed: &str) -> Result<Self, SecretError> {
        let typed = strip_line_ending(typed);
        if let Some(position) = typed
            .chars()
            .position(|c| !c.is_ascii_digit())
            .map(|p| p + 1)
        {
            return Err(SecretError::BadCharacter { position });
        }
        let mut pin = [0u8; 4];
        match typed.len() {
            len @ 0..4 => Err(SecretError::TooShort { len, min: 4 }),
            4 => {
                let guard = NoCoreDump::hold();
                pin.copy_from_slice(typed.as_bytes());
                Ok(AuthPin(pin, guard))
            }
            len => Err(SecretError::TooLong { len, max: 4 }),
        }
    }

    /// The bytes for the VERIFY command's data field, and for nothing else.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

fn strip_line_ending(s: &str) -> &str {
    s.strip_suffix("\r\n")
        .or_else(|| s.strip_suffix('\n'))
        .unwrap_or(s)
}

macro_rules! redacted {
    ($t:ty, $name:literal) => {
        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!($name, "(REDACTED)"))
            }
        }
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("REDACTED")
            }
        }
    };
}
redacted!(SigningPassword, "SigningPassword");

impl Zeroize for SigningPassword {
    fn zeroize(&mut self) {
        self.0.zeroize();
    }
}

impl Zeroize for AuthPin {
    fn zeroize(&mut self) {
        self.0.zeroize();
    }
}

impl Drop for SigningPassword {
    fn drop(&mut self) {
        self.zeroize();
    }
}

impl Drop for AuthPin {
    fn drop(&mut self) {
        self.zeroize();
    }
}
redacted!(AuthPin, "AuthPin");

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn signing_password_accepts_and_upper_cases() {
        let p = SigningPassword::parse("abc123").unwrap();
        assert_eq!(p.as_bytes(), b"ABC123");
        let p = SigningPassword::parse("Abcdef0123456789\n").unwrap();
        assert_eq!(p.as_bytes(), b"ABCDEF0123456789");
        let p = SigningPassword::parse_owned("xyz789\r\n".to_owned()).unwrap();
        assert_eq!(p.as_bytes(), b"XYZ789");
    }

    #[test]
    fn signing_password_refusals_say_what_is_wrong() {
        assert_eq!(
            SigningPassword::parse("ABC12").unwrap_err(),
            SecretError::TooShort { len: 5, min: 6 }
        );
        assert_eq!(
            SigningPassword::parse("").unwrap_err(),
            SecretError::TooShort { len: 0, min: 6 }
        );
        assert_eq!(
            SigningPassword::parse("A234567890123456Z").unwrap_err(),
            SecretError::TooLong { len: 17, max: 16 }
        );
        assert_eq!(
            SigningPassword::parse("ABC 123").unwrap_err(),
            SecretError::BadCharacter { position: 4 }
        );
        assert_eq!(
            SigningPassword::parse("ABC-123").unwrap_err(),
            SecretError::BadCharacter { position: 4 }
        );
        // Full-width letters and digits are not A–Z / 0–9.
        assert_eq!(
            SigningPassword::parse("ＡBC123").unwrap_err(),
            SecretError::BadCharacter { position: 1 }
        );
        assert_eq!(
            SigningPassword::parse("ABC123\n\n").unwrap_err(),
            SecretError::BadCharacter { position: 7 }
        );
        // The error never carries the secret.
        let e = SigningPassword::parse("SECRET-PASSWORD").unwrap_err();
        assert!(!format!("{e} {e:?}").contains("SECRET"));
    }

    #[test]
    fn auth_pin_is_four_digits() {
        assert_eq!(AuthPin::parse("0123").unwrap().as_bytes(), b"0123");
        assert_eq!(AuthPin::parse("9876\n").unwrap().as_bytes(), b"9876");
        assert_eq!(
            AuthPin::parse("123").unwrap_err(),
            SecretError::TooShort { len: 3, min: 4 }
        );
        assert_eq!(
            AuthPin::parse("12345").unwrap_err(),
            SecretError::TooLong { len: 5, max: 4 }
        );
        assert_eq!(
            AuthPin::parse("12a4").unwrap_err(),
            SecretError::BadCharacter { position: 3 }
        );
        assert_eq!(
            AuthPin::parse("１２３４").unwrap_err(),
            SecretError::BadCharacter { position: 1 }
        );
    }

    #[test]
    fn debug_and_display_are_redacted() {
        let p = SigningPassword::parse("ABC123").unwrap();
        let pin = AuthPin::parse("4321").unwrap();
        for shown in [
            format!("{p:?}"),
            format!("{p:#?}"),
            format!("{p}"),
            format!("{:?}", Some(p.clone())),
            format!("{pin:?}"),
            format!("{pin}"),
        ] {
            assert!(shown.contains("REDACTED"), "{shown}");
            assert!(
                !shown.contains("ABC123") && !shown.contains("4321"),
                "{shown}"
            );
        }
    }

    #[test]
    fn zeroize_wipes_the_bytes() {
        let mut p = SigningPassword::parse("ABC123").unwrap();
        p.zeroize();
        assert!(p.as_bytes().is_empty());
        let mut pin = AuthPin::parse("4321").unwrap();
        pin.zeroize();
        assert_eq!(pin.as_bytes(), &[0, 0, 0, 0]);
    }

    proptest! {
        #[test]
        fn no_input_panics(s in any::<String>()) {
            if let Ok(p) = SigningPassword::parse(&s) {
                prop_assert!((6..=16).contains(&p.as_bytes().len()));
                prop_assert!(p.as_bytes().iter().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()));
            }
            if let Ok(p) = AuthPin::parse(&s) {
                prop_assert!(p.as_bytes().iter().all(u8::is_ascii_digit));
            }
        }

        #[test]
        fn valid_passwords_round_trip_upper_cased(s in "[A-Za-z0-9]{6,16}") {
            let p = SigningPassword::parse(&s).unwrap();
            let upper = s.to_ascii_uppercase();
            prop_assert_eq!(p.as_bytes(), upper.as_bytes());
        }
    }
}
