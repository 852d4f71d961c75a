//! The simulated card behind the [`crate::transport`] traits: [`SimTransport`] (one card in
//! the "Simulated Reader") and [`SimReaders`] (readers that come and go, cards placed and
//! removed, a service that stops), driven from tests and other threads by a
//! [`SimReadersHandle`].

use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::transport::{
    Deadlines, Guarded, ReaderInfo, Readers, Transaction, Transport, TransportError, Waker,
};

use super::card::SimCard;

/// The reader name of a [`SimTransport::new`].
pub const READER_NAME: &str = "Simulated Reader";

type Notify = Arc<dyn Fn() + Send + Sync>;

/// One simulated card in one reader.
pub struct SimTransport {
    card: Arc<Mutex<SimCard>>,
    name: String,
    extended: bool,
    on_removal: Option<Notify>,
}

impl std::fmt::Debug for SimTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimTransport")
            .field("name", &self.name)
            .field("extended", &self.extended)
            .finish_non_exhaustive()
    }
}

fn lock(card: &Mutex<SimCard>) -> Result<MutexGuard<'_, SimCard>, TransportError> {
    card.lock()
        .map_err(|_| TransportError::Other("the simulated card is unusable".to_owned()))
}

impl SimTransport {
    /// The card in a reader called `"Simulated Reader"`.
    pub fn new(card: SimCard) -> Self {
        Self::shared(Arc::new(Mutex::new(card)))
    }

    /// A card the caller keeps a handle on (to inspect its log or counters, or place it back).
    pub fn shared(card: Arc<Mutex<SimCard>>) -> Self {
        SimTransport {
            card,
            name: READER_NAME.to_owned(),
            extended: true,
            on_removal: None,
        }
    }

    /// The same transport under another reader name.
    pub fn with_name(mut self, name: &str) -> Self {
        name.clone_into(&mut self.name);
        self
    }

    /// The card.
    pub fn card(&self) -> Arc<Mutex<SimCard>> {
        Arc::clone(&self.card)
    }

    /// Puts the card back on the reader after a removal (see [`SimCard::place`]).
    pub fn place_card(&self) -> Result<(), TransportError> {
        lock(&self.card)?.place();
        Ok(())
    }
}

impl Transport for SimTransport {
    fn reader_name(&self) -> &str {
        &self.name
    }

    fn transaction(&mut self) -> Result<Box<dyn Transaction + '_>, TransportError> {
        if lock(&self.card)?.is_removed() {
            return Err(TransportError::CardRemoved);
        }
        Ok(Box::new(SimTransaction { transport: self }))
    }

    fn reconnect(&mut self, unpower: bool) -> Result<(), TransportError> {
        let mut card = lock(&self.card)?;
        if card.is_removed() {
            return Err(TransportError::CardRemoved);
        }
        if unpower {
            card.power_off();
            card.power_on();
        } else {
            card.reset_warm();
        }
        Ok(())
    }

    fn supports_extended_length(&self) -> bool {
        self.extended
    }

    fn disable_extended_length(&mut self) {
        self.extended = false;
    }

    fn atr(&self) -> Option<Vec<u8>> {
        self.card.lock().ok().map(|card| card.atr())
    }
}

struct SimTransaction<'a> {
    transport: &'a SimTransport,
}

/// How long a transmit to a mute simulated card blocks before it gives up like a reader that
/// times out by itself ([`TransportError::Timeout`]); removing the card ends it at once. Far
/// beyond any deadline of [`crate::transport::Deadlines`], so the deadline is what a test sees.
pub const MUTE_BLOCKS_FOR: Duration = Duration::from_secs(60);

/// A transmit to a mute card: blocks, as a real reader does, until the card is taken out or
/// [`MUTE_BLOCKS_FOR`] has passed.
fn wait_while_mute(card: &Mutex<SimCard>) -> Result<Vec<u8>, TransportError> {
    let until = Instant::now() + MUTE_BLOCKS_FOR;
    while Instant::now() < until {
        if lock(card)?.is_removed() {
            return Err(TransportError::CardRemoved);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Err(TransportError::Timeout)
}

impl Transaction for SimTransaction<'_> {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        let (response, removed_now, mute) = {
            let mut card = lock(&self.transport.card)?;
            if card.is_removed() {
                return Err(TransportError::CardRemoved);
            }
            if card.is_mute() {
                (Vec::new(), false, true)
            } else {
                let response = card.process(command);
                (response, card.is_removed(), card.is_mute())
            }
        };
        if mute {
            return wait_while_mute(&self.transport.card);
        }
        if removed_now && let Some(notify) = &self.transport.on_removal {
            notify();
        }
        Ok(response)
    }

    fn card_present(&mut self) -> Option<bool> {
        lock(&self.transport.card).ok().map(|c| !c.is_removed())
    }
}

