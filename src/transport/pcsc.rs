//! PC/SC readers through the `pcsc` crate: the only file that names it. Lists readers, connects
//! in shared mode with one transaction per reading, watches for readers and cards (with the PnP
//! notification), survives a restart of the PC/SC service, and maps PC/SC failures to
//! [`TransportError`] (the table in `shared/docs/platform-notes.md`).
//!
//! Each connected card lives on a worker thread of its own, with a PC/SC context of its own,
//! behind [`Guarded`]: every call to it has a deadline, and a card that never answers is given
//! up instead of blocking the caller (see [`super::guard`]). The context is its own because
//! pcsc-lite locks a context for the whole of a transmit: a transmit stuck on a mute card would
//! otherwise block this module's listing and waiting too.

use std::ffi::CString;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use pcsc::{Context, Disposition, Protocols, ReaderState, Scope, ShareMode, State};

use super::{
    Deadlines, Guarded, PRESENCE_SETTLE, ReaderInfo, Readers, Transaction, Transport,
    TransportError, Waker,
};

/// How often [`PcscReaders::wait_for_change`] looks for the service again while it is down.
const SERVICE_POLL: Duration = Duration::from_millis(250);

/// Maps a PC/SC failure to the transport's typed error.
pub fn map_error(error: pcsc::Error) -> TransportError {
    use pcsc::Error as E;
    match error {
        E::NoService | E::ServiceStopped | E::Shutdown => TransportError::ServiceUnavailable,
        E::NoReadersAvailable | E::ReaderUnavailable | E::UnknownReader => TransportError::NoReader,
        E::NoSmartcard => TransportError::NoCard,
        // A removal during a transmit first shows as NotTransacted (platform-notes.md).
        E::RemovedCard | E::NotTransacted => TransportError::CardRemoved,
        // Lost power or reset by someone else: the card's state is gone, start again.
        E::ResetCard | E::UnpoweredCard => TransportError::CardReset,
        E::SharingViolation => TransportError::SharingViolation,
        E::Timeout => TransportError::Timeout,
        // No answer to reset: a card that does not answer.
        E::UnresponsiveCard => TransportError::NotAnswering,
        other => TransportError::Other(other.to_string()),
    }
}

/// Whether a PC/SC failure means the context itself is gone (the service stopped or restarted)
/// and must be established again. A pending `SCardGetStatusChange` whose pcscd dies returns
/// `CommError` (pcsc-lite's socket to the daemon broke), seen with pcsc-lite 1.9.9.
fn context_lost(error: pcsc::Error) -> bool {
    matches!(
        error,
        pcsc::Error::NoService
            | pcsc::Error::ServiceStopped
            | pcsc::Error::Shutdown
            | pcsc::Error::InvalidHandle
            | pcsc::Error::CommError
    )
}

/// The system's PC/SC readers.
pub struct PcscReaders {
    context: Option<Context>,
    /// The context a [`Waker`] cancels: the current one, replaced when it is re-established.
    wake_target: Arc<Mutex<Option<Context>>>,
    /// Set by a [`Waker`]; makes the next or the pending wait return at once.
    woken: Arc<AtomicBool>,
    /// The bounds on every exchange with a card connected from here.
    deadlines: Deadlines,
}

impl PcscReaders {
    /// Establishes a PC/SC context. A stopped service is [`TransportError::ServiceUnavailable`].
    pub fn new() -> Result<Self, TransportError> {
        let mut readers = Self::lazy();
        readers.context()?;
        Ok(readers)
    }

    /// Readers whose context is established on first use, for programs that wait for readers
    /// (`watch`, the window): a service that is not running yet is not an error here. Until it
    /// runs every call reports [`TransportError::ServiceUnavailable`]; then the readers appear,
    /// as after a restart of the service.
    pub fn lazy() -> Self {
        Self {
            context: None,
            wake_target: Arc::new(Mutex::new(None)),
            woken: Arc::new(AtomicBool::new(false)),
            deadlines: Deadlines::from_env(),
        }
    }

    /// The same readers with other deadlines for the cards connected from now on (the default
    /// is [`Deadlines::from_env`]).
    pub fn with_deadlines(mut self, deadlines: Deadlines) -> Self {
        self.deadlines = deadlines;
        self
    }

    /// The current context, established again when an earlier call found it lost.
    fn context(&mut self) -> Result<Context, TransportError> {
        if let Some(c) = &self.context {
            return Ok(c.clone());
        }
        let context = Context::establish(Scope::User).map_err(map_error)?;
        if let Ok(mut target) = self.wake_target.lock() {
            *target = Some(context.clone());
        }
        self.context = Some(context.clone());
        Ok(context)
    }

