//! Process exit codes of the command line, one per kind of failure (README, "Exit codes").

use crate::reading::{ReadError, SignError};

/// Success.
pub const OK: i32 = 0;
/// Something else went wrong (e.g. a file could not be written).
pub const OTHER: i32 = 1;
/// The command line was wrong.
pub const USAGE: i32 = 2;
/// No reader is connected, or none matches `--reader`.
pub const NO_READER: i32 = 3;
/// No card on the reader.
pub const NO_CARD: i32 = 4;
/// The card is not a My Number Card.
pub const NOT_MY_NUMBER_CARD: i32 = 5;
/// The card was removed during the reading, or talking to it failed.
pub const CARD_IO: i32 = 6;
/// The PC/SC service is not running.
pub const SERVICE_UNAVAILABLE: i32 = 7;
/// The signing password was not sent: its format was wrong, it is locked, one try was left
/// without `--last-try`, or none was given. No try was spent.
pub const PASSWORD_NOT_SENT: i32 = 8;
/// The card refused the signing password (a try was spent; the message says how many are
/// left), or it is now locked.
pub const WRONG_PASSWORD: i32 = 9;

/// The exit code for a reading that failed.
pub fn of_read_error(e: &ReadError) -> i32 {
    match e {
        ReadError::ServiceUnavailable => SERVICE_UNAVAILABLE,
        ReadError::NoReader | ReadError::ReaderNotFound(_) => NO_READER,
        ReadError::NoCard => NO_CARD,
        ReadError::NotMyNumberCard => NOT_MY_NUMBER_CARD,
        ReadError::CardRemoved
        | ReadError::SharingViolation
        | ReadError::NotAnswering
        | ReadError::Certificate(_)
        | ReadError::Io(_) => CARD_IO,
    }
}

/// The exit code for a signing reading that failed: [`PASSWORD_NOT_SENT`] when nothing was
/// sent, [`WRONG_PASSWORD`] when the card refused it, the reading's own code otherwise.
pub fn of_sign_error(e: &SignError) -> i32 {
    match e {
        _ if e.nothing_sent() => PASSWORD_NOT_SENT,
        SignError::WrongPassword { .. } | SignError::Blocked => WRONG_PASSWORD,
        SignError::NotReadable => CARD_IO,
        SignError::Read(e) => of_read_error(e),
        _ => OTHER,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reading::Refusal;
    use crate::secret::SigningPassword;

    #[test]
    fn signing_exit_codes() {
        let format = SignError::from(SigningPassword::parse("abc").unwrap_err());
        assert_eq!(of_sign_error(&format), PASSWORD_NOT_SENT);
        assert_eq!(
            of_sign_error(&SignError::Refused(Refusal::Locked)),
            PASSWORD_NOT_SENT
        );
        assert_eq!(of_sign_error(&SignError::CardChanged), PASSWORD_NOT_SENT);
        assert_eq!(
            of_sign_error(&SignError::WrongPassword { tries_left: 3 }),
            WRONG_PASSWORD
        );
        assert_eq!(of_sign_error(&SignError::Blocked), WRONG_PASSWORD);
        assert_eq!(of_sign_error(&SignError::NotReadable), CARD_IO);
        assert_eq!(of_sign_error(&SignError::Read(ReadError::NoCard)), NO_CARD);
    }
}
