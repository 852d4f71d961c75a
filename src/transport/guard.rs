//! Deadlines on every exchange with a card: [`Guarded`] runs a [`Transport`] on a worker thread
//! of its own and waits for each answer with a bound ([`Deadlines`]).
//!
//! A card that stays in the reader but never answers leaves a PC/SC `SCardTransmit` blocked for
//! as long as the reader driver waits (vpcd: until the card side closes the connection; see
//! `docs/testing.md`). PC/SC has no way to interrupt a transmit: pcsc-lite's `SCardCancel` only
//! ends a pending `SCardGetStatusChange`, and releasing the context from another thread waits
//! for the same lock the transmit holds. So the blocking calls happen on the worker, the caller
//! waits with `recv_timeout`, and when the deadline passes the caller gets
//! [`TransportError::NotAnswering`] and lets the worker go: it ends by itself once its call
//! returns (at the latest when the card is taken off the reader), dropping the connection.
//! Nothing waits for it.

use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

use zeroize::Zeroizing;

use super::{Transaction, Transport, TransportError};

/// How long an exchange with a card may take before the card counts as not answering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadlines {
    /// An ordinary command: SELECT, a short READ BINARY, a PIN counter, GET RESPONSE.
    pub exchange: Duration,
    /// A command a card is known to take longer over: an extended-length command (the whole
    /// certificate in one READ BINARY) and a VERIFY carrying a PIN or password.
    pub slow: Duration,
    /// Connecting to the card, beginning a transaction, reconnecting (powering the card).
    pub connect: Duration,
}

/// The environment variable that sets the deadlines, in milliseconds for an ordinary exchange
/// (slow commands get twice as long, connecting the same): for tests that walk a mute card
/// through every command of a reading, and for unusually slow readers.
pub const DEADLINE_ENV: &str = "MYNA_KIGEN_DEADLINE_MS";

impl Default for Deadlines {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl Deadlines {
    /// 5 s for an ordinary command, 10 s for a slow one, 5 s to connect. A My Number Card
    /// answers a command in milliseconds and an extended READ of a 1.6 KB certificate over NFC
    /// in well under a second, so these are only ever reached by a card that stopped answering;
    /// together they keep a whole reading with a mute card under 15 s.
    pub const DEFAULT: Deadlines = Deadlines {
        exchange: Duration::from_secs(5),
        slow: Duration::from_secs(10),
        connect: Duration::from_secs(5),
    };

    /// All three from one figure: `exchange`, twice as long for slow commands, `exchange` to
    /// connect.
    pub fn scaled(exchange: Duration) -> Self {
        Deadlines {
            exchange,
            slow: exchange.saturating_mul(2),
            connect: exchange,
        }
    }

    /// [`Deadlines::DEFAULT`], or [`Deadlines::scaled`] from [`DEADLINE_ENV`] when it holds a
    /// number of milliseconds between 100 and 600,000.
    pub fn from_env() -> Self {
        Self::from_setting(std::env::var(DEADLINE_ENV).ok().as_deref())
    }

    /// [`Deadlines::from_env`] for a given value of the variable.
    pub fn from_setting(milliseconds: Option<&str>) -> Self {
        milliseconds
            .and_then(|v| v.trim().parse::<u64>().ok())
            .filter(|ms| (100..=600_000).contains(ms))
            .map_or(Self::DEFAULT, |ms| Self::scaled(Duration::from_millis(ms)))
    }