    /// Runs `f` on the context; when the context turns out to be lost (the service restarted),
    /// establishes a new one and runs `f` once more.
    fn with_context<T>(
        &mut self,
        mut f: impl FnMut(&Context) -> Result<T, pcsc::Error>,
    ) -> Result<T, TransportError> {
        let context = self.context()?;
        match f(&context) {
            Err(e) if context_lost(e) => {
                self.forget_context();
                let context = self.context()?;
                f(&context).map_err(|e| {
                    if context_lost(e) {
                        self.forget_context();
                    }
                    map_error(e)
                })
            }
            other => other.map_err(map_error),
        }
    }

    fn forget_context(&mut self) {
        self.context = None;
        if let Ok(mut target) = self.wake_target.lock() {
            *target = None;
        }
    }

    /// Reader names, then whether each holds a card (one non-blocking status query).
    fn list_now(&mut self) -> Result<Vec<ReaderInfo>, TransportError> {
        self.with_context(|context| {
            let names = match context.list_readers_owned() {
                Ok(names) => names,
                Err(pcsc::Error::NoReadersAvailable) => return Ok(Vec::new()),
                Err(e) => return Err(e),
            };
            let mut states: Vec<ReaderState> = names
                .iter()
                .map(|n| ReaderState::new(n.clone(), State::UNAWARE))
                .collect();
            match context.get_status_change(Duration::ZERO, &mut states) {
                Ok(()) | Err(pcsc::Error::Timeout) => {}
                Err(pcsc::Error::UnknownReader) => {} // unplugged meanwhile
                Err(e) => return Err(e),
            }
            Ok(states
                .iter()
                .map(|s| ReaderInfo {
                    name: s.name().to_string_lossy().into_owned(),
                    has_card: present(s.event_state()),
                })
                .collect())
        })
    }

    /// While the service is down: look for it again until `timeout` or a wake.
    fn wait_for_service(&mut self, timeout: Duration) -> Result<Vec<ReaderInfo>, TransportError> {
        let deadline = Instant::now() + timeout;
        loop {
            if self.woken.swap(false, Ordering::SeqCst) {
                return Err(TransportError::ServiceUnavailable);
            }
            match self.list_now() {
                Err(TransportError::ServiceUnavailable) => {}
                other => return other,
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(TransportError::ServiceUnavailable);
            }
            std::thread::sleep(left.min(SERVICE_POLL));
        }
    }
}

/// A card is usable in the reader: present and not mute.
fn present(state: State) -> bool {
    state.contains(State::PRESENT) && !state.contains(State::MUTE)
}

/// The same readers with the same cards, in any order.
fn same(a: &[ReaderInfo], b: &[ReaderInfo]) -> bool {
    let key = |v: &[ReaderInfo]| {
        let mut k: Vec<(String, bool)> = v.iter().map(|r| (r.name.clone(), r.has_card)).collect();
        k.sort();
        k
    };
    key(a) == key(b)
}

impl Readers for PcscReaders {
    fn list(&mut self) -> Result<Vec<ReaderInfo>, TransportError> {
        self.list_now()
    }

    /// One attempt; a card placed a moment ago is given time by
    /// [`super::connect_settled`], which the reading's callers use.
    fn connect(&mut self, reader: &str) -> Result<Box<dyn Transport>, TransportError> {
        let name =
            CString::new(reader).map_err(|_| TransportError::ReaderNotFound(reader.to_owned()))?;
        match Guarded::connect(reader, self.deadlines, move || connect_card(name)) {
            Ok(card) => {
                // Extended length or not, decided before anything is sent (the reader's own
                // claim is already in `card`; then the ATR and the cache).
                let atr = card.atr().unwrap_or_default();
                let extended = super::capability::extended_claim(reader, &atr);
                Ok(Box::new(card.with_capabilities(extended)))
            }
            Err(TransportError::NoReader) => Err(TransportError::ReaderNotFound(reader.to_owned())),
            Err(e) => Err(e),
        }
    }

