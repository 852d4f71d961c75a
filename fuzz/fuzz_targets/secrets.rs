//! The signing password and PIN format checks: what is accepted is exactly the allowed set,
//! normalised, and never printed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use myna_kigen::secret::{AuthPin, SigningPassword};

fuzz_target!(|data: &[u8]| {
    let Ok(typed) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(p) = SigningPassword::parse(typed) {
        let b = p.as_bytes();
        assert!((SigningPassword::MIN..=SigningPassword::MAX).contains(&b.len()));
        assert!(b.iter().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()));
        assert_eq!(format!("{p:?}"), "SigningPassword(REDACTED)");
        assert_eq!(format!("{p}"), "REDACTED");
        let typed_upper = typed.trim_end_matches(['\r', '\n']).to_ascii_uppercase();
        assert_eq!(b, typed_upper.as_bytes());
    }
    if let Ok(pin) = AuthPin::parse(typed) {
        assert_eq!(pin.as_bytes().len(), 4);
        assert!(pin.as_bytes().iter().all(u8::is_ascii_digit));
        assert_eq!(format!("{pin:?}"), "AuthPin(REDACTED)");
    }
    let _ = SigningPassword::parse_owned(typed.to_owned()).map_err(|e| e.to_string());
});