    /// The deadline for one encoded command APDU: [`Deadlines::slow`] for an extended-length
    /// command (byte 5 is `00` and more bytes follow) and for a VERIFY with data, else
    /// [`Deadlines::exchange`].
    pub fn for_command(&self, command: &[u8]) -> Duration {
        let extended = command.len() > 5 && command.get(4) == Some(&0x00);
        let verify_with_data = command.get(1) == Some(&0x20) && command.len() > 5;
        if extended || verify_with_data {
            self.slow
        } else {
            self.exchange
        }
    }
}

/// What the caller asks of the worker.
enum Request {
    Begin,
    Transmit(Zeroizing<Vec<u8>>),
    Present,
    End,
    Reconnect(bool),
}

/// What the worker answers: one reply per request, none for [`Request::End`].
enum Reply {
    Done,
    /// Connected; the transport's own claim about extended length, and the card's answer to
    /// reset when the transport tells it.
    Connected(bool, Option<Vec<u8>>),
    Bytes(Vec<u8>),
    Present(Option<bool>),
}

/// A [`Transport`] whose calls run on a worker thread and are waited for with a deadline.
///
/// After one deadline passed the connection is given up: every later call answers
/// [`TransportError::NotAnswering`] at once.
pub struct Guarded {
    requests: Sender<Request>,
    replies: Receiver<Result<Reply, TransportError>>,
    /// Closed by the worker once it has dropped its transport (disconnected).
    finished: Receiver<()>,
    deadlines: Deadlines,
    name: String,
    extended: bool,
    /// A refusal of extended length is remembered across runs (a real reader; see
    /// [`super::capability`]).
    remember: bool,
    given_up: bool,
    atr: Option<Vec<u8>>,
}

impl std::fmt::Debug for Guarded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Guarded")
            .field("name", &self.name)
            .field("deadlines", &self.deadlines)
            .field("given_up", &self.given_up)
            .finish_non_exhaustive()
    }
}

impl Guarded {
    /// Connects on a new worker thread with `connect` (which may block: it is waited for
    /// [`Deadlines::connect`]) and serves the transport it returns there.
    pub fn connect<T, F>(
        name: &str,
        deadlines: Deadlines,
        connect: F,
    ) -> Result<Self, TransportError>
    where
        T: Transport + 'static,
        F: FnOnce() -> Result<T, TransportError> + Send + 'static,
    {
        let (requests, inbox) = mpsc::channel::<Request>();
        let (outbox, replies) = mpsc::channel();
        let (finish, finished) = mpsc::channel::<()>();
        let spawned = std::thread::Builder::new()
            .name("card".to_owned())
            .spawn(move || {
                match connect() {
                    Ok(transport) => {
                        let claim = transport.supports_extended_length();
                        let atr = transport.atr();
                        if outbox.send(Ok(Reply::Connected(claim, atr))).is_ok() {
                            serve(transport, &inbox, &outbox);
                        }
                    }
                    Err(e) => {
                        let _ = outbox.send(Err(e));
                    }
                }
                drop(finish);
            });
        if let Err(e) = spawned {
            return Err(TransportError::Other(format!("cannot start a thread: {e}")));
        }
        let mut guarded = Guarded {
            requests,
            replies,
            finished,
            deadlines,
            name: name.to_owned(),
            extended: true,
            remember: false,
            given_up: false,
            atr: None,
        };
        if let Reply::Connected(claim, atr) = guarded.wait(deadlines.connect)? {
            guarded.extended = claim;
            guarded.atr = atr;
        }
        Ok(guarded)
    }

