//! The card monitor: a worker thread that owns the [`Readers`], watches readers and cards, reads
//! each card once when it is placed and turns all of it into [`MonitorEvent`]s. The window and the
//! CLI's `watch` both use it; neither touches a card on its own thread.
//!
//! Event driven: the worker blocks in [`Readers::wait_for_change`]; while the PC/SC service is
//! down it retries about once a second. Requests from the front end (reader filter, typed card
//! expiry, re-read, reading the signing certificate with its password, shut down) wake it
//! through [`Readers::waker`].
//!
//! The signing password travels to the worker inside [`SigningPassword`] (wiped on drop,
//! redacted in Debug) and is dropped as soon as the signing reading returns.

use std::collections::BTreeSet;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use crate::clock::today_jst;
use crate::reading::{EarlyDate, ReadError, ReadOptions, Reader, SignError, SignRequest};
use crate::report::CardReport;
use crate::secret::SigningPassword;
use crate::transport::{ReaderInfo, Readers, Transport, TransportError, Waker, connect_settled};

/// The function that reads one connected card (in the product: [`Reader::read`]).
/// The third argument is told the certificate's expiry as soon as its first chunk arrives
/// ([`Reader::read_with`]); the monitor forwards it as [`MonitorEvent::Date`].
pub type ReadFn = Arc<
    dyn Fn(
            &mut dyn Transport,
            &ReadOptions,
            &mut dyn FnMut(EarlyDate),
        ) -> Result<CardReport, ReadError>
        + Send
        + Sync,
>;

/// The function that reads one connected card with the signing password (in the product:
/// [`Reader::read_signing`]).
pub type SignFn = Arc<
    dyn Fn(&mut dyn Transport, &ReadOptions, &SignRequest<'_>) -> Result<CardReport, SignError>
        + Send
        + Sync,
>;

/// The reading of `reader` as the monitor's [`ReadFn`].
pub fn read_fn(reader: Reader<'static>) -> ReadFn {
    Arc::new(move |t, o, on_date| reader.read_with(t, o, on_date))
}

/// The signing reading of `reader` as the monitor's [`SignFn`].
pub fn sign_fn(reader: Reader<'static>) -> SignFn {
    Arc::new(move |t, o, r| reader.read_signing(t, o, r))
}

/// The product's signing reading, with the J-LIS roots.
pub fn default_sign_fn() -> SignFn {
    sign_fn(Reader::jlis())
}

/// How long one wait for a reader change may block before the worker looks at its requests
/// again. Requests wake it at once; this only bounds a wake lost to a race.
pub const LONG_WAIT: Duration = Duration::from_secs(10);

/// How long the worker waits before asking a stopped PC/SC service again.
pub const SERVICE_RETRY: Duration = Duration::from_secs(1);

/// What the monitor is asked to do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MonitorOptions {
    /// Only readers whose name contains this text (case-insensitive); `None`: every reader.
    pub reader_filter: Option<String>,
    /// The JST date readings are judged on; `None`: today in JST from the clock, at each reading.
    pub today: Option<NaiveDate>,
    /// The card's expiry as typed from the card face, passed to each reading.
    pub card_expiry_typed: Option<NaiveDate>,
}

/// One thing that happened on the readers.
#[derive(Debug, Clone, PartialEq)]
pub enum MonitorEvent {
    /// The readers as they are now (sent whenever the list or a card's presence changes).
    Readers(Vec<ReaderInfo>),
    /// The PC/SC service is not running; the monitor keeps retrying.
    ServiceUnavailable,
    /// A card was placed on this reader and is being read.
    Reading {
        /// The reader's name.
        reader: String,
    },
    /// The certificate's expiry, read from the first chunk of the certificate before the rest
    /// of the reading: not verified yet; a [`MonitorEvent::Report`] (or `Failed`) follows.
    Date {
        /// The reader's name.
        reader: String,
        /// The date and when it came.
        date: EarlyDate,
    },
    /// The card on this reader was read.
    Report {
        /// The reader's name.
        reader: String,
        /// What the reading found.
        report: Box<CardReport>,
    },
    /// Reading the card on this reader failed.
    Failed {
        /// The reader's name.
        reader: String,
        /// Why.
        error: ReadError,
    },
    /// The card left this reader (or the reader went away) and is forgotten.
    Removed {
        /// The reader's name.
        reader: String,
    },
    /// The answer to [`MonitorHandle::read_signing`]: the whole reading with the signing
    /// certificate, or why not (a wrong password says how many tries remain).
    SignResult {
        /// The reader's name.
        reader: String,
        /// What the reading found.
        result: Result<Box<CardReport>, SignError>,
    },
}