    fn wait_for_change(
        &mut self,
        known: &[ReaderInfo],
        timeout: Duration,
    ) -> Result<Vec<ReaderInfo>, TransportError> {
        let now = match self.list_now() {
            Err(TransportError::ServiceUnavailable) => return self.wait_for_service(timeout),
            other => other?,
        };
        if self.woken.swap(false, Ordering::SeqCst) || !same(&now, known) {
            return Ok(now);
        }
        let waited = self.with_context(|context| {
            let mut states: Vec<ReaderState> = now
                .iter()
                .filter_map(|r| CString::new(r.name.as_str()).ok())
                .map(|n| ReaderState::new(n, State::UNAWARE))
                .collect();
            // Readers plugged in later are announced through the PnP pseudo-reader.
            states.push(ReaderState::new(pcsc::PNP_NOTIFICATION(), State::UNAWARE));
            // First learn the current states, then block until one differs.
            match context.get_status_change(Duration::ZERO, &mut states) {
                Ok(()) | Err(pcsc::Error::Timeout) => {}
                Err(e) => return Err(e),
            }
            // A change between the listing and this query must not be slept through.
            let moved = now
                .iter()
                .zip(&states)
                .any(|(r, s)| present(s.event_state()) != r.has_card);
            if moved {
                return Ok(());
            }
            for s in &mut states {
                s.sync_current_state();
            }
            match context.get_status_change(timeout, &mut states) {
                Ok(())
                | Err(pcsc::Error::Timeout)
                | Err(pcsc::Error::Cancelled)
                | Err(pcsc::Error::UnknownReader) => Ok(()),
                Err(e) => Err(e),
            }
        });
        self.woken.store(false, Ordering::SeqCst);
        match waited {
            Err(TransportError::ServiceUnavailable) => Err(TransportError::ServiceUnavailable),
            Err(e) => Err(e),
            Ok(()) => self.list_now(),
        }
    }

    fn waker(&self) -> Waker {
        let target = Arc::clone(&self.wake_target);
        let woken = Arc::clone(&self.woken);
        Arc::new(move || {
            woken.store(true, Ordering::SeqCst);
            if let Ok(guard) = target.lock()
                && let Some(context) = guard.as_ref()
            {
                // Fails only when nothing is waiting or the service is gone; the flag covers both.
                let _ = context.cancel();
            }
        })
    }
}

/// Connects to the card in `reader` with a context of its own (on the card's worker thread).
fn connect_card(reader: CString) -> Result<PcscTransport, TransportError> {
    let context = Context::establish(Scope::User).map_err(map_error)?;
    let card = context
        .connect(&reader, ShareMode::Shared, Protocols::T0 | Protocols::T1)
        .map_err(map_error)?;
    let extended_by_reader = reader_extended(&card);
    Ok(PcscTransport {
        name: reader.to_string_lossy().into_owned(),
        context,
        card,
        reader,
        extended_by_reader,
    })
}

/// What the reader's PC/SC part 10 properties say about extended length (GET_FEATURE_REQUEST,
/// then GET_TLV_PROPERTIES): `None` when the driver offers neither, as many do.
fn reader_extended(card: &pcsc::Card) -> Option<bool> {
    let mut buffer = [0u8; 256];
    let features = card
        .control(pcsc::ctl_code(3400), &[], &mut buffer)
        .ok()?
        .to_vec();
    let code =
        super::capability::feature_code(&features, super::capability::FEATURE_GET_TLV_PROPERTIES)?;
    let properties = card.control(code as _, &[], &mut buffer).ok()?;
    super::capability::extended_from_properties(properties)
}

/// One card connected through PC/SC (shared mode; each reading runs in a transaction). Lives
/// on the card's worker thread inside a [`Guarded`]; the extended-length claim is kept there.
struct PcscTransport {
    context: Context,
    card: pcsc::Card,
    reader: CString,
    name: String,
    /// The reader's part 10 claim about extended length, when it makes one.
    extended_by_reader: Option<bool>,
}

/// A PC/SC transaction: no other program talks to the card until it is dropped.
struct PcscTransaction<'a> {
    tx: pcsc::Transaction<'a>,
    context: &'a Context,
    reader: &'a CString,
    buffer: Vec<u8>,
}

impl Transaction for PcscTransaction<'_> {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        // The card was there when the transaction began: "no card" now means it was removed
        // (pcscd says one or the other depending on when it noticed).
        let answer =
            self.tx
                .transmit(command, &mut self.buffer)
                .map_err(|e| match map_error(e) {
                    TransportError::NoCard => TransportError::CardRemoved,
                    other => other,
                })?;
        if answer.len() < 2 {
            return Err(TransportError::MalformedResponse);
        }
        Ok(answer.to_vec())
    }

    fn card_present(&mut self) -> Option<bool> {
        match self.tx.status2_owned() {
            Ok(status) if !status.status().contains(pcsc::Status::PRESENT) => return Some(false),
            Ok(_) => {}
            Err(pcsc::Error::RemovedCard | pcsc::Error::NoSmartcard) => return Some(false),
            Err(_) => return None,
        }
        // pcscd may not have polled the reader since the card left (about every 400 ms): wait
        // a moment for it to say so.
        still_present(self.context, self.reader, PRESENCE_SETTLE)
    }
}

