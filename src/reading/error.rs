//! Why a reading gave no report, as types. The sentences are in [`crate::messages`], the exit
//! codes in [`crate::cli::exit`]; the codes here are the JSON contract's `error.code`.

use crate::apdu::ApduError;
use crate::card::CardError;
use crate::cert::CertError;
use crate::secret::SecretError;
use crate::transport::TransportError;

use super::Refusal;

/// Why a reading gave no report.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// The PC/SC service is not running.
    #[error("PC/SC service not running")]
    ServiceUnavailable,
    /// No reader is connected.
    #[error("no reader")]
    NoReader,
    /// No reader matches the requested name.
    #[error("no reader matches {0:?}")]
    ReaderNotFound(String),
    /// No card on the reader.
    #[error("no card")]
    NoCard,
    /// The card is not a My Number Card (no JPKI application).
    #[error("not a My Number Card")]
    NotMyNumberCard,
    /// The card left the reader during the reading.
    #[error("card removed during reading")]
    CardRemoved,
    /// Another program holds the card.
    #[error("card in use by another program")]
    SharingViolation,
    /// The card is on the reader but stopped answering within the deadline.
    #[error("the card does not answer")]
    NotAnswering,
    /// The certificate on the card could not be understood.
    #[error("certificate not understood: {0}")]
    Certificate(CertError),
    /// Any other failure talking to the card, or an answer that could not be used.
    #[error("card I/O failure: {0}")]
    Io(CardError),
}

impl ReadError {
    /// The machine-readable code of the JSON error object.
    pub fn code(&self) -> &'static str {
        match self {
            ReadError::ServiceUnavailable => "service_unavailable",
            ReadError::NoReader => "no_reader",
            ReadError::ReaderNotFound(_) => "reader_not_found",
            ReadError::NoCard => "no_card",
            ReadError::NotMyNumberCard => "not_my_number_card",
            ReadError::CardRemoved => "card_removed",
            ReadError::SharingViolation => "sharing_violation",
            ReadError::NotAnswering => "card_not_answering",
            ReadError::Certificate(_) => "bad_certificate",
            ReadError::Io(_) => "card_io",
        }
    }
}

impl From<TransportError> for ReadError {
    fn from(e: TransportError) -> Self {
        match e {
            TransportError::ServiceUnavailable => ReadError::ServiceUnavailable,
            TransportError::NoReader => ReadError::NoReader,
            TransportError::ReaderNotFound(n) => ReadError::ReaderNotFound(n),
            TransportError::NoCard => ReadError::NoCard,
            TransportError::CardRemoved | TransportError::CardReset => ReadError::CardRemoved,
            TransportError::SharingViolation => ReadError::SharingViolation,
            TransportError::NotAnswering => ReadError::NotAnswering,
            other => ReadError::Io(CardError::Apdu(ApduError::Transport(other))),
        }
    }
}

impl From<CardError> for ReadError {
    fn from(e: CardError) -> Self {
        match e {
            CardError::NotMyNumberCard => ReadError::NotMyNumberCard,
            CardError::Apdu(ApduError::Transport(t)) => t.into(),
            other => ReadError::Io(other),
        }
    }
}

impl From<CertError> for ReadError {
    fn from(e: CertError) -> Self {
        ReadError::Certificate(e)
    }
}

/// Why reading the signing certificate gave no report. None of these holds the password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    /// The typed password is not 6–16 of A–Z, 0–9; it was not sent.
    #[error("password format refused: {0}")]
    Format(#[from] SecretError),
    /// No password was given (empty input, or no terminal to ask on); nothing was sent.
    #[error("no password given")]
    NoPassword,
    /// The password was not sent, for this reason.
    #[error("password not sent: {0:?}")]
    Refused(Refusal),
    /// The card refused the password; this many tries remain (0: now locked).
    #[error("wrong password, {tries_left} tries left")]
    WrongPassword {
        /// Tries left after this one.
        tries_left: u8,
    },
    /// The card answered the VERIFY with "blocked".
    #[error("signing password blocked")]
    Blocked,
    /// The card would not give the signing certificate even after the password was accepted.
    #[error("signing certificate not readable after verification")]
    NotReadable,
    /// The card on the reader is not the one the person was shown (it left, or another was
    /// placed); nothing was sent.
    #[error("not the card that was shown; password not sent")]
    CardChanged,
    /// The reading itself failed.
    #[error(transparent)]
    Read(#[from] ReadError),
}

impl SignError {
    /// The machine-readable code of the JSON error object.
    pub fn code(&self) -> &'static str {
        match self {
            SignError::Format(_) => "password_format",
            SignError::NoPassword => "no_password",
            SignError::Refused(Refusal::Locked) => "password_locked",
            SignError::Refused(Refusal::LastTryNotConfirmed) => "last_try_not_confirmed",
            SignError::Refused(Refusal::TriesUnknown) => "tries_unknown",
            SignError::Refused(Refusal::NoSigningCertificate) => "no_signing_certificate",
            SignError::WrongPassword { .. } => "wrong_password",
            SignError::Blocked => "password_locked",
            SignError::NotReadable => "signing_certificate_not_readable",
            SignError::CardChanged => "card_changed",
            SignError::Read(e) => e.code(),
        }
    }

    /// Tries left after this outcome, when known.
    pub fn tries_left(&self) -> Option<u8> {
        match self {
            SignError::WrongPassword { tries_left } => Some(*tries_left),
            SignError::Blocked | SignError::Refused(Refusal::Locked) => Some(0),
            _ => None,
        }
    }

    /// Whether nothing was sent to the card (no try was spent).
    pub fn nothing_sent(&self) -> bool {
        matches!(
            self,
            SignError::Format(_)
                | SignError::NoPassword
                | SignError::Refused(_)
                | SignError::CardChanged
        )
    }
}