/// A request to read the signing certificate, waiting for the worker. Debug is redacted by
/// [`SigningPassword`].
#[derive(Debug)]
struct SignJob {
    reader: String,
    password: SigningPassword,
    confirm_last_try: bool,
    show_personal: bool,
    same_card: Option<String>,
}

/// Requests from the front end to the worker.
#[derive(Debug, Default)]
struct Control {
    options: MonitorOptions,
    /// Something changed: look at the readers again without waiting.
    dirty: bool,
    /// Forget which cards were read, so every present card is read again.
    reread: bool,
    /// A signing reading asked for (at most one; a newer request replaces an older one).
    sign: Option<SignJob>,
    shutdown: bool,
}

type Shared = Arc<(Mutex<Control>, Condvar)>;

fn lock(shared: &Shared) -> MutexGuard<'_, Control> {
    // A poisoned lock only means the other side panicked; the data is still plain values.
    shared.0.lock().unwrap_or_else(|e| e.into_inner())
}

/// Starts the card monitor.
pub struct Monitor;

impl Monitor {
    /// Spawns the worker thread that owns `readers`. Events arrive on the returned receiver;
    /// `notify` (e.g. the window's repaint request) is called after each one.
    /// Signing readings use the product's [`default_sign_fn`].
    pub fn spawn(
        readers: Box<dyn Readers>,
        options: MonitorOptions,
        read: ReadFn,
        notify: Option<Box<dyn Fn() + Send>>,
    ) -> (MonitorHandle, Receiver<MonitorEvent>) {
        Self::spawn_with_signing(readers, options, read, default_sign_fn(), notify)
    }

    /// [`Monitor::spawn`] with a chosen signing reading.
    pub fn spawn_with_signing(
        readers: Box<dyn Readers>,
        options: MonitorOptions,
        read: ReadFn,
        sign: SignFn,
        notify: Option<Box<dyn Fn() + Send>>,
    ) -> (MonitorHandle, Receiver<MonitorEvent>) {
        let (tx, rx) = mpsc::channel();
        let shared: Shared = Arc::new((
            Mutex::new(Control {
                options,
                ..Control::default()
            }),
            Condvar::new(),
        ));
        let waker = readers.waker();
        let worker = Worker {
            readers,
            shared: Arc::clone(&shared),
            read,
            sign,
            tx,
            notify,
            seen: BTreeSet::new(),
        };
        let thread = std::thread::Builder::new()
            .name("myna-kigen-monitor".to_owned())
            .spawn(move || worker.run())
            .map_err(|e| log::error!("could not start the card monitor: {e}"))
            .ok();
        (
            MonitorHandle {
                shared,
                waker,
                thread,
            },
            rx,
        )
    }
}

/// The front end's side of a running monitor. Dropping it shuts the monitor down.
pub struct MonitorHandle {
    shared: Shared,
    waker: Waker,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for MonitorHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MonitorHandle")
            .field("running", &self.thread.is_some())
            .finish()
    }
}

impl MonitorHandle {
    fn request(&self, change: impl FnOnce(&mut Control)) {
        {
            let mut c = lock(&self.shared);
            change(&mut c);
            c.dirty = true;
        }
        self.shared.1.notify_all();
        (self.waker)();
    }

    /// Watches only readers whose name contains `filter` (case-insensitive), or every reader.
    /// Cards on readers that newly match are read.
    pub fn set_reader_filter(&self, filter: Option<String>) {
        self.request(|c| c.options.reader_filter = filter);
    }

    /// Sets the card expiry typed from the card face, used by the next readings (call
    /// [`MonitorHandle::reread`] to apply it to the card already on the reader).
    pub fn set_card_expiry(&self, date: Option<NaiveDate>) {
        self.request(|c| c.options.card_expiry_typed = date);
    }

    /// Reads every card on a watched reader again.
    pub fn reread(&self) {
        self.request(|c| c.reread = true);
    }

