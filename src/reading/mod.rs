//! What happens on the card, returning typed data: one reading without a PIN ([`Reader::read`]),
//! the PIN counters alone ([`Reader::pins`]), and the reading with the signing password
//! ([`Reader::read_signing`], or [`Reader::read_signing_after`] a reading already shown). The sequence of APDUs is `docs/apdus.md`'s; sentences live in
//! [`crate::messages`], exit codes in [`crate::cli`].

mod decision;
mod error;
mod genuine;
mod session;
mod signing;

pub use decision::{Decision, Refusal, decide, is_locked, needs_last_try_confirmation};
pub use error::{ReadError, SignError};
pub use signing::SignRequest;

use chrono::NaiveDate;

use crate::card::{CardSession, EF_AUTH_CA, PinId, PinState};
use crate::cert::TrustStore;
use crate::report::{
    CardInfo, CardReport, CertReport, CertSlot, ExpirySource, NotReadReason, PinReport, Pins,
    Warning,
};
use crate::transport::Transport;

/// The user-authentication certificate's expiry as read from its first chunk, before the rest
/// of the reading: not yet verified (the report that follows is the answer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EarlyDate {
    /// The last valid day (the JST date of notAfter).
    pub expiry: NaiveDate,
    /// The commands sent when it arrived.
    pub apdus: u32,
}

/// What the person asked of one reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOptions {
    /// Today's JST date: days left and status are judged on it.
    pub today: NaiveDate,
    /// The card's expiry as printed on its face, typed by the person (used when the card does
    /// not tell; a disagreement with the card is a warning).
    pub card_expiry_typed: Option<NaiveDate>,
}

/// Reads cards, judging genuineness against one trust store. Every front end reads through
/// this value: the CLI, `watch` and the window's monitor.
#[derive(Debug, Clone, Copy)]
pub struct Reader<'t> {
    trust: &'t TrustStore,
}

impl Reader<'static> {
    /// The product's reader: the six compiled-in J-LIS roots (and the simulated card's two,
    /// reported as verified-simulated, never as genuine), one key cache for the process.
    pub fn jlis() -> Self {
        Reader {
            trust: TrustStore::global(),
        }
    }
}

impl<'t> Reader<'t> {
    /// A reader judging against `trust` (tests add the simulated card's roots to it).
    pub fn new(trust: &'t TrustStore) -> Self {
        Reader { trust }
    }

    /// Reads one card: card kind, card expiry, the user-authentication certificate and its
    /// genuineness, what is known of the signing certificate, and the PIN tries, all without a
    /// PIN. The issuing CA certificate (EF `000B`) is read only when the trust store holds no
    /// verified key for the certificate's authority key identifier.
    pub fn read(
        &self,
        transport: &mut dyn Transport,
        options: &ReadOptions,
    ) -> Result<CardReport, ReadError> {
        self.read_with(transport, options, &mut |_| {})
    }

    /// [`Reader::read`], telling `on_date` the certificate's expiry the moment the first chunk of
    /// EF 000A has arrived (by the 3rd command on a My Number Card), before the rest is read and
    /// verified: a front end can show the date, marked as being checked, while the report is
    /// completed. Not called when the first chunk does not hold a validity.
    pub fn read_with(
        &self,
        transport: &mut dyn Transport,
        options: &ReadOptions,
        on_date: &mut dyn FnMut(EarlyDate),
    ) -> Result<CardReport, ReadError> {
        let reader = transport.reader_name().to_owned();
        let mut tell = |head: &[u8], apdus: u32| {
            if let Some(not_after) = crate::cert::not_after_from_head(head) {
                on_date(EarlyDate {
                    expiry: not_after.date_naive(),
                    apdus,
                });
            }
        };
        session::with_session(transport, Some(&mut tell), |s| {
            self.read_session(s, reader, options)
        })
    }

    /// The tries left of every PIN the card exposes, spending none, in the order the card
    /// was asked (by application), and the APDUs it took.
    pub fn pins(
        &self,
        transport: &mut dyn Transport,
    ) -> Result<(Vec<(PinId, PinReport)>, u32), ReadError> {
        session::with_session(transport, None, |s| {
            let pins = s.pins()?;
            Ok((
                pins.iter().map(|p| (p.id, PinReport::from(p))).collect(),
                s.apdu_count(),
            ))
        })
    }

    pub(crate) fn read_session(
        &self,
        session: &mut CardSession<'_>,
        reader: String,
        options: &ReadOptions,
    ) -> Result<CardReport, ReadError> {
        let public = session.read_public()?;
        let today = options.today;
        let mut warnings = Vec::new();

        let auth = match &public.auth_cert {
            Some(der) => {
                let cert = crate::cert::parse(der)?;
                let genuine = genuine::judge(session, self.trust, &cert, EF_AUTH_CA)?;
                warnings.extend(Warning::of_genuineness(genuine));
                CertSlot::Read(Box::new(CertReport::new(&cert, genuine, today, true)))
            }
            None => {
                warnings.push(Warning::NoAuthCertificate);
                CertSlot::not_read(Some(false), NotReadReason::Absent)
            }
        };

        let present = public.sign_presence.known();
        let sign = CertSlot::not_read(
            present,
            if present == Some(false) {
                NotReadReason::Absent
            } else {
                NotReadReason::PasswordRequired
            },
        );

        let card_read = public.card_expiry.map(|e| e.date);
        let (expiry, expiry_source) = match (card_read, options.card_expiry_typed) {
            (Some(read), typed) => {
                if typed.is_some_and(|t| t != read) {
                    warnings.push(Warning::CardExpiryMismatch);
                }
                (Some(read), Some(ExpirySource::Card))
            }
            (None, Some(typed)) => (Some(typed), Some(ExpirySource::User)),
            (None, None) => {
                warnings.push(Warning::CardExpiryUnknown);
                (None, None)
            }
        };

        let mut pins = Pins::new();
        for p in &public.pins {
            if p.state == PinState::Locked && !warnings.contains(&Warning::PinLocked) {
                warnings.push(Warning::PinLocked);
            }
            pins.insert(p.id, PinReport::from(p));
        }
        if matches!(auth, CertSlot::Read(_)) {
            warnings.push(Warning::RevocationNotChecked);
        }

        Ok(CardReport::new(
            reader,
            today,
            session.apdu_count(),
            CardInfo {
                kind: public.kind,
                expiry,
                expiry_source,
            },
            auth,
            sign,
            pins,
            warnings,
        ))
    }
}

/// The signing PIN's counter in a report, when the card told it.
pub fn sign_pin(report: &CardReport) -> Option<&PinReport> {
    report.pins.get(&PinId::Sign)
}
