//! The simulated My Number Card: a card, not a script. It answers ISO 7816-4 APDUs from its
//! applications, files, PIN counters and security state ([`card`]), holds JPKI-shaped
//! certificates signed by a simulated CA ([`certs`]), comes in named [`Scenario`]s
//! ([`scenario`]) and sits behind the same [`crate::transport`] traits as a PC/SC reader
//! ([`transport`]). Tests, `--demo` and the vpcd virtual reader all use it.

pub mod card;
pub mod certs;
pub mod scenario;
pub mod transport;

pub use card::{AtrProfile, LoggedCommand, Manners, SimCard, SimCardBuilder, Token};
pub use certs::CertKind;
pub use scenario::{Scenario, ScenarioDates};
pub use transport::{SimReaders, SimReadersHandle, SimTransport};

/// The JST day the tests judge on (unit tests, behaviour tests, golden outputs, the window's
/// tests and the end-to-end rig alike), as the command line takes it.
pub const TEST_DAY: &str = "2026-11-28";

/// [`TEST_DAY`] as a date.
pub fn test_day() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap_or_default()
}

/// Bytes written as hex pairs, spaces allowed (`"00 A4 04 0C"`): the form command and response
/// scripts are written in. `None` for anything else.
pub fn from_hex(text: &str) -> Option<Vec<u8>> {
    let digits: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    if !digits.len().is_multiple_of(2) {
        return None;
    }
    digits
        .chunks(2)
        .map(|pair| {
            let hi = pair.first()?.to_digit(16)?;
            let lo = pair.get(1)?.to_digit(16)?;
            u8::try_from(hi * 16 + lo).ok()
        })
        .collect()
}

/// Why a simulated card could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SimError {
    /// A committed test key under `assets/sim/` does not load.
    #[error("simulated key unusable: {0}")]
    Key(String),
    /// A certificate could not be assembled or signed.
    #[error("simulated certificate could not be built: {0}")]
    Certificate(String),
    /// A scenario date falls outside what a certificate can hold.
    #[error("simulated date out of range: {0}")]
    Date(String),
    /// An unknown scenario name.
    #[error(
        "unknown scenario {0:?} (valid, renewable, expired, no-sign, locked, juki, not-mnc, smartphone)"
    )]
    UnknownScenario(String),
}

/// `store` with the simulated card's two roots as trust anchors: its certificates come out
/// verified-simulated, without a CA read. The product's own store ([`TrustStore::product`])
/// already holds them; this is for tests that start from [`TrustStore::jlis`].
///
/// [`TrustStore::product`]: crate::cert::TrustStore::product
/// [`TrustStore::jlis`]: crate::cert::TrustStore::jlis
pub fn with_simulated_roots(
    store: crate::cert::TrustStore,
) -> Result<crate::cert::TrustStore, SimError> {
    store
        .with_simulated_anchors()
        .map_err(|e| SimError::Certificate(e.to_string()))
}

/// A scenario's card read on [`TEST_DAY`] with the J-LIS roots, as unit tests of what is made
/// from a report (the reminder, the slip) start from.
#[cfg(test)]
pub(crate) fn test_report(scenario: Scenario) -> crate::report::CardReport {
    let mut t = SimTransport::new(scenario.card(test_day()).unwrap_or_else(|e| panic!("{e}")));
    let options = crate::reading::ReadOptions {
        today: test_day(),
        card_expiry_typed: None,
    };
    crate::reading::Reader::jlis()
        .read(&mut t, &options)
        .unwrap_or_else(|e| panic!("{e}"))
}