    /// Serves an already connected transport on a worker thread (the simulated card, in
    /// tests of deadlines).
    pub fn new<T: Transport + 'static>(transport: T, deadlines: Deadlines) -> Self {
        let name = transport.reader_name().to_owned();
        let extended = transport.supports_extended_length();
        let connected = Self::connect(&name, deadlines, move || Ok(transport));
        match connected {
            Ok(mut g) => {
                g.extended = extended;
                g
            }
            // Only a thread that could not start, or a machine so loaded that handing over a
            // value took longer than the deadline: a transport whose every call fails.
            Err(_) => {
                let (requests, _) = mpsc::channel();
                let (_, replies) = mpsc::channel();
                let (_, finished) = mpsc::channel();
                Guarded {
                    requests,
                    replies,
                    finished,
                    deadlines,
                    name,
                    extended,
                    remember: false,
                    given_up: true,
                    atr: None,
                }
            }
        }
    }

    /// Starts with extended-length APDUs only when the transport's own claim (the reader's
    /// properties, made on connecting) and [`super::capability::extended_claim`] (the card's
    /// ATR, the cache) both allow it; a refusal met later is remembered for the reader.
    pub fn with_capabilities(mut self, extended: bool) -> Self {
        self.extended = self.extended && extended;
        self.remember = true;
        self
    }

    /// The deadlines in force.
    pub fn deadlines(&self) -> Deadlines {
        self.deadlines
    }

    /// Whether a deadline passed and the connection was given up.
    pub fn given_up(&self) -> bool {
        self.given_up
    }

    /// Sends a request and waits for its reply.
    fn call(&mut self, request: Request, deadline: Duration) -> Result<Reply, TransportError> {
        if self.given_up {
            return Err(TransportError::NotAnswering);
        }
        if self.requests.send(request).is_err() {
            // The worker is gone: it only ends when its transport failed for good.
            self.given_up = true;
            return Err(TransportError::NotAnswering);
        }
        self.wait(deadline)
    }

    fn wait(&mut self, deadline: Duration) -> Result<Reply, TransportError> {
        match self.replies.recv_timeout(deadline) {
            Ok(reply) => reply,
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {
                log::debug!("no answer within {deadline:?}: the connection is given up");
                self.given_up = true;
                Err(TransportError::NotAnswering)
            }
        }
    }
}

/// How a transaction on the worker ended.
enum Outcome {
    /// The caller ended it.
    Ended,
    /// The caller went away.
    Gone,
    /// The first command of a new connection came back removed or reset without reaching the
    /// card: connect again and send it once more ([`Transport::reopen`]).
    Reopen(Zeroizing<Vec<u8>>, TransportError),
}

/// The longest [`Guarded`]'s drop waits for the worker to disconnect from a card that answers,
/// so that a program that ends right after a reading leaves the card as it was (PC/SC: the
/// disconnect leaves the card powered, instead of the service resetting it for a client that
/// went away).
const DISCONNECT_WAIT: Duration = Duration::from_secs(1);

impl Drop for Guarded {
    fn drop(&mut self) {
        // Closing the request channel ends the worker's loop.
        let (closed, _) = mpsc::channel();
        drop(std::mem::replace(&mut self.requests, closed));
        if !self.given_up {
            let _ = self.finished.recv_timeout(DISCONNECT_WAIT);
        }
    }
}

/// The worker: owns the transport, answers requests in order until the caller goes away.
fn serve<T: Transport>(
    mut transport: T,
    inbox: &Receiver<Request>,
    outbox: &Sender<Result<Reply, TransportError>>,
) {
    // Nothing exchanged on this connection yet: a stale handle may be reopened once.
    let mut fresh = true;
    while let Ok(request) = inbox.recv() {
        let reply = match request {
            Request::Begin => {
                if fresh {
                    reopen_if_stale(&mut transport);
                }
                let outcome = match transport.transaction() {
                    Ok(mut tx) => {
                        if outbox.send(Ok(Reply::Done)).is_err() {
                            return;
                        }
                        Ok(serve_transaction(tx.as_mut(), inbox, outbox, fresh))
                    }
                    Err(e) => Err(e),
                };
                match outcome {
                    Ok(outcome) => {
                        fresh = false;
                        match outcome {
                            Outcome::Ended => continue,
                            Outcome::Gone => return,
                            Outcome::Reopen(command, error) => {
                                if reopen_and_serve(&mut transport, &command, error, inbox, outbox)
                                {
                                    continue;
                                }
                                return;
                            }
                        }
                    }
                    Err(e) => Err(e),
                }
            }
            Request::Reconnect(unpower) => transport.reconnect(unpower).map(|()| Reply::Done),
            Request::End => continue,
            Request::Transmit(_) | Request::Present => {
                Err(TransportError::Other("no transaction is open".to_owned()))
            }
        };
        if outbox.send(reply).is_err() {
            return;
        }
    }
}

