//! The Japanese expiry rules on JST dates: days left, status, renewal window, insurance grace,
//! and 和暦.

use serde::Serialize;

/// Where a certificate stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Before notBefore.
    NotYetValid,
    /// Valid, renewal window not yet open.
    Valid,
    /// Valid, and renewal is already possible.
    Renewable,
    /// Past the last valid day.
    Expired,
}
