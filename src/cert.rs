//! X.509 facts of the JPKI certificates, and their genuineness against the J-LIS roots.

use serde::Serialize;

/// The result of the genuineness check of one certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Genuineness {
    /// Signed by a CA certificate that is one of the compiled-in J-LIS roots.
    Verified,
    /// The signature checks against the card's CA certificate, but that CA is not in the table.
    UnknownRoot,
    /// The signature does not check.
    Failed,
    /// Not checked (the CA certificate could not be read).
    NotChecked,
}
