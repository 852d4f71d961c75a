//! The seam between the card layers and a reader: raw APDU bytes to and from one card.
//!
//! Everything above this module speaks to a card only through [`Transport`] and
//! [`Transaction`]. The PC/SC implementation lives in [`pcsc`] and is the only file that names
//! the `pcsc` crate; the simulated card ([`crate::sim`]) implements the same traits, so every
//! layer above can be tested without hardware.

pub mod pcsc;

use thiserror::Error;

/// One connected card, as seen through a reader.
pub trait Transport: Send {
    /// The reader's name as the system reports it.
    fn reader_name(&self) -> &str;

    /// Opens an exclusive transaction: no other program talks to the card until the returned
    /// value is dropped. One reading of the card happens inside one transaction.
    fn transaction(&mut self) -> Result<Box<dyn Transaction + '_>, TransportError>;

    /// Reconnects to the card. With `unpower` the card is powered off and on again, which
    /// clears its security state (verified PINs); without it the card is only reset (warm),
    /// which keeps that state on a My Number Card.
    fn reconnect(&mut self, unpower: bool) -> Result<(), TransportError>;

    /// Whether extended-length APDUs are believed to work on this reader and card. Starts as
    /// the reader's own claim (or `true` when it makes none); [`Transport::disable_extended_length`]
    /// turns it off for the rest of this connection after a failed attempt.
    fn supports_extended_length(&self) -> bool;

    /// Records that an extended-length APDU failed here, so later readings go straight to
    /// short APDUs.
    fn disable_extended_length(&mut self);
}

/// An exclusive transaction on one card: APDUs go through here.
pub trait Transaction {
    /// Sends one command APDU and returns the whole response APDU (data, then SW1 SW2).
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError>;
}

/// What can go wrong between us and the card, below the level of APDUs.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TransportError {
    /// The PC/SC service (pcscd, or the Windows smart card service) is not running.
    #[error("the PC/SC service is not running")]
    ServiceUnavailable,
    /// No reader is connected at all.
    #[error("no card reader is connected")]
    NoReader,
    /// No reader matches the name that was asked for.
    #[error("no reader matches {0:?}")]
    ReaderNotFound(String),
    /// There are readers, but none holds a card.
    #[error("no card is on the reader")]
    NoCard,
    /// The card left the reader (or lost power) during the exchange.
    #[error("the card was removed")]
    CardRemoved,
    /// The card was reset by someone else; the exchange must start again.
    #[error("the card was reset")]
    CardReset,
    /// Another program holds the card exclusively.
    #[error("another program is using the card")]
    SharingViolation,
    /// The reader did not answer in time.
    #[error("the reader did not answer in time")]
    Timeout,
    /// The card answered with bytes that are not a response APDU (fewer than two bytes).
    #[error("the card sent a malformed response")]
    MalformedResponse,
    /// Anything else the reader stack reported.
    #[error("reader error: {0}")]
    Other(String),
}

/// One reader as the system lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReaderInfo {
    /// The reader's name.
    pub name: String,
    /// Whether a card is present in it.
    pub has_card: bool,
}

/// The readers of one system (PC/SC, or the simulated one), and the way to a card in each.
///
/// One value belongs to one thread at a time; [`Readers::waker`] is the only part meant for
/// another thread.
pub trait Readers: Send {
    /// The readers present now. No reader at all is an empty list, not an error.
    fn list(&mut self) -> Result<Vec<ReaderInfo>, TransportError>;

    /// Connects to the card in the named reader (exact name).
    fn connect(&mut self, reader: &str) -> Result<Box<dyn Transport>, TransportError>;

    /// Blocks until the readers or their cards differ from `known`, until `timeout`, or until
    /// [`Readers::waker`] is called, and returns the list as it is then. Readers plugged in
    /// later are seen (PC/SC: the PnP notification).
    fn wait_for_change(
        &mut self,
        known: &[ReaderInfo],
        timeout: std::time::Duration,
    ) -> Result<Vec<ReaderInfo>, TransportError>;

    /// A handle that makes a pending [`Readers::wait_for_change`] return early, from any thread.
    fn waker(&self) -> Waker;
}

/// Wakes a blocked [`Readers::wait_for_change`] from another thread.
pub type Waker = std::sync::Arc<dyn Fn() + Send + Sync>;

/// Picks a reader: the first whose name contains `wanted` (case-insensitive), or without a
/// name the first one holding a card.
pub fn pick_reader<'a>(
    readers: &'a [ReaderInfo],
    wanted: Option<&str>,
) -> Result<&'a ReaderInfo, TransportError> {
    if readers.is_empty() {
        return Err(TransportError::NoReader);
    }
    match wanted {
        Some(w) => {
            let lower = w.to_lowercase();
            readers
                .iter()
                .find(|r| r.name.to_lowercase().contains(&lower))
                .ok_or_else(|| TransportError::ReaderNotFound(w.to_owned()))
        }
        None => readers
            .iter()
            .find(|r| r.has_card)
            .ok_or(TransportError::NoCard),
    }
}