    /// Reads the card on `reader` again with the signing certificate, sending `password` at
    /// most once (see [`crate::report::signing::read_card_with_signing`] for when it is not
    /// sent). `same_card`: the serial of the user-authentication certificate the person was
    /// shown; another card on the reader gets [`SignError::CardChanged`] and nothing is sent.
    /// The answer comes as [`MonitorEvent::SignResult`]. Returns at once: the worker does the
    /// reading, and drops (wipes) the password when it returns.
    pub fn read_signing(
        &self,
        reader: String,
        password: SigningPassword,
        confirm_last_try: bool,
        show_personal: bool,
        same_card: Option<String>,
    ) {
        let job = SignJob {
            reader,
            password,
            confirm_last_try,
            show_personal,
            same_card,
        };
        self.request(|c| c.sign = Some(job));
    }

    /// The options in force now.
    pub fn options(&self) -> MonitorOptions {
        lock(&self.shared).options.clone()
    }

    /// Stops the worker and waits for it (also done on drop).
    pub fn shutdown(&mut self) {
        let Some(thread) = self.thread.take() else {
            return;
        };
        self.request(|c| c.shutdown = true);
        // A wake that arrives just before the worker starts waiting can be lost; repeat it
        // until the worker is gone (a reading in progress finishes first).
        let start = Instant::now();
        while !thread.is_finished() && start.elapsed() < LONG_WAIT {
            (self.waker)();
            std::thread::sleep(Duration::from_millis(5));
        }
        if thread.join().is_err() {
            log::error!("the card monitor stopped with a panic");
        }
    }
}

impl Drop for MonitorHandle {
    fn drop(&mut self) {
        self.shutdown();
    }
}

struct Worker {
    readers: Box<dyn Readers>,
    shared: Shared,
    read: ReadFn,
    sign: SignFn,
    tx: Sender<MonitorEvent>,
    notify: Option<Box<dyn Fn() + Send>>,
    /// Readers whose current card was read (or tried), remembered until it leaves.
    seen: BTreeSet<String>,
}

/// Whether the front end stopped listening.
struct Gone;

impl Worker {
    fn emit(&self, event: MonitorEvent) -> Result<(), Gone> {
        self.tx.send(event).map_err(|_| Gone)?;
        if let Some(notify) = &self.notify {
            notify();
        }
        Ok(())
    }

    fn run(mut self) {
        let _ = self.main_loop();
        log::debug!("card monitor stopped");
    }

    fn main_loop(&mut self) -> Result<(), Gone> {
        // `None`: ask for the list at once instead of waiting for a change.
        let mut known: Option<Vec<ReaderInfo>> = None;
        let mut announced: Option<Vec<ReaderInfo>> = None;
        let mut service_down = false;
        loop {
            {
                let mut c = lock(&self.shared);
                if c.shutdown {
                    return Ok(());
                }
                if std::mem::take(&mut c.dirty) {
                    known = None;
                }
                if std::mem::take(&mut c.reread) {
                    self.seen.clear();
                }
            }
            let result = match &known {
                None => self.readers.list(),
                Some(k) => self.readers.wait_for_change(k, LONG_WAIT),
            };
            match result {
                Ok(list) => {
                    service_down = false;
                    if announced.as_ref() != Some(&list) {
                        self.emit(MonitorEvent::Readers(list.clone()))?;
                        announced = Some(list.clone());
                    }
                    self.handle(&list)?;
                    let job = lock(&self.shared).sign.take();
                    if let Some(job) = job {
                        self.sign_one(job, &list)?;
                    }
                    known = Some(list);
                }
                Err(e) => {
                    for reader in std::mem::take(&mut self.seen) {
                        self.emit(MonitorEvent::Removed { reader })?;
                    }
                    let job = lock(&self.shared).sign.take();
                    if let Some(job) = job {
                        // The card is unreachable: nothing is sent.
                        self.emit(MonitorEvent::SignResult {
                            reader: job.reader.clone(),
                            result: Err(SignError::Read(e.clone().into())),
                        })?;
                    }
                    if e == TransportError::ServiceUnavailable {
                        if !service_down {
                            self.emit(MonitorEvent::ServiceUnavailable)?;
                            service_down = true;
                        }
                    } else {
                        log::warn!("watching the readers failed: {e}");
                    }
                    announced = None;
                    known = None;
                    self.pause(SERVICE_RETRY);
                }
            }
        }
    }