/// On a new connection, a transaction that cannot begin because the handle is already stale
/// ("removed" or "reset" before anything was exchanged) is begun again on a new connection.
fn reopen_if_stale<T: Transport>(transport: &mut T) {
    let stale = matches!(
        transport.transaction().map(drop),
        Err(TransportError::CardRemoved | TransportError::CardReset)
    );
    if stale {
        log::debug!("the new connection was stale before its first command: connecting again");
        let _ = transport.reopen();
    }
}

/// Connects again, opens a transaction, sends `command` and serves the rest of the
/// transaction; when connecting again fails the command gets the first `error`. `false` when
/// the caller went away.
fn reopen_and_serve<T: Transport>(
    transport: &mut T,
    command: &[u8],
    error: TransportError,
    inbox: &Receiver<Request>,
    outbox: &Sender<Result<Reply, TransportError>>,
) -> bool {
    log::debug!(
        "the first command came back \"{error}\" before reaching the card: connecting again"
    );
    if transport.reopen().is_err() {
        return serve_failed(error, inbox, outbox);
    }
    let mut tx = match transport.transaction() {
        Ok(tx) => tx,
        Err(e) => return serve_failed(e, inbox, outbox),
    };
    if outbox.send(tx.transmit(command).map(Reply::Bytes)).is_err() {
        return false;
    }
    !matches!(
        serve_transaction(tx.as_mut(), inbox, outbox, false),
        Outcome::Gone
    )
}

/// The rest of a transaction whose connection is lost: every command gets `error`, until
/// [`Request::End`]. `false` when the caller went away.
fn serve_failed(
    error: TransportError,
    inbox: &Receiver<Request>,
    outbox: &Sender<Result<Reply, TransportError>>,
) -> bool {
    if outbox.send(Err(error.clone())).is_err() {
        return false;
    }
    loop {
        let reply = match inbox.recv() {
            Ok(Request::End) => return true,
            Ok(Request::Present) => Ok(Reply::Present(None)),
            Ok(_) => Err(error.clone()),
            Err(_) => return false,
        };
        if outbox.send(reply).is_err() {
            return false;
        }
    }
}

/// Answers requests inside one transaction until [`Request::End`]. On a `fresh` connection the
/// first command coming back removed or reset is handed back as [`Outcome::Reopen`] instead of
/// being answered.
fn serve_transaction(
    tx: &mut dyn Transaction,
    inbox: &Receiver<Request>,
    outbox: &Sender<Result<Reply, TransportError>>,
    mut fresh: bool,
) -> Outcome {
    loop {
        let reply = match inbox.recv() {
            Ok(Request::Transmit(command)) => {
                let answer = tx.transmit(&command);
                match answer {
                    Err(e @ (TransportError::CardRemoved | TransportError::CardReset)) if fresh => {
                        return Outcome::Reopen(command, e);
                    }
                    answer => {
                        fresh = false;
                        answer.map(Reply::Bytes)
                    }
                }
            }
            Ok(Request::Present) => Ok(Reply::Present(tx.card_present())),
            Ok(Request::End) => return Outcome::Ended,
            Ok(Request::Begin | Request::Reconnect(_)) => Err(TransportError::Other(
                "a transaction is already open".to_owned(),
            )),
            Err(_) => return Outcome::Gone,
        };
        if outbox.send(reply).is_err() {
            return Outcome::Gone;
        }
    }
}

impl Transport for Guarded {
    fn reader_name(&self) -> &str {
        &self.name
    }