/// One simulated reader, maybe holding a card.
struct SimReader {
    name: String,
    card: Option<Arc<Mutex<SimCard>>>,
    /// Connection attempts still to be refused with a sharing violation: another program
    /// holds the card placed a moment ago ([`SimReadersHandle::place_busy`]).
    busy: u32,
}

struct State {
    running: bool,
    readers: Vec<SimReader>,
    woken: bool,
}

struct Shared {
    state: Mutex<State>,
    changed: Condvar,
}

impl Shared {
    fn state(&self) -> Result<MutexGuard<'_, State>, TransportError> {
        self.state
            .lock()
            .map_err(|_| TransportError::Other("the simulated readers are unusable".to_owned()))
    }

    fn modify(&self, change: impl FnOnce(&mut State)) {
        if let Ok(mut state) = self.state.lock() {
            change(&mut state);
        }
        self.changed.notify_all();
    }
}

fn snapshot(state: &State) -> Vec<ReaderInfo> {
    state
        .readers
        .iter()
        .map(|r| ReaderInfo {
            name: r.name.clone(),
            has_card: r
                .card
                .as_ref()
                .is_some_and(|c| c.lock().is_ok_and(|c| !c.is_removed())),
        })
        .collect()
}

/// Simulated readers: start empty with the service running; change them through
/// [`SimReaders::handle`].
pub struct SimReaders {
    shared: Arc<Shared>,
    deadlines: Option<Deadlines>,
}

/// Changes the simulated readers from any thread (Clone + Send).
#[derive(Clone)]
pub struct SimReadersHandle {
    shared: Arc<Shared>,
}

impl Default for SimReaders {
    fn default() -> Self {
        Self::new()
    }
}

impl SimReaders {
    /// No readers, service running.
    pub fn new() -> Self {
        SimReaders {
            deadlines: None,
            shared: Arc::new(Shared {
                state: Mutex::new(State {
                    running: true,
                    readers: Vec::new(),
                    woken: false,
                }),
                changed: Condvar::new(),
            }),
        }
    }

    /// One reader called `"Simulated Reader"` holding `card`.
    pub fn with_card(card: SimCard) -> Self {
        let readers = Self::new();
        let handle = readers.handle();
        handle.plug(READER_NAME);
        handle.place(READER_NAME, card);
        readers
    }

    /// Cards connected from now on run behind [`Guarded`] with these deadlines, as PC/SC cards
    /// do: a mute card ([`crate::sim::SimCardBuilder::mute_at`]) then gives
    /// [`TransportError::NotAnswering`] instead of blocking.
    pub fn with_deadlines(mut self, deadlines: Deadlines) -> Self {
        self.deadlines = Some(deadlines);
        self
    }

    /// The handle that changes these readers.
    pub fn handle(&self) -> SimReadersHandle {
        SimReadersHandle {
            shared: Arc::clone(&self.shared),
        }
    }
}

impl SimReadersHandle {
    /// Plugs in an empty reader (no-op when one with that name is there).
    pub fn plug(&self, name: &str) {
        self.shared.modify(|s| {
            if !s.readers.iter().any(|r| r.name == name) {
                s.readers.push(SimReader {
                    name: name.to_owned(),
                    card: None,
                    busy: 0,
                });
            }
        });
    }

    /// Unplugs a reader (and its card).
    pub fn unplug(&self, name: &str) {
        self.shared.modify(|s| {
            s.readers.retain(|r| r.name != name);
        });
    }

    /// Places `card` on the reader; returns the shared card for inspection.
    pub fn place(&self, reader: &str, card: SimCard) -> Arc<Mutex<SimCard>> {
        let card = Arc::new(Mutex::new(card));
        self.place_shared(reader, Arc::clone(&card));
        card
    }