    /// Sleeps up to `d`, returning early when the front end asks for something.
    fn pause(&self, d: Duration) {
        let deadline = Instant::now() + d;
        let mut c = lock(&self.shared);
        while !c.dirty && !c.shutdown {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            c = match self.shared.1.wait_timeout(c, deadline - now) {
                Ok((guard, _)) => guard,
                Err(e) => e.into_inner().0,
            };
        }
    }

    /// Compares the list with the cards already handled: reads new cards, forgets gone ones.
    fn handle(&mut self, list: &[ReaderInfo]) -> Result<(), Gone> {
        let options = lock(&self.shared).options.clone();
        let watched = |name: &str| match &options.reader_filter {
            None => true,
            Some(f) => name.to_lowercase().contains(&f.to_lowercase()),
        };
        // Cards that left, readers unplugged or no longer watched.
        let gone: Vec<String> = self
            .seen
            .iter()
            .filter(|name| {
                !list
                    .iter()
                    .any(|r| &r.name == *name && r.has_card && watched(&r.name))
            })
            .cloned()
            .collect();
        for reader in gone {
            self.seen.remove(&reader);
            self.emit(MonitorEvent::Removed { reader })?;
        }
        for r in list {
            if r.has_card && watched(&r.name) && !self.seen.contains(&r.name) {
                self.seen.insert(r.name.clone());
                self.read_one(&r.name, &options)?;
            }
        }
        Ok(())
    }

    fn read_one(&mut self, reader: &str, options: &MonitorOptions) -> Result<(), Gone> {
        self.emit(MonitorEvent::Reading {
            reader: reader.to_owned(),
        })?;
        let read_options = ReadOptions {
            today: options.today.unwrap_or_else(today_jst),
            card_expiry_typed: options.card_expiry_typed,
        };
        let (tx, notify) = (&self.tx, &self.notify);
        let mut on_date = |date: EarlyDate| {
            // A front end that stopped listening is noticed at the next event.
            let sent = tx.send(MonitorEvent::Date {
                reader: reader.to_owned(),
                date,
            });
            if let (Ok(()), Some(notify)) = (sent, notify) {
                notify();
            }
        };
        // A sharing violation right after insertion (another program still holds the card) is
        // waited out for a moment; only a lasting one is shown.
        let result = match connect_settled(self.readers.as_mut(), reader) {
            Ok(mut transport) => (self.read)(transport.as_mut(), &read_options, &mut on_date),
            Err(e) => Err(ReadError::from(e)),
        };
        let event = match result {
            Ok(report) => MonitorEvent::Report {
                reader: reader.to_owned(),
                report: Box::new(report),
            },
            Err(error) => MonitorEvent::Failed {
                reader: reader.to_owned(),
                error,
            },
        };
        self.emit(event)
    }
}

impl Worker {
    /// Reads the signing certificate of the card on `job.reader`, if it is still the card that
    /// was read there (it has not left since; `same_card` is checked inside the reading, before
    /// anything is sent).
    fn sign_one(&mut self, job: SignJob, list: &[ReaderInfo]) -> Result<(), Gone> {
        let SignJob {
            reader,
            password,
            confirm_last_try,
            show_personal,
            same_card,
        } = job;
        let on_reader = list.iter().any(|r| r.name == reader && r.has_card);
        let result = if !on_reader || !self.seen.contains(&reader) {
            // The card left (a new one, if any, has not been shown to the person yet).
            Err(SignError::CardChanged)
        } else {
            let options = lock(&self.shared).options.clone();
            let read_options = ReadOptions {
                today: options.today.unwrap_or_else(today_jst),
                card_expiry_typed: options.card_expiry_typed,
            };
            let request = SignRequest {
                password: &password,
                confirm_last_try,
                show_personal,
                same_card: same_card.as_deref(),
            };
            connect_settled(self.readers.as_mut(), &reader)
                .map_err(|e| SignError::Read(e.into()))
                .and_then(|mut transport| (self.sign)(transport.as_mut(), &read_options, &request))
        };
        // The password is not needed any more: wiped here, before the answer goes out.
        drop(password);
        self.emit(MonitorEvent::SignResult {
            reader,
            result: result.map(Box::new),
        })
    }
}

#[cfg(test)]
mod tests;