    fn transaction(&mut self) -> Result<Box<dyn Transaction + '_>, TransportError> {
        let deadline = self.deadlines.connect;
        match self.call(Request::Begin, deadline)? {
            Reply::Done => Ok(Box::new(GuardedTransaction { guarded: self })),
            _ => Err(TransportError::Other("unexpected answer".to_owned())),
        }
    }

    fn reconnect(&mut self, unpower: bool) -> Result<(), TransportError> {
        let deadline = self.deadlines.connect;
        match self.call(Request::Reconnect(unpower), deadline)? {
            Reply::Done => Ok(()),
            _ => Err(TransportError::Other("unexpected answer".to_owned())),
        }
    }

    fn supports_extended_length(&self) -> bool {
        self.extended
    }

    fn disable_extended_length(&mut self) {
        if self.extended && self.remember {
            super::capability::remember_short(&self.name);
        }
        self.extended = false;
    }

    fn atr(&self) -> Option<Vec<u8>> {
        self.atr.clone()
    }
}

/// A transaction on the worker; dropping it ends the transaction there (without waiting).
struct GuardedTransaction<'a> {
    guarded: &'a mut Guarded,
}

impl Transaction for GuardedTransaction<'_> {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        let deadline = self.guarded.deadlines.for_command(command);
        let request = Request::Transmit(Zeroizing::new(command.to_vec()));
        match self.guarded.call(request, deadline)? {
            Reply::Bytes(answer) => Ok(answer),
            _ => Err(TransportError::Other("unexpected answer".to_owned())),
        }
    }

    fn card_present(&mut self) -> Option<bool> {
        let deadline = self.guarded.deadlines.exchange;
        match self.guarded.call(Request::Present, deadline) {
            Ok(Reply::Present(p)) => p,
            _ => None,
        }
    }
}