    /// Places an already shared card on the reader (placing it afresh: powered on, removal
    /// point disarmed).
    pub fn place_shared(&self, reader: &str, card: Arc<Mutex<SimCard>>) {
        self.place_shared_busy(reader, card, 0);
    }

    /// Places `card` while another program holds it, as on Windows right after insertion (the
    /// certificate propagation service, the J-LIS client): the first `refusals` connection
    /// attempts get [`TransportError::SharingViolation`], later ones connect (`u32::MAX`: the
    /// other program never lets go). Returns the shared card.
    pub fn place_busy(&self, reader: &str, card: SimCard, refusals: u32) -> Arc<Mutex<SimCard>> {
        let card = Arc::new(Mutex::new(card));
        self.place_shared_busy(reader, Arc::clone(&card), refusals);
        card
    }

    fn place_shared_busy(&self, reader: &str, card: Arc<Mutex<SimCard>>, refusals: u32) {
        if let Ok(mut c) = card.lock() {
            c.place();
        }
        self.shared.modify(|s| {
            if let Some(r) = s.readers.iter_mut().find(|r| r.name == reader) {
                r.card = Some(card);
                r.busy = refusals;
            }
        });
    }

    /// Takes the card off the reader: transmits on its transports fail as removed.
    pub fn remove_card(&self, reader: &str) {
        self.shared.modify(|s| {
            if let Some(r) = s.readers.iter_mut().find(|r| r.name == reader)
                && let Some(card) = r.card.take()
                && let Ok(mut c) = card.lock()
            {
                c.remove();
            }
        });
    }

    /// Stops the simulated PC/SC service: everything answers `ServiceUnavailable`.
    pub fn stop_service(&self) {
        self.shared.modify(|s| s.running = false);
    }

    /// Starts the service again.
    pub fn start_service(&self) {
        self.shared.modify(|s| s.running = true);
    }
}

impl Readers for SimReaders {
    fn list(&mut self) -> Result<Vec<ReaderInfo>, TransportError> {
        let state = self.shared.state()?;
        if !state.running {
            return Err(TransportError::ServiceUnavailable);
        }
        Ok(snapshot(&state))
    }

    fn connect(&mut self, reader: &str) -> Result<Box<dyn Transport>, TransportError> {
        let mut state = self.shared.state()?;
        if !state.running {
            return Err(TransportError::ServiceUnavailable);
        }
        let found = state
            .readers
            .iter_mut()
            .find(|r| r.name == reader)
            .ok_or_else(|| TransportError::ReaderNotFound(reader.to_owned()))?;
        let card = Arc::clone(found.card.as_ref().ok_or(TransportError::NoCard)?);
        if lock(&card)?.is_removed() {
            return Err(TransportError::NoCard);
        }
        if found.busy > 0 {
            found.busy -= 1;
            return Err(TransportError::SharingViolation);
        }
        let shared = Arc::clone(&self.shared);
        drop(state);
        let mut transport = SimTransport::shared(card).with_name(reader);
        transport.on_removal = Some(Arc::new(move || shared.modify(|_| {})));
        Ok(match self.deadlines {
            Some(deadlines) => Box::new(Guarded::new(transport, deadlines)),
            None => Box::new(transport),
        })
    }

    fn wait_for_change(
        &mut self,
        known: &[ReaderInfo],
        timeout: Duration,
    ) -> Result<Vec<ReaderInfo>, TransportError> {
        let deadline = Instant::now() + timeout;
        let mut state = self.shared.state()?;
        loop {
            if !state.running {
                return Err(TransportError::ServiceUnavailable);
            }
            let now = snapshot(&state);
            if now != known || state.woken {
                state.woken = false;
                return Ok(now);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(now);
            }
            state = self
                .shared
                .changed
                .wait_timeout(state, left)
                .map_err(|_| {
                    TransportError::Other("the simulated readers are unusable".to_owned())
                })?
                .0;
        }
    }

    fn waker(&self) -> Waker {
        let shared = Arc::clone(&self.shared);
        Arc::new(move || shared.modify(|s| s.woken = true))
    }
}

#[cfg(test)]
mod tests;
