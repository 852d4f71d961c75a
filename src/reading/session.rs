//! The one place a reading opens the card: a transaction, a [`CardSession`] on it, and the
//! extended-length fallback remembered on the transport afterwards, and the first chunk of the
//! user-authentication certificate handed on as soon as it arrives.

use crate::card::{AuthHead, CardSession};
use crate::transport::Transport;

use super::ReadError;

/// Runs `f` on a card session inside one transaction. When a completed session had to fall back
/// from extended-length APDUs, the transport remembers it, so the next reading does not try again.
pub(super) fn with_session<T, E: From<ReadError>>(
    transport: &mut dyn Transport,
    on_auth_head: Option<&mut AuthHead<'_>>,
    f: impl FnOnce(&mut CardSession<'_>) -> Result<T, E>,
) -> Result<T, E> {
    let extended = transport.supports_extended_length();
    let (result, fell_back) = {
        let mut tx = transport
            .transaction()
            .map_err(|e| E::from(ReadError::from(e)))?;
        let mut session = CardSession::new(tx.as_mut(), extended);
        if let Some(tell) = on_auth_head {
            session.on_auth_head(tell);
        }
        let result = f(&mut session);
        (result, session.extended_fell_back())
    };
    // Remembered after a reading that completed (as before the restructuring); a reading cut
    // short probes again next time.
    if fell_back && result.is_ok() {
        transport.disable_extended_length();
    }
    result
}