/// Whether the reader still holds a card after `settle`, or `Some(false)` as soon as pcscd
/// says it is gone. `None` when pcscd does not tell.
fn still_present(context: &Context, reader: &CString, settle: Duration) -> Option<bool> {
    let deadline = Instant::now() + settle;
    let mut states = [ReaderState::new(reader.clone(), State::UNAWARE)];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match context.get_status_change(left, &mut states) {
            Ok(()) => {}
            Err(pcsc::Error::Timeout) => return Some(true),
            Err(_) => return None,
        }
        let [state] = &mut states;
        if !present(state.event_state()) {
            return Some(false);
        }
        if left.is_zero() {
            return Some(true);
        }
        state.sync_current_state();
    }
}

impl Transport for PcscTransport {
    fn reader_name(&self) -> &str {
        &self.name
    }

    fn transaction(&mut self) -> Result<Box<dyn Transaction + '_>, TransportError> {
        let tx = self.card.transaction().map_err(map_error)?;
        Ok(Box::new(PcscTransaction {
            tx,
            context: &self.context,
            reader: &self.reader,
            buffer: vec![0; pcsc::MAX_BUFFER_SIZE_EXTENDED],
        }))
    }

    fn reconnect(&mut self, unpower: bool) -> Result<(), TransportError> {
        let disposition = if unpower {
            Disposition::UnpowerCard
        } else {
            Disposition::ResetCard
        };
        self.card
            .reconnect(
                ShareMode::Shared,
                Protocols::T0 | Protocols::T1,
                disposition,
            )
            .map_err(map_error)
    }

    fn supports_extended_length(&self) -> bool {
        self.extended_by_reader.unwrap_or(true)
    }

    fn disable_extended_length(&mut self) {}

    fn atr(&self) -> Option<Vec<u8>> {
        self.card
            .status2_owned()
            .ok()
            .map(|status| status.atr().to_vec())
    }

    fn reopen(&mut self) -> Result<(), TransportError> {
        self.card = self
            .context
            .connect(
                &self.reader,
                ShareMode::Shared,
                Protocols::T0 | Protocols::T1,
            )
            .map_err(map_error)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pcsc_errors_map_to_typed_errors() {
        use pcsc::Error as E;
        let table = [
            (E::NoService, TransportError::ServiceUnavailable),
            (E::ServiceStopped, TransportError::ServiceUnavailable),
            (E::Shutdown, TransportError::ServiceUnavailable),
            (E::NoReadersAvailable, TransportError::NoReader),
            (E::ReaderUnavailable, TransportError::NoReader),
            (E::UnknownReader, TransportError::NoReader),
            (E::NoSmartcard, TransportError::NoCard),
            (E::RemovedCard, TransportError::CardRemoved),
            (E::NotTransacted, TransportError::CardRemoved),
            (E::ResetCard, TransportError::CardReset),
            (E::UnpoweredCard, TransportError::CardReset),
            (E::SharingViolation, TransportError::SharingViolation),
            (E::Timeout, TransportError::Timeout),
        ];
        for (e, want) in table {
            assert_eq!(map_error(e), want, "{e:?}");
        }
        assert!(matches!(
            map_error(E::CommError),
            TransportError::Other(s) if !s.is_empty()
        ));
        assert_eq!(map_error(E::UnresponsiveCard), TransportError::NotAnswering);
    }

    #[test]
    fn lost_context_is_recognised() {
        assert!(context_lost(pcsc::Error::NoService));
        assert!(context_lost(pcsc::Error::InvalidHandle));
        assert!(context_lost(pcsc::Error::CommError));
        assert!(!context_lost(pcsc::Error::Timeout));
        assert!(!context_lost(pcsc::Error::NoSmartcard));
    }

    #[test]
    fn reader_lists_compare_in_any_order() {
        let a = ReaderInfo {
            name: "A".into(),
            has_card: true,
        };
        let b = ReaderInfo {
            name: "B".into(),
            has_card: false,
        };
        assert!(same(&[a.clone(), b.clone()], &[b.clone(), a.clone()]));
        let a_empty = ReaderInfo {
            has_card: false,
            ..a.clone()
        };
        assert!(!same(&[a.clone(), b.clone()], &[a_empty, b.clone()]));
        assert!(!same(&[a], &[]));
    }

    #[test]
    fn presence_needs_a_responsive_card() {
        assert!(present(State::PRESENT | State::CHANGED));
        assert!(!present(State::EMPTY));
        assert!(!present(State::PRESENT | State::MUTE));
    }
}
