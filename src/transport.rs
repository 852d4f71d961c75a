//! The seam between the card layers and a reader: raw APDU bytes to and from one card.
//!
//! Everything above this module speaks to a card only through [`Transport`] and
//! [`Transaction`]. The PC/SC implementation lives in [`pcsc`] and is the only file that names
//! the `pcsc` crate; the simulated card ([`crate::sim`]) implements the same traits, so every
//! layer above can be tested without hardware.

pub mod capability;
pub mod guard;
pub mod pcsc;

use std::time::{Duration, Instant};

use thiserror::Error;

pub use guard::{Deadlines, Guarded};

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

    /// The card's answer to reset as the reader reports it (a contact card's own; a
    /// contactless card's is made up by the reader, PC/SC part 3). `None` when this transport
    /// cannot tell. Never identifies the card (domain.md §2): at most a hint of what it can do,
    /// such as the card-capabilities byte of its historical bytes.
    fn atr(&self) -> Option<Vec<u8>> {
        None
    }

    /// Drops this connection and connects to the card in the same reader again, with a new
    /// handle. [`Guarded`] uses it once, when the very first command of a new connection comes
    /// back "removed" or "reset" although nothing was exchanged yet: a reader stack may hand
    /// out a handle that a card placed a moment ago has already made stale (seen with pcscd
    /// and vpcd). The default cannot.
    fn reopen(&mut self) -> Result<(), TransportError> {
        Err(TransportError::Other(
            "this transport cannot connect again".to_owned(),
        ))
    }
}

/// An exclusive transaction on one card: APDUs go through here.
pub trait Transaction {
    /// Sends one command APDU and returns the whole response APDU (data, then SW1 SW2).
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError>;

    /// Whether the card is still in the reader, asked after an exchange failed or came back
    /// empty, so that a removal is reported as one and not as a malformed answer. `None` when
    /// this transport cannot tell. An implementation may take a moment (a reader that polls
    /// for the card notices its removal late), but never long: the PC/SC one waits at most
    /// [`PRESENCE_SETTLE`].
    fn card_present(&mut self) -> Option<bool> {
        None
    }
}

/// The longest a presence check waits for the reader stack to notice a card that left during
/// the exchange that just failed (pcscd polls a reader about every 400 ms).
pub const PRESENCE_SETTLE: Duration = Duration::from_millis(800);

/// How long [`Readers::connect`] keeps trying a card that was just placed (no card yet, another
/// program still talking to it, or no answer to reset yet) before giving the error.
pub const CONNECT_SETTLE: Duration = Duration::from_millis(1500);

/// The pause between two connection attempts while a card settles.
pub const CONNECT_RETRY: Duration = Duration::from_millis(100);

/// Connects to the card in `reader` ([`Readers::connect`]), giving a card placed a moment ago
/// up to [`CONNECT_SETTLE`]: not seen yet, not powered or not answered reset yet, or still
/// held by another program (a sharing violation: on Windows the certificate propagation
/// service or the J-LIS client touch every new card) is tried again every [`CONNECT_RETRY`].
/// Only what persists past that is the error.
pub fn connect_settled(
    readers: &mut dyn Readers,
    reader: &str,
) -> Result<Box<dyn Transport>, TransportError> {
    connect_settling(readers, reader, CONNECT_SETTLE)
}

/// [`connect_settled`] with another bound (tests).
pub fn connect_settling(
    readers: &mut dyn Readers,
    reader: &str,
    settle: Duration,
) -> Result<Box<dyn Transport>, TransportError> {
    let settle_until = Instant::now() + settle;
    loop {
        match readers.connect(reader) {
            Err(
                e @ (TransportError::NoCard
                | TransportError::SharingViolation
                | TransportError::CardReset
                | TransportError::NotAnswering),
            ) if Instant::now() < settle_until => {
                log::debug!("connecting to {reader:?}: {e}; trying again");
                std::thread::sleep(
                    CONNECT_RETRY.min(settle_until.saturating_duration_since(Instant::now())),
                );
            }
            other => return other,
        }
    }
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
    /// The reader stack reported a timeout of its own.
    #[error("the reader did not answer in time")]
    Timeout,
    /// The card is in the reader but did not answer within the deadline of the exchange
    /// ([`Deadlines`]), or gave no answer to reset. The connection is given up; what to do is
    /// take the card off the reader and place it again. Intended JSON code
    /// `card_not_answering`, exit code 6.
    #[error("the card does not answer")]
    NotAnswering,
    /// The card answered with bytes that are not a response APDU (fewer than two bytes).
    #[error("the card sent a malformed response")]
    MalformedResponse,
    /// Anything else the reader stack reported.
    #[error("reader error: {0}")]
    Other(String),
}

impl TransportError {
    /// The card left the reader or was reset: the reading must start again with the card
    /// placed again.
    pub fn is_removal(&self) -> bool {
        matches!(self, Self::CardRemoved | Self::CardReset)
    }

    /// The exchange cannot go on on this connection: the card left, stopped answering, or the
    /// service went away. Nothing later in the same reading should be tried, and a reading cut
    /// short by one of these must not be reported as a success.
    pub fn ends_reading(&self) -> bool {
        matches!(
            self,
            Self::CardRemoved | Self::CardReset | Self::NotAnswering | Self::ServiceUnavailable
        )
    }
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

/// Waits up to `timeout` for a card: in the reader whose name contains `wanted`
/// (case-insensitive), or without a name in any reader. Returns that reader as soon as it holds
/// a card. At the end of `timeout` the error is the one [`pick_reader`] gives then
/// ([`TransportError::NoCard`], [`TransportError::NoReader`], ...); a stopped service is waited
/// for like a missing card. A zero `timeout` looks once.
pub fn wait_for_card(
    readers: &mut dyn Readers,
    wanted: Option<&str>,
    timeout: Duration,
) -> Result<ReaderInfo, TransportError> {
    let deadline = Instant::now() + timeout;
    let mut known: Vec<ReaderInfo> = Vec::new();
    loop {
        let last = match readers.list() {
            Ok(list) => {
                let picked = pick_reader(&list, wanted).map(|r| {
                    // A named reader must also hold the card.
                    if r.has_card {
                        Ok(r.clone())
                    } else {
                        Err(TransportError::NoCard)
                    }
                });
                known = list;
                match picked {
                    Ok(Ok(r)) => return Ok(r),
                    Ok(Err(e)) | Err(e) => e,
                }
            }
            Err(e) => e,
        };
        let waitable = matches!(
            last,
            TransportError::NoCard
                | TransportError::NoReader
                | TransportError::ReaderNotFound(_)
                | TransportError::ServiceUnavailable
        );
        let left = deadline.saturating_duration_since(Instant::now());
        if !waitable || left.is_zero() {
            return Err(last);
        }
        // Wakes on any change of readers or cards; the loop looks again. A failing wait (the
        // service going away) is not slept through: a short pause keeps the loop bounded.
        if readers.wait_for_change(&known, left).is_err() {
            std::thread::sleep(left.min(Duration::from_millis(100)));
        }
    }
}