impl Drop for GuardedTransaction<'_> {
    fn drop(&mut self) {
        if !self.guarded.given_up {
            // Not waited for: the worker ends the transaction before it takes the next request.
            let _ = self.guarded.requests.send(Request::End);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{SimCard, SimTransport};
    use std::time::Instant;

    const SELECT_JPKI: [u8; 15] = [
        0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01,
    ];

    /// The transport's mechanics, without the card's reported manners (`6F 00` first).
    fn plain() -> crate::sim::SimCardBuilder {
        SimCard::builder().manners(crate::sim::Manners::PLAIN)
    }

    fn quick() -> Deadlines {
        Deadlines::scaled(Duration::from_millis(300))
    }

    #[test]
    fn slow_commands_get_the_longer_deadline() {
        let d = Deadlines::DEFAULT;
        assert_eq!(
            d.for_command(&[0x00, 0xB0, 0x8A, 0x00, 0x00, 0x00, 0x00]),
            d.slow
        );
        assert_eq!(
            d.for_command(&[0x00, 0x20, 0x00, 0x80, 0x02, 0x31, 0x32]),
            d.slow
        );
        assert_eq!(d.for_command(&[0x00, 0x20, 0x00, 0x80]), d.exchange);
        assert_eq!(d.for_command(&[0x00, 0xB0, 0x8A, 0x00, 0x00]), d.exchange);
        assert_eq!(d.for_command(&SELECT_JPKI), d.exchange);
        assert_eq!(d.for_command(&[]), d.exchange);
        assert!(d.slow >= d.exchange);
    }

    #[test]
    fn scaled_deadlines() {
        let d = Deadlines::scaled(Duration::from_millis(400));
        assert_eq!(d.exchange, Duration::from_millis(400));
        assert_eq!(d.slow, Duration::from_millis(800));
        assert_eq!(d.connect, Duration::from_millis(400));
    }

    #[test]
    fn answers_pass_through_the_worker() {
        let card = plain().build();
        let atr = card.atr();
        let mut g = Guarded::new(SimTransport::new(card), quick());
        assert_eq!(g.reader_name(), crate::sim::transport::READER_NAME);
        assert_eq!(
            g.atr(),
            Some(atr),
            "the ATR is known without a call to the worker"
        );
        {
            let mut tx = g.transaction().unwrap();
            assert_eq!(tx.transmit(&SELECT_JPKI).unwrap(), vec![0x90, 0x00]);
            assert_eq!(tx.card_present(), Some(true));
        }
        // The transaction ended on the worker; a second one opens.
        let mut tx = g.transaction().unwrap();
        assert_eq!(tx.transmit(&SELECT_JPKI).unwrap(), vec![0x90, 0x00]);
        drop(tx);
        g.reconnect(true).unwrap();
        assert!(!g.given_up());
    }

    #[test]
    fn a_mute_card_is_not_answering_within_the_deadline_and_the_connection_is_given_up() {
        let card = plain().mute_at(2).build();
        let mut g = Guarded::new(SimTransport::new(card), quick());
        let mut tx = g.transaction().unwrap();
        assert_eq!(tx.transmit(&SELECT_JPKI).unwrap(), vec![0x90, 0x00]);
        let started = Instant::now();
        assert_eq!(tx.transmit(&SELECT_JPKI), Err(TransportError::NotAnswering));
        let took = started.elapsed();
        assert!(took >= Duration::from_millis(300), "{took:?}");
        assert!(took < Duration::from_secs(5), "{took:?}");
        // Given up: everything after answers at once.
        let started = Instant::now();
        assert_eq!(tx.transmit(&SELECT_JPKI), Err(TransportError::NotAnswering));
        assert_eq!(tx.card_present(), None);
        drop(tx);
        assert!(g.given_up());
        assert!(matches!(g.transaction(), Err(TransportError::NotAnswering)));
        assert_eq!(g.reconnect(false), Err(TransportError::NotAnswering));
        assert!(started.elapsed() < Duration::from_secs(1));
    }

    #[test]
    fn a_connect_that_blocks_is_not_answering() {
        let (_keep, never) = mpsc::channel::<()>();
        let started = Instant::now();
        let r = Guarded::connect("R", quick(), move || {
            let _ = never.recv_timeout(Duration::from_secs(30));
            Ok(SimTransport::new(plain().build()))
        });
        assert!(matches!(r, Err(TransportError::NotAnswering)));
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    /// A transport whose first transmit after connecting comes back removed, like a stale
    /// handle; `reopen` gives a good one (or fails).
    struct Stale {
        stale: bool,
        begin_stale: bool,
        can_reopen: bool,
        reopened: std::sync::Arc<std::sync::atomic::AtomicU32>,
    }

    struct StaleTx<'a>(&'a mut Stale);

    impl Transaction for StaleTx<'_> {
        fn transmit(&mut self, _: &[u8]) -> Result<Vec<u8>, TransportError> {
            if self.0.stale {
                Err(TransportError::CardRemoved)
            } else {
                Ok(vec![0x90, 0x00])
            }
        }
    }

    impl Transport for Stale {
        fn reader_name(&self) -> &str {
            "R"
        }
        fn transaction(&mut self) -> Result<Box<dyn Transaction + '_>, TransportError> {
            if self.begin_stale {
                return Err(TransportError::CardReset);
            }
            Ok(Box::new(StaleTx(self)))
        }
        fn reconnect(&mut self, _: bool) -> Result<(), TransportError> {
            Ok(())
        }
        fn supports_extended_length(&self) -> bool {
            true
        }
        fn disable_extended_length(&mut self) {}
        fn reopen(&mut self) -> Result<(), TransportError> {
            self.reopened
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            if self.can_reopen {
                self.stale = false;
                self.begin_stale = false;
                Ok(())
            } else {
                Err(TransportError::NoCard)
            }
        }
    }

    #[test]
    fn a_stale_first_command_is_sent_again_on_a_new_connection_once() {
        let reopened = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
        let stale = Stale {
            stale: true,
            begin_stale: false,
            can_reopen: true,
            reopened: reopened.clone(),
        };
        let mut g = Guarded::new(stale, quick());
        let mut tx = g.transaction().unwrap();
        assert_eq!(tx.transmit(&SELECT_JPKI).unwrap(), vec![0x90, 0x00]);
        assert_eq!(tx.transmit(&SELECT_JPKI).unwrap(), vec![0x90, 0x00]);
        drop(tx);
        assert_eq!(reopened.load(std::sync::atomic::Ordering::SeqCst), 1);

        // Nothing to connect to again: the removal stands, and only the first command is
        // ever retried.
        let reopened = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
        let gone = Stale {
            stale: true,
            begin_stale: false,
            can_reopen: false,
            reopened: reopened.clone(),
        };
        let mut g = Guarded::new(gone, quick());
        let mut tx = g.transaction().unwrap();
        assert_eq!(tx.transmit(&SELECT_JPKI), Err(TransportError::CardRemoved));
        assert_eq!(tx.transmit(&SELECT_JPKI), Err(TransportError::CardRemoved));
        drop(tx);
        assert_eq!(reopened.load(std::sync::atomic::Ordering::SeqCst), 1);
    }

    #[test]
    fn a_connection_stale_before_its_first_transaction_is_opened_again() {
        let reopened = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
        let stale = Stale {
            stale: false,
            begin_stale: true,
            can_reopen: true,
            reopened: reopened.clone(),
        };
        let mut g = Guarded::new(stale, quick());
        let mut tx = g.transaction().unwrap();
        assert_eq!(tx.transmit(&SELECT_JPKI).unwrap(), vec![0x90, 0x00]);
        drop(tx);
        assert_eq!(reopened.load(std::sync::atomic::Ordering::SeqCst), 1);
    }

    #[test]
    fn a_removal_after_the_first_answer_is_never_retried() {
        let card = plain().remove_after(1).build();
        let mut g = Guarded::new(SimTransport::new(card), quick());
        let mut tx = g.transaction().unwrap();
        assert!(tx.transmit(&SELECT_JPKI).is_ok());
        assert_eq!(tx.transmit(&SELECT_JPKI), Err(TransportError::CardRemoved));
    }

    /// Records being dropped (disconnected).
    struct Flagged(SimTransport, std::sync::Arc<std::sync::atomic::AtomicBool>);

    impl Drop for Flagged {
        fn drop(&mut self) {
            self.1.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    }

    impl Transport for Flagged {
        fn reader_name(&self) -> &str {
            self.0.reader_name()
        }
        fn transaction(&mut self) -> Result<Box<dyn Transaction + '_>, TransportError> {
            self.0.transaction()
        }
        fn reconnect(&mut self, unpower: bool) -> Result<(), TransportError> {
            self.0.reconnect(unpower)
        }
        fn supports_extended_length(&self) -> bool {
            true
        }
        fn disable_extended_length(&mut self) {}
    }

    #[test]
    fn dropping_waits_for_the_worker_to_disconnect() {
        let dropped = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let inner = Flagged(SimTransport::new(plain().build()), dropped.clone());
        let mut g = Guarded::new(inner, quick());
        g.transaction().unwrap().transmit(&SELECT_JPKI).unwrap();
        drop(g);
        assert!(dropped.load(std::sync::atomic::Ordering::SeqCst));
    }

    #[test]
    fn a_connect_error_comes_back_typed() {
        let r = Guarded::connect("R", quick(), || -> Result<SimTransport, _> {
            Err(TransportError::NoCard)
        });
        assert!(matches!(r, Err(TransportError::NoCard)));
    }

    #[test]
    fn the_deadline_setting() {
        assert_eq!(Deadlines::default(), Deadlines::DEFAULT);
        assert_eq!(Deadlines::from_setting(None), Deadlines::DEFAULT);
        assert_eq!(
            Deadlines::from_setting(Some(" 1500 ")),
            Deadlines::scaled(Duration::from_millis(1500))
        );
        for bad in ["", "x", "-5", "99", "600001", "1.5"] {
            assert_eq!(
                Deadlines::from_setting(Some(bad)),
                Deadlines::DEFAULT,
                "{bad:?}"
            );
        }
    }
}
