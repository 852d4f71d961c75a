//! The genuineness check of one certificate read from the card (domain.md §3, "Trust"): from
//! the trust store's cached CA keys when it has one, else with the card's CA certificate.

use crate::card::{CardError, CardSession};
use crate::cert::{Certificate, Genuineness, TrustStore};

/// Judges `cert`, reading the CA certificate in `ca_file` only when no cached key verifies it.
/// A card that leaves, stops answering or loses its service during the CA read is an error (the
/// reading must not look complete); a CA file that cannot be read otherwise leaves the
/// certificate [`Genuineness::NotChecked`].
pub(super) fn judge(
    session: &mut CardSession<'_>,
    trust: &TrustStore,
    cert: &Certificate,
    ca_file: [u8; 2],
) -> Result<Genuineness, CardError> {
    if let Some(g) = trust.check_cached(cert) {
        return Ok(g);
    }
    match session.read_der_file(ca_file) {
        Ok(ca) => Ok(trust.check(cert, &ca)),
        Err(e) if e.ends_reading() => Err(e),
        Err(_) => Ok(Genuineness::NotChecked),
    }
}
